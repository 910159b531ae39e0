"""The bare model cost, in a process of its own: one backend's encode call and nothing else.

    python -m bench.bare_encode --backend onnx --threads 1   # then one JSON request per stdin line

A request is {"query": text} (reply: encode time in ms) or {"passages": [texts]} (reply: batch
encode time in s). The benchmarks interleave these with requests to the API, so machine noise
falls on both sides of each comparison alike; threads are pinned like the API's (NOTES_EMBED_THREADS).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class BareEncoder:
    """This script in its own process, driven over a pipe by the benchmarks."""

    def __init__(self, backend: str = "torch", threads: int = 1) -> None:
        self.backend = backend
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.bare_encode", "--backend", backend, "--threads", str(threads)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert json.loads(self.process.stdout.readline())["ready"]

    def ask(self, job: dict) -> dict:
        self.process.stdin.write(json.dumps(job, ensure_ascii=False) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="torch")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from backend.embedding import create_embedder
    from backend.settings import Settings

    embedder = create_embedder(
        Settings(models_dir=ROOT / "data" / "models", embedding_backend=args.backend, embed_threads=args.threads)
    )
    embedder.warm_up()
    embedder.embed_queries(["warm up"])
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        job = json.loads(line)
        started = time.perf_counter()
        if "query" in job:
            embedder.embed_queries([job["query"]])
            reply = {"ms": (time.perf_counter() - started) * 1000}
        else:
            embedder.embed_passages(job["passages"])
            reply = {"s": time.perf_counter() - started}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
