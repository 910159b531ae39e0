"""Loanwords across scripts: a Hangul word and the Latin word it transliterates share a key.

"리베이스" ↔ rebase, "커밋" ↔ commit, "브랜치" ↔ branch, "쿠버네티스" ↔ Kubernetes: Korean notes
write English terms both ways, often in the same note, and no glossary can list them all. Both
spellings reduce to the consonant skeleton transliteration keeps: vowels and glides dropped,
voiced and voiceless consonants merged, an English r before a consonant silent (서버 server).
Skeletons are short, so a match also needs a Hangul word that cannot be Sino-Korean (most
Korean vocabulary is; 연도 and 재료 are, 커밋 and 푸시 are not), vowel counts that agree, a first
vowel English may be heard as (파드 is pod, not food), a word-initial vowel on both sides or
neither (도커 is not outage), and stops voiced alike (English writes p t k as ㅍ ㅌ ㅋ and b d g as
ㅂ ㄷ ㄱ: cat is 캣, never 가이드 or 카드); an English final -y ends in ㅣ (베리 is very, 벌레 is not), and
ㅡ before a final ㅅ is native (버릇 is no vault). A plural is also found by its singular (시크릿 secrets),
and a long name by the start Korean keeps of it (포스트그레스 postgresql). An acronym spelled out letter
by letter (브이피엔, 에이피아이, 디비) is read as its letters (vpn, api, db), and back.
A Hangul word is a noun: a verb stem such as 끓이 or 깔리 only looks borrowed (*chili* is neither).
Measured on KorQuAD questions (bench/calibrate.py prints the effect on retrieval and decisions).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Collection

_HANGUL_BASE = 0xAC00
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_FINALS = " ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"
_I = {name: i for i, name in enumerate(_INITIALS)}  # initial consonants
_M = {name: i for i, name in enumerate(_MEDIALS)}  # vowels
_F = {name: i for i, name in enumerate(_FINALS)}  # final consonants

# the key letter of each initial (ㅇ is silent) and each final; a final ㅅ is an English t (커밋 commit,
# 깃 git), a final ㅇ an ng (링크 link)
_INITIAL_KEY = "KKNTTRMPPSS JJJKTPH"
_FINAL_KEY = " KKKNNNTRRRRRRRRMPPTTNTTKTP "
_VOWELS = set("aeiou")
_SIMPLE = {"b": "P", "p": "P", "f": "P", "v": "P", "d": "T", "t": "T", "k": "K", "q": "K",
           "m": "M", "n": "N", "l": "R", "j": "J"}  # fmt: skip
_LATIN_WORD = re.compile(r"^[a-z]{3,30}$")
_HANGUL_WORD = re.compile(r"^[가-힣]{2,12}$")
MAX_VARIANTS = 8
# Korean often writes a long English name cut short (포스트그레스 for PostgreSQL): a Hangul word whose
# skeleton is a Latin word's but for its last SHORTENED letters matches it, when no word matches whole, the
# shortened skeleton is at least MIN_SHORT_KEY letters (a short one would match too much) and the beats agree.
SHORTENED = 2
MIN_SHORT_KEY = 5
# the Korean vowels an English word's first vowel (or vowel pair) is transliterated with
_HEARD_AS = {
    "oo": "ㅜㅠㅓㅗ", "ou": "ㅏㅜㅓㅗㅠ", "ea": "ㅣㅔㅐㅏㅓ", "ui": "ㅣㅜㅟ",
    "a": "ㅏㅐㅔㅓㅗㅑㅒㅘㅙㅞㅝㅚ", "o": "ㅗㅏㅓㅜㅘㅚㅝㅛ", "e": "ㅔㅐㅣㅓㅖㅕㅠㅟ",
    "i": "ㅣㅏㅓㅐㅔㅟㅢ", "u": "ㅓㅜㅠㅝㅟㅣ", "y": "ㅣㅏㅐㅑㅕㅛㅠㅒㅖ",
}  # fmt: skip
_FIRST_VOWEL = re.compile(r"[aeiouy]+")
_STOPS = "KTP"
_ASPIRATED = {_I[c] for c in "ㅋㅌㅍ"}
_PLAIN = {_I[c] for c in "ㄱㄷㅂ"}

# Sino-Korean syllables follow rules loanwords break: they end in no consonant or in ㄱㄴㄹㅁㅂㅇ,
# never start tense (but 쌍, 씨), never carry a bare ㅡ, use ㅋ only in 쾌 and ㅔ only in 세, 제,
# and never pair these initials and vowels:
_NON_SINO = {
    (_I[i], _M[m])
    for initials, vowels in (
        ("ㄴㄹㅁㅌㅍ", "ㅓ"),  # 너 러 머 터 퍼 (더 버 below: 덕 번 법 are Sino)
        ("ㄷㅂㅅㅈㅊㅌㅍ", "ㅑㅠ"),  # 뷰 슈 츄 튜 퓨 샤
        ("ㅅㅈㅊ", "ㅕㅛ"),  # 션 쇼 죠: Sino-Korean merged these into plain vowels
        ("ㅌ", "ㅕㅛㅣ"),  # 티 텍
        ("ㅍ", "ㅜ"),  # 푸
        ("ㅂㅍㅌ", "ㅡ"),  # 블 플 틀
    )
    for i in initials
    for m in vowels
}
_NON_SINO_OPEN = {(_I["ㄷ"], _M["ㅓ"]), (_I["ㅂ"], _M["ㅓ"])}  # 더 버, but 덕 번 법
_SINO_FINALS = {_F[f] for f in " ㄱㄴㄹㅁㅂㅇ"}
_NATIVE_AFTER_EU = {_F[f] for f in "ㄷㅅㅆㅈㅊㅋㅌㅍㅎ"}  # 읏 읒 읕 ...: native syllables (버릇, 그릇)
_ENDS_IN_I = re.compile(r"(y|ee|ie)$")  # very, coffee, cookie: Korean ends them in ㅣ (베리, 커피, 쿠키)
_TENSE = {_I[i] for i in "ㄲㄸㅃㅉ"}


def jamo(char: str) -> tuple[int, int, int] | None:
    """A Hangul syllable's initial, vowel and final (indexes into the tables above); None for any
    other character."""
    index = ord(char) - _HANGUL_BASE
    return (index // 588, index % 588 // 28, index % 28) if 0 <= index < 11172 else None


def _syllables(word: str):
    for char in word:
        yield char, *jamo(char)


def hangul_key(word: str) -> str:
    """The consonant skeleton of a Hangul word: 리베이스 -> RPS, 컨테이너 -> KNTN."""
    key = "".join(_INITIAL_KEY[i] + _FINAL_KEY[f] for _char, i, _m, f in _syllables(word)).replace(" ", "")
    return re.sub("R+", "R", key)  # 플리, 헬리: Korean doubles an English l between vowels


def latin_keys(word: str) -> set[str]:
    """The skeletons a Latin word may be transliterated with (a few, where English is ambiguous)."""
    return set(_latin_skeletons(word))


def _latin_skeletons(word: str) -> dict[str, str]:
    """Each skeleton of a Latin word with the voicing of its stops (see hangul_stops)."""
    word = re.sub(r"(.)\1", r"\1", word.lower())  # commit, cherry: a doubled letter is one sound
    variants = [("", "")]
    i = 0
    while i < len(word):
        options, step = _latin_sound(word, i)
        voicing = _latin_voicing(word[i : i + step])
        variants = [(v + o, s + voicing * sum(k in _STOPS for k in o)) for v, s in variants for o in options]
        variants = variants[:MAX_VARIANTS]
        i += step
    skeletons: dict[str, str] = {}
    for key, stops in variants:
        key = re.sub("R+", "R", key)
        known = skeletons.setdefault(key, stops)  # two readings of one skeleton: keep what they agree on
        skeletons[key] = "".join(a if a == b else "-" for a, b in zip(known, stops))
    return skeletons


def _latin_voicing(sound: str) -> str:
    """u for a voiceless English stop (p t k, and f: 파일 file), v for a voiced one (b d g, and v:
    서버 server), - where Korean spelling does not follow voicing (th, gh, x)."""
    if sound in ("th", "gh") or sound[0] == "x":
        return "-"
    return "u" if sound[0] in "ptkcqf" else "v" if sound[0] in "bdgv" else "-"


def hangul_stops(word: str) -> str:
    """The voicing of each stop in a Hangul word's skeleton: u for ㅋ ㅌ ㅍ starting a syllable,
    v for ㄱ ㄷ ㅂ, - for a tense or final consonant (껌, 커밋's ㅅ), whose spelling says nothing."""
    stops = []
    for _char, initial, _medial, final in _syllables(word):
        if _INITIAL_KEY[initial] in _STOPS:
            stops.append("u" if initial in _ASPIRATED else "v" if initial in _PLAIN else "-")
        if _FINAL_KEY[final] in _STOPS:
            stops.append("-")
    return "".join(stops)


def _latin_sound(w: str, i: int) -> tuple[tuple[str, ...], int]:
    """The key letters of the English sound starting at w[i], and how many letters it spans."""
    c = w[i]
    nxt = w[i + 1] if i + 1 < len(w) else ""
    after = w[i + 2] if i + 2 < len(w) else ""
    vowel_next = nxt in _VOWELS or nxt == "y"
    digraph = c + nxt
    if c in _VOWELS or c in "wy":
        return ("",), 1
    if w.startswith("tch", i):
        return ("J",), 3
    if digraph == "ch":
        if after in ("r", "l"):
            return ("K",), 2  # chrome 크롬
        return (("J", "K", "S") if w.endswith("che") and i + 3 == len(w) else ("J", "K")), 2  # cache 캐시
    if digraph in ("sh", "th", "ph", "ck", "qu"):
        return {"sh": ("S",), "th": ("T", "S"), "ph": ("P",), "ck": ("K",), "qu": ("K",)}[digraph], 2
    if digraph == "gh":
        return (("K",) if i == 0 else ("",)), 2
    if digraph == "dg" and after == "e":
        return ("J",), 2
    if digraph == "ng" and not (after in _VOWELS or after == "y"):
        return ("N",), 2  # a final ㅇ (링크 link), but not in engine 엔진
    if c == "x":
        return ("KS",), 1
    if c in "ts" and nxt == "i" and after == "o":  # -tion, -sion: 션
        return (("S", "J") if c == "s" else ("S",)), 1
    if c == "c":
        return (("S",) if nxt in ("e", "i", "y") else ("K",)), 1
    if c == "g":
        return (("J", "K") if nxt in ("e", "i", "y") else ("K",)), 1
    if c == "z":
        return ("J", "S"), 1
    if c == "s":
        between = i > 0 and (w[i - 1] in _VOWELS or w[i - 1] in "wy") and vowel_next
        return (("S", "J") if between else ("S",)), 1  # base 베이스, visor 바이저
    if c == "r":
        return (("R",) if vowel_next else ("",)), 1  # 서버 server, 도커 docker: no r before a consonant
    if c == "h":
        return (("H",) if vowel_next else ("",)), 1
    return (_SIMPLE.get(c, ""),), 1


def hangul_beats(word: str) -> int:
    """Vowel sounds of a transliterated word: its syllables without the ㅡ Korean adds to English
    consonant clusters (스, 트, 브), the 이 ending a diphthong (베이, 마이) or a 시/지/치 ending (푸시)."""
    beats = 0
    previous_open = False
    for _char, initial, medial, final in _syllables(word):
        open_syllable = final == 0
        epenthetic = medial == _M["ㅡ"] and open_syllable
        diphthong_end = initial == _I["ㅇ"] and medial == _M["ㅣ"] and open_syllable and previous_open
        sh_end = initial in (_I["ㅅ"], _I["ㅈ"], _I["ㅊ"]) and medial == _M["ㅣ"] and open_syllable and beats > 0
        beats += not (epenthetic or diphthong_end or sh_end)
        previous_open = open_syllable
    return beats


def latin_beats(word: str) -> int:
    """Vowel groups of an English word, without a silent final e (rebase, merge)."""
    groups = re.findall(r"[aeiouy]+", word[1:] if word[:1] == "y" else word)
    silent = len(groups) > 1 and re.search(r"[^aeiouy]e$", word) is not None
    return len(groups) - silent


def looks_borrowed(word: str) -> bool:
    """True when a syllable cannot be Sino-Korean: 커밋, 푸시, 리베이스, 토큰 - not 연도, 재료; nor
    a native word with ㅡ before a final such as ㅅ (버릇, 그릇), which no transliteration writes (vault
    is 볼트, cut 컷)."""
    syllables = list(_syllables(word))
    if any(medial == _M["ㅡ"] and final in _NATIVE_AFTER_EU for _c, _i, medial, final in syllables):
        return False
    for char, initial, medial, final in syllables:
        if final not in _SINO_FINALS or (medial == _M["ㅡ"] and final == 0):
            return True
        if initial in _TENSE or (initial == _I["ㅆ"] and char not in "쌍씨"):
            return True
        if (initial == _I["ㅋ"] and medial != _M["ㅙ"]) or (medial == _M["ㅔ"] and char not in "세제"):
            return True
        if (initial, medial) in _NON_SINO or ((initial, medial) in _NON_SINO_OPEN and final == 0):
            return True
        if (initial, medial) == (_I["ㅌ"], _M["ㅗ"]) and final not in (0, _F["ㅇ"]):  # 톤 톱: only 토 통 are Sino
            return True
    return False


def _first_vowel_agrees(hangul: str, latin: str) -> bool:
    """Whether both words start with a vowel or neither (web 웹, engine 엔진; a wh may be 화 or 와),
    and the Hangul word's first vowel is one the Latin word's first vowel is heard as."""
    _char, initial, medial, _final = next(_syllables(hangul))
    if (initial == _I["ㅇ"]) != (latin[0] in "aeiouyw") and not latin.startswith("wh"):
        return False
    # the first vowel that is not the ㅡ Korean adds to a cluster (스프링: 프 is epenthetic, 링 counts)
    heard = next((v for _c, _i, v, f in _syllables(hangul) if v != _M["ㅡ"] or f), _M["ㅡ"])
    vowels = _FIRST_VOWEL.search(latin[1:] if latin[0] == "y" else latin)
    if heard == _M["ㅡ"] or vowels is None or latin[0] == "w":  # a w merges with its vowel: 와 워 웨 위
        return True
    group = vowels.group()
    allowed = _HEARD_AS.get(group[:2]) or _HEARD_AS[group[0]]
    return _MEDIALS[heard] in allowed


def _stops_agree(hangul: str, latin_stops: str) -> bool:
    """No stop voiceless on one side and voiced on the other (cat 캣, card 카드)."""
    return all(a == b or "-" in (a, b) for a, b in zip(hangul_stops(hangul), latin_stops))


def _plausible(key: str, hangul: str, latin: str, latin_stops: str) -> bool:
    """A shared skeleton is a match only for a borrowed-looking Hangul word whose vowel count,
    first vowel, stops (`latin_stops`: the Latin word's under `key`) and a final -y agree."""
    if len(key) < 2 or not looks_borrowed(hangul) or not _first_vowel_agrees(hangul, latin):
        return False
    if not _stops_agree(hangul, latin_stops):
        return False
    _char, _initial, last_vowel, _final = list(_syllables(hangul))[-1]
    if _ENDS_IN_I.search(latin) and _MEDIALS[last_vowel] not in "ㅣㅢ":
        return False  # 벌레 is not very
    return abs(hangul_beats(hangul) - latin_beats(latin)) <= (1 if len(key) >= 3 else 0)


# Revised Romanization, read backwards: a Korean word written in Latin letters (Busan 부산, Joseon
# 조선, bulgogi 불고기) is no loanword, so it has no skeleton to share; its spelling is read instead.
# Initials, longest first ("" is ㅇ); k t p also stand for ㄱ ㄷ ㅂ, as people write them (Kimchi).
# fmt: off
_RR_INITIALS = (
    ("kk", "ㄲ"), ("tt", "ㄸ"), ("pp", "ㅃ"), ("ss", "ㅆ"), ("jj", "ㅉ"), ("ch", "ㅊ"), ("g", "ㄱ"), ("k", "ㅋㄱ"),
    ("n", "ㄴ"), ("d", "ㄷ"), ("t", "ㅌㄷ"), ("r", "ㄹ"), ("l", "ㄹ"), ("m", "ㅁ"), ("b", "ㅂ"), ("p", "ㅍㅂ"),
    ("s", "ㅅ"), ("j", "ㅈ"), ("h", "ㅎ"), ("", "ㅇ"),
)
_RR_VOWELS = (
    ("yae", "ㅒ"), ("yeo", "ㅕ"), ("wae", "ㅙ"), ("ae", "ㅐ"), ("ya", "ㅑ"), ("eo", "ㅓ"), ("ye", "ㅖ"), ("wa", "ㅘ"),
    ("oe", "ㅚ"), ("yo", "ㅛ"), ("wo", "ㅝ"), ("we", "ㅞ"), ("wi", "ㅟ"), ("yu", "ㅠ"), ("eu", "ㅡ"), ("ui", "ㅢ"),
    ("a", "ㅏ"), ("e", "ㅔ"), ("o", "ㅗ"), ("u", "ㅜ"), ("i", "ㅣ"),
)
_RR_FINALS = (
    ("ng", "ㅇ"), ("k", "ㄱ"), ("g", "ㄱ"), ("n", "ㄴ"), ("t", "ㅅㄷ"), ("l", "ㄹ"), ("m", "ㅁ"), ("p", "ㅂ"),
    ("b", "ㅂ"), ("", " "),
)
# fmt: on
_RR_WORD = re.compile(r"^[a-z]{4,20}$")
MAX_READINGS = 256


def korean_readings(word: str) -> set[str]:
    """The Hangul words of two to six syllables that a Latin word reads as in Revised Romanization:
    joseon -> 조선 (and 좃언, ...: the caller keeps what its corpus writes). Empty for most English."""
    if not _RR_WORD.match(word):
        return set()
    readings: dict[int, list[str]] = {len(word): [""]}
    for start in range(len(word) - 1, -1, -1):  # every parse of word[start:], built from the end
        found: list[str] = []
        for initial, initials in _RR_INITIALS:
            if not word.startswith(initial, start):
                continue
            after_initial = start + len(initial)
            for vowel, medial in _RR_VOWELS:
                if not word.startswith(vowel, after_initial):
                    continue
                after_vowel = after_initial + len(vowel)
                for final, finals in _RR_FINALS:
                    end = after_vowel + len(final)
                    if not word.startswith(final, after_vowel) or end not in readings:
                        continue
                    for i in initials:
                        for f in finals:
                            syllable = chr(_HANGUL_BASE + (_I[i] * 21 + _M[medial]) * 28 + _F[f])
                            found.extend(syllable + rest for rest in readings[end][:MAX_READINGS])
        if found:
            readings[start] = found[:MAX_READINGS]
    return {r for r in readings.get(0, ()) if 2 <= len(r) <= 6}


def _spelled(table: tuple[tuple[str, str], ...]) -> dict[str, list[str]]:
    """A jamo -> the Latin letters Revised Romanization (and common usage, in the tables) writes it with."""
    spelled: dict[str, list[str]] = defaultdict(list)
    for latin, letters in table:
        for letter in letters:
            spelled[letter].append(latin)
    return spelled


_RR_OF_INITIAL, _RR_OF_VOWEL, _RR_OF_FINAL = map(_spelled, (_RR_INITIALS, _RR_VOWELS, _RR_FINALS))


def romanizations(word: str) -> set[str]:
    """The Latin spellings a Hangul word has in Revised Romanization, read as korean_readings reads
    them (g or k for ㄱ, d or t for ㄷ ...): 교토 -> kyoto, gyoto ...; 서울 -> seoul. A name of
    Korea or Japan is written so in an English note, and its Hangul form looks Sino-Korean (교토),
    so no loanword skeleton finds it. Empty for a word with a syllable the tables cannot spell."""
    if not _HANGUL_WORD.match(word):
        return set()
    spellings = [""]
    for _char, initial, medial, final in _syllables(word):
        syllables = [
            i + v + f
            for i in _RR_OF_INITIAL.get(_INITIALS[initial], ())
            for v in _RR_OF_VOWEL[_MEDIALS[medial]]
            for f in _RR_OF_FINAL.get(_FINALS[final], ())
        ]
        spellings = [s + syllable for s in spellings for syllable in syllables][:MAX_READINGS]
    return {s for s in spellings if _RR_WORD.match(s)}


# English letters as Korean says them: an acronym spelled out (VPN 브이피엔, API 에이피아이, DB 디비)
_LETTER_NAMES = {
    "에이": "a", "비": "b", "씨": "c", "시": "c", "디": "d", "이": "e", "에프": "f", "지": "g", "쥐": "g",
    "에이치": "h", "에치": "h", "아이": "i", "제이": "j", "케이": "k", "엘": "l", "엠": "m", "엔": "n", "오": "o",
    "피": "p", "큐": "q", "알": "r", "아르": "r", "에스": "s", "티": "t", "유": "u", "브이": "v", "더블유": "w",
    "엑스": "x", "와이": "y", "제트": "z",
}  # fmt: skip
_SAID_AS = {
    letter: [name for name, said in _LETTER_NAMES.items() if said == letter] for letter in "abcdefghijklmnopqrstuvwxyz"
}
MAX_ACRONYM = 6  # letters
_ACRONYM = re.compile(rf"^[a-z]{{2,{MAX_ACRONYM}}}$")  # what spelled_out reads: a query's terms are lower case


def acronyms(word: str) -> set[str]:
    """The acronyms of two to MAX_ACRONYM letters a Hangul word spells out letter by letter:
    브이피엔 -> vpn, 에이피아이 -> api (and 에이피아이 read otherwise, if it can be)."""
    if not word or len(word) > 3 * MAX_ACRONYM:
        return set()
    readings: dict[int, set[str]] = {0: {""}}
    for end in range(1, len(word) + 1):
        found = {
            start_reading + _LETTER_NAMES[word[start:end]]
            for start in range(max(0, end - 3), end)
            if word[start:end] in _LETTER_NAMES
            for start_reading in readings.get(start, ())
            if len(start_reading) < MAX_ACRONYM
        }
        if found:
            readings[end] = found
    return {r for r in readings.get(len(word), ()) if len(r) >= 2}


def spelled_out(acronym: str) -> set[str]:
    """The Hangul a Latin acronym of two to MAX_ACRONYM letters is said as: vpn -> 브이피엔 (the inverse
    of acronyms)."""
    if not _ACRONYM.match(acronym):
        return set()
    spellings = {""}
    for letter in acronym:
        spellings = {s + name for s in spellings for name in _SAID_AS[letter]}
    return spellings


def singular(word: str) -> str | None:
    """The singular of an English plural in -s (secrets, pods), None for other words (class, status)."""
    if len(word) >= 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return None


class LoanwordIndex:
    """The corpus' terms by phonetic key: finds the other script's spelling of a term."""

    def __init__(self, terms: Collection[str], not_a_noun: Callable[[str], bool] = lambda _term: False) -> None:
        """`not_a_noun` tells the corpus' verb and adjective stems and adverbs (KoreanAnalyzer.not_a_noun),
        which no Latin word spells."""
        self._terms = terms  # looked up by korean_readings and romanizations
        # key -> (term, the form keyed, the voicing of its stops under that key)
        self._latin: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
        self._hangul: dict[str, set[str]] = defaultdict(set)
        self._latin_start: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
        for term in terms:
            if _LATIN_WORD.match(term):
                for form in filter(None, (term, singular(term))):  # a plural also under its singular
                    for key, stops in _latin_skeletons(form).items():
                        self._latin[key].add((term, form, stops))
                        for cut in range(1, SHORTENED + 1):
                            if len(key) - cut >= MIN_SHORT_KEY:
                                self._latin_start[key[:-cut]].add((term, form, stops))
            elif _HANGUL_WORD.match(term) and looks_borrowed(term) and not not_a_noun(term):
                self._hangul[hangul_key(term)].add(term)

    def spellings(self, term: str) -> tuple[str, ...]:
        """Corpus terms in the other script that transliterate `term` (none for most words)."""
        if _HANGUL_WORD.match(term):
            key = hangul_key(term)
            found = {t for t, form, stops in self._latin.get(key, ()) if _plausible(key, term, form, stops)}
            # romanised, also as an English plural: 토마토 tomatoes (Sino-looking, so keyed by no skeleton)
            found.update(
                form
                for spelling in romanizations(term)
                for form in (spelling, spelling + "s", spelling + "es")
                if form in self._terms
            )
            found.update(a for a in acronyms(term) if a in self._terms)  # an acronym spelled out: 브이피엔 vpn
            if not found and looks_borrowed(term):  # a name Korean shortens: 포스트그레스 postgresql
                beats = hangul_beats(term)  # the letters cut carry no vowel (sql): 템플릿 is no temperature
                found = {
                    t
                    for t, form, stops in self._latin_start.get(key, ())
                    if latin_beats(form) == beats and _first_vowel_agrees(term, form) and _stops_agree(term, stops)
                }
            return tuple(sorted(found))
        found = set()
        if _LATIN_WORD.match(term):
            forms = filter(None, (term, singular(term)))
            found = {
                t
                for form in forms
                for key, stops in _latin_skeletons(form).items()
                for t in self._hangul.get(key, ())
                if _plausible(key, t, form, stops)
            }
            found.update(reading for reading in korean_readings(term) if reading in self._terms)
        # an acronym said letter by letter: vpn 브이피엔, and db or vm, too short for a skeleton
        found.update(said for said in spelled_out(term) if said in self._terms)
        return tuple(sorted(found))
