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


@dataclass(frozen=True)
class DevSet:
    note: str
    questions: tuple[DevQuestion, ...]

    @property
    def in_scope(self) -> list[DevQuestion]:
        return [q for q in self.questions if q.lines]

    @property
    def out_of_scope(self) -> list[DevQuestion]:
        return [q for q in self.questions if not q.lines]


def load_devset(path: Path) -> DevSet:
    raw = json.loads(path.read_text(encoding="utf-8"))
    questions = [DevQuestion(item["q"], tuple(item["lines"])) for item in raw["in_scope"]]
    questions += [DevQuestion(q, ()) for q in raw["out_of_scope"]]
    return DevSet(raw["note"], tuple(questions))


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
