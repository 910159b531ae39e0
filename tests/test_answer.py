"""The answer composer with the hashing fake embedder: quotes, verdicts, language, never a dead end."""

import re
from dataclasses import replace

import numpy as np

import backend.answer as answer_module
from backend.answer import asks_yes_or_no, compose_answer
from backend.library import NotesLibrary
from backend.search import wide_script
from tests.conftest import make_settings
from tests.fakes import HashingEmbedder

FAQ = """# 백업 FAQ

## 외장 디스크만으로 충분한가?

- 질문. 외장 디스크 하나면 백업은 충분한가?

    아니다

## 이유

디스크는 언젠가 고장 난다. 사본은 다른 장소에도 둔다.
"""


def library_with(tmp_path, analyzers, text: str | None, **others: str) -> NotesLibrary:
    """A library over backup.md holding `text` and a note <name>.md for each of `others`."""
    settings = make_settings(tmp_path)
    (settings.corpus_dir / "docker-vm-kubernetes.md").unlink()
    if text is not None:
        (settings.corpus_dir / "backup.md").write_text(text, encoding="utf-8")
    for name, other in others.items():
        (settings.corpus_dir / f"{name}.md").write_text(other, encoding="utf-8")
    library = NotesLibrary(settings, HashingEmbedder(), analyzers=analyzers)
    library.open()
    return library


def compose(library: NotesLibrary, question: str, *, found: bool):
    result, _evidence = library.examine(question, 5)
    return compose_answer(question, result, 0.9 if found else 0.1, found=found)


def test_answer_quotes_sentences_with_markers_and_highlights_only_quoted_lines(tmp_path, analyzers):
    library = library_with(tmp_path, analyzers, FAQ)
    answer = compose(library, "디스크가 고장 나면 어떻게 해?", found=True)
    assert answer.found and answer.related == () and answer.confidence == 0.9
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    quoted = {c.n for c in answer.citations if c.highlight_lines}
    assert markers and markers == quoted
    for c in answer.citations:
        assert all(c.hit.chunk.start_line <= line <= c.hit.chunk.end_line for line in c.highlight_lines)
    assert "고장 난다" in answer.text


def test_answer_quotes_another_note_only_when_it_matches_nearly_as_well(tmp_path, analyzers, monkeypatch):
    running = "# 달리기\n\n## 부상\n\n무릎이 아프면 일주일 쉰다. 고장 난 신발은 버린다.\n"
    library = library_with(tmp_path, analyzers, FAQ, running=running)
    answer = compose(library, "디스크가 고장 나면 어떻게 해?", found=True)
    assert [c.hit.chunk.note for c in answer.citations[:2]] == ["backup.md", "running.md"]
    assert "고장 난다" in answer.text and "신발" not in answer.text  # one shared word: cited, not quoted
    monkeypatch.setattr(answer_module, "OTHER_NOTE_SHARE", 0.0)
    monkeypatch.setattr(answer_module, "QUOTE_FLOOR", 0.0)
    assert "신발" in compose(library, "디스크가 고장 나면 어떻게 해?", found=True).text  # what it was before


def test_answer_yes_no_question_leads_with_the_notes_own_verdict(tmp_path, analyzers):
    library = library_with(tmp_path, analyzers, FAQ)
    answer = compose(library, "외장 디스크 하나면 백업은 충분한가?", found=True)
    assert answer.text.startswith("아니요. 노트는 “외장 디스크 하나면 백업은 충분한가?”라는 물음에 “아니다”라고")


def test_a_colloquial_yes_no_question_gets_the_verdict_and_a_question_for_something_does_not(tmp_path, analyzers):
    library = library_with(tmp_path, analyzers, FAQ)
    for asked in ("외장 디스크 하나면 백업은 충분함?", "외장 디스크 하나면 백업 충분해?"):
        assert compose(library, asked, found=True).text.startswith("아니요. 노트는"), asked
    assert not compose(library, "외장 디스크 하나면 백업은 언제 충분해?", found=True).text.startswith("아니요")
    assert asks_yes_or_no("Is one external disk enough?") and not asks_yes_or_no("외장 디스크는 몇 개 필요해?")


def test_answer_words_follow_the_questions_language(tmp_path, analyzers):
    library = library_with(tmp_path, analyzers, FAQ)
    english = compose(library, "Is one external disk enough for backups?", found=False)
    assert english.text.startswith("I could not find a sure answer in your notes")
    korean = compose(library, "외장 디스크 하나면 충분해?", found=False)
    assert korean.text.startswith("노트에서 확실한 답을 찾지 못했습니다")


def test_answer_not_found_still_shows_the_closest_passages(tmp_path, analyzers):
    library = library_with(tmp_path, analyzers, FAQ)
    answer = compose(library, "김치찌개 끓이는 법", found=False)
    assert not answer.found and answer.citations == ()
    assert 1 <= len(answer.related) <= 3
    assert [c.n for c in answer.related] == list(range(1, len(answer.related) + 1))
    for c in answer.related:  # the lines an answer would have quoted, if any, inside their passage
        assert all(c.hit.chunk.start_line <= line <= c.hit.chunk.end_line for line in c.highlight_lines)


def test_answer_over_an_empty_corpus_asks_for_notes(tmp_path, analyzers):
    library = library_with(tmp_path, analyzers, None)
    answer = library.ask("백업은 어떻게 해?", 5)
    assert not answer.found and answer.related == () and "노트를 추가" in answer.text
    assert answer.searched_for == "백업은 어떻게 해?" and answer.took_ms > 0


BUDGET = """# 가계부

## 고정 지출

월세는 매달 25일에 자동이체로 나간다.
통신비는 알뜰폰으로 바꾼 뒤 절반이 되었다.
"""


def test_closeness_quotes_the_line_for_a_question_in_other_words(tmp_path, analyzers):
    library = library_with(tmp_path, analyzers, BUDGET)
    question = "가계부에서 집세 빠지는 날은?"  # shares only the note's title with it
    result, _evidence = library.examine(question, 5)
    by_words = compose_answer(question, result, 0.9, found=True)
    assert by_words.text == "고정 지출 [1]"  # no line shares a word: the section's title, a dead end

    def about_rent(texts: list[str]) -> np.ndarray:  # the model's cosines, as a stand-in
        return np.array([0.9 if "월세" in t else 0.8 for t in texts])

    by_meaning = compose_answer(question, result, 0.9, found=True, closeness=about_rent)
    assert by_meaning.text.startswith("월세는 매달 25일에 자동이체로 나간다. [1]"), by_meaning.text
    assert "통신비" not in by_meaning.text  # far below the best: not quoted
    assert by_meaning.citations[0].highlight_lines == (result.hits[0].chunk.start_line + 2,)


LEASE = """# Berlin lease

## Money

The deposit is three months of cold rent: 2,940 EUR.
Rent is due by the third working day of each month.
"""


def test_an_english_line_that_answers_a_korean_question_is_quoted_before_korean_lines_that_do_not(tmp_path, analyzers):
    """The model puts a Korean question nearer every Korean sentence than an English one: here the
    deposit line is the nearest English sentence but still below the Korean ones, as e5 scores them."""
    library = library_with(tmp_path, analyzers, BUDGET, lease=LEASE)
    question = "베를린 집 디파짓은 얼마였어?"
    result, _evidence = library.examine(question, 5)

    def korean_first(texts: list[str]) -> np.ndarray:  # a language offset of 0.06, the deposit 0.04 above its peers
        return np.array(
            [0.84 + 0.01 * ("월세" in t) if wide_script(t) else 0.78 + 0.04 * ("deposit" in t) for t in texts]
        )

    answer = compose_answer(question, result, 0.9, found=True, closeness=korean_first)
    assert "The deposit is three months of cold rent: 2,940 EUR." in answer.text, answer.text
    assert answer.text.index("deposit") == min(answer.text.index(w) for w in ("deposit", "월세") if w in answer.text)
    assert "통신비" not in answer.text and "Rent is due" not in answer.text


def test_closest_passages_of_a_refused_answer_mark_the_line_closest_in_meaning(tmp_path, analyzers):
    library = library_with(tmp_path, analyzers, BUDGET)
    question = "가계부에서 집세 빠지는 날은?"
    result, _evidence = library.examine(question, 5)

    def about_rent(texts: list[str]) -> np.ndarray:
        return np.array([0.9 if "월세" in t else 0.8 for t in texts])

    refused = compose_answer(question, result, 0.1, found=False, closeness=about_rent)
    assert refused.citations == () and "확실한 답을 찾지 못했습니다" in refused.text
    assert refused.related[0].highlight_lines == (result.hits[0].chunk.start_line + 2,)  # 월세는 매달 25일 ...


HEATING = """# 관리비

## 난방

난방비는 보일러 외출 모드 덕에 줄었다.

## 고지서

난방비 고지서는 매달 20일에 온다.
"""


def test_the_passage_holding_the_line_that_answers_is_cited_first_when_search_scores_are_close(tmp_path, analyzers):
    library = library_with(tmp_path, analyzers, HEATING)
    question = "난방비는 언제 청구돼?"
    result, _evidence = library.examine(question, 5)
    assert [h.chunk.heading for h in result.hits] == ["관리비 > 난방", "관리비 > 고지서"]

    def about_the_bill(texts: list[str]) -> np.ndarray:
        return np.array([0.9 if "20일" in t else 0.8 for t in texts])

    def scored(first: float, second: float):
        hits = (replace(result.hits[0], score=first), replace(result.hits[1], score=second))
        return compose_answer(question, replace(result, hits=hits), 0.9, found=True, closeness=about_the_bill)

    close = scored(0.50, 0.45)
    assert [c.hit.chunk.heading for c in close.citations] == ["관리비 > 고지서", "관리비 > 난방"]
    assert close.text == "난방비 고지서는 매달 20일에 온다. [1]"  # markers follow the new order
    apart = scored(0.50, 0.20)  # search is much surer of the first: it stays first
    assert [c.hit.chunk.heading for c in apart.citations] == ["관리비 > 난방", "관리비 > 고지서"]


def test_the_passage_whose_own_yes_no_answer_leads_the_answer_is_cited_first(tmp_path, analyzers):
    library = library_with(tmp_path, analyzers, FAQ)
    question = "외장 디스크 하나면 백업은 충분한가?"
    result, _evidence = library.examine(question, 5)
    hits = tuple(replace(h, score=0.5 - 0.01 * n) for n, h in enumerate(result.hits))  # close search scores

    def about_failure(texts: list[str]) -> np.ndarray:  # another passage's line is the closest
        return np.array([0.9 if "고장" in t else 0.8 for t in texts])

    answer = compose_answer(question, replace(result, hits=hits), 0.9, found=True, closeness=about_failure)
    assert answer.text.startswith("아니요.") and re.search(r"\[(\d+)\]", answer.text).group(1) == "1"
    assert answer.citations[0].hit.chunk.heading.endswith("외장 디스크만으로 충분한가?")
    assert "고장 난다. [2]" in answer.text  # the closest line is still quoted, from the second citation


def test_the_notes_yes_or_no_answers_only_the_question_the_note_asks(tmp_path, analyzers):
    library = library_with(tmp_path, analyzers, FAQ)
    answer = compose(library, "외장 디스크도 백업에 쓸 수 있어?", found=True)  # its subject, not what it asks
    assert answer.text.startswith("노트는 “외장 디스크 하나면 백업은 충분한가?”라는 물음에 “아니다”라고")
    assert not compose(library, "외장 디스크로 백업하는 게 가능해?", found=True).text.startswith("아니요")
    assert not asks_yes_or_no("도커 엔진이 해 주는 일은 무엇인가?")  # ~인가, but it asks for something


def test_each_closest_passage_of_a_refused_answer_marks_its_own_closest_line(tmp_path, analyzers):
    library = library_with(tmp_path, analyzers, BUDGET, heating=HEATING)
    question = "집세는 언제 빠져나가?"
    result, _evidence = library.examine(question, 5)

    def about_rent(texts: list[str]) -> np.ndarray:
        return np.array([0.9 if "월세" in t else 0.8 for t in texts])

    refused = compose_answer(question, result, 0.1, found=False, closeness=about_rent)
    assert len(refused.related) >= 2
    for c in refused.related:  # not only the first passage: the answer may be in the second or third
        assert len(c.highlight_lines) == 1 and c.hit.chunk.start_line <= c.highlight_lines[0] <= c.hit.chunk.end_line


def test_a_refusal_names_the_words_no_note_holds_as_the_question_writes_them(tmp_path, analyzers):
    library = library_with(tmp_path, analyzers, FAQ)
    question = "MySQL 복제 설정은 외장 디스크로 해?"
    result, evidence = library.examine(question, 5)
    assert evidence.unknown_names == ("mysql",)
    refused = compose_answer(question, result, 0.1, found=False, unknown=evidence.unknown_names)
    assert refused.unknown_words == ("MySQL",)
    assert "노트 어디에도 나오지 않는 말: ‘MySQL’." in refused.text
    assert refused.text.endswith("가장 가까운 구절을 아래에 붙입니다.")  # the closest passages still follow
    english = compose_answer("How do I set up MySQL replication?", result, 0.1, found=False, unknown=("mysql",))
    assert "Your notes never mention ‘MySQL’" in english.text
    found = compose_answer(question, result, 0.9, found=True, unknown=evidence.unknown_names)
    assert found.unknown_words == ()  # an answer found quotes the notes; no word to ask differently
