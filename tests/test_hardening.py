"""Faults found by fuzzing, load and fault injection (issue 14), each reproduced through the real app."""

import os
import threading

import pytest

from backend.cli import main as cli_main
from backend.index import CURRENT, load_index
from backend.keywords import KoreanAnalyzer
from backend.main import create_app
from backend.notes import MAX_DEPTH, MAX_PATH_CHARS
from tests.conftest import SEED_NOTE, make_settings, serving
from tests.fakes import HashingEmbedder
from tests.test_notes import make_deep_tree, remove_deep_tree


def app_for(tmp_path, analyzers, **overrides):
    return create_app(make_settings(tmp_path, **overrides), embedder=HashingEmbedder(), analyzers=analyzers)


# 1. deep folders --------------------------------------------------------------------------------
def test_a_thousand_nested_folders_break_neither_writes_nor_start(tmp_path, analyzers):
    settings = make_settings(tmp_path)
    try:
        make_deep_tree(settings.corpus_dir, 1100)
        with serving(create_app(settings, embedder=HashingEmbedder(), analyzers=analyzers)) as client:
            report = client.post("/api/reindex").json()
            assert any("deeper than" in reason for reason in report["failed"])
            deep = client.put("/api/notes/" + "d/" * 1100 + "y.md", content=b"# y")
            assert deep.status_code == 400 and "the limit is" in deep.json()["detail"]
            assert client.put("/api/notes/fine.md", content=b"# fine").status_code == 200
            assert client.delete("/api/notes/fine.md").status_code == 200
    finally:
        remove_deep_tree(settings.corpus_dir)


# 3. a FIFO in the corpus -------------------------------------------------------------------------
def test_a_named_pipe_in_the_corpus_is_reported_not_read(client, settings):
    os.mkfifo(settings.corpus_dir / "pipe.md")
    report = client.post("/api/reindex").json()
    assert "pipe.md: not a regular file (a pipe, socket or device is never read)" in report["failed"]
    assert client.get("/api/health").json()["reindexing"] is None
    assert client.put("/api/notes/after.md", content=b"# after").status_code == 200


# 4. a damaged index, a bad CURRENT, a full rebuild ------------------------------------------------
@pytest.mark.parametrize("damage", ["truncated bm25", "empty CURRENT", "dangling CURRENT"])
def test_a_damaged_index_never_stops_the_server_nor_loses_the_intact_generation(damage, tmp_path, analyzers):
    settings = make_settings(tmp_path)
    with serving(create_app(settings, embedder=HashingEmbedder(), analyzers=analyzers)) as client:
        chunks = client.get("/api/health").json()["chunks"]
    index_dir = settings.index_dir
    generation = (index_dir / CURRENT).read_text()
    if damage == "truncated bm25":
        matrix = index_dir / generation / "bm25" / "counts.npz"
        matrix.write_bytes(matrix.read_bytes()[:100])
    else:
        (index_dir / CURRENT).write_text("" if damage == "empty CURRENT" else "gen-0-gone")
    with serving(create_app(settings, embedder=HashingEmbedder(), analyzers=analyzers)) as client:
        health = client.get("/api/health").json()
        assert health["ready"] and health["chunks"] == chunks
        assert client.post("/api/ask", json={"question": "도커란?"}).status_code == 200
    if damage != "truncated bm25":  # the intact generation was used again, not deleted
        assert (index_dir / generation).is_dir() and (index_dir / CURRENT).read_text() == generation


def test_while_the_first_index_is_built_the_api_is_up_and_says_so(tmp_path, analyzers, monkeypatch):
    settings = make_settings(tmp_path)
    building, release = threading.Event(), threading.Event()
    original = KoreanAnalyzer.note_vocabulary

    def slow_vocabulary(self, text):
        building.set()
        release.wait(30)
        return original(self, text)

    monkeypatch.setattr(KoreanAnalyzer, "note_vocabulary", slow_vocabulary)
    from fastapi.testclient import TestClient

    with TestClient(create_app(settings, embedder=HashingEmbedder(), analyzers=analyzers)) as client:
        assert building.wait(30)
        health = client.get("/api/health").json()
        assert health["status"] == "starting" and not health["ready"] and health["reindexing"]["phase"]
        assert client.get("/api/health/ready").status_code == 503
        asked = client.post("/api/ask", json={"question": "도커란?"})
        assert asked.status_code == 503 and asked.headers["retry-after"] == "5"
        assert "being built" in asked.json()["detail"]
        release.set()


# 2. a large note does not freeze questions ------------------------------------------------------
def test_questions_are_answered_while_a_note_is_being_analysed(client, settings, monkeypatch):
    """Indexing has analysers of its own: a question never waits for a reindex's Kiwi."""
    analysing, release = threading.Event(), threading.Event()
    original = KoreanAnalyzer.note_vocabulary

    def held(self, text):
        analysing.set()
        release.wait(30)  # as long as a 5 MB note would take
        return original(self, text)

    monkeypatch.setattr(KoreanAnalyzer, "note_vocabulary", held)
    writer = threading.Thread(
        target=client.put, args=("/api/notes/big.md",), kwargs={"content": "# 큰 노트\n\n본문".encode()}
    )
    writer.start()
    try:
        assert analysing.wait(30)
        answered = client.post("/api/ask", json={"question": "쿠버네티스와 도커는 어떤 관계야?"})
        assert answered.status_code == 200 and answered.json()["found"]
        assert client.get("/api/health").json()["reindexing"] is not None
    finally:
        release.set()
        writer.join(30)


# 5. racing writes, versions ---------------------------------------------------------------------
def test_racing_puts_lose_no_version_and_any_version_can_be_restored(client):
    bodies = []
    for round_ in range(10):
        pair = [f"# 경쟁 {round_}-{w}\n\n본문 {w}\n".encode() for w in (0, 1)]
        bodies += pair
        threads = [
            threading.Thread(target=client.put, args=("/api/notes/race.md",), kwargs={"content": b}) for b in pair
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    versions = client.get("/api/notes/race.md/versions").json()["versions"]
    kept = {client.get(f"/api/notes/race.md/versions/{v['id']}").text for v in versions}
    kept.add(client.get("/api/notes/race.md").text)
    assert {b.decode() for b in bodies} <= kept
    before = len(versions)
    assert client.put("/api/notes/race.md", content=client.get("/api/notes/race.md").content).status_code == 200
    assert len(client.get("/api/notes/race.md/versions").json()["versions"]) == before  # unchanged: no copy
    oldest = versions[-1]
    restored = client.post("/api/notes/race.md/restore", json={"version": oldest["id"]})
    assert restored.status_code == 200
    assert client.get("/api/notes/race.md").text == client.get(f"/api/notes/race.md/versions/{oldest['id']}").text
    missing = client.post("/api/notes/race.md/restore", json={"version": "19990101T000000.000000000-replaced"})
    assert missing.status_code == 404


def test_a_deleted_note_can_be_brought_back(client):
    client.put("/api/notes/gone.md", content="# 지울 노트\n\n다시 살릴 내용\n".encode())
    assert client.delete("/api/notes/gone.md").status_code == 200
    assert client.get("/api/notes/gone.md").status_code == 404
    versions = client.get("/api/notes/gone.md/versions").json()["versions"]
    assert versions[0]["reason"] == "deleted"
    assert client.post("/api/notes/gone.md/restore", json={"version": versions[0]["id"]}).status_code == 200
    assert "다시 살릴 내용" in client.get("/api/notes/gone.md").text


# 6. cross-site requests and DNS rebinding --------------------------------------------------------
def test_cross_site_writes_and_forged_hosts_are_refused(client, settings):
    form = client.post(
        "/api/reindex",
        content=b"a=1",
        headers={"content-type": "application/x-www-form-urlencoded", "origin": "http://evil.example"},
    )
    assert form.status_code == 403 and "evil.example" in form.json()["detail"]
    plain = client.post("/api/reindex", content=b"x", headers={"content-type": "text/plain"})
    assert plain.status_code == 415 and "application/json" in plain.json()["detail"]
    fetched = client.put("/api/notes/x.md", content=b"# x", headers={"sec-fetch-site": "cross-site"})
    assert fetched.status_code == 403
    rebound = client.get("/api/notes/docker-vm-kubernetes.md", headers={"host": "attacker.example"})
    assert rebound.status_code == 400 and "NOTES_ALLOWED_HOSTS" in rebound.json()["detail"]
    same_site = client.post("/api/reindex", headers={"origin": "http://testserver"})
    assert same_site.status_code == 200
    assert (
        "access-control-allow-origin" not in client.get("/api/health", headers={"origin": "http://a.example"}).headers
    )
    assert not (settings.corpus_dir / "x.md").exists()


def test_the_api_refuses_to_serve_an_open_address_without_a_key(monkeypatch, capsys):
    monkeypatch.setenv("NOTES_HOST", "0.0.0.0")
    monkeypatch.delenv("NOTES_API_KEY", raising=False)
    monkeypatch.delenv("NOTES_ALLOW_OPEN", raising=False)
    from backend.settings import get_settings

    get_settings.cache_clear()
    try:
        assert cli_main(["serve"]) == 2
        assert "NOTES_API_KEY" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()


# 8. long paths and a file in the way ------------------------------------------------------------
def test_long_paths_and_notes_in_the_way_get_true_4xx(client):
    long = "a" * (MAX_PATH_CHARS + 100) + ".md"
    for method in ("get", "put", "delete"):
        response = getattr(client, method)(f"/api/notes/{long}", **({"content": b"x"} if method == "put" else {}))
        assert response.status_code == 400 and str(MAX_PATH_CHARS) in response.json()["detail"], method
    deep = client.get("/api/notes/" + "d/" * (MAX_DEPTH + 1) + "n.md")
    assert deep.status_code == 400
    client.put("/api/notes/a.md", content=b"# a")
    under = client.put("/api/notes/a.md/child.md", content=b"# c")
    assert under.status_code == 409 and "a.md is a note, not a folder" in under.json()["detail"]


# 9. body limits and encodings -------------------------------------------------------------------
def test_bodies_are_bounded_and_undecodable_json_is_422(client):
    huge = client.post(
        "/api/ask", content=b'{"question": "' + b"a" * 400_000 + b'"}', headers={"content-type": "application/json"}
    )
    assert huge.status_code == 413 and "NOTES_MAX_REQUEST_BYTES" in huge.json()["detail"]
    latin = client.post("/api/ask", content=b'{"question": "\xff\xfe"}', headers={"content-type": "application/json"})
    assert latin.status_code == 422 and "not valid JSON" in latin.json()["detail"]
    big_note = client.put("/api/notes/big.md", content=b"x" * (1024 * 1024 + 1))
    assert big_note.status_code == 413 and "NOTES_MAX_NOTE_BYTES" in big_note.json()["detail"]


# 10. the OpenAPI document and links in the corpus -----------------------------------------------
def test_openapi_describes_bodies_keys_limits_and_media_types(client):
    spec = client.get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    put = spec["paths"]["/api/notes/{path}"]["put"]
    assert set(put["requestBody"]["content"]) == {"text/markdown", "text/plain"}
    assert "text/markdown" in spec["paths"]["/api/notes/{path}"]["get"]["responses"]["200"]["content"]
    path_param = next(p for p in put["parameters"] if p["name"] == "path")
    assert path_param["schema"]["pattern"].endswith(".md$") and path_param["schema"]["maxLength"] == MAX_PATH_CHARS
    question = spec["components"]["schemas"]["AskRequest"]["properties"]["question"]
    assert question["minLength"] == 1 and question["maxLength"] == 2000
    options = client.options("/api/notes/docker-vm-kubernetes.md")
    assert options.status_code == 405 and set(options.headers["allow"].split(", ")) >= {"GET", "PUT", "DELETE"}


def test_links_inside_the_corpus_are_indexed_once_and_links_out_reported(client, settings, tmp_path):
    os.symlink(settings.corpus_dir / SEED_NOTE.name, settings.corpus_dir / "alias.md")
    (tmp_path / "outside.md").write_text("# 밖")
    os.symlink(tmp_path / "outside.md", settings.corpus_dir / "out.md")
    report = client.post("/api/reindex").json()
    assert "alias.md: the same file as docker-vm-kubernetes.md (a link), indexed once" in report["failed"]
    assert "out.md: a link leading out of the corpus" in report["failed"]
    assert [n["path"] for n in client.get("/api/notes").json()["notes"]] == ["docker-vm-kubernetes.md"]
    assert load_index(settings.index_dir) is not None


def test_note_paths_follow_the_documented_pattern(client, settings):
    """New notes must match the OpenAPI pattern; a longer name an editor wrote still reads and deletes."""
    long_name = "가" * 70 + ".md"
    refused = client.put(f"/api/notes/{long_name}", content=b"# x", headers={"content-type": "text/markdown"})
    assert refused.status_code == 400 and "63 characters" in refused.json()["detail"]
    (settings.corpus_dir / long_name).write_text("# 긴 이름\n\n편집기가 쓴 노트.\n", encoding="utf-8")
    assert client.get(f"/api/notes/{long_name}").status_code == 200
    assert client.delete(f"/api/notes/{long_name}").status_code == 200
    assert client.put("/api/notes/" + "가" * 60 + ".md", content=b"# ok").status_code == 200
    wrong_method = client.put("/api/notes/a.md/restore", content=b"{}")
    assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "POST"
    assert client.put("/api/notes/empty.md").status_code == 422  # no body, no Content-Type
    assert client.put("/api/notes/empty.md", headers={"content-type": "text/markdown"}).status_code == 200
