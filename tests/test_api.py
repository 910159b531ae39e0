"""The HTTP contract, through the real app (TestClient); only the model is faked."""

import re
from dataclasses import replace

import pytest

from backend.main import create_app
from tests.conftest import SEED_NOTE, make_settings, serving
from tests.fakes import HashingEmbedder

NOTE = "# 포드맨\n\n포드맨(Podman)은 데몬 없이 컨테이너를 실행하는 도구다. 루트 권한 없이도 돈다.\n"


def test_health_reports_index_model_and_what_needs_a_key(client):
    body = client.get("/api/health").json()
    assert body == {
        "status": "ok",
        "role": "all",
        "ready": True,
        "notes": 1,
        "chunks": body["chunks"],
        "model": "test/hashing-embedder",
        "generation": body["generation"],
        "reindexing": None,
        "quotes_pending": body["quotes_pending"],
        "auth": {"writes": False, "reads": False},
        "last_error": None,
    }
    assert body["chunks"] >= 10 and body["generation"].startswith("gen-")
    assert isinstance(body["quotes_pending"], int) and body["quotes_pending"] >= 0  # warming: tests/test_quotes.py
    assert client.get("/api/health/ready").json() == {"ready": True}


def test_ask_returns_answer_with_citations_in_contract(client):
    response = client.post("/api/ask", json={"question": "쿠버네티스와 도커는 어떤 관계야?", "top_k": 3})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "question", "searched_for", "answer", "found", "confidence", "uncertain", "citations", "related",
        "unknown_words", "took_ms",
    }  # fmt: skip
    assert body["found"] is True and len(body["citations"]) == 3 and body["related"] == []
    assert body["unknown_words"] == []
    assert 0.5 <= body["confidence"] <= 1 and body["searched_for"] == body["question"]
    citation = body["citations"][0]
    assert set(citation) == {"n", "note", "heading", "start_line", "end_line", "text", "score", "highlight_lines"}
    assert citation["note"] == SEED_NOTE.name and citation["n"] == 1
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", body["answer"])}
    assert markers and markers <= {c["n"] for c in body["citations"]}
    for c in body["citations"]:  # every cited passage the answer quotes has its quoted lines inside it
        assert all(c["start_line"] <= line <= c["end_line"] for line in c["highlight_lines"])


def test_a_found_answer_below_the_low_confidence_is_marked_uncertain(client):
    library = client.app.state.library
    shipped = library.confidence
    question = {"question": "쿠버네티스와 도커는 어떤 관계야?"}
    body = client.post("/api/ask", json=question).json()
    assert body["found"] and body["uncertain"] is (body["confidence"] < shipped.low)
    library.confidence = replace(shipped, low=1.01)  # every found answer falls below it
    marked = client.post("/api/ask", json=question).json()
    assert marked["found"] and marked["uncertain"] is True
    library.confidence = replace(shipped, threshold=1.01, low=1.01)  # nothing is found: nothing to mark
    refused = client.post("/api/ask", json=question).json()
    assert not refused["found"] and refused["uncertain"] is False
    library.confidence = replace(shipped, low=0.0)
    assert client.post("/api/ask", json=question).json()["uncertain"] is False


def test_ask_not_covered_says_so_and_shows_the_closest_passages(client):
    body = client.post("/api/ask", json={"question": "김치찌개 맛있게 끓이는 법 알려줘"}).json()
    assert body["found"] is False and body["citations"] == []
    assert "확실한 답을 찾지 못했습니다" in body["answer"] and body["confidence"] < 0.5
    assert 1 <= len(body["related"]) <= 3 and [c["n"] for c in body["related"]] == [1, 2, 3][: len(body["related"])]
    for c in body["related"]:  # the closest lines, marked inside their passage
        assert all(c["start_line"] <= line <= c["end_line"] for line in c["highlight_lines"])
    assert body["unknown_words"] == []  # every word of it is somewhere in the notes, or no name


def test_a_refusal_names_the_words_of_the_question_no_note_holds(client):
    body = client.post("/api/ask", json={"question": "넷플릭스 요금제랑 MySQL 설정은 어떻게 해?"}).json()
    assert body["found"] is False and body["unknown_words"] == ["넷플릭스", "MySQL"]
    assert "노트 어디에도 나오지 않는 말: ‘넷플릭스’, ‘MySQL’." in body["answer"] and body["related"]


def test_search_returns_ranked_passages(client):
    body = client.post("/api/search", json={"query": "하이퍼바이저", "top_k": 2}).json()
    assert len(body["results"]) == 2
    assert body["results"][0]["score"] >= body["results"][1]["score"]


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({"question": ""}, "question: must not be empty"),
        ({"question": "   \n\t "}, "question: must not be empty"),
        ({"question": "가" * 2001}, "question: String should have at most 2000 characters"),
        ({"question": "도커?", "top_k": 0}, "top_k: Input should be greater than or equal to 1"),
        ({"question": "도커?", "top_k": 21}, "top_k: Input should be less than or equal to 20"),
        ({"question": "도커?", "top_k": "many"}, "top_k: Input should be a valid integer"),
        ({}, "question: Field required"),
        ({"question": 42}, "question: Input should be a valid string"),
    ],
)
def test_ask_bad_input_is_422_with_reason(client, payload, fragment):
    response = client.post("/api/ask", json=payload)
    assert response.status_code == 422
    assert fragment in response.json()["detail"]


def test_malformed_json_is_422_with_reason(client):
    response = client.post(
        "/api/ask", content='{"question": "도커'.encode(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert "not valid JSON" in response.json()["detail"]


def test_search_bad_input_is_422(client):
    assert client.post("/api/search", json={"query": " "}).status_code == 422


def test_reindex_reports_counts(client):
    body = client.post("/api/reindex").json()
    assert {k: body[k] for k in ("added", "changed", "removed", "unchanged")} == {
        "added": 0,
        "changed": 0,
        "removed": 0,
        "unchanged": 1,
    }
    assert body["chunks"] >= 10 and "took_ms" in body


def test_notes_list_and_read_raw_markdown(client):
    notes = client.get("/api/notes").json()["notes"]
    assert notes[0]["path"] == SEED_NOTE.name and notes[0]["chunks"] >= 10
    response = client.get(f"/api/notes/{SEED_NOTE.name}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/markdown")
    assert response.text == SEED_NOTE.read_text(encoding="utf-8")
    assert client.get("/api/notes/missing.md").status_code == 404


def test_put_note_indexes_it_and_delete_removes_it(client, settings):
    response = client.put(
        "/api/notes/tools/podman.md", content=NOTE.encode(), headers={"content-type": "text/markdown"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["created"] is True and body["reindex"]["added"] == 1
    hits = client.post("/api/search", json={"query": "포드맨 데몬", "top_k": 1}).json()["results"]
    assert hits[0]["note"] == "tools/podman.md"
    replaced = client.put("/api/notes/tools/podman.md", content=(NOTE + "\n추가 문장.\n").encode()).json()
    assert replaced["created"] is False and replaced["reindex"]["changed"] == 1
    assert client.delete("/api/notes/tools/podman.md").json()["reindex"]["removed"] == 1
    assert all(
        r["note"] != "tools/podman.md" for r in client.post("/api/search", json={"query": "포드맨"}).json()["results"]
    )
    assert (settings.index_dir.parent / "trash").exists()


@pytest.mark.parametrize(
    ("path", "status"),
    [("..%2Fescape.md", 400), ("notes.txt", 400), ("a%00b.md", 400), ("x" * 256 + ".md", 400), (".hidden.md", 400)],
)
def test_put_note_refuses_bad_paths(client, settings, path, status):
    before = sorted(p.name for p in settings.corpus_dir.rglob("*"))
    response = client.put(f"/api/notes/{path}", content=b"# x")
    assert response.status_code == status, response.text
    assert response.json()["detail"]
    assert sorted(p.name for p in settings.corpus_dir.rglob("*")) == before


def test_put_note_refuses_large_and_non_utf8(client, settings):
    big = client.put("/api/notes/big.md", content=b"a" * (settings.max_note_bytes + 1))
    assert big.status_code == 413 and "limit" in big.json()["detail"]
    bad = client.put("/api/notes/bad.md", content=b"\xff\xfe\xfa")
    assert bad.status_code == 400 and "UTF-8" in bad.json()["detail"]
    assert not (settings.corpus_dir / "big.md").exists() and not (settings.corpus_dir / "bad.md").exists()


def test_put_note_saved_by_an_older_korean_editor_is_stored_as_utf8(client, settings):
    body = "# 포드맨\n\n데몬 없이 컨테이너를 돌린다.\n"
    for name, encoded in (("cp949.md", body.encode("cp949")), ("notepad.md", body.encode("utf-16"))):
        response = client.put(f"/api/notes/{name}", content=encoded)
        assert response.status_code == 200 and response.json()["created"], response.text
        assert (settings.corpus_dir / name).read_bytes() == body.encode("utf-8")
        assert client.get(f"/api/notes/{name}").text == body


def test_delete_missing_note_is_404(client):
    assert client.delete("/api/notes/nothing.md").status_code == 404


def test_empty_corpus_answers_not_found_instead_of_failing(tmp_path, analyzers):
    from backend.main import create_app
    from backend.settings import Settings
    from tests.fakes import HashingEmbedder

    (tmp_path / "corpus").mkdir()
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", allowed_hosts="testserver")
    with serving(create_app(settings, embedder=HashingEmbedder(), analyzers=analyzers)) as client:
        assert client.get("/api/health").json()["chunks"] == 0
        body = client.post("/api/ask", json={"question": "도커란?"}).json()
        assert body["found"] is False and body["citations"] == []
        assert client.post("/api/search", json={"query": "도커"}).json()["results"] == []
        note = "# 첫 노트\n\n도커는 컨테이너 도구다.\n".encode()
        assert client.put("/api/notes/first.md", content=note).status_code == 200
        assert client.post("/api/search", json={"query": "도커"}).json()["results"][0]["note"] == "first.md"


class CountingEmbedder(HashingEmbedder):
    """The fake model, with the queries it was asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.queries: list[str] = []

    def submit_query(self, text: str):
        self.queries.append(text)
        return super().submit_query(text)


def test_a_question_starts_embedding_before_its_request_is_validated_and_is_embedded_once(settings, analyzers):
    embedder = CountingEmbedder()
    with serving(create_app(settings, embedder=embedder, analyzers=analyzers)) as client:
        embedder.queries.clear()
        assert client.post("/api/ask", json={"question": " 쿠버네티스란? ", "top_k": 0}).status_code == 422
        assert embedder.queries == ["쿠버네티스란?"]  # started as soon as the body was read
        assert client.post("/api/ask", json={"question": "쿠버네티스란?"}).status_code == 200
        assert embedder.queries == ["쿠버네티스란?"]  # the search took the vector started before
        assert client.post("/api/search", json={"query": "하이퍼바이저"}).status_code == 200
        assert embedder.queries[1:] == ["하이퍼바이저"]


def test_no_question_is_embedded_early_for_a_client_without_the_key(tmp_path, analyzers):
    embedder = CountingEmbedder()
    settings = make_settings(tmp_path, api_key="k", api_key_reads=True)
    with serving(create_app(settings, embedder=embedder, analyzers=analyzers)) as client:
        embedder.queries.clear()
        assert client.post("/api/ask", json={"question": "도커란?"}).status_code == 401
        assert embedder.queries == []
        assert client.post("/api/ask", json={"question": "도커란?"}, headers={"X-API-Key": "k"}).status_code == 200
        assert embedder.queries == ["도커란?"]
