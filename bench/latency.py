"""Latency, index build time and memory, each beside the bare model cost it contains.

    python bench/latency.py [--rounds 3]

1. /api/ask over HTTP (a real API process on 127.0.0.1) for every development question, p50/p95,
   beside bare `model.encode(query)` of the same question in a separate process, taken right
   after each request so that machine noise falls on both alike.
2. Building the index of corpus/ (and of 30 KorQuAD articles when bench/korquad.py has written
   them) from nothing, beside a bare batch `model.encode` of the same chunk texts. Model and
   Kiwi load are start-up costs and are printed on their own line.
3. Peak RSS (VmHWM) of the API process after the run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend.embedding import create_embedder  # noqa: E402
from backend.evaluation import load_devset  # noqa: E402
from backend.keywords import AnalyzerPool  # noqa: E402
from backend.library import NotesLibrary  # noqa: E402
from backend.settings import Settings  # noqa: E402
from bench.bare_encode import BareEncoder  # noqa: E402

MODELS = ROOT / "data" / "models"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def start_api(tmp: Path, port: int) -> subprocess.Popen:
    (tmp / "corpus").mkdir()
    for note in (ROOT / "corpus").glob("*.md"):
        shutil.copy(note, tmp / "corpus" / note.name)
    env = {
        **os.environ,
        "NOTES_CORPUS_DIR": str(tmp / "corpus"),
        "NOTES_INDEX_DIR": str(tmp / "index"),
        "NOTES_MODELS_DIR": str(MODELS),
    }
    api = subprocess.Popen(
        [sys.executable, "-m", "backend", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(900):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return api
        except httpx.TransportError:
            time.sleep(0.2)
    api.kill()
    raise RuntimeError("API did not start")


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def build_index(embedder, analyzers: AnalyzerPool, corpus: Path, chunk_chars: int) -> tuple[float, list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            corpus_dir=corpus, index_dir=Path(tmp) / "index", models_dir=MODELS, chunk_chars=chunk_chars
        )
        library = NotesLibrary(settings, embedder, analyzers=analyzers)
        built = library.open()
        return built.took_ms / 1000, [r.chunk.search_text for r in library.retriever.index.records]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    questions = [q.question for q in load_devset(ROOT / "tests" / "data" / "devset.json").questions]
    bare = BareEncoder()
    ask_ms, bare_ms = [], []
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        api = start_api(Path(tmp), args.port)
        print(f"API start-up (model + Kiwi + index of corpus/): {time.perf_counter() - started:.1f} s")
        try:
            with httpx.Client(timeout=60) as client:
                client.post(f"http://127.0.0.1:{args.port}/api/ask", json={"question": "warm up"})
                for _ in range(args.rounds):
                    for q in questions:
                        started = time.perf_counter()
                        client.post(f"http://127.0.0.1:{args.port}/api/ask", json={"question": q}).raise_for_status()
                        ask_ms.append((time.perf_counter() - started) * 1000)
                        bare_ms.append(bare.ask({"query": q})["ms"])
            rss = peak_rss_mib(api.pid)
        finally:
            api.terminate()
            api.wait()

    p50, p95, b50, b95 = (
        percentile(ask_ms, 50),
        percentile(ask_ms, 95),
        percentile(bare_ms, 50),
        percentile(bare_ms, 95),
    )
    print(f"/api/ask over HTTP  n={len(ask_ms)}  p50 {p50:.1f} ms  p95 {p95:.1f} ms")
    print(f"bare encode(query)  n={len(bare_ms)}  p50 {b50:.1f} ms  p95 {b95:.1f} ms")
    print(f"ask p50 / bare p50 = {p50 / b50:.2f}x (target <= 1.5x)")
    print(f"peak RSS of the API process: {rss:.0f} MiB")

    started = time.perf_counter()
    embedder = create_embedder(Settings(models_dir=MODELS))
    embedder.warm_up()
    model_load = time.perf_counter() - started
    started = time.perf_counter()
    analyzers = AnalyzerPool()
    analyzers.for_vocabulary([], {}).terms("준비")
    print(
        f"start-up costs outside the build timings: model load {model_load:.1f} s, "
        f"Kiwi load {time.perf_counter() - started:.1f} s"
    )
    corpora = [("corpus/", ROOT / "corpus", 600)]
    korquad = ROOT / "data" / "bench" / "korquad-30-13-400" / "corpus"
    if korquad.exists():
        corpora.append(("KorQuAD 30 articles", korquad, 400))
    else:
        print("(KorQuAD build comparison skipped: run bench/korquad.py first to write its notes)")
    for label, corpus, chars in corpora:
        first, _ = build_index(embedder, analyzers, corpus, chars)
        again, texts = build_index(embedder, analyzers, corpus, chars)
        encode = bare.ask({"passages": texts})["s"]
        print(
            f"index build {label}: {len(texts)} chunks in {again:.2f} s (first build, with compiling the corpus "
            f"dictionary into Kiwi: {first:.2f} s); bare batch encode {encode:.2f} s; "
            f"ratio {again / encode:.2f}x (target <= 1.3x)"
        )
    bare.close()
    print(
        json.dumps(
            {
                "ask_p50_ms": round(p50, 1),
                "ask_p95_ms": round(p95, 1),
                "encode_p50_ms": round(b50, 1),
                "peak_rss_mib": round(rss),
            }
        )
    )


if __name__ == "__main__":
    main()
