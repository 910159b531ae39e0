"""NOTES_ROLE: a reader serves the writer's index, follows its new generations, never writes."""

import time

from backend.errors import ReadOnlyRoleError
from backend.library import NotesLibrary
from backend.main import create_app
from tests.conftest import make_settings, serving
from tests.fakes import HashingEmbedder


def wait_until(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_reader_follows_the_writers_generations_and_never_writes(tmp_path, analyzers):
    writer_settings = make_settings(tmp_path)
    writer = NotesLibrary(writer_settings, HashingEmbedder(), analyzers=analyzers)
    reader_settings = writer_settings.model_copy(update={"role": "reader", "follow_seconds": 0.05})
    reader = NotesLibrary(reader_settings, HashingEmbedder(), analyzers=analyzers)
    reader.start()
    assert not reader.status().ready  # no generation yet: it waits for the writer
    writer.open()
    assert wait_until(lambda: reader.status().generation == writer.status().generation)
    assert writer.sentences.wait(10)  # the writer's sentence vectors saved beside the index
    before = sorted(p.name for p in writer_settings.index_dir.iterdir())
    writer.put_note("new.md", "# 새 노트\n\n리더가 따라와야 하는 내용.\n".encode())
    assert wait_until(lambda: reader.status().generation == writer.status().generation)
    assert reader.search("리더가 따라와야", 1)[0].hits[0].chunk.note == "new.md"
    for change in (lambda: reader.put_note("x.md", b"# x"), lambda: reader.reindex(wait=True),
                   lambda: reader.delete_note("new.md")):  # fmt: skip
        try:
            change()
            raise AssertionError("a reader changed something")
        except ReadOnlyRoleError as exc:
            assert "reader" in str(exc)
    assert reader.sentences.wait(10) and writer.sentences.wait(10)
    after_reader = sorted(p.name for p in writer_settings.index_dir.iterdir())
    assert set(after_reader) - set(before) <= {writer.status().generation}  # only the writer's new generation


def test_a_reader_refuses_writes_over_http_naming_the_writer(tmp_path, analyzers):
    settings = make_settings(tmp_path)
    NotesLibrary(settings, HashingEmbedder(), analyzers=analyzers).open()  # the writer built the index
    reader_settings = settings.model_copy(update={"role": "reader", "writer_url": "http://writer:8000"})
    with serving(create_app(reader_settings, embedder=HashingEmbedder(), analyzers=analyzers)) as client:
        assert client.get("/api/health").json()["role"] == "reader"
        refused = client.put("/api/notes/x.md", content=b"# x")
        assert refused.status_code == 409 and "http://writer:8000" in refused.json()["detail"]
        assert client.post("/api/reindex").status_code == 409
        assert client.post("/api/ask", json={"question": "도커란?"}).status_code == 200
        assert not (settings.corpus_dir / "x.md").exists()
