"""Extractive answers: a few sentences taken from the passages found, each with its [n] marker.

Nothing is generated: every sentence of an answer is a sentence of a note, so a citation can
never claim what its passage does not say. A yes/no question that a note asks and answers
itself ("질문 1. docker는 무조건 vm보다 좋다고 할 수 있는가? / no") leads with that verdict.
When the notes may not cover a question, the answer says so and still shows the closest
passages: never a dead end. The few words added around quotes follow the question's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from backend.chunking import HEADING_SEPARATOR
from backend.index import ChunkRecord, Sentence
from backend.keywords import HANGUL
from backend.models import Answer, Citation
from backend.search import SearchResult, script_of

MAX_SENTENCES = 4
QUOTED_PASSAGES = 3  # sentences are quoted from the top passages only
# A sentence of another note than the best passage's is quoted only if it scores this share of the
# best sentence: one common word ("먹다", "파일") no longer pulls a running diet into an answer about
# Docker (bench.calibrate "off-note": 14 -> 9 of 61 development answers, none of them losing its
# answering line; frozen half 19 -> 8 of 59, two of 56 losing it). Its passage is still cited.
OTHER_NOTE_SHARE = 0.7
RELATED = 3  # passages shown under an answer that was not found

# A sentence scores the share of the question's word weight it holds plus this weight times its
# closeness to the question in meaning (the model's cosine, scaled over the candidate sentences),
# and is quoted if it scores this share of the best: a question in other words than the note
# quotes the line that answers it instead of the section's title. Chosen on vault-dev and
# tests/data/devset.json (bench/calibrate.py "quotes"; see the README).
QUOTE_CLOSENESS = 0.5
QUOTE_FLOOR = 0.5
PASSAGE_DISCOUNT = 0.35  # a sentence of the n-th passage (from 0) scores 1 / (1 + 0.35 n) of its worth
# The top passages are cited in the order of their search score (as a share of the first's) plus
# this weight times their best sentence's worth: the passage holding the line that answers is cited
# first. Chosen on vault-dev, docker-dev, devset and KorQuAD 13 / 7 (bench/calibrate.py ask@1).
CITE_BY_SENTENCE = 0.3
# The share of a note's question (by idf) a user's question must hold for the note's yes or no to
# answer it: one minor word may be missing (기반 of 7, 0.86); "외장 디스크도 백업에 쓸 수 있어?" holds
# the subject of "외장 디스크 하나면 백업은 충분한가? 아니다" but not what it asks (충분). A wrong yes
# or no costs more than a missing one: the note's question and reply are quoted either way.
SAME_QUESTION = 0.75
Closeness = Callable[[list[str]], np.ndarray]  # sentences -> their cosine to the question

_YES_NO = re.compile(
    r"(ㄴ가|는가|은가|인가|을까|ㄹ까|나요|니까|습니까|는지|을지|[가까냐니]\s*\??\s*$|"
    r"^(is|are|does|do|can|should|will|would|must)\b)",
    re.IGNORECASE,
)
_ASKS_WHICH = re.compile(  # a question that asks for something in particular, not for a yes or no
    r"(뭐|무엇|뭘|언제|어디|누구|누가|왜|어떻게|어떤|얼마|몇|무슨|어느|\b(what|when|where|who|whom|why|how|which)\b)",
    re.IGNORECASE,
)
_NEGATIVE = re.compile(r"^(no|nope|아니[다요오]?|아닙니다|아니요|그렇지\s*않|없다)\b", re.IGNORECASE)
_POSITIVE = re.compile(r"^(yes|예|네|그렇다|맞다|맞습니다|정답)\b", re.IGNORECASE)

WORDS = {
    "ko": {
        "not_found": "노트에서 확실한 답을 찾지 못했습니다. 노트가 이 질문을 다루지 않을 수 있습니다. ",
        "closest": "가장 가까운 구절을 아래에 붙입니다.",
        "unknown": "노트 어디에도 나오지 않는 말: {words}. 노트에 쓴 말로 물으면 찾을 수도 있습니다. ",
        "empty": "아직 이 질문에 답할 노트가 없습니다. 관련 노트를 추가한 뒤 다시 물어봐 주세요.",
        "yes": "네.",
        "no": "아니요.",
        "verdict": "노트는 “{asked}”라는 물음에 “{reply}”라고 답합니다.",
        "cases": "노트가 드는 경우: ",
    },
    "en": {
        "not_found": "I could not find a sure answer in your notes; they may not cover this. ",
        "closest": "The closest passages are below.",
        "unknown": "Your notes never mention {words}; asking in the words they use may find it. ",
        "empty": "Your notes have nothing to answer this yet. Add a note about it and ask again.",
        "yes": "Yes.",
        "no": "No.",
        "verdict": "The note answers “{asked}” with “{reply}”.",
        "cases": "Cases the note gives: ",
    },
}


def language_of(question: str) -> str:
    """'ko' when the question has any Hangul, else 'en'."""
    return "ko" if HANGUL.search(question) else "en"


@dataclass(frozen=True)
class Verdict:
    """A note's own answer to a yes/no question like the user's."""

    hit: int  # index of the hit whose passage asks and answers it
    asked: Sentence
    reply: Sentence
    negative: bool
    same_question: bool  # the note asks what the user asks, so its reply answers yes or no


def compose_answer(
    question: str,
    result: SearchResult,
    confidence: float,
    *,
    found: bool,
    closeness: Closeness | None = None,
    unknown: Sequence[str] = (),
) -> Answer:
    """The answer to `question` from `result`: quoted sentences when found, the closest passages if
    not. `closeness` ranks sentences by meaning as well as by the question's words; `unknown`, the
    question's names no note holds, are named in a refusal (the words to ask differently)."""
    words = WORDS[language_of(question)]
    if not result.hits:
        return Answer(question, words["empty"], False, confidence)
    spelled = {s for found in result.spellings.values() for s in found}  # 리베이스 in the question, rebase in the note
    weights = {t: result.idf.get(t, 0.0) for t in set(result.query_terms) | spelled}
    closeness = _across_scripts(closeness) if closeness is not None else None
    if not found:
        return _refusal(question, result, confidence, weights, closeness, unknown)

    closeness = _remembered(closeness) if closeness is not None else None  # asked twice below, of the same sentences
    verdict = find_verdict(question, result, weights)
    candidates = _quotable(result, weights, closeness)
    ranked = _rank_sentences(candidates, weights, None, closeness)
    result, order = _in_citation_order(result, ranked, lead=verdict.hit if verdict is not None else None)
    if verdict is not None:
        verdict = replace(verdict, hit=order.index(verdict.hit))
    if verdict is not None or order != sorted(order):  # ranked again, by the passages' new numbers
        moved = {old: new for new, old in enumerate(order)}
        candidates = [(overlap, moved[n], position, sentence) for overlap, n, position, sentence in candidates]
        ranked = _rank_sentences(candidates, weights, verdict, closeness)
    parts: list[str] = []
    used: dict[int, list[int]] = {}

    def take(n: int, sentence: Sentence, text: str | None = None) -> None:
        parts.append(f"{text or sentence.text} [{n + 1}]")
        used.setdefault(n, []).append(result.hits[n].chunk.start_line + sentence.line_offset)

    if verdict is not None:  # the note's own question and reply; yes or no only when it asks the user's question
        said = words["verdict"].format(asked=verdict.asked.text, reply=verdict.reply.text)
        if verdict.same_question:
            said = f"{words['no'] if verdict.negative else words['yes']} {said}"
        take(verdict.hit, verdict.reply, said)
        used[verdict.hit].append(result.hits[verdict.hit].chunk.start_line + verdict.asked.line_offset)
        cases = _cases_under(verdict.hit, result)
        if cases:  # the sub-sections under the note's own question are its reasons
            parts.append(words["cases"] + "; ".join(f"{title} [{m + 1}]" for m, title in cases) + ".")
            for m, _title in cases:
                used.setdefault(m, []).append(result.hits[m].chunk.start_line)

    scored = ranked
    if scored:
        best, note = scored[0][0], result.hits[0].chunk.note
        scored = [i for i in scored if result.hits[i[1]].chunk.note == note or i[0] >= OTHER_NOTE_SHARE * best]
    chosen = sorted(scored[: max(MAX_SENTENCES - len(parts), 0)], key=lambda item: (item[1], item[2]))
    for _score, n, _position, sentence in chosen:
        take(n, sentence)
    if not parts:  # the passages match as a whole but no single sentence shares a word
        first = next(((n, r.sentences[0]) for n, r in enumerate(result.records) if r.sentences), None)
        if first is None:
            related = tuple(Citation(n + 1, hit) for n, hit in enumerate(result.hits[:RELATED]))
            return Answer(question, words["not_found"] + words["closest"], False, confidence, related=related)
        take(*first)
    citations = tuple(Citation(n + 1, hit, tuple(sorted(set(used.get(n, ()))))) for n, hit in enumerate(result.hits))
    return Answer(question, " ".join(parts), True, confidence, citations)


def _refusal(
    question: str,
    result: SearchResult,
    confidence: float,
    weights: dict[str, float],
    closeness: Closeness | None,
    unknown: Sequence[str],
) -> Answer:
    """Not found: the closest passages, each with its line closest to the question marked (a hint,
    not a quote), and the question's words no note holds, as the user wrote them."""
    words = WORDS[language_of(question)]
    marked: dict[int, tuple[int, ...]] = {}
    candidates = _quotable(result, weights, closeness)
    for _s, n, _p, sentence in _rank_sentences(candidates, weights, None, closeness, floor=0.0):
        marked.setdefault(n, (result.hits[n].chunk.start_line + sentence.line_offset,))
    related = tuple(Citation(n + 1, hit, marked.get(n, ())) for n, hit in enumerate(result.hits[:RELATED]))
    written = tuple(word for _at, word in sorted(_as_written(t, question) for t in unknown))
    said = words["unknown"].format(words=", ".join(f"‘{w}’" for w in written)) if written else ""
    text = words["not_found"] + said + words["closest"]
    return Answer(question, text, False, confidence, related=related, unknown_words=written)


def _as_written(term: str, question: str) -> tuple[int, str]:
    """Where and how the question writes a term (MySQL for the term mysql); when it does not (a
    follow-up's earlier turn), the term itself, after the question's end."""
    found = re.search(re.escape(term), question, re.IGNORECASE)
    return (found.start(), found.group()) if found else (len(question), term)


def _remembered(closeness: Closeness) -> Closeness:
    """`closeness` that computes each sentence's cosine once."""
    known: dict[str, float] = {}

    def remembered(texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            known.update(zip(missing, closeness(missing).tolist()))
        return np.array([known[t] for t in texts])

    return remembered


def _in_citation_order(
    result: SearchResult, ranked: list[tuple[float, int, int, Sentence]], *, lead: int | None = None
) -> tuple[SearchResult, list[int]]:
    """`result` with its top passages reordered by search score and best sentence (CITE_BY_SENTENCE,
    of `ranked`: _rank_sentences), and the new order (old hit indexes); `lead`, the passage whose
    own yes/no answer the answer opens with, goes first."""
    worth: dict[int, float] = {}
    for score, n, _position, _sentence in ranked:
        worth[n] = max(worth.get(n, 0.0), score * (1 + PASSAGE_DISCOUNT * n))
    first = result.hits[0].score or 1.0
    head = sorted(
        range(min(QUOTED_PASSAGES, len(result.hits))),
        key=lambda n: (n != lead, -(result.hits[n].score / first + CITE_BY_SENTENCE * worth.get(n, 0.0)), n),
    )
    order = head + list(range(len(head), len(result.hits)))
    if order == sorted(order):
        return result, order
    hits, records = tuple(result.hits[i] for i in order), tuple(result.records[i] for i in order)
    return replace(result, hits=hits, records=records), order


def _quotable(
    result: SearchResult, weights: dict[str, float], closeness: Closeness | None
) -> list[tuple[float, int, int, Sentence]]:
    """(weight of the question's words held, hit, position, sentence) of the top passages'
    sentences an answer may quote: no bare question, no echo of the heading, and a word of the
    question unless closeness ranks them by meaning."""
    candidates = []
    for n, record in enumerate(result.records[:QUOTED_PASSAGES]):
        for position, sentence in enumerate(record.sentences):
            if _is_bare_question(sentence.text) or _is_heading_echo(sentence, record):
                continue
            overlap = sum(weight for term, weight in weights.items() if term in sentence.term_set)
            if overlap > 0 or closeness is not None:
                candidates.append((overlap, n, position, sentence))
    return candidates


def _rank_sentences(
    candidates: list[tuple[float, int, int, Sentence]],
    weights: dict[str, float],
    verdict: Verdict | None,
    closeness: Closeness | None,
    *,
    floor: float | None = None,
) -> list[tuple[float, int, int, Sentence]]:
    """(score, hit, position, sentence) of the sentences worth quoting (of `candidates`: _quotable),
    best first: earlier passages, and sentences holding more of the question's weight or closer in
    meaning, `floor` (QUOTE_FLOOR unless given) × the best's score or more; the verdict's own
    question and reply are quoted by the verdict."""
    if verdict is not None:
        said = (verdict.asked, verdict.reply)
        candidates = [c for c in candidates if not (c[1] == verdict.hit and c[3] in said)]
    if not candidates:
        return []
    near = np.zeros(len(candidates))
    if closeness is not None:
        cosine = closeness([sentence.text for *_rest, sentence in candidates])
        low, high = float(cosine.min()), float(cosine.max())
        near = (cosine - low) / (high - low) if high > low else np.ones(len(candidates))
    total = sum(weights.values()) or 1.0
    scored = [
        ((overlap / total + QUOTE_CLOSENESS * float(d)) / (1 + PASSAGE_DISCOUNT * n), n, position, sentence)
        for (overlap, n, position, sentence), d in zip(candidates, near)
    ]
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    floor = QUOTE_FLOOR if floor is None else floor
    return [item for item in scored if item[0] >= floor * scored[0][0]]


def _across_scripts(closeness: Closeness) -> Closeness:
    """`closeness` comparable across scripts, as DenseIndex.comparable makes passages: when the
    sentences asked about are written in Hangul and in Latin letters, each cosine less the mean of
    its script's, plus the larger mean. The model puts a question nearer every sentence of its own
    script, so an English question quoted a Korean note's sentences last, and an English passage's
    line that answers a Korean question lost to the Korean ones around it (vault-crossdev: 24 -> 28
    of 31 answers quote the line that answers)."""

    def comparable(texts: list[str]) -> np.ndarray:
        cosine = closeness(texts)
        wide = np.array([script_of(text) for text in texts], dtype=bool)
        if wide.all() or not wide.any():
            return cosine
        wide_mean, latin_mean = float(cosine[wide].mean()), float(cosine[~wide].mean())
        return cosine - np.where(wide, wide_mean, latin_mean) + max(wide_mean, latin_mean)

    return comparable


def find_verdict(question: str, result: SearchResult, weights: dict[str, float]) -> Verdict | None:
    """A note's own yes/no answer to a question like the user's: the note's question holds half
    the user's weight or more (by idf). It is the user's own question when the user's also holds
    SAME_QUESTION of the note's: "도커가 VM보다 못한 경우가 있어?" holds docker and VM of "docker는 무조건 vm보다
    좋다고 할 수 있는가? no", not 무조건 or 좋다, and the note's "no" is no answer to it (it was
    answered "아니요", which is wrong): its passage still leads, quoted without a yes or no."""
    if not asks_yes_or_no(question):
        return None
    total = sum(weights.values()) or 1.0
    best: tuple[float, Verdict] | None = None
    for n, record in enumerate(result.records):
        for asked, reply in zip(record.sentences, record.sentences[1:]):
            if "?" not in asked.text:
                continue
            short = clean_reply(reply.text)
            negative = bool(_NEGATIVE.match(short))
            if not (negative or _POSITIVE.match(short)):
                continue
            overlap = sum(weight for term, weight in weights.items() if term in asked.term_set)
            if overlap / total >= 0.5 and (best is None or overlap > best[0]):
                own = sum(result.term_idf(term) for term in asked.term_set) or 1.0
                best = (overlap, Verdict(n, asked, reply, negative, same_question=overlap / own >= SAME_QUESTION))
    return None if best is None else best[1]


def asks_yes_or_no(question: str) -> bool:
    """A question a yes or no answers: by its ending (~는가, ~나요, is ...), or a question mark on a
    question that asks for nothing in particular ("도커가 VM보다 항상 좋음?", "컨테이너 써도 돼?")."""
    question = question.strip()
    return not _ASKS_WHICH.search(question) and (bool(_YES_NO.search(question)) or question.endswith("?"))


def _cases_under(n: int, result: SearchResult) -> list[tuple[int, str]]:
    """Hits whose heading sits directly under hit n's heading: (hit index, their own title)."""
    parent = result.hits[n].chunk.heading + HEADING_SEPARATOR
    cases = []
    for m, hit in enumerate(result.hits):
        rest = hit.chunk.heading.removeprefix(parent)
        if m != n and rest != hit.chunk.heading and HEADING_SEPARATOR not in rest:
            cases.append((m, rest))
    return sorted(cases, key=lambda case: (result.hits[case[0]].chunk.note, result.hits[case[0]].chunk.start_line))


def clean_reply(text: str) -> str:
    return text.strip().strip("*\"'“”.").strip()


def _is_bare_question(text: str) -> bool:
    return text.rstrip().endswith("?") and len(text) < 80


def _is_heading_echo(sentence: Sentence, record: ChunkRecord) -> bool:
    return sentence.line_offset == 0 and record.chunk.heading.endswith(sentence.text.strip().rstrip(":"))
