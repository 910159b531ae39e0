"""Sentence vectors for choosing quotes: embedded ahead of time, once, and looked up by answers."""

import threading
import time

import numpy as np
import pytest
from pydantic import ValidationError

from backend.library import NotesLibrary
from backend.quotes import SentenceVectors
from backend.settings import Settings
from tests.conftest import make_settings
from tests.fakes import HashingEmbedder
from tests.test_answer import FAQ, library_with


class Counting(HashingEmbedder):
    """Records each embed_sentences call: how many texts, and whether a user waited for it."""

    def __init__(self):
        super().__init__()
        self.calls: list[tuple[list[str], bool]] = []

    def embed_sentences(self, texts, *, waiting=True):
        self.calls.append((list(texts), waiting))
        return super().embed_sentences(texts)

    def embedded(self) -> list[str]:
        return [t for texts, _waiting in self.calls for t in texts]


def test_a_sentence_is_embedded_once_and_the_least_recently_used_goes_first():
    embedder = Counting()
    vectors = SentenceVectors(embedder, capacity=2)
    first = vectors.of(["가", "나", "가"])
    assert embedder.embedded() == ["가", "나"] and np.array_equal(first[0], first[2])
    assert first.dtype == np.float32
    vectors.of(["가"])  # used again: now the most recent
    vectors.of(["다"])  # over capacity: 나, the least recent, goes
    vectors.of(["가", "나"])
    assert embedder.embedded() == ["가", "나", "다", "나"]
    closeness = vectors.closeness(embedder.embed_queries(["가"])[0])(["가", "다"])
    assert closeness[0] == pytest.approx(1.0, abs=1e-3) and closeness[1] < 0.99


def test_warming_embeds_the_corpus_sentences_on_the_indexing_thread_and_answers_embed_nothing(tmp_path, analyzers):
    records = library_with(tmp_path, analyzers, FAQ).retriever.index.records
    sentences = list(dict.fromkeys(s.text for r in records for s in r.sentences))
    embedder = Counting()
    vectors = SentenceVectors(embedder, capacity=100)
    vectors.warm(records).join()
    assert sorted(embedder.embedded()) == sorted(sentences) and vectors.pending == 0
    assert all(not waiting for _texts, waiting in embedder.calls)  # not on the question thread
    vectors.of(sentences)
    vectors.warm(records).join()  # a new generation with the same sentences
    assert len(embedder.embedded()) == len(sentences)  # nothing embedded twice


def test_waiting_while_a_warm_up_starts_never_joins_a_thread_not_started_yet(tmp_path, analyzers, monkeypatch):
    records = library_with(tmp_path, analyzers, FAQ).retriever.index.records
    vectors = SentenceVectors(Counting(), capacity=100)
    start, answers = threading.Thread.start, []

    def start_after_a_wait(thread: threading.Thread) -> None:
        answers.append(vectors.wait(0))  # a reader's search thread asks between creating and starting
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", start_after_a_wait)
    vectors.warm(records).join()
    assert answers == [True] and vectors.wait(5) and vectors.pending == 0


def test_warming_stops_at_capacity(tmp_path, analyzers):
    records = library_with(tmp_path, analyzers, FAQ).retriever.index.records
    embedder = Counting()
    vectors = SentenceVectors(embedder, capacity=3)
    vectors.warm(records).join()
    assert len(embedder.embedded()) == 3
    assert SentenceVectors(embedder, capacity=0).warm(records) is None


def test_the_library_warms_each_generation_it_loads_so_answers_embed_nothing(tmp_path, analyzers):
    embedder = Counting()
    library = NotesLibrary(make_settings(tmp_path), embedder, analyzers=analyzers)
    library.open()
    assert wait_for(lambda: library.status().quotes_pending == 0)
    warmed = len(embedder.calls)
    assert library.ask("도커는 VM보다 항상 좋은가?", 5).found
    assert len(embedder.calls) == warmed  # every sentence it weighed was embedded ahead of time
    before = len(embedder.embedded())
    library.put_note("new.md", "# 새 노트\n\n백업 디스크는 매주 바꾼다.\n".encode())
    assert wait_for(lambda: "백업 디스크는 매주 바꾼다." in embedder.embedded()[before:])
    assert wait_for(lambda: library.status().quotes_pending == 0)
    assert set(embedder.embedded()[before:]) <= {"새 노트", "백업 디스크는 매주 바꾼다."}  # only what is new
    assert all(not waiting for _texts, waiting in embedder.calls)


def wait_for(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_the_writer_keeps_the_vectors_so_a_restart_embeds_nothing_again(tmp_path, analyzers):
    records = library_with(tmp_path / "corpus", analyzers, FAQ).retriever.index.records
    first = Counting()
    SentenceVectors(first, capacity=100, folder=tmp_path).warm(records).join()
    assert first.embedded() and list(tmp_path.glob("quotes-*.npz"))
    again = Counting()
    restarted = SentenceVectors(again, capacity=100, folder=tmp_path)
    restarted.warm(records).join()
    assert again.embedded() == [] and restarted.pending == 0
    text = records[-1].sentences[-1].text
    assert np.allclose(restarted.of([text]), first.embed_sentences([text]), atol=1e-3)
    reader = Counting()
    (tmp_path / "other").mkdir()
    SentenceVectors(reader, capacity=100, folder=tmp_path / "other", writes=False).warm(records).join()
    assert reader.embedded() and not list((tmp_path / "other").iterdir())  # a reader never writes


def test_a_start_sweeps_what_a_killed_save_left_and_keeps_the_saved_vectors(tmp_path, analyzers):
    settings = make_settings(tmp_path)
    first = NotesLibrary(settings, HashingEmbedder(), analyzers=analyzers)
    first.open()
    assert first.sentences.wait(10)
    half = settings.index_dir / ".quotes-0123.4567.tmp.npz"
    half.write_bytes(b"half")  # a process killed while saving
    kept = settings.index_dir / "quotes-kept.npz"
    kept.write_bytes(b"saved by a finished run")
    NotesLibrary(settings, HashingEmbedder(), analyzers=analyzers).open()
    assert not half.exists() and kept.exists()


def test_a_failing_model_ends_the_warm_up_and_answers_embed_what_they_need(tmp_path, analyzers):
    records = library_with(tmp_path, analyzers, FAQ).retriever.index.records

    class Broken(Counting):
        def embed_sentences(self, texts, *, waiting=True):
            if not waiting:
                raise OSError("model file gone")
            return super().embed_sentences(texts, waiting=waiting)

    embedder = Broken()
    vectors = SentenceVectors(embedder, capacity=100)
    vectors.warm(records).join()
    assert vectors.pending == 0  # health no longer waits for it
    assert vectors.of(["디스크는 언젠가 고장 난다."]).shape == (1, embedder.dim)
    assert embedder.calls == [(["디스크는 언젠가 고장 난다."], True)]


def test_a_negative_cache_size_is_a_clear_settings_error(monkeypatch):
    monkeypatch.setenv("NOTES_QUOTE_CACHE", "-1")
    with pytest.raises(ValidationError, match="quote_cache"):
        Settings()
