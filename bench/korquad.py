"""Retrieval on public Korean QA data: KorQuAD 1.0 dev, through the product's own chunker and index.

    python bench/korquad.py [--articles 30] [--questions 300] [--seed 13] [--chunk-chars 400]

Each sampled article becomes one Markdown note (title as `#` heading, paragraphs as text),
indexed by backend.indexing exactly as the corpus is. A question is a hit at rank r when the
r-th result's text contains its gold answer. Prints Hit@1, Hit@5 and MRR@10 for BM25 only,
dense only and each fusion setting, plus the time taken. The data set is read from
../shared/data/korquad (CC BY-ND: never copied into the project); the index and the query
vectors are cached under data/bench/ so a rerun embeds nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend.embedding import create_embedder  # noqa: E402
from backend.evaluation import first_rank, rank_stats  # noqa: E402
from backend.library import NotesLibrary  # noqa: E402
from backend.search import FusionConfig, HybridRetriever  # noqa: E402
from backend.settings import Settings  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "korquad" / "KorQuAD_v1.0_dev.json"
SETTINGS_GRID = [
    FusionConfig("bm25"),
    FusionConfig("dense"),
    FusionConfig("rrf", rrf_k=60),
    FusionConfig("rrf", rrf_k=20),
    FusionConfig("convex", dense_weight=0.2),
    FusionConfig("convex", dense_weight=0.3),
    FusionConfig("convex", dense_weight=0.4),
    FusionConfig("convex", dense_weight=0.5),
    FusionConfig("convex", dense_weight=0.6),
]


def write_notes(articles: list[dict], corpus: Path) -> None:
    corpus.mkdir(parents=True, exist_ok=True)
    wanted = set()
    for i, article in enumerate(articles):
        name = f"{i:03d}-{hashlib.sha1(article['title'].encode()).hexdigest()[:8]}.md"
        wanted.add(name)
        body = f"# {article['title']}\n\n" + "\n\n".join(p["context"].strip() for p in article["paragraphs"]) + "\n"
        path = corpus / name
        if not path.exists() or path.read_text(encoding="utf-8") != body:
            path.write_text(body, encoding="utf-8")
    for stale in corpus.glob("*.md"):
        if stale.name not in wanted:
            stale.unlink()


def sample(data: dict, articles: int, questions: int, seed: int) -> tuple[list[dict], list[tuple[str, str]]]:
    rng = random.Random(seed)
    chosen = rng.sample(data["data"], articles)
    qas = [(qa["question"], qa["answers"][0]["text"]) for a in chosen for p in a["paragraphs"] for qa in p["qas"]]
    return chosen, rng.sample(qas, min(questions, len(qas)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=30)
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--chunk-chars", type=int, default=400)
    args = parser.parse_args()
    if not DATA.exists():
        print(f"SKIP: {DATA} is absent (KorQuAD is read from ../shared, never committed)")
        return
    started = time.perf_counter()
    articles, questions = sample(json.loads(DATA.read_text(encoding="utf-8")), args.articles, args.questions, args.seed)
    cache = ROOT / "data" / "bench" / f"korquad-{args.articles}-{args.seed}-{args.chunk_chars}"
    write_notes(articles, cache / "corpus")
    settings = Settings(
        corpus_dir=cache / "corpus",
        index_dir=cache / "index",
        chunk_chars=args.chunk_chars,
        models_dir=ROOT / "data" / "models",
    )
    library = NotesLibrary(settings, create_embedder(settings))
    report = library.open()
    print(
        f"index: {report.chunks} chunks from {len(articles)} articles "
        f"({report.embedded} embedded now) in {report.took_ms / 1000:.1f} s"
    )

    vectors_file = cache / "queries.npy"
    texts = [q for q, _ in questions]
    key = hashlib.sha1("\n".join(texts).encode()).hexdigest()
    if vectors_file.exists() and (cache / "queries.key").read_text() == key:
        vectors = np.load(vectors_file)
    else:
        vectors = library.embedder.embed_queries(texts)
        np.save(vectors_file, vectors)
        (cache / "queries.key").write_text(key)

    base = library.retriever
    print(f"{'retriever':<22} {'Hit@1':>6} {'Hit@5':>6} {'MRR@10':>7}")
    for fusion in SETTINGS_GRID:
        retriever = HybridRetriever(base.index, base.analyzer, fusion)
        ranks = []
        for (question, answer), vector in zip(questions, vectors):
            hits = retriever.search(vector, question, 10).hits
            ranks.append(first_rank([h.chunk for h in hits], lambda c, a=answer: a in c.text))
        s = rank_stats(ranks)
        label = fusion.method + (f" w={fusion.dense_weight}" if fusion.method == "convex" else "")
        label += f" k={fusion.rrf_k}" if fusion.method == "rrf" else ""
        print(f"{label:<22} {s.hit1:6.3f} {s.hit5:6.3f} {s.mrr10:7.3f}")
    print(
        f"{len(questions)} questions, {len(articles)} articles, seed {args.seed}: {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
