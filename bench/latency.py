"""Latency, start-up and memory of the real API process, each beside the bare model cost it contains.

    python -m bench.latency [--rounds 3] [--backend onnx] [--threads 1]

1. Start-up: `python -m backend serve` on corpus/ until /api/health/ready answers 200, first with
   no index (build included), then again with the index current (what a restart costs).
2. /api/ask over HTTP for every development question, p50/p95, with bare query encodes of the
   same question by torch fp32 and by the served backend, each in a process of its own, taken
   in alternate blocks of questions so that machine noise falls on all alike; threads pinned alike.
   Requests go through the standard library's client on a kept-alive connection, as the bare
   encodes are timed inside their process; the same requests through httpx are printed beside.
3. /api/ask with a ten-turn history beside the same questions without.
4. Peak RSS (VmHWM) of the API process; the index build of corpus/ beside a bare batch encode.
A torch baseline far outside its usual range is called out instead of printing a flattering ratio.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import httpx

from backend.evaluation import load_devset
from bench.bare_encode import BareEncoder
from bench.memory import peak_rss_mib

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "data" / "models"
TYPICAL_TORCH_QUERY_MS = (10.0, 80.0)
# Questions each side answers before the next one's turn, after two warm-ups: one question each
# in turn leaves every process to find its model evicted from the CPU caches by the one before (the
# API measured 7.1 ms cold against 5.5 ms warm), which falls on whichever comes after the largest;
# in blocks each runs warm and all see the same minutes of the machine.
BLOCK = 15
T = TypeVar("T")


def in_turns(sides: Sequence[Callable[[str], T]], questions: list[str], block: int = BLOCK) -> list[list[T]]:
    """What each side returned for every question, the sides taking turns in blocks (see BLOCK)."""
    results: list[list[T]] = [[] for _ in sides]
    for start in range(0, len(questions), block):
        chunk = questions[start : start + block]
        for returned, side in zip(results, sides):
            for q in chunk[:2]:  # warm-up: the process before had the caches
                side(q + " ")
            returned.extend(side(q) for q in chunk)
    return results


def block_ratios(numerator: list[float], denominator: list[float], block: int = BLOCK) -> list[float]:
    """p50 / p50 within each block of in_turns: the two sides ran in the same minute of the machine."""
    ratios = []
    for start in range(0, min(len(numerator), len(denominator)), block):
        top, bottom = numerator[start : start + block], denominator[start : start + block]
        if len(top) == len(bottom) == block:
            ratios.append(percentile(top, 50) / percentile(bottom, 50))
    return ratios


def timed(call: Callable[[], object]) -> float:
    """Milliseconds that call() takes."""
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class KeepAlive:
    """JSON POSTs over one kept-alive connection with the standard library's client, the thinnest
    there is, so the time is the server's (main prints httpx's figure beside: within ±0.3 ms)."""

    def __init__(self, port: int) -> None:
        self._connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def post(self, path: str, body: dict) -> dict:
        self._connection.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
        response = self._connection.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"POST {path}: HTTP {response.status}: {data[:300]!r}")
        return json.loads(data)

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> KeepAlive:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def start_api(tmp: Path, port: int, backend: str, threads: int, **extra: str) -> tuple[subprocess.Popen, float]:
    """A real API process (`extra`: more NOTES_* settings); returns it and the seconds until it answered ready."""
    env = {
        **os.environ,
        **extra,
        "NOTES_CORPUS_DIR": str(tmp / "corpus"),
        "NOTES_INDEX_DIR": str(tmp / "index"),
        "NOTES_MODELS_DIR": str(MODELS),
        "NOTES_EMBEDDING_BACKEND": backend,
        "NOTES_EMBED_THREADS": str(threads),
    }
    started = time.perf_counter()
    api = subprocess.Popen(
        [sys.executable, "-m", "backend", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(3000):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health/ready", timeout=1).status_code == 200:
                return api, time.perf_counter() - started
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    api.kill()
    raise RuntimeError("API did not start")


def quotes_warmed(port: int) -> float:
    """Seconds until the server has embedded its sentences ahead of time (backend.quotes): before,
    an answer embeds the sentences it may quote itself."""
    started = time.perf_counter()
    while httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=10).json()["quotes_pending"]:
        if time.perf_counter() - started > 3600:
            raise RuntimeError("the server still has sentences to embed after an hour")
        time.sleep(0.5)
    return time.perf_counter() - started


def stop(api: subprocess.Popen) -> None:
    api.terminate()
    api.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--backend", default="onnx")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    questions = [q.question for q in load_devset(ROOT / "tests" / "data" / "devset.json").questions]
    url = f"http://127.0.0.1:{args.port}"
    torch_bare, served_bare = BareEncoder("torch", args.threads), BareEncoder(args.backend, args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(ROOT / "corpus", Path(tmp) / "corpus")
        # built with no sentence vectors kept: every answer embeds the sentences it may quote, as
        # when a passage is quoted for the first time
        api, cold = start_api(Path(tmp), args.port, args.backend, args.threads, NOTES_QUOTE_CACHE="0")
        first_ms = []
        with KeepAlive(args.port) as uncached:
            for q in questions:
                first_ms.append(timed(lambda q=q: uncached.post("/api/ask", {"question": q})))
        stop(api)
        api, warm = start_api(Path(tmp), args.port, args.backend, args.threads)
        print(f"serve -> ready: {cold:.1f} s with no index (building it), {warm:.1f} s with a current index")
        print(f"then sentences embedded ahead of time for quoting: {quotes_warmed(args.port):.1f} s in the background")
        turns = [{"question": q, "answer": "노트의 답 " * 20} for q in questions[:10]]
        client, keep_alive = httpx.Client(timeout=60), KeepAlive(args.port)
        try:
            sides = (
                lambda q: torch_bare.ask({"query": q})["ms"],
                lambda q: served_bare.ask({"query": q})["ms"],
                lambda q: timed(lambda: keep_alive.post("/api/ask", {"question": q})),
                lambda q: timed(lambda: client.post(f"{url}/api/ask", json={"question": q}).raise_for_status()),
                lambda q: timed(lambda: keep_alive.post("/api/ask", {"question": q, "history": turns})),
            )
            torch_ms, served_ms, ask_ms, httpx_ms, history_ms = in_turns(sides, questions * args.rounds)
            rss = peak_rss_mib(api.pid)
        finally:
            client.close()
            keep_alive.close()
            stop(api)
    p50, p95 = percentile(ask_ms, 50), percentile(ask_ms, 95)
    t50, s50, h50 = percentile(torch_ms, 50), percentile(served_ms, 50), percentile(history_ms, 50)
    label = f"/api/ask over HTTP ({args.backend}, {args.threads} thread)"
    print(f"{label}  n={len(ask_ms)}  p50 {p50:.1f} ms  p95 {p95:.1f} ms (stdlib client, kept alive)")
    print(f"  the same through httpx (the client's own cost included): p50 {percentile(httpx_ms, 50):.1f} ms")
    print(f"bare query encode: torch fp32 p50 {t50:.1f} ms, {args.backend} p50 {s50:.1f} ms")
    print(f"ask p50 / torch fp32 encode p50 = {p50 / t50:.2f}x (target <= 0.5x)")
    print(f"ask p50 / {args.backend} encode p50 = {p50 / s50:.2f}x (aim <= 1.2x)")
    blocks = block_ratios(ask_ms, served_ms)
    print(
        f"  the same block by block (each {BLOCK} questions, both sides in the same minute): median "
        f"{percentile(blocks, 50):.2f}x, quartiles {percentile(blocks, 25):.2f}-{percentile(blocks, 75):.2f}x"
        f" over {len(blocks)} blocks: how much the machine moves the ratio"
    )
    print(f"ask with a 10-turn history p50 {h50:.1f} ms = {h50 / p50:.2f}x without (target <= 1.3x)")
    print(
        f"ask with no sentence vectors kept (each passage quoted for the first time): p50 "
        f"{percentile(first_ms, 50):.1f} ms, p95 {percentile(first_ms, 95):.1f} ms"
    )
    print(f"peak RSS of the API process: {rss:.0f} MiB")
    low, high = TYPICAL_TORCH_QUERY_MS
    if not low <= t50 <= high:
        print(f"WARNING: torch's bare encode p50 {t50:.1f} ms is outside its usual {low:.0f}-{high:.0f} ms here: "
              "the machine was busy; the ratios above are not trustworthy")  # fmt: skip
    torch_bare.close()
    served_bare.close()
    summary = {"ask_p50_ms": p50, "ask_p95_ms": p95, "ask_p50_httpx_ms": percentile(httpx_ms, 50)}
    summary |= {"torch_encode_p50_ms": t50, "served_encode_p50_ms": s50, "first_quote_p50_ms": percentile(first_ms, 50)}
    print(json.dumps({k: round(v, 1) for k, v in summary.items()} | {"ready_s": round(warm, 1), "rss_mib": round(rss)}))


if __name__ == "__main__":
    main()
