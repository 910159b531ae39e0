"""Follow-ups are resolved against earlier turns; self-contained questions and topic switches are not."""

import pytest

from backend.conversation import Turn, resolve
from tests.test_search import GIT, open_library


@pytest.fixture(scope="module")
def analyzer(analyzers):
    return analyzers.for_vocabulary([], {})


def test_pronoun_follow_up_carries_the_previous_topic(analyzer):
    resolved = resolve("그건 어디서 하면 돼?", [Turn("전입신고는 언제까지 해?", "14일 안에 [1]")], analyzer)
    assert resolved == "그건 어디서 하면 돼? 전입 신고"  # the previous turn's nouns, as Kiwi finds them


def test_ellipsis_carries_the_previous_question_with_its_predicate(analyzer):
    assert resolve("여름에는?", [Turn("산책은 하루에 몇 번 해?")], analyzer) == "여름에는? 산책은 하루에 몇 번 해?"
    assert "VM" in resolve("and Kubernetes?", [Turn("Is Docker always better than a VM?")], analyzer)
    assert "포도" in resolve("왜?", [Turn("강아지한테 포도 줘도 돼?")], analyzer)


def test_a_third_turn_keeps_the_topic_of_the_first(analyzer):
    history = [Turn("인증서는 어디서 받아?"), Turn("유효기간은?")]
    assert "인증서" in resolve("그건 언제 갱신돼?", history, analyzer)


def test_self_contained_questions_and_topic_switches_are_searched_as_asked(analyzer):
    history = [Turn("보리 목욕은 얼마나 자주 시켜?", "2주에 한 번 [1]")]
    assert resolve("nginx 설정을 바꾸면 뭐부터 해?", history, analyzer) == "nginx 설정을 바꾸면 뭐부터 해?"
    assert resolve("전입신고는 언제까지 해?", [], analyzer) == "전입신고는 언제까지 해?"


def test_only_the_last_ten_turns_count(analyzer):
    history = [Turn("도커 이미지는 뭐야?")] + [Turn(f"질문 {i}번 백업은 어떻게 해?") for i in range(10)]
    assert "이미지" not in resolve("그건 왜?", history, analyzer)


def test_ask_with_history_reports_what_it_searched(tmp_path, analyzers):
    library = open_library(tmp_path, analyzers, {"tech/git.md": GIT})
    answer = library.ask("그냥 올리면 거절돼?", 3, history=(Turn("rebase하면 history가 어떻게 돼?"),))
    assert answer.searched_for == "그냥 올리면 거절돼?"  # its own nouns: searched as asked
    follow = library.ask("그건 언제 써?", 3, history=(Turn("force-with-lease 옵션은 뭐야?"),))
    assert "force" in follow.searched_for and follow.question == "그건 언제 써?"
