"""One writer and three readers on one index folder, as real processes: do readers ever fail or lag?

    python -m bench.cluster [--changes 20] [--readers 3]

Starts `python -m backend serve` as a writer and as readers (NOTES_ROLE) on one corpus and index
folder. Client threads ask and search the readers without pause while the writer applies changes
(PUT a new note, PUT a new text, DELETE, an edit on disk + POST /api/reindex). After each change it
times how long until every reader serves the writer's new generation. Then a reader is killed
(SIGKILL, out of rotation first, as a load balancer does on readiness) and restarted, and the
writer is killed in the middle of a reindex: readers must keep serving the previous generation.
Prints requests, failures, empty results, the largest lag and each recovery.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ["도커는 VM보다 항상 좋은가?", "쿠버네티스와 도커는 어떤 관계야?", "하이퍼바이저는 무슨 역할을 해?"]


class Node:
    """One API process of the cluster."""

    def __init__(self, folder: Path, role: str, port: int, follow_seconds: float) -> None:
        self.folder, self.role, self.port, self.follow_seconds = folder, role, port, follow_seconds
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "NOTES_CORPUS_DIR": str(self.folder / "corpus"),
            "NOTES_INDEX_DIR": str(self.folder / "index"),
            "NOTES_MODELS_DIR": str(ROOT / "data" / "models"),
            "NOTES_ROLE": self.role,
            "NOTES_FOLLOW_SECONDS": str(self.follow_seconds),
            "NOTES_WRITER_URL": "http://127.0.0.1 (the writer)",
        }
        log = open(self.folder / f"{self.role}-{self.port}.log", "a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "backend", "serve", "--port", str(self.port)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def health(self) -> dict:
        return httpx.get(f"{self.url}/api/health", timeout=5).json()

    def wait_ready(self, seconds: float = 240) -> float:
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            try:
                if httpx.get(f"{self.url}/api/health/ready", timeout=2).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.role} on {self.port} never became ready")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


class Load:
    """Client threads asking and searching the readers in rotation without pause."""

    def __init__(self, readers: list[Node], threads: int = 3) -> None:
        self.rotation = list(readers)
        self.in_flight = {node.port: 0 for node in readers}
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.requests = self.failures = self.empty = 0
        self.problems: list[str] = []
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]

    def _run(self, offset: int) -> None:
        client = httpx.Client(timeout=30)
        i = offset
        while not self.stop.is_set():
            with self.lock:
                node = self.rotation[i % len(self.rotation)] if self.rotation else None
                if node is not None:
                    self.in_flight[node.port] += 1
            i += 1
            if node is None:
                time.sleep(0.05)
                continue
            question = QUESTIONS[i % len(QUESTIONS)]
            try:
                if i % 2:
                    body = client.post(f"{node.url}/api/ask", json={"question": question})
                    passages = body.json()["citations"] or body.json()["related"] if body.status_code == 200 else []
                else:
                    body = client.post(f"{node.url}/api/search", json={"query": question})
                    passages = body.json()["results"] if body.status_code == 200 else []
                ok, empty = body.status_code == 200, body.status_code == 200 and not passages
            except (httpx.HTTPError, ValueError) as exc:
                ok, empty = False, False
                body = exc
            with self.lock:
                self.in_flight[node.port] -= 1
                self.requests += 1
                self.failures += not ok
                self.empty += empty
                if not ok or empty:
                    self.problems.append(f"{node.port}: {body}")

    def without(self, node: Node, drain_seconds: float = 30) -> None:
        """Out of rotation, then wait for its requests in flight (a load balancer's connection draining)."""
        with self.lock:
            self.rotation.remove(node)
        deadline = time.monotonic() + drain_seconds
        while self.in_flight[node.port] and time.monotonic() < deadline:
            time.sleep(0.01)

    def with_(self, node: Node) -> None:
        with self.lock:
            self.rotation.append(node)


def wait_followed(readers: list[Node], generation: str, seconds: float = 30) -> float:
    """Seconds until every reader serves `generation`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if all(r.health()["generation"] == generation for r in readers):
            return time.monotonic() - started
        time.sleep(0.02)
    raise RuntimeError(f"readers did not reach {generation} in {seconds} s")


def prove(changes: int = 20, readers: int = 3, follow_seconds: float = 1.0, base_port: int = 18600) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="notes-cluster-"))
    shutil.copytree(ROOT / "corpus", folder / "corpus")
    writer = Node(folder, "writer", base_port, follow_seconds)
    nodes = [Node(folder, "reader", base_port + 1 + i, follow_seconds) for i in range(readers)]
    result: dict = {"changes": changes, "readers": readers, "lags": []}
    try:
        writer.start()
        writer.wait_ready()
        for node in nodes:
            node.start()
        for node in nodes:
            node.wait_ready()
        wait_followed(nodes, writer.health()["generation"])
        load = Load(nodes)
        for thread in load.threads:
            thread.start()
        with httpx.Client(timeout=120) as client:
            for n in range(changes):
                step = n % 4
                if step == 0:
                    client.put(
                        f"{writer.url}/api/notes/team/n{n}.md", content=f"# 팀 노트 {n}\n\n배포 규칙 {n}번.\n".encode()
                    )
                elif step == 1:
                    client.put(
                        f"{writer.url}/api/notes/team/n{n - 1}.md",
                        content=f"# 팀 노트 {n}\n\n바뀐 규칙 {n}.\n".encode(),
                    )
                elif step == 2:
                    client.delete(f"{writer.url}/api/notes/team/n{n - 2}.md")
                else:
                    (folder / "corpus" / f"disk-{n}.md").write_text(
                        f"# 디스크 {n}\n\n편집기에서 쓴 노트 {n}.\n", encoding="utf-8"
                    )
                    client.post(f"{writer.url}/api/reindex")
                result["lags"].append(wait_followed(nodes, writer.health()["generation"]))
            victim = nodes[0]
            load.without(victim)
            victim.kill()
            victim.start()
            result["reader_restart_s"] = victim.wait_ready()
            load.with_(victim)
            before = writer.health()["generation"]
            big = "\n\n".join(
                f"## 절 {i}\n\n" + "컨테이너와 가상 머신의 차이를 다시 정리한다. " * 20 for i in range(150)
            )
            putting = threading.Thread(target=lambda: _quiet_put(writer.url, big), daemon=True)
            putting.start()
            while writer.health()["reindexing"] is None:
                time.sleep(0.01)
            writer.kill()  # in the middle of the reindex
            time.sleep(follow_seconds * 3)
            result["after_writer_killed"] = sorted({r.health()["generation"] for r in nodes}) == [before]
            writer.start()
            writer.wait_ready()
            wait_followed(nodes, _settled(writer))
        load.stop.set()
        for thread in load.threads:
            thread.join(timeout=30)
        result.update(requests=load.requests, failures=load.failures, empty=load.empty, problems=load.problems[:5])
        result["max_lag_s"] = max(result["lags"])
    finally:
        for node in [writer, *nodes]:
            node.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return result


def _quiet_put(url: str, body: str) -> None:
    try:
        httpx.put(f"{url}/api/notes/big.md", content=body.encode(), timeout=120)
    except httpx.HTTPError:
        pass  # the writer is killed under it: that is the point


def _settled(writer: Node) -> str:
    """The writer's generation once its catch-up after the restart is done."""
    while (health := writer.health())["reindexing"] is not None:
        time.sleep(0.05)
    return health["generation"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--readers", type=int, default=3)
    args = parser.parse_args()
    result = prove(args.changes, args.readers)
    print(f"{result['readers']} readers, {result['changes']} changes by the writer")
    print(f"requests to readers: {result['requests']}, failed {result['failures']}, empty {result['empty']}")
    print(f"lag until every reader served the new generation: max {result['max_lag_s']:.2f} s, "
          f"median {sorted(result['lags'])[len(result['lags']) // 2]:.2f} s")  # fmt: skip
    print(f"a killed reader was back and ready in {result['reader_restart_s']:.1f} s")
    print(f"writer killed mid-reindex: readers kept the previous generation: {result['after_writer_killed']}")
    print(json.dumps({k: v for k, v in result.items() if k != "lags"}, ensure_ascii=False))


if __name__ == "__main__":
    main()
