"""Retrieval quality on the development set (tests/data/devset.json) with the real model.

    python bench/devset_eval.py [--fusion convex|rrf|dense|bm25] [--weight 0.5] [--chunk-chars 600]

Prints Hit@1/3/5 and MRR@10 of the answering passage, found=false on out-of-scope questions,
and every miss, so a change to chunking, fusion or the coverage rule can be judged at once.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend.embedding import create_embedder  # noqa: E402
from backend.evaluation import answers_lines, first_rank, load_devset, rank_stats  # noqa: E402
from backend.library import NotesLibrary  # noqa: E402
from backend.search import FusionConfig  # noqa: E402
from backend.settings import Settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fusion", default="convex")
    parser.add_argument("--weight", type=float, default=FusionConfig().dense_weight)
    parser.add_argument("--rrf-k", type=int, default=60)
    parser.add_argument("--chunk-chars", type=int, default=Settings().chunk_chars)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    devset = load_devset(ROOT / "tests/data/devset.json")
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            corpus_dir=ROOT / "corpus",
            index_dir=Path(tmp) / "index",
            chunk_chars=args.chunk_chars,
            models_dir=ROOT / "data/models",
        )
        library = NotesLibrary(
            settings, create_embedder(settings), fusion=FusionConfig(args.fusion, args.weight, args.rrf_k)
        )
        library.open()
        ranks, missed_found, false_found = [], [], []
        for q in devset.in_scope:
            timed = library.ask(q.question, 5)
            result, _ = library.search(q.question, 10)
            rank = first_rank([h.chunk for h in result.hits], answers_lines(devset.note, q.lines))
            ranks.append(rank)
            if not timed.answer.found:
                missed_found.append(q.question)
            if args.verbose or rank is None or rank > 1:
                print(f"  rank={rank} found={timed.answer.found} {q.question}")
                if args.verbose:
                    print("     ", timed.answer.text[:200])
        for q in devset.out_of_scope:
            timed = library.ask(q.question, 5)
            if timed.answer.found:
                false_found.append(q.question)
        stats = rank_stats(ranks)
        print(f"fusion={args.fusion} weight={args.weight} chunk_chars={args.chunk_chars}")
        print(f"in-scope: {stats.line()}")
        print(f"in-scope answered found=false: {len(missed_found)} {missed_found}")
        print(f"out-of-scope answered found=true: {len(false_found)}/{len(devset.out_of_scope)} {false_found}")


if __name__ == "__main__":
    main()
