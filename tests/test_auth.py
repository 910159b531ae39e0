"""NOTES_API_KEY guards the write endpoints (and reads with NOTES_API_KEY_READS=1)."""

import pytest

from backend.main import create_app
from tests.conftest import make_settings, serving
from tests.fakes import HashingEmbedder


@pytest.fixture
def guarded(tmp_path, analyzers):
    settings = make_settings(tmp_path, api_key="s3cret-key")
    with serving(create_app(settings, embedder=HashingEmbedder(), analyzers=analyzers)) as client:
        yield client, settings


def test_writes_need_the_key_and_leave_corpus_untouched(guarded):
    client, settings = guarded
    before = sorted(p.name for p in settings.corpus_dir.iterdir())
    assert client.post("/api/reindex").status_code == 401
    assert client.put("/api/notes/a.md", content=b"# a").status_code == 401
    assert client.delete("/api/notes/docker-vm-kubernetes.md").status_code == 401
    wrong = client.put("/api/notes/a.md", content=b"# a", headers={"X-API-Key": "nope"})
    assert wrong.status_code == 403
    assert sorted(p.name for p in settings.corpus_dir.iterdir()) == before


def test_writes_accept_bearer_or_x_api_key(guarded):
    client, settings = guarded
    assert client.post("/api/reindex", headers={"Authorization": "Bearer s3cret-key"}).status_code == 200
    assert client.put("/api/notes/a.md", content=b"# a\n\nbody", headers={"X-API-Key": "s3cret-key"}).status_code == 200
    assert (settings.corpus_dir / "a.md").exists()


def test_reads_stay_open_unless_asked(guarded, tmp_path, analyzers):
    client, _ = guarded
    assert client.post("/api/ask", json={"question": "도커란?"}).status_code == 200
    settings = make_settings(tmp_path / "reads", api_key="k", api_key_reads=True)
    with serving(create_app(settings, embedder=HashingEmbedder(), analyzers=analyzers)) as closed:
        assert closed.post("/api/ask", json={"question": "도커란?"}).status_code == 401
        assert closed.post("/api/ask", json={"question": "도커란?"}, headers={"X-API-Key": "k"}).status_code == 200
        assert closed.get("/api/health").status_code == 200
