"""The Streamlit app through streamlit.testing against the real API on a real socket."""

from dataclasses import replace
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from backend.main import create_app
from tests.conftest import ROOT, LiveServer, free_port, make_settings
from tests.fakes import HashingEmbedder

APP = str(ROOT / "ui" / "app.py")


def app_for(url: str, monkeypatch, tmp_path: Path, conversation: str | None = None) -> AppTest:
    monkeypatch.setenv("NOTES_API_URL", url)
    monkeypatch.setenv("NOTES_UI_TIMEOUT", "30")
    monkeypatch.setenv("NOTES_UI_DATA_DIR", str(tmp_path / "ui"))
    at = AppTest.from_file(APP, default_timeout=90)
    if conversation:
        at.query_params["c"] = conversation
    at.run()
    return at


def html_of(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.mark.model
def test_ask_shows_answer_with_linked_markers_cards_and_opens_the_note(real_server, monkeypatch, tmp_path):
    at = app_for(real_server.url, monkeypatch, tmp_path)
    assert "API 연결됨" in at.sidebar.success[0].value
    at.chat_input[0].set_value("도커는 VM보다 항상 좋은가?").run()
    assert not at.exception
    reply = at.chat_message[1]
    answer = next(m.value for m in reply.markdown if m.value.startswith("아니요."))
    assert "[**[1]**](#cite-1-1)" in answer or "(#cite-1-" in answer
    cards = next(m.value for m in reply.markdown if 'class="nq-card"' in m.value)
    assert "docker-vm-kubernetes.md" in cards and "<mark>" in cards and " open>" in cards
    assert "?note=docker-vm-kubernetes.md&amp;lines=" in cards or "?note=docker-vm-kubernetes.md&lines=" in cards
    at.query_params["note"] = "docker-vm-kubernetes.md"
    at.query_params["lines"] = "62-64"
    at.run()
    note = html_of(at)
    assert 'class="nq-note"' in note and 'nq-block nq-cited" id="line-62"' in note


@pytest.mark.model
def test_not_covered_question_says_so_with_the_closest_passages_folded(real_server, monkeypatch, tmp_path):
    at = app_for(real_server.url, monkeypatch, tmp_path)
    at.chat_input[0].set_value("김치찌개를 맛있게 끓이는 방법은?").run()
    assert "노트에서 확실한 답을 찾지 못했습니다" in at.chat_message[1].info[0].value
    folded = next(m.value for m in at.chat_message[1].markdown if "가장 가까운 구절" in m.value)
    assert folded.startswith('<details class="nq-more"><summary>')  # the closest passages, folded away
    first_card = folded.split('<details class="nq-card"', 2)[1]
    assert first_card.startswith(" id=") and " open>" in first_card.split("</summary>")[0]  # opens when unfolded
    assert "<mark>" in first_card  # with the lines closest to the question marked
    assert not at.chat_message[1].caption or "나오지 않는 말" not in at.chat_message[1].caption[0].value
    at.chat_input[0].set_value("넷플릭스 요금제는 얼마야?").run()
    words = [c.value for c in at.chat_message[3].caption if "나오지 않는 말" in c.value]
    assert words and "‘넷플릭스’" in words[0]  # the word to ask differently


def test_examples_come_from_the_corpus_and_are_asked_on_click(live_server, monkeypatch, tmp_path):
    at = app_for(live_server.url, monkeypatch, tmp_path)
    example = "docker는 무조건 vm보다 좋다고 할 수 있는가?"
    at.button(key=f"example-{example}").click().run()
    assert at.chat_message[0].text[0].value == example
    assert len(at.chat_message) == 2 and not at.chat_message[1].error
    assert not [b for b in at.button if b.key and b.key.startswith("example-")]  # gone once the chat starts


def test_blank_and_oversized_questions_are_refused_in_korean_and_kept(live_server, monkeypatch, tmp_path):
    at = app_for(live_server.url, monkeypatch, tmp_path)
    at.chat_input[0].set_value("   \n ").run()
    assert "질문이 비어 있습니다" in at.warning[0].value and len(at.chat_message) == 0
    long = "도커" * 1250
    at.chat_input[0].set_value(long).run()
    assert "질문이 너무 깁니다 (2,500자)" in at.warning[0].value and len(at.chat_message) == 0
    assert at.text_area(key="refused_text").value == long  # nothing the user wrote is lost


def test_history_is_sent_new_chat_clears_it_and_a_reload_keeps_it(live_server, monkeypatch, tmp_path):
    at = app_for(live_server.url, monkeypatch, tmp_path)
    at.chat_input[0].set_value("쿠버네티스랑 도커는 어떤 관계가 있는 것인가?").run()
    at.chat_input[0].set_value("그건 왜?").run()
    assert len(at.chat_message) == 4
    assert "찾은 말: 그건 왜? 쿠버네티스" in "\n".join(c.value for c in at.chat_message[3].caption)
    conversation = at.query_params["c"]
    again = app_for(live_server.url, monkeypatch, tmp_path, conversation)  # a reload of the same URL
    assert [m.text[0].value for m in again.chat_message if m.text] == [
        "쿠버네티스랑 도커는 어떤 관계가 있는 것인가?",
        "그건 왜?",
    ]
    again.sidebar.button(key="new_chat").click().run()
    assert len(again.chat_message) == 0 and again.query_params["c"] != conversation


def test_api_down_shows_a_message_and_chat_recovers(live_server, monkeypatch, tmp_path):
    dead = f"http://127.0.0.1:{free_port()}"
    at = app_for(dead, monkeypatch, tmp_path)
    assert "API에 연결할 수 없습니다" in at.sidebar.error[0].value
    at.chat_input[0].set_value("도커란?").run()
    assert not at.exception
    assert "연결할 수 없습니다" in at.chat_message[1].error[0].value
    monkeypatch.setenv("NOTES_API_URL", live_server.url)  # the server is back
    at.chat_input[0].set_value("쿠버네티스는 무엇인가요?").run()
    assert len(at.chat_message) == 4 and not at.chat_message[3].error
    assert "API 연결됨" in at.sidebar.success[0].value


def test_reindex_button_shows_what_changed(live_server, monkeypatch, tmp_path):
    at = app_for(live_server.url, monkeypatch, tmp_path)
    at.sidebar.button(key="reindex").click().run()
    assert "추가 0 · 변경 0 · 삭제 0 · 그대로 1" in at.sidebar.info[0].value


def test_a_keyed_api_asks_the_visitor_for_the_key_and_never_uses_the_servers(tmp_path, monkeypatch, analyzers):
    settings = make_settings(tmp_path, api_key="visitor-key")
    with LiveServer(create_app(settings, embedder=HashingEmbedder(), analyzers=analyzers), free_port()) as server:
        monkeypatch.setenv("NOTES_API_KEY", "visitor-key")  # even when the UI server's environment holds it
        at = app_for(server.url, monkeypatch, tmp_path)
        assert at.sidebar.text_input(key="api_key").value == ""
        assert at.sidebar.button(key="reindex").disabled
        at.sidebar.text_input(key="api_key").set_value("visitor-key").run()
        assert not at.sidebar.button(key="reindex").disabled
        at.sidebar.button(key="reindex").click().run()
        assert "추가 0 · 변경 0" in at.sidebar.info[0].value


def test_a_found_answer_marked_uncertain_carries_a_caveat(tmp_path, monkeypatch, analyzers):
    app = create_app(make_settings(tmp_path), embedder=HashingEmbedder(), analyzers=analyzers)
    with LiveServer(app, free_port()) as server:
        library = app.state.library
        library.confidence = replace(library.confidence, low=0.0)  # never uncertain
        at = app_for(server.url, monkeypatch, tmp_path)
        at.chat_input[0].set_value("쿠버네티스와 도커는 어떤 관계야?").run()
        assert not [c for c in at.chat_message[1].caption if "확신 낮음" in c.value]
        library.confidence = replace(library.confidence, low=1.01)  # every found answer is uncertain
        at.chat_input[0].set_value("쿠버네티스와 도커는 어떤 관계야?").run()
        assert any("확신 낮음" in c.value for c in at.chat_message[3].caption)
        assert "노트에서 확실한 답을" not in " ".join(i.value for i in at.chat_message[3].info)  # found, shown


def test_upload_is_stored_through_the_api(live_server, settings):
    from ui.client import NotesClient

    client = NotesClient(live_server.url)
    result = client.upload("새 노트.md", "# 포드맨\n\n포드맨은 데몬이 없다.\n".encode())
    assert result["created"] is True and result["reindex"]["added"] == 1
    assert (Path(settings.corpus_dir) / "새 노트.md").exists()
    assert client.note("새 노트.md").startswith("# 포드맨")


def test_an_upload_with_broken_frontmatter_says_so_beside_its_passages(live_server):
    from ui.client import NotesClient
    from ui.render import upload_notice

    client = NotesClient(live_server.url)
    result = client.upload("깨진.md", "---\ntitle: [닫히지 않음\n---\n# 메모\n\n본문이다.\n".encode())
    chunks = next(n["chunks"] for n in client.notes() if n["path"] == "깨진.md")
    said = upload_notice("깨진.md", result, chunks)
    assert said[0] == f"깨진.md: 추가됨 · 이 노트의 구절 {chunks}개" and chunks >= 1
    assert said[1].startswith("주의: 깨진.md: frontmatter is not valid YAML") and len(said) == 2


def test_cards_fold_passages_under_half_the_best_score_whatever_the_scale():
    from ui.render import cards_html

    def card(n: int, score: float, quoted: bool = False) -> dict:
        lines = [n] if quoted else []
        return {"n": n, "note": "a.md", "heading": f"h{n}", "start_line": n, "end_line": n, "text": f"passage {n}",
                "score": score, "highlight_lines": lines}  # fmt: skip

    for scale in (1.0, 0.3):  # the fused score's scale belongs to the search; the rule does not depend on it
        cards = [card(1, 0.6 * scale, quoted=True), card(2, 0.4 * scale), card(3, 0.2 * scale)]
        html = cards_html(1, cards, lambda _path: None)
        shown, folded = html.split('<details class="nq-more">')
        assert 'id="cite-1-2"' in shown and 'id="cite-1-3"' in folded, scale
        assert "관련도가 낮은 구절 1개 더 보기" in folded
