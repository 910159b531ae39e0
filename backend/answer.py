"""Extractive answers: a few sentences taken from the passages found, each with its [n] marker.

Nothing is generated: every sentence of an answer is a sentence of a note, so a citation can
never claim what its passage does not say. A yes/no question that a note asks and answers
itself ("질문 1. docker는 무조건 vm보다 좋다고 할 수 있는가? / no") leads with that verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from backend.chunking import HEADING_SEPARATOR
from backend.index import Sentence
from backend.search import SearchResult

NOT_FOUND = "노트에서 이 질문에 답하는 내용을 찾지 못했습니다. 다른 표현으로 물어보거나 관련 노트를 추가해 주세요."
MAX_SENTENCES = 4

_YES_NO = re.compile(
    r"(ㄴ가|는가|은가|인가|을까|ㄹ까|나요|니까|습니까|는지|을지|[가까냐니]\s*\??\s*$|"
    r"^(is|are|does|do|can|should|will|would|must)\b)",
    re.IGNORECASE,
)
_HANGUL = re.compile(r"[가-힣]")
_NEGATIVE = re.compile(r"^(no|nope|아니[다요오]?|아닙니다|아니요|그렇지\s*않|없다)\b", re.IGNORECASE)
_POSITIVE = re.compile(r"^(yes|예|네|그렇다|맞다|맞습니다|정답)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Evidence:
    """What decides whether the notes cover a question."""

    coverage: float  # share of the question's distinct terms found in the top passages
    dense: float  # best dense cosine


@dataclass(frozen=True)
class ComposedAnswer:
    text: str
    found: bool
    used: dict[int, tuple[int, ...]]  # hit index -> absolute line numbers of the sentences taken


@dataclass(frozen=True)
class CoverageRule:
    """found when coverage + dense_weight * (dense - dense_pivot) >= threshold.

    Dense cosines alone overlap for covered and uncovered questions with this model (both
    around 0.80-0.90), and so does keyword coverage alone (paraphrases use other words); the
    sum separates them. Constants measured on tests/data/devset.json (bench/devset_eval.py).
    """

    threshold: float = 0.55
    dense_weight: float = 2.0
    dense_pivot: float = 0.85
    passages: int = 3

    def covers(self, ev: Evidence) -> bool:
        return ev.coverage + self.dense_weight * (ev.dense - self.dense_pivot) >= self.threshold


def evidence(question: str, result: SearchResult, passages: int) -> Evidence:
    terms = set(result.query_terms)
    present: set[str] = set()
    for record in result.records[:passages]:
        present |= set(record.terms)
    # in an English question, a word no note contains is more likely untranslated (notes are
    # Korean) than off-topic: half weight. In a Korean question it is a name, full weight.
    english = not _HANGUL.search(question)
    weight = {t: 0.5 if english and t.isascii() and result.idf.get(t, 0.0) >= result.max_idf else 1.0 for t in terms}
    total = sum(weight.values())
    return Evidence(
        coverage=sum(w for t, w in weight.items() if t in present) / total if total else 0.0,
        dense=max((h.dense for h in result.hits), default=0.0),
    )


def compose_answer(question: str, result: SearchResult, rule: CoverageRule | None = None) -> ComposedAnswer:
    rule = rule or CoverageRule()
    if not result.hits or not rule.covers(evidence(question, result, rule.passages)):
        return ComposedAnswer(NOT_FOUND, False, {})
    weights = {t: result.idf.get(t, 0.0) for t in set(result.query_terms)}
    parts: list[str] = []
    used: dict[int, list[int]] = {}

    def take(n: int, sentence: Sentence, text: str | None = None) -> None:
        parts.append(f"{text or sentence.text} [{n + 1}]")
        line = result.hits[n].chunk.start_line + sentence.line_offset
        used.setdefault(n, []).append(line)

    verdict = _verdict(question, result, weights)
    if verdict is not None:
        n, asked, answer_sentence, negative = verdict
        lead = "아니요." if negative else "네."
        take(n, answer_sentence, f"{lead} 노트는 “{asked.text}”라는 물음에 “{answer_sentence.text}”라고 답합니다.")
        used[n].append(result.hits[n].chunk.start_line + asked.line_offset)
        cases = _cases_under(n, result)
        if cases:  # the sub-sections under the note's own question are its reasons
            parts.append("노트가 드는 경우: " + "; ".join(f"{title} [{m + 1}]" for m, title in cases) + ".")
            for m, _title in cases:
                used.setdefault(m, []).append(result.hits[m].chunk.start_line)

    scored = []
    for n, record in enumerate(result.records[: rule.passages]):
        for position, sentence in enumerate(record.sentences):
            overlap = sum(weights.get(t, 0.0) for t in set(sentence.terms))
            if overlap <= 0 or _is_bare_question(sentence.text) or _is_heading_echo(sentence, record):
                continue
            if verdict is not None and n == verdict[0] and sentence in (verdict[1], verdict[2]):
                continue
            # earlier passages and sentences that share more of the question's weight come first
            scored.append((overlap / (1 + 0.35 * n), n, position, sentence))
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    budget = MAX_SENTENCES - len(parts)
    chosen = sorted(scored[: max(budget, 0)], key=lambda item: (item[1], item[2]))
    for _score, n, _position, sentence in chosen:
        take(n, sentence)
    if not parts:  # the passages match as a whole but no single sentence shares a word
        first = next(((n, r.sentences[0]) for n, r in enumerate(result.records) if r.sentences), None)
        if first is None:
            return ComposedAnswer(NOT_FOUND, False, {})
        take(*first)
    return ComposedAnswer(" ".join(parts), True, {n: tuple(sorted(set(lines))) for n, lines in used.items()})


def _verdict(question: str, result: SearchResult, weights: dict[str, float]):
    """A note's own yes/no answer to a question like the user's: (hit, asked, answer, negative)."""
    if not _YES_NO.search(question.strip()):
        return None
    best = None
    for n, record in enumerate(result.records):
        sentences = record.sentences
        for i, asked in enumerate(sentences[:-1]):
            if "?" not in asked.text:
                continue
            reply = sentences[i + 1]
            short = clean_reply(reply.text)
            negative = bool(_NEGATIVE.match(short))
            if not (negative or _POSITIVE.match(short)):
                continue
            overlap = sum(weights.get(t, 0.0) for t in set(asked.terms))
            total = sum(weights.values()) or 1.0
            if overlap / total >= 0.5 and (best is None or overlap > best[0]):
                best = (overlap, n, asked, reply, negative)
    return None if best is None else best[1:]


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


def _is_heading_echo(sentence: Sentence, record) -> bool:
    return sentence.line_offset == 0 and record.chunk.heading.endswith(sentence.text.strip().rstrip(":"))
