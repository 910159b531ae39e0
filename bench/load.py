"""Questions under load and during a large note's indexing, against a real API process.

    python -m bench.load [--clients 20] [--seconds 30]

1. `--clients` threads ask without pause for `--seconds` while another thread PUTs a note every
   2 s: requests, errors (anything but 200), p50/p95.
2. Question p95 with 2 clients, idle, then while a 1 MB note (the largest a PUT accepts) is
   indexed, and how long that note took (PUT to its answer: embedded, analysed, written).
3. The same for a `--disk-mb` note (5 MB) written into the corpus folder and indexed by
   POST /api/reindex, and the API's RSS before and at its peak.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench.latency import percentile, start_api, stop
from bench.memory import peak_rss_mib, rss_mib

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ["도커는 VM보다 항상 좋은가?", "쿠버네티스와 도커는 어떤 관계야?", "하이퍼바이저는 무슨 역할을 해?"]


def ask_loop(url: str, stop_at: threading.Event, times: list[float], errors: list[str]) -> None:
    with httpx.Client(timeout=60) as client:
        i = 0
        while not stop_at.is_set():
            started = time.perf_counter()
            try:
                response = client.post(f"{url}/api/ask", json={"question": QUESTIONS[i % 3]})
                if response.status_code != 200:
                    errors.append(f"{response.status_code} {response.text[:80]}")
            except httpx.HTTPError as exc:
                errors.append(repr(exc))
            times.append((time.perf_counter() - started) * 1000)
            i += 1


def big_note(size: int = 1024 * 1024) -> bytes:
    parts, total, n = [], 0, 0
    while True:
        section = (
            f"## 절 {n}\n\n" + f"{n}번째 절: 컨테이너와 가상 머신, 배포와 백업 절차를 자세히 적는다. " * 6 + "\n\n"
        )
        encoded = section.encode()
        if total + len(encoded) > size:
            return "".join(parts).encode()
        parts.append(section)
        total += len(encoded)
        n += 1


def measure(url: str, clients: int, seconds: float) -> tuple[list[float], list[str]]:
    stop_at, times, errors = threading.Event(), [], []
    threads = [threading.Thread(target=ask_loop, args=(url, stop_at, times, errors)) for _ in range(clients)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop_at.set()
    for t in threads:
        t.join()
    return times, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--port", type=int, default=8795)
    parser.add_argument("--disk-mb", type=float, default=5, help="a note this large written on disk (0: skip)")
    args = parser.parse_args()
    url = f"http://127.0.0.1:{args.port}"
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(ROOT / "corpus", Path(tmp) / "corpus")
        (Path(tmp) / "corpus").chmod(0o777)
        api, _ = start_api(Path(tmp), args.port, "onnx", 1)
        try:
            writes, write_errors, stop_writes = [0], [], threading.Event()

            def writer() -> None:
                n = 0
                while not stop_writes.wait(2.0):
                    body = f"# 부하 노트 {n}\n\n{n}번째 변경: 배포는 화요일에 한다.\n".encode()
                    response = httpx.put(f"{url}/api/notes/load/n{n % 5}.md", content=body, timeout=120)
                    writes[0] += 1
                    if response.status_code != 200:
                        write_errors.append(response.status_code)
                    n += 1

            thread = threading.Thread(target=writer)
            thread.start()
            times, errors = measure(url, args.clients, args.seconds)
            stop_writes.set()
            thread.join()
            print(f"{args.clients} clients for {args.seconds:.0f} s with a PUT every 2 s: {len(times)} questions, "
                  f"{len(errors)} errors, {writes[0]} writes ({len(write_errors)} failed); "
                  f"p50 {percentile(times, 50):.0f} ms, p95 {percentile(times, 95):.0f} ms")  # fmt: skip
            idle, _ = measure(url, 2, 10)
            rss_before = rss_mib(api.pid)
            note = big_note()
            took, during, during_errors = questions_during(
                url, lambda: httpx.put(f"{url}/api/notes/big.md", content=note, timeout=900).raise_for_status()
            )
            what = f"a 1 MB note ({len(note):,} bytes) indexed in {took:.1f} s through PUT"
            report(what, idle, during, during_errors)
            if args.disk_mb:
                disk = big_note(int(args.disk_mb * 1024 * 1024))
                (Path(tmp) / "corpus" / "huge.md").write_bytes(disk)
                took, during, during_errors = questions_during(
                    url, lambda: httpx.post(f"{url}/api/reindex", timeout=3600).raise_for_status()
                )
                report(f"a {args.disk_mb:g} MB note ({len(disk):,} bytes) written on disk indexed in {took:.1f} s "
                       "by POST /api/reindex", idle, during, during_errors)  # fmt: skip
            print(f"API RSS {rss_before:.0f} MiB before the large notes, peak {peak_rss_mib(api.pid):.0f} MiB")
        finally:
            stop(api)


def questions_during(url: str, work) -> tuple[float, list[float], list[str]]:
    """Run `work` while 2 clients ask; its seconds, their latencies and their errors."""
    stop_at, times, errors = threading.Event(), [], []
    askers = [threading.Thread(target=ask_loop, args=(url, stop_at, times, errors)) for _ in range(2)]
    for t in askers:
        t.start()
    started = time.perf_counter()
    try:
        work()
    finally:
        took = time.perf_counter() - started
        stop_at.set()
        for t in askers:
            t.join()
    return took, times, errors


def report(what: str, idle: list[float], during: list[float], errors: list[str]) -> None:
    ratio = percentile(during, 95) / percentile(idle, 95)
    print(what)
    print(f"  questions (2 clients): idle p95 {percentile(idle, 95):.0f} ms; meanwhile {len(during)} answered, "
          f"p95 {percentile(during, 95):.0f} ms = {ratio:.2f}x (target <= 2x), max {max(during):.0f} ms, "
          f"{len(errors)} errors")  # fmt: skip


if __name__ == "__main__":
    main()
