"""Reindexing while serving: no torn reads, one reindex at a time, edits on disk picked up."""

import threading
import time

import httpx
import pytest

from backend.main import create_app
from tests.conftest import LiveServer, free_port, make_settings
from tests.fakes import HashingEmbedder

NOTE = "# 깃 브랜치\n\n깃에서 브랜치를 합칠 때는 merge 또는 rebase를 쓴다. 충돌이 나면 파일을 고친 뒤 add 한다.\n"


class SlowEmbedder(HashingEmbedder):
    """Embedding passages takes a while, so requests certainly arrive in the middle of a reindex."""

    def embed_passages(self, texts):
        time.sleep(0.6)
        return super().embed_passages(texts)


@pytest.fixture
def slow_server(tmp_path, analyzers):
    settings = make_settings(tmp_path)
    with LiveServer(create_app(settings, embedder=SlowEmbedder(), analyzers=analyzers), free_port()) as server:
        yield server, settings


def test_queries_during_reindex_never_fail_or_come_back_empty(slow_server):
    server, settings = slow_server
    stop = threading.Event()
    failures: list[str] = []
    answered = []

    def ask_loop():
        with httpx.Client(base_url=server.url, timeout=30) as client:
            while not stop.is_set():
                r = client.post("/api/search", json={"query": "도커와 가상 머신의 차이", "top_k": 3})
                if r.status_code != 200 or not r.json()["results"]:
                    failures.append(f"{r.status_code} {r.text[:200]}")
                a = client.post("/api/ask", json={"question": "쿠버네티스는 도커를 관리하나?"})
                if a.status_code != 200:
                    failures.append(f"{a.status_code} {a.text[:200]}")
                answered.append(1)

    threads = [threading.Thread(target=ask_loop) for _ in range(3)]
    for t in threads:
        t.start()
    with httpx.Client(base_url=server.url, timeout=60) as client:
        for i in range(4):
            body = NOTE + f"\n추가 문단 {i}: 브랜치 전략을 정리했다.\n"
            assert client.put("/api/notes/git.md", content=body.encode()).status_code == 200
        assert client.delete("/api/notes/git.md").status_code == 200
    stop.set()
    for t in threads:
        t.join()
    assert failures == []
    assert len(answered) >= 10


def test_second_reindex_while_one_runs_gets_409(slow_server):
    server, settings = slow_server
    (settings.corpus_dir / "git.md").write_text(NOTE, encoding="utf-8")
    first: dict = {}
    runner = threading.Thread(target=lambda: first.update(r=httpx.post(f"{server.url}/api/reindex", timeout=60)))
    runner.start()
    deadline = time.monotonic() + 10
    while not httpx.get(f"{server.url}/api/health").json()["reindexing"] and time.monotonic() < deadline:
        time.sleep(0.02)
    second = httpx.post(f"{server.url}/api/reindex", timeout=60)
    runner.join()
    assert second.status_code == 409 and "already running" in second.json()["detail"]
    assert first["r"].status_code == 200 and first["r"].json()["added"] == 1


def test_watch_mode_indexes_edits_made_on_disk(tmp_path, analyzers):
    settings = make_settings(tmp_path, watch=True, watch_debounce_ms=200)
    with LiveServer(create_app(settings, embedder=HashingEmbedder(), analyzers=analyzers), free_port()) as server:
        (settings.corpus_dir / "git.md").write_text(NOTE, encoding="utf-8")
        deadline = time.monotonic() + 20
        notes = []
        while time.monotonic() < deadline:
            notes = [n["path"] for n in httpx.get(f"{server.url}/api/notes").json()["notes"]]
            if "git.md" in notes:
                break
            time.sleep(0.2)
        assert "git.md" in notes
        (settings.corpus_dir / "git.md").unlink()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and "git.md" in notes:
            notes = [n["path"] for n in httpx.get(f"{server.url}/api/notes").json()["notes"]]
            time.sleep(0.2)
        assert "git.md" not in notes
