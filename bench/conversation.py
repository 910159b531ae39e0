"""Follow-up questions: which way of using the conversation finds the answering passage?

    python -m bench.conversation

Over tests/data/conversations.json (27 conversations of two or three turns over the nine notes of
tests/data/vaults and the Docker note), every turn after the first is searched three ways:
  alone     the question as asked
  previous  the previous question and this one, always
  resolved  backend.conversation.resolve (what /api/ask does)
and counts turns whose answering passage is in the top 3, separately for turns that switch
topic (their answer is in another note than the previous turn's: history must not drag them).
"""

from __future__ import annotations

import json
import shutil
import time

from backend.conversation import Turn, resolve
from backend.evaluation import answers_lines, first_rank
from backend.search import FusionConfig
from bench.calibrate import CACHE, ROOT, SEED_NOTE, cached_embedder, open_library

CONVERSATIONS = ROOT / "tests" / "data" / "conversations.json"
VAULTS = ROOT / "tests" / "data" / "vaults"


def lines_of(note: str, anchors: list[str]) -> tuple[int, ...]:
    for folder in (VAULTS / "dev" / "notes", VAULTS / "test" / "notes", SEED_NOTE.parent):
        if (folder / note).exists():
            text = (folder / note).read_text(encoding="utf-8").split("\n")
            return tuple(i + 1 for i, line in enumerate(text) for a in anchors if a in line)
    raise FileNotFoundError(note)


def main() -> None:
    started = time.perf_counter()
    conversations = json.loads(CONVERSATIONS.read_text(encoding="utf-8"))["conversations"]
    corpus = CACHE / "conversations" / "notes"
    shutil.rmtree(corpus, ignore_errors=True)
    for half in ("dev", "test"):
        shutil.copytree(VAULTS / half / "notes", corpus, dirs_exist_ok=True)
    embedder = cached_embedder()
    library = open_library([corpus, SEED_NOTE], CACHE / "conversations", embedder, FusionConfig(), 600)
    analyzer = library.retriever.analyzer
    methods = ("alone", "previous", "resolved")
    hits = {m: {"follow": 0, "switch": 0} for m in methods}
    counts = {"follow": 0, "switch": 0}
    for conversation in conversations:
        history: list[Turn] = []
        for i, turn in enumerate(conversation):
            if i:
                kind = "switch" if turn["note"] != conversation[i - 1]["note"] else "follow"
                counts[kind] += 1
                queries = {
                    "alone": turn["q"],
                    "previous": f"{conversation[i - 1]['q']} {turn['q']}",
                    "resolved": resolve(turn["q"], history, analyzer),
                }
                is_answer = answers_lines(turn["note"], lines_of(turn["note"], turn["answer"]))
                marks = []
                for method, query in queries.items():
                    result, _ = library.search(query, 3)
                    rank = first_rank([h.chunk for h in result.hits], is_answer)
                    hits[method][kind] += rank is not None
                    marks.append(f"{method}={rank}")
                print(f"  {kind:6} {' '.join(marks):30} {turn['q']}  ->  {queries['resolved']}")
            answer = library.ask(turn["q"] if not history else resolve(turn["q"], history, analyzer), 5)
            history.append(Turn(turn["q"], answer.text))
    embedder.save()
    print(f"{'method':<10} {'follow-ups in top 3':>20} {'topic switches in top 3':>24}")
    for method in methods:
        follow = f"{hits[method]['follow']}/{counts['follow']}"
        switch = f"{hits[method]['switch']}/{counts['switch']}"
        print(f"{method:<10} {follow:>20} {switch:>24}")
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
