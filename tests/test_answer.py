"""The answer composer with the hashing fake embedder: quotes, verdicts, language, never a dead end."""

import re

import backend.answer as answer_module
from backend.answer import compose_answer
from backend.library import NotesLibrary
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
    assert "신발" in compose(library, "디스크가 고장 나면 어떻게 해?", found=True).text  # what it was before


def test_answer_yes_no_question_leads_with_the_notes_own_verdict(tmp_path, analyzers):
    library = library_with(tmp_path, analyzers, FAQ)
    answer = compose(library, "외장 디스크 하나면 백업은 충분한가?", found=True)
    assert answer.text.startswith("아니요. 노트는 “외장 디스크 하나면 백업은 충분한가?”라는 물음에 “아니다”라고")


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
    assert all(c.highlight_lines == () for c in answer.related)


def test_answer_over_an_empty_corpus_asks_for_notes(tmp_path, analyzers):
    library = library_with(tmp_path, analyzers, None)
    answer = library.ask("백업은 어떻게 해?", 5)
    assert not answer.found and answer.related == () and "노트를 추가" in answer.text
    assert answer.searched_for == "백업은 어떻게 해?" and answer.took_ms > 0
