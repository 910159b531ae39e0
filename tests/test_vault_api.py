"""An Obsidian-style vault through HTTP: history, folder and tag filters, frontmatter, warnings."""

import pytest

from tests.conftest import make_settings, serving
from tests.fakes import HashingEmbedder

VAULT = {
    "work/deploy.md": "---\ntitle: 배포 규칙\ntags: [work, release]\naliases: [release rules]\n---\n"
    "# 배포 규칙\n\n배포는 화요일과 목요일에만 한다. 금요일 배포는 금지.\n",
    "work/meeting.md": "# 주간 회의\n\n#회의 다음 배포 일정과 장애 회고를 정리했다.\n",
    "personal/moving.md": "---\ntags: 이사\n---\n# 이사\n\n"
    "전입신고는 14일 안에 한다. 정부24에서 온라인으로 할 수 있다.\n",
    "personal/broken.md": "---\ntitle: [unclosed\n---\n# 깨진 머리말\n\n본문은 살아 있다.\n",
}


@pytest.fixture
def vault(tmp_path, analyzers):
    from backend.main import create_app

    settings = make_settings(tmp_path)
    for path, text in VAULT.items():
        (settings.corpus_dir / path).parent.mkdir(parents=True, exist_ok=True)
        (settings.corpus_dir / path).write_text(text, encoding="utf-8")
    with serving(create_app(settings, embedder=HashingEmbedder(), analyzers=analyzers)) as client:
        yield client


def test_notes_list_titles_tags_and_aliases_and_no_raw_yaml_is_cited(vault):
    notes = {n["path"]: n for n in vault.get("/api/notes").json()["notes"]}
    assert notes["work/deploy.md"]["title"] == "배포 규칙"
    assert notes["work/deploy.md"]["tags"] == ["work", "release"] and notes["work/deploy.md"]["aliases"] == [
        "release rules"
    ]
    assert notes["work/meeting.md"]["tags"] == ["회의"] and notes["personal/moving.md"]["tags"] == ["이사"]
    for query in ("title tags aliases", "배포 규칙", "release rules"):
        for passage in vault.post("/api/search", json={"query": query, "top_k": 10}).json()["results"]:
            assert "tags:" not in passage["text"] and "title: 배포" not in passage["text"]


def test_malformed_frontmatter_is_indexed_as_text_and_reported(vault):
    report = vault.post("/api/reindex").json()
    assert any(w.startswith("personal/broken.md: frontmatter is not valid YAML") for w in report["warnings"])
    found = vault.post("/api/search", json={"query": "본문은 살아 있다", "top_k": 1}).json()["results"]
    assert found[0]["note"] == "personal/broken.md"


def test_aliases_are_searchable(vault):
    top = vault.post("/api/search", json={"query": "release rules", "top_k": 1}).json()["results"][0]
    assert top["note"] == "work/deploy.md"


def test_folder_and_tag_filters_restrict_results_and_the_decision(vault):
    def notes_of(filters, query="배포 일정"):
        body = vault.post("/api/search", json={"query": query, "top_k": 10, "filters": filters}).json()
        return {r["note"] for r in body["results"]}

    assert notes_of({"folder": "work"}) <= {"work/deploy.md", "work/meeting.md"} and notes_of({"folder": "work/"})
    assert notes_of({"tags": ["#Release"]}) == {"work/deploy.md"}
    assert notes_of({"folder": "personal/", "tags": ["work"]}) == set()
    asked = vault.post("/api/ask", json={"question": "전입신고는 언제까지 해?", "filters": {"folder": "work/"}}).json()
    assert all(c["note"].startswith("work/") for c in asked["citations"] + asked["related"])
    nothing = vault.post("/api/ask", json={"question": "전입신고는?", "filters": {"tags": ["없는태그"]}}).json()
    assert nothing["found"] is False and nothing["related"] == []


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({"question": "q", "filters": {"folder": "../etc/"}}, "filters.folder"),
        ({"question": "q", "filters": {"folder": "/abs/"}}, "filters.folder"),
        ({"question": "q", "filters": {"tags": ["x" * 101]}}, "filters.tags"),
        ({"question": "q", "history": [{"question": "a", "answer": "b"}] * 11}, "history"),
        ({"question": "q", "history": [{"question": "가" * 2001, "answer": ""}]}, "history.0.question"),
        ({"question": "q", "history": [{"answer": "b"}]}, "history.0.question: Field required"),
    ],
)
def test_bad_history_or_filters_are_422_with_reason(vault, payload, fragment):
    response = vault.post("/api/ask", json=payload)
    assert response.status_code == 422 and fragment in response.json()["detail"], response.text


def test_a_follow_up_is_searched_with_its_conversation(vault):
    first = vault.post("/api/ask", json={"question": "전입신고는 언제까지 해?"}).json()
    follow = vault.post(
        "/api/ask",
        json={"question": "그건 어디서 해?", "history": [{"question": first["question"], "answer": first["answer"]}]},
    ).json()
    assert follow["searched_for"] == "그건 어디서 해? 전입 신고" and follow["question"] == "그건 어디서 해?"
    assert (follow["citations"] or follow["related"])[0]["note"] == "personal/moving.md"
    switch = vault.post(
        "/api/ask", json={"question": "금요일 배포는 돼?", "history": [{"question": "전입신고는 언제까지 해?"}]}
    ).json()
    assert switch["searched_for"] == "금요일 배포는 돼?"
