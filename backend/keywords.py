"""Korean keyword analysis for BM25: Kiwi morphemes, a loanword dictionary and script pairing.

Kiwi splits unfamiliar loanwords in some contexts ("도커" alone comes out as 도/JX 크/VA 어/EF,
while "도커를" is fine). The dictionary that fixes this is built from the corpus: every noun Kiwi
finds in a note is checked alone and with a particle, and the unstable ones become user words.
English terms are mapped onto the Korean form their note (or the glossary) pairs them with, so
"Docker" in a question matches "도커" in a note and the other way round.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from functools import lru_cache

from backend.chunking import normalize_text

# Kiwi without its multi-word and typo dictionaries: ~125 MB and 0.8 s to load instead of ~480 MB
# and 2.3 s, the same morphemes on every benchmark (bench/korquad.py, bench/calibrate.py).
# Bump when analysis changes: stored chunks are then re-analysed (never re-embedded).
ANALYZER_VERSION = "kiwi-0.24 no-multi-typo terms-8"

# fmt: off
KEPT_TAGS = {"NNG", "NNP", "NR", "SL", "SN", "SH", "VV", "VA", "XR", "MAG"}
NOUN_TAGS = {"NNG", "NNP"}
PIECE_CHARS = 2000  # the longest text one Kiwi call analyses while indexing (it holds the GIL)
PROBE_BATCH = 64
# Adverbs that carry no topic; the rest (항상, 무조건, 직접 ...) stay: they decide yes/no questions.
STOP_ADVERBS = {
    "그럼", "그리고", "그래서", "또", "또한", "좀", "잘", "더", "왜", "어떻게", "이렇게", "그렇게", "다", "안", "못",
}
STOP_WORDS = {
    # English function words (Kiwi tags them SL)
    "a", "an", "the", "is", "are", "was", "were", "be", "been", "do", "does", "did", "of", "to", "in",
    "on", "for", "with", "by", "at", "as", "and", "or", "than", "that", "this", "it", "its", "what",
    "which", "who", "how", "why", "when", "can", "could", "should", "would", "i", "you", "we", "my",
    "there", "about", "from", "into", "etc", "vs", "s", "t", "png", "untitled", "http", "https", "www", "com",
    "happens", "happen", "use", "uses", "used", "using", "too", "many", "much", "one", "still", "need", "needs",
    "me", "if", "so", "not", "no", "any", "some", "all", "more", "most", "other", "just", "only", "also",
    "get", "got", "make", "made", "run", "runs", "way", "ways", "thing", "things", "kind", "between",
    "choice", "work", "works", "have", "has", "had", "will", "may", "might", "then",
    # Korean light verbs and pronouns
    "하", "되", "있", "없", "같", "이", "그", "저", "것", "수", "때", "등",
    # words that shape a question but name no topic ("...하는 방법은?", "...의 역할은?")
    "방법", "이유", "역할", "한계", "차이", "차이점", "경우", "점", "일", "무엇", "뭐", "어떤", "쓰", "하나",
    "너무", "많이", "말", "가지", "따로", "용도", "종류", "언제", "어디", "누구", "얼마", "정도", "대해", "관련",
    "알려주", "알리", "설명", "뜻", "의미", "순서", "방식", "확인", "지난번", "저번",
}

# Words that say when, or how good, without naming what: a note on anything may hold 내일, 아침 or
# *best*. Coverage counts them only when a question has nothing else (backend.confidence): held,
# they let "내일 아침에 우산 챙겨야 해?" and "What helps with a migraine?" look covered by notes
# about other matters. Chosen on the far-off bank's development half (bench/HISTORY.md, stop 31).
WHEN_NOT_WHAT = frozenset(
    "오늘 내일 모레 어제 이번 지난 다음 요즘 요새 올해 작년 내년 지금 최근 아침 저녁 점심 오전 오후 새벽 주말 시간 "
    "help helps best worth good better tonight today tomorrow yesterday now".split()
)

# Loanwords and their English forms. The corpus adds its own "한글 (English)" pairs at index time.
GLOSSARY: dict[str, str] = {
    "docker": "도커", "container": "컨테이너", "containers": "컨테이너", "kubernetes": "쿠버네티스",
    "k8s": "쿠버네티스", "hypervisor": "하이퍼바이저", "image": "이미지", "images": "이미지", "engine": "엔진",
    "linux": "리눅스", "windows": "윈도우", "window": "윈도우", "host": "호스트", "guest": "게스트",
    "instance": "인스턴스", "network": "네트워크", "networking": "네트워킹", "license": "라이센스",
    "licence": "라이센스", "licensing": "라이센스", "resource": "리소스", "resources": "리소스",
    "legacy": "레거시", "application": "애플리케이션", "applications": "애플리케이션", "app": "애플리케이션",
    "virtual": "가상", "machine": "머신", "server": "서버", "servers": "서버", "hardware": "하드웨어",
    "software": "소프트웨어", "environment": "환경", "enviroment": "환경", "platform": "플랫폼",
    "cluster": "클러스터", "orchestration": "오케스트레이션", "isolation": "격리", "isolated": "격리",
    "load": "로드", "balancing": "밸런싱", "traffic": "트래픽", "tool": "툴", "service": "서비스",
    "opensource": "오픈소스", "always": "항상", "relationship": "관계", "daemon": "데몬", "root": "루트",
    "security": "보안", "backup": "백업", "restore": "복구", "recovery": "복구", "branch": "브랜치",
    "merge": "병합", "install": "설치", "setting": "설정", "settings": "설정", "config": "설정",
    "configuration": "설정", "file": "파일", "files": "파일", "user": "사용자", "users": "사용자",
    "permission": "권한", "permissions": "권한", "log": "로그", "logs": "로그", "error": "오류", "errors": "오류",
    "memory": "메모리", "cpu": "cpu", "storage": "저장", "volume": "볼륨", "volumes": "볼륨", "relation": "관계",
    "difference": "다르", "different": "다르", "differ": "다르", "efficient": "효율", "efficiency": "효율",
    "limit": "제한", "limits": "제한", "hosts": "호스트", "developer": "개발자", "developers": "개발자",
    "better": "좋", "good": "좋", "manage": "관리", "management": "관리", "managed": "관리",
}
# what the glossary maps English adjectives and adverbs onto: words, not nouns
GLOSSARY_NOT_NOUNS = frozenset({"좋", "다르", "항상"})
# capitalised in English without naming anything in particular
_CAPITALISED_WORDS = frozenset(
    "i monday tuesday wednesday thursday friday saturday sunday january february march april may june "
    "july august september october november december".split()
)
# Several Korean spellings of one loanword, or a compound written together, map onto one form.
VARIANTS: dict[str, tuple[str, ...]] = {
    "라이선스": ("라이센스",),
    "어플리케이션": ("애플리케이션",),
    "애플리캐이션": ("애플리케이션",),
    "가상머신": ("가상", "머신"),
    "도커엔진": ("도커", "엔진"),
    "vm": ("가상", "머신"),
    "vms": ("가상", "머신"),
    "os": ("운영", "체제"),
    "운영체제": ("운영", "체제"),
    "무조건": ("항상",),
    "자원": ("리소스",),
    "라이센스": ("라이센스",),
    "언제나": ("항상",),
    "k8s": ("쿠버네티스",),
}
# Transliterated loanwords Kiwi may cut apart ("데몬이" -> 데 + 몬): always whole words.
SEED_WORDS = (
    "도커", "컨테이너", "쿠버네티스", "하이퍼바이저", "가상머신", "이미지", "엔진", "리눅스", "윈도우", "호스트",
    "게스트", "인스턴스", "네트워크", "네트워킹", "라이센스", "라이선스", "리소스", "레거시", "애플리케이션", "머신",
    "서버", "하드웨어", "소프트웨어", "플랫폼", "클러스터", "오케스트레이션", "트래픽", "서비스", "오픈소스", "데몬",
    "루트", "백업", "브랜치", "파일", "로그", "메모리", "볼륨", "데이터베이스", "스냅샷",
)
# fmt: on

_PAIR = re.compile(
    r"([가-힣]{2,})\s*\(\s*([A-Za-z][A-Za-z0-9 .+-]{1,40}?)\s*\)"  # 한글 (English)
    r"|([A-Za-z][A-Za-z0-9.+-]{1,40})\s*\(\s*([가-힣]{2,})\s*\)"  # English (한글)
)
_LATIN = re.compile(r"[A-Za-z0-9]+(?:[._+-][A-Za-z0-9]+)*")
_LATIN_PART = re.compile(r"[._+-]")
_HANGUL_NOUN = re.compile(r"^[가-힣]{2,10}$")
HANGUL = re.compile(r"[가-힣]")  # a Hangul syllable: Korean text
_SENTENCE_ENDS = (".", "?", "!", "。", "？", "！", ":", ";")
NAME, NOUN, WORD = "name", "noun", "word"  # kinds of terms (KoreanAnalyzer.classified_terms)
_NOT_NOUNS: dict[str, bool] = {}  # KoreanAnalyzer.not_a_noun, for any analyser


class KoreanAnalyzer:
    """Turns text into BM25 terms; holds one Kiwi with the corpus' user words.

    No lock: once built, a Kiwi is only read, and concurrent tokenize calls on one instance gave
    the same morphemes as single-threaded ones (24,000 calls from 1-4 threads); a long call
    releases the GIL, so a question is analysed while indexing analyses a large note."""

    def __init__(self, user_words: Iterable[str] = (), pairs: dict[str, str] | None = None) -> None:
        from kiwipiepy import Kiwi, MorphemeSet

        self.user_words, self.pairs = self.vocabulary(user_words, pairs or {})
        self._kiwi = Kiwi(load_multi_dict=False, load_typo_dict=False)
        for word in self.user_words:
            self._kiwi.add_user_word(word, "NNP", 0.0)
        corpus_words = [(w, "NNP") for w in self.user_words if w not in SEED_WORDS]
        # note_vocabulary must judge words as a dictionary without the corpus' own words would
        self._without_corpus_words = MorphemeSet(self._kiwi, corpus_words) if corpus_words else None
        # a question is analysed to resolve it and again to search it: remember the recent ones
        self.classified_terms = lru_cache(maxsize=1024)(self._classified_terms)
        # a question's terms and its compounds come from one analysis (Kiwi: ~0.1 ms a question);
        # a few entries only, as indexing analyses every sentence through here too
        self._tokens = lru_cache(maxsize=16)(self._kiwi.tokenize)
        self._kiwi.tokenize("준비")  # Kiwi compiles its dictionary on first use: pay it here, not in a query

    @staticmethod
    def vocabulary(user_words: Iterable[str], pairs: dict[str, str]) -> tuple[tuple[str, ...], dict[str, str]]:
        """The full dictionary an analyser built from these corpus words and pairs uses."""
        return tuple(sorted(set(user_words) | set(SEED_WORDS))), {**GLOSSARY, **pairs}

    def terms(self, text: str) -> list[str]:
        """BM25 terms of a text, in order, with repeats (term frequency matters)."""
        return [term for term, _kind in self.classified_terms(text)]

    def line_terms(self, line: str) -> list[str]:
        """Terms of a note's line; a fragment (a heading, a bullet with no ending) also read as
        a sentence: Kiwi cuts a bare "첫날" into 첫 + 날 but reads "첫날." whole, as a question writes it."""
        terms = self.terms(line)
        if line.rstrip().endswith(_SENTENCE_ENDS):
            return terms
        return terms + [t for t in self.terms(line.rstrip() + ".") if t not in terms]

    def _classified_terms(self, text: str) -> tuple[tuple[str, str], ...]:
        """BM25 terms, each with its kind: NAME for what names something specific (a proper noun, a
        number of two digits or more, a Latin word inside Korean text: MySQL, bisect), NOUN for other
        nouns, WORD for verbs, adjectives and adverbs. A question naming what no note mentions is
        rarely answered by the notes, however close its other words come."""
        text = normalize_text(text)
        korean_text = HANGUL.search(text) is not None
        terms: list[tuple[str, str]] = []
        for found in _LATIN.finditer(text):  # file names, versions, EC2: Kiwi would cut them apart
            named = korean_text or _english_name(text, found)
            for part in _LATIN_PART.split(found.group().lower()):
                if part and not (part.isdigit() and len(part) == 1):  # list numbers say nothing
                    canonical = self._canonical(part)
                    name = (part.isdigit() or named) and canonical == (part,)
                    noun = korean_text or (canonical != (part,) and canonical[0] not in GLOSSARY_NOT_NOUNS)
                    kind = NAME if name else NOUN if noun else WORD  # English words are untagged
                    terms.extend((t, kind) for t in canonical)
        for token in self._tokens(text):
            if token.tag not in KEPT_TAGS or token.tag in ("SL", "SN"):  # Latin and numbers: taken above
                continue
            form = token.form
            if token.tag == "MAG" and form in STOP_ADVERBS:
                continue
            if token.tag == "MAG" and len(form) > 2 and form.endswith("히"):
                form = form[:-1]  # 완전히 -> 완전: the adverb matches its noun (완전격리)
            kind = NOUN if token.tag in ("NNG", "NNP", "NR", "XR") else WORD
            if token.tag in ("VA", "VV") and len(form) > 2 and form.endswith("하"):
                # 충분하 -> 충분: Kiwi reads 충분함 as one adjective but 충분한가 as the root 충분 + 하
                form, kind = form[:-1], NOUN
            if token.tag == "NNP" and form not in SEED_WORDS and form not in self.pairs.values():
                kind = NAME
            terms.extend((t, kind) for t in self._canonical(form))
        return tuple((t, kind) for t, kind in terms if t and t not in STOP_WORDS)

    def not_a_noun(self, term: str) -> bool:
        """Whether a term is a verb or adjective stem or an adverb (끓이, 다르, 먼저), not a noun
        (캐시, 푸시): Kiwi reads the term with 다 after it as that one word. Kept for every analyser
        (a term's reading does not depend on the corpus' words, which are nouns): ~45 µs a new term."""
        if term in self.user_words:
            return False
        known = _NOT_NOUNS.get(term)
        if known is None:
            known = _NOT_NOUNS[term] = self._classified_terms(term + "다") == ((term, WORD),)
        return known

    def compounds(self, text: str) -> list[tuple[str, ...]]:
        """Nouns Kiwi split but the text writes as one word (엔진엑스 -> 엔진, 엑스): loanword candidates."""
        tokens = self._tokens(normalize_text(text))
        joined: list[tuple[str, ...]] = []
        run: list = []
        for token in [*tokens, None]:
            if token is not None and token.tag in NOUN_TAGS and run and token.start == run[-1].start + run[-1].len:
                run.append(token)
                continue
            if len(run) > 1:
                joined.append(tuple(t.form for t in run))
            run = [token] if token is not None and token.tag in NOUN_TAGS else []
        return joined

    def english_sources(self, text: str) -> dict[str, tuple[str, ...]]:
        """The English words of a text that the glossary or a note's pairs turned into Korean terms,
        by term: "glass containers" -> {컨테이너: (containers,)}."""
        sources: dict[str, tuple[str, ...]] = {}
        for found in _LATIN.finditer(normalize_text(text)):
            for part in _LATIN_PART.split(found.group().lower()):
                if part and (canonical := self._canonical(part)) != (part,):
                    for term in canonical:
                        sources[term] = (*sources.get(term, ()), part)
        return sources

    def _canonical(self, form: str) -> tuple[str, ...]:
        if form in VARIANTS:
            return VARIANTS[form]
        if form in self.pairs:
            korean = self.pairs[form]
            return VARIANTS.get(korean, (korean,))
        return (form,)

    def note_vocabulary(self, text: str) -> tuple[list[str], dict[str, str]]:
        """The user words and English-Korean pairs a note brings (independent of other notes)."""
        text = normalize_text(text)
        pairs: dict[str, str] = {}
        for match in _PAIR.finditer(text):
            korean, english = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
            english = english.strip().lower()
            if " " not in english and english not in STOP_WORDS:
                pairs[english] = korean
        # nouns seen right before a particle: the contexts Kiwi got right in this note. Kiwi holds
        # the GIL while it analyses, so a long note goes in short pieces: questions asked
        # meanwhile wait for one piece, not for the whole note.
        nouns: set[str] = set()
        for piece in _pieces(text):
            tokens = self._kiwi.tokenize(piece, blocklist=self._without_corpus_words)
            nouns.update(
                a.form
                for a, b in zip(tokens, tokens[1:])
                if a.tag in NOUN_TAGS and b.tag.startswith("J") and _HANGUL_NOUN.match(a.form)
            )
        candidates = sorted(nouns - set(SEED_WORDS))
        probes = [probe for noun in candidates for probe in (noun, f"그리고 {noun}는")]
        forms = [
            {t.form for t in result}
            for start in range(0, len(probes), PROBE_BATCH)
            for result in self._kiwi.tokenize(probes[start : start + PROBE_BATCH], blocklist=self._without_corpus_words)
        ]
        unstable = {n for i, n in enumerate(candidates) if n not in forms[2 * i] or n not in forms[2 * i + 1]}
        unstable |= {korean for korean in pairs.values() if _HANGUL_NOUN.match(korean) and korean not in SEED_WORDS}
        return sorted(unstable), pairs


class AnalyzerPool:
    """Analysers by corpus vocabulary; building a Kiwi takes a second and ~300 MB, so the pool keeps
    the most recent one: queries and indexing share it (without locks). While a reindex changes
    the dictionary, the old analyser lives on with the retriever that uses it, then goes."""

    def __init__(self, keep: int = 1) -> None:
        self._by_vocabulary: dict[tuple, KoreanAnalyzer] = {}
        self._keep = keep
        self._lock = threading.Lock()

    def for_vocabulary(self, user_words: Iterable[str], pairs: dict[str, str]) -> KoreanAnalyzer:
        words, merged = KoreanAnalyzer.vocabulary(user_words, pairs)
        key = (words, tuple(sorted(merged.items())))
        with self._lock:
            analyzer = self._by_vocabulary.pop(key, None)
            if analyzer is None:
                analyzer = KoreanAnalyzer(user_words, pairs)
            self._by_vocabulary[key] = analyzer  # most recent last
            while len(self._by_vocabulary) > self._keep:
                self._by_vocabulary.pop(next(iter(self._by_vocabulary)))
            return analyzer


def _english_name(text: str, found: re.Match) -> bool:
    """Whether a Latin word of an English text names something: written in capitals (SSH) or
    capitalised inside a sentence (Joseon, Seoul, Universal Studios), not a weekday, month or I."""
    word = found.group()
    if len(word) > 1 and word.isupper():
        return True
    before = text[: found.start()].rstrip(" \t")
    starts_sentence = not before.strip() or before[-1] in ".!?:;\n\"'(["
    return word[0].isupper() and not starts_sentence and word.lower() not in _CAPITALISED_WORDS


def _pieces(text: str, limit: int = PIECE_CHARS) -> Iterator[str]:
    """The text's lines, a line longer than `limit` cut at a space (or at `limit`)."""
    for line in text.splitlines():
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit) + 1 or limit
            yield line[:cut]
            line = line[cut:]
        if line.strip():
            yield line
