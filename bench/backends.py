"""Each embedding backend side by side, each in a process of its own, threads pinned alike.

    python -m bench.backends [--seed 13] [--threads 1]

For torch (fp32, sentence-transformers), onnx-fp32, openvino (the fp32 export in OpenVINO, which
runs it in bf16 on CPUs that have it) and onnx (int8, the default): query encode
p50/p95 over KorQuAD questions, indexing throughput (passages/s, building the index of 30 KorQuAD
articles through the product's own indexer), KorQuAD Hit@1/Hit@5/MRR@10 of the product's search,
the cosine of its vectors to torch's, and the process's peak RSS. Ratios are printed against
torch in the same run; a baseline far slower than this machine's usual (e.g. another process
holding the cores) is called out instead of flattering the ratio. KorQuAD is read from
../shared/data/korquad (never copied here); without it only encode speed and RSS are printed.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.memory import peak_rss_mib

ROOT = Path(__file__).resolve().parents[1]
BACKENDS = ("torch", "onnx-fp32", "openvino", "onnx")
TYPICAL_TORCH_QUERY_MS = (10.0, 80.0)  # seen on this 2-core machine at one thread; outside: say so
PROBES = [
    "도커는 VM보다 항상 좋은가?",
    "쿠버네티스는 여러 컨테이너를 서비스 단위로 관리하는 데 최적화되어 있다.",
    "Is Docker always better than a virtual machine?",
    "전입신고는 이사한 날부터 14일 안에 해야 한다.",
]


def measure(backend: str, seed: int, threads: int) -> dict:
    """Runs inside the child process: everything for one backend."""
    from backend.embedding import create_embedder
    from backend.evaluation import first_rank, rank_stats
    from backend.library import NotesLibrary
    from backend.settings import Settings
    from bench.korquad import DATA, sample, write_notes

    settings = Settings(models_dir=ROOT / "data" / "models", embedding_backend=backend, embed_threads=threads)
    started = time.perf_counter()
    embedder = create_embedder(settings)
    embedder.warm_up()
    result: dict = {"backend": backend, "load_s": time.perf_counter() - started, "name": embedder.name}
    result["probe_vectors"] = embedder.embed_passages(PROBES).tolist()
    if not DATA.exists():
        timings = []
        for text in PROBES * 25:
            t = time.perf_counter()
            embedder.embed_queries([text])
            timings.append((time.perf_counter() - t) * 1000)
        result.update(query_p50=statistics.median(timings), query_p95=np.percentile(timings, 95), rss=peak_rss_mib())
        return result
    articles, questions = sample(json.loads(DATA.read_text(encoding="utf-8")), 30, 300, seed)
    with tempfile.TemporaryDirectory() as tmp:
        write_notes(articles, Path(tmp) / "corpus")
        library = NotesLibrary(
            settings.model_copy(
                update={"corpus_dir": Path(tmp) / "corpus", "index_dir": Path(tmp) / "index", "chunk_chars": 400}
            ),  # fmt: skip
            embedder,
        )
        t = time.perf_counter()
        report = library.open()
        build = time.perf_counter() - t
        timings, ranks = [], []
        for question, answer in questions:
            t = time.perf_counter()
            vector = embedder.embed_queries([question])[0]
            timings.append((time.perf_counter() - t) * 1000)
            hits = library.retriever.search(vector, question, 10).hits
            ranks.append(first_rank([h.chunk for h in hits], lambda c, a=answer: a in c.text))
    stats = rank_stats(ranks)
    result.update(
        chunks=report.chunks,
        build_s=build,
        passages_per_s=report.embedded / build if build else 0.0,
        query_p50=statistics.median(timings),
        query_p95=float(np.percentile(timings, 95)),
        hit1=stats.hit1,
        hit5=stats.hit5,
        mrr10=stats.mrr10,
        rss=peak_rss_mib(),
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=1, help="embedding threads, the same for every backend")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.seed, args.threads)))
        return
    rows = {}
    for backend in BACKENDS:
        child = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.backends",
                "--one",
                backend,
                "--seed",
                str(args.seed),
                "--threads",
                str(args.threads),
            ],  # fmt: skip
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        rows[backend] = json.loads(child.stdout.strip().splitlines()[-1])
    torch = rows["torch"]
    reference = np.array(torch["probe_vectors"])
    print(f"threads per embedding call: {args.threads} (all backends); KorQuAD seed {args.seed}")
    print(f"{'backend':<10} {'query p50':>9} {'p95':>7} {'passages/s':>10} {'Hit@1':>6} {'Hit@5':>6} {'MRR@10':>7} "
          f"{'cos≥':>6} {'RSS MiB':>8} {'load s':>6}")  # fmt: skip
    for backend, r in rows.items():
        cosine = float(np.min(np.sum(np.array(r["probe_vectors"]) * reference, axis=1)))
        quality = (
            f"{r.get('hit1', float('nan')):6.3f} {r.get('hit5', float('nan')):6.3f} {r.get('mrr10', float('nan')):7.3f}"
        )
        print(f"{backend:<10} {r['query_p50']:8.1f}ms {r['query_p95']:6.1f} {r.get('passages_per_s', 0):10.1f} "
              f"{quality} {cosine:6.4f} {r['rss']:8.0f} {r['load_s']:6.1f}")  # fmt: skip
    low, high = TYPICAL_TORCH_QUERY_MS
    if not low <= torch["query_p50"] <= high:
        print(f"WARNING: torch's query p50 {torch['query_p50']:.1f} ms is outside its usual {low:.0f}-{high:.0f} ms "
              "here: the machine was busy or throttled; the ratios below are not trustworthy")  # fmt: skip
    for backend in BACKENDS[1:]:
        r = rows[backend]
        speed = torch["query_p50"] / r["query_p50"]
        line = f"{backend}: query encode {speed:.2f}x torch"
        if torch.get("passages_per_s"):
            line += f", indexing {r['passages_per_s'] / torch['passages_per_s']:.2f}x"
            line += f", Hit@1 {r['hit1'] - torch['hit1']:+.3f}, MRR@10 {r['mrr10'] - torch['mrr10']:+.3f}"
        print(line)


if __name__ == "__main__":
    random.seed(0)
    main()
