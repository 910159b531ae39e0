"""The Streamlit app through streamlit.testing against the real API on a real socket."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, free_port

APP = str(ROOT / "ui" / "app.py")


def app_for(url: str, monkeypatch) -> AppTest:
    monkeypatch.setenv("NOTES_API_URL", url)
    monkeypatch.setenv("NOTES_UI_TIMEOUT", "30")
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    return at


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown) + "\n".join(e.value for e in at.error)


@pytest.mark.model
def test_ask_shows_answer_with_citations_and_opens_the_note(real_server, monkeypatch):
    at = app_for(real_server.url, monkeypatch)
    assert "API 연결됨" in at.sidebar.success[0].value
    at.chat_input[0].set_value("도커는 VM보다 항상 좋은가?").run()
    assert not at.exception
    answer = at.chat_message[1].markdown[0].value
    assert answer.startswith("아니요.") and "**[1]**" in answer
    labels = [e.label for e in at.expander]
    assert labels and all("docker-vm-kubernetes.md" in label for label in labels)
    assert "<mark" in at.expander[0].markdown[0].value  # the quoted sentence is highlighted
    at.toggle(key="open-1-1").set_value(True).run()
    whole_note = at.expander[0].markdown[-1].value
    assert "docker project 생성" in whole_note and whole_note.count("<mark") >= 2


@pytest.mark.model
def test_not_covered_question_says_so_with_the_closest_passages_collapsed(real_server, monkeypatch):
    at = app_for(real_server.url, monkeypatch)
    at.chat_input[0].set_value("김치찌개를 맛있게 끓이는 방법은?").run()
    assert "노트에서 확실한 답을 찾지 못했습니다" in at.chat_message[1].info[0].value
    assert 1 <= len(at.expander) <= 3 and not any(e.proto.expanded for e in at.expander)


def test_example_question_is_asked_on_click(live_server, monkeypatch):
    at = app_for(live_server.url, monkeypatch)
    at.button(key="example-쿠버네티스와 도커는 어떤 관계야?").click().run()
    assert at.chat_message[0].markdown[0].value == "쿠버네티스와 도커는 어떤 관계야?"
    assert len(at.chat_message) == 2 and not at.chat_message[1].error


def test_api_down_shows_a_message_and_chat_recovers(live_server, monkeypatch):
    dead = f"http://127.0.0.1:{free_port()}"
    at = app_for(dead, monkeypatch)
    assert "API에 연결할 수 없습니다" in at.sidebar.error[0].value
    at.chat_input[0].set_value("도커란?").run()
    assert not at.exception
    assert "연결할 수 없습니다" in at.chat_message[1].error[0].value
    monkeypatch.setenv("NOTES_API_URL", live_server.url)  # the server is back
    at.chat_input[0].set_value("쿠버네티스는 무엇인가요?").run()
    assert len(at.chat_message) == 4 and not at.chat_message[3].error
    assert "API 연결됨" in at.sidebar.success[0].value


def test_reindex_button_shows_what_changed(live_server, monkeypatch):
    at = app_for(live_server.url, monkeypatch)
    at.sidebar.button(key="reindex").click().run()
    assert "추가 0 · 변경 0 · 삭제 0 · 그대로 1" in at.sidebar.info[0].value


def test_upload_is_stored_through_the_api(live_server, settings, monkeypatch):
    from ui.client import NotesClient

    client = NotesClient(live_server.url)
    result = client.upload("새 노트.md", "# 포드맨\n\n포드맨은 데몬이 없다.\n".encode())
    assert result["created"] is True and result["reindex"]["added"] == 1
    assert (Path(settings.corpus_dir) / "새 노트.md").exists()
    assert client.note("새 노트.md").startswith("# 포드맨")
