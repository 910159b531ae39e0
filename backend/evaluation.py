"""Retrieval-quality measures shared by the benchmarks and the quality tests."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from backend.models import Chunk


@dataclass(frozen=True)
class DevQuestion:
    question: str
    lines: tuple[int, ...]  # note lines that answer it; empty = the notes do not cover it
    note: str = ""  # the note those lines are in
    kind: str = ""  # out of scope: "near" the notes' topics or "far" from them


class _Scoped:
    questions: tuple[DevQuestion, ...]

    @property
    def in_scope(self) -> list[DevQuestion]:
        return [q for q in self.questions if q.lines]

    @property
    def out_of_scope(self) -> list[DevQuestion]:
        return [q for q in self.questions if not q.lines]


@dataclass(frozen=True)
class DevSet(_Scoped):
    note: str
    questions: tuple[DevQuestion, ...]


def load_devset(path: Path) -> DevSet:
    raw = json.loads(path.read_text(encoding="utf-8"))
    questions = [DevQuestion(item["q"], tuple(item["lines"])) for item in raw["in_scope"]]
    questions += [DevQuestion(q, ()) for q in raw["out_of_scope"]]
    return DevSet(raw["note"], tuple(questions))


@dataclass(frozen=True)
class QuestionSet(_Scoped):
    """Questions over a corpus of several notes (tests/data/vaults/<half>/questions.json)."""

    name: str
    corpus: tuple[Path, ...]  # folders and single notes that make up the corpus
    questions: tuple[DevQuestion, ...]


def load_vault(folder: Path, seed_note: Path) -> QuestionSet:
    """A vault half: its notes/ folder plus the seed note; answers located by the text on their lines."""
    raw = json.loads((folder / "questions.json").read_text(encoding="utf-8"))
    notes = folder / "notes"

    def lines_of(note: str, anchors: list[str]) -> tuple[int, ...]:
        path = notes / note if (notes / note).exists() else seed_note.parent / note
        text = path.read_text(encoding="utf-8").split("\n")
        found = tuple(sorted({i + 1 for i, line in enumerate(text) for a in anchors if a in line}))
        if not found:
            raise ValueError(f"{folder.name}: no line of {note} holds {anchors}")
        return found

    questions = [DevQuestion(q["q"], lines_of(q["note"], q["answer"]), q["note"]) for q in raw["in_scope"]]
    questions += [DevQuestion(q["q"], (), kind=q["kind"]) for q in raw["out_of_scope"]]
    return QuestionSet(f"vault-{folder.name}", (notes, seed_note), tuple(questions))


def first_rank(chunks: Sequence[Chunk], is_answer: Callable[[Chunk], bool]) -> int | None:
    """1-based rank of the first answering chunk, or None."""
    for rank, chunk in enumerate(chunks, start=1):
        if is_answer(chunk):
            return rank
    return None


def answers_lines(note: str, lines: Sequence[int]) -> Callable[[Chunk], bool]:
    return lambda chunk: chunk.note == note and any(chunk.start_line <= n <= chunk.end_line for n in lines)


@dataclass(frozen=True)
class RankStats:
    n: int
    hit1: float
    hit3: float
    hit5: float
    mrr10: float

    def line(self) -> str:
        return f"n={self.n} Hit@1={self.hit1:.3f} Hit@3={self.hit3:.3f} Hit@5={self.hit5:.3f} MRR@10={self.mrr10:.3f}"


def rank_stats(ranks: Sequence[int | None]) -> RankStats:
    n = len(ranks) or 1

    def hit(k: int) -> float:
        return sum(1 for r in ranks if r is not None and r <= k) / n

    mrr = sum(1.0 / r for r in ranks if r is not None and r <= 10) / n
    return RankStats(len(ranks), hit(1), hit(3), hit(5), mrr)
