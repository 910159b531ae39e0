"""The bare model cost, in a process of its own: sentence-transformers `model.encode` and nothing else.

    python bench/bare_encode.py          # then one JSON request per stdin line, one JSON reply per line

A request is {"query": text} (reply: encode time in ms) or {"passages": [texts]} (reply: batch
encode time in s). bench/latency.py interleaves these with requests to the API, so machine
noise falls on both sides of each comparison alike.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class BareEncoder:
    """This script in its own process, driven over a pipe by the benchmarks."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__))], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
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
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(ROOT / "data" / "models" / "multilingual-e5-small"), device="cpu")
    model.encode("warm up", prompt_name="query")
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        job = json.loads(line)
        started = time.perf_counter()
        if "query" in job:
            model.encode(job["query"], prompt_name="query", normalize_embeddings=True, show_progress_bar=False)
            reply = {"ms": (time.perf_counter() - started) * 1000}
        else:
            model.encode(
                job["passages"],
                prompt_name="document",
                batch_size=32,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
            reply = {"s": time.perf_counter() - started}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
