"""A note nobody has seen, added through the API and through the file system, with the real model."""

import httpx
import pytest

from backend.library import NotesLibrary
from backend.main import create_app
from tests.conftest import LiveServer, free_port, make_settings

pytestmark = pytest.mark.model

PODMAN = """# 포드맨 사용 메모

## 포드맨이란

포드맨(Podman)은 레드햇이 만든 컨테이너 엔진이다. 도커와 달리 상주하는 데몬이 없다.

## 루트리스 컨테이너

포드맨은 루트 권한 없이 일반 사용자 계정으로 컨테이너를 실행할 수 있어 보안에 유리하다.

## 파드

여러 컨테이너를 하나의 파드로 묶어 네트워크를 공유하게 할 수 있다.
"""

BACKUP = """# 백업 규칙

## 3-2-1 규칙

데이터 사본을 세 개 두고, 두 종류의 저장 매체에 보관하며, 그중 하나는 다른 장소에 둔다.

## 복구 연습

백업은 복구해 보기 전까지 믿을 수 없으니 분기마다 복구 연습을 한다.
"""


@pytest.fixture
def server(tmp_path, real_embedder, analyzers):
    settings = make_settings(tmp_path)
    with LiveServer(create_app(settings, embedder=real_embedder, analyzers=analyzers), free_port()) as live:
        yield live, settings


def ask(url: str, question: str) -> dict:
    return httpx.post(f"{url}/api/ask", json={"question": question, "top_k": 3}, timeout=60).json()


def test_note_added_through_api_is_cited_then_gone_after_delete(server):
    live, _ = server
    question = "포드맨은 루트 권한 없이 컨테이너를 돌릴 수 있어?"
    before = ask(live.url, question)
    assert all(c["note"] != "podman.md" for c in before["citations"])
    assert httpx.put(f"{live.url}/api/notes/podman.md", content=PODMAN.encode(), timeout=60).status_code == 200
    after = ask(live.url, question)
    assert after["found"] and after["citations"][0]["note"] == "podman.md"
    assert "루트리스" in after["citations"][0]["heading"]
    assert ask(live.url, "Does Podman need a daemon?")["citations"][0]["note"] == "podman.md"
    assert httpx.delete(f"{live.url}/api/notes/podman.md", timeout=60).status_code == 200
    gone = ask(live.url, question)
    assert all(c["note"] != "podman.md" for c in gone["citations"])


def test_note_added_on_disk_is_cited_after_reindex(server):
    live, settings = server
    (settings.corpus_dir / "backup.md").write_text(BACKUP, encoding="utf-8")
    before = ask(live.url, "백업 3-2-1 규칙이 뭐야?")
    assert before["confidence"] < 0.5  # only the Docker note is indexed: at best an uncertain answer
    assert before["uncertain"] or not before["found"]
    report = httpx.post(f"{live.url}/api/reindex", timeout=60).json()
    assert report["added"] == 1
    body = ask(live.url, "백업 3-2-1 규칙이 뭐야?")
    assert body["found"] and body["citations"][0]["note"] == "backup.md"
    assert body["confidence"] >= 0.5 > before["confidence"] and not body["uncertain"]
    assert ask(live.url, "복구 연습은 얼마나 자주 해야 해?")["citations"][0]["note"] == "backup.md"


def test_the_same_notes_give_the_same_vectors_and_answers_in_whatever_order_they_were_indexed(
    tmp_path, real_embedder, analyzers
):
    all_at_once, one_by_one = make_settings(tmp_path / "a"), make_settings(tmp_path / "b")
    for name, text in (("podman.md", PODMAN), ("backup.md", BACKUP)):
        (all_at_once.corpus_dir / name).write_text(text, encoding="utf-8")
    first = NotesLibrary(all_at_once, real_embedder, analyzers=analyzers)
    first.open()
    second = NotesLibrary(one_by_one, real_embedder, analyzers=analyzers)
    second.open()
    for name, text in (("podman.md", PODMAN), ("backup.md", BACKUP)):  # one note per reindex
        (one_by_one.corpus_dir / name).write_text(text, encoding="utf-8")
        second.reindex(wait=True)
    a, b = first.retriever.index, second.retriever.index
    vectors_b = {r.chunk.search_text: b.vectors.reconstruct(row) for row, r in enumerate(b.records)}
    assert sorted(vectors_b) == sorted(r.chunk.search_text for r in a.records)
    for row, record in enumerate(a.records):  # fp16 storage rounds at ~1e-4; a batch-mate moved them by ~5e-3
        assert float(a.vectors.reconstruct(row) @ vectors_b[record.chunk.search_text]) > 0.9998
    for question in ("포드맨은 데몬이 있어?", "백업 사본은 몇 개 둬?", "도커는 VM보다 항상 좋은가?"):
        assert first.ask(question, 3).confidence == pytest.approx(second.ask(question, 3).confidence, abs=2e-3)
