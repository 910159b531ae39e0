import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import backend.indexing
from backend.chunking import split_note
from backend.index import CURRENT, KEEP_PREVIOUS, load_index
from backend.library import NotesLibrary
from backend.priority import BACKGROUND_NICE
from backend.settings import Settings
from tests.conftest import ROOT, SEED_NOTE
from tests.fakes import HashingEmbedder

NEW_NOTE = "# 포드맨\n\n포드맨(Podman)은 데몬 없이 컨테이너를 실행하는 도구다.\n\n## 루트리스\n\n루트 권한 없이 돈다.\n"


def test_reindex_twice_changes_nothing(library, embedder):
    generation = library.retriever.index.generation
    embedded = len(embedder.passages_embedded)
    timed = library.reindex(wait=True)
    assert (timed.added, timed.changed, timed.removed) == (0, 0, 0)
    assert timed.unchanged == 1 and timed.embedded == 0
    assert library.retriever.index.generation == generation
    assert len(embedder.passages_embedded) == embedded


def test_reindex_embeds_only_new_and_changed_chunks(library, settings, embedder):
    (settings.corpus_dir / "podman.md").write_text(NEW_NOTE, encoding="utf-8")
    before = len(embedder.passages_embedded)
    report = library.reindex(wait=True)
    assert (report.added, report.changed, report.removed, report.unchanged) == (1, 0, 0, 1)
    assert report.embedded == len(embedder.passages_embedded) - before == 2
    seed = settings.corpus_dir / SEED_NOTE.name
    seed.write_text(
        seed.read_text(encoding="utf-8").replace("리소스를 효율적으로 사용함", "자원을 아껴 씀"), encoding="utf-8"
    )
    report = library.reindex(wait=True)
    assert (report.added, report.changed, report.removed, report.unchanged) == (0, 1, 0, 1)
    assert report.embedded == 1


def test_rename_costs_no_embedding_and_delete_removes_chunks(library, settings, embedder):
    (settings.corpus_dir / "podman.md").write_text(NEW_NOTE, encoding="utf-8")
    library.reindex(wait=True)
    before = len(embedder.passages_embedded)
    (settings.corpus_dir / "podman.md").rename(settings.corpus_dir / "containers-podman.md")
    report = library.reindex(wait=True)
    assert (report.added, report.removed, report.embedded) == (1, 1, 0)
    assert len(embedder.passages_embedded) == before
    (settings.corpus_dir / "containers-podman.md").unlink()
    report = library.reindex(wait=True)
    assert report.removed == 1
    assert {r.chunk.note for r in library.retriever.index.records} == {SEED_NOTE.name}


def test_broken_note_is_reported_and_others_still_index(library, settings):
    (settings.corpus_dir / "broken.md").write_bytes(b"\xff\xfe not utf-8 \xc3")
    (settings.corpus_dir / "podman.md").write_text(NEW_NOTE, encoding="utf-8")
    report = library.reindex(wait=True)
    assert report.added == 1 and len(report.failed) == 1 and "broken.md" in report.failed[0]
    assert "podman.md" in library.retriever.index.notes


def test_notes_saved_as_cp949_or_utf16_are_indexed_with_a_warning_and_latin1_is_reported(library, settings):
    (settings.corpus_dir / "old-windows.md").write_bytes("# 포드맨\n\n데몬 없이 컨테이너를 돌린다.\n".encode("cp949"))
    (settings.corpus_dir / "notepad.md").write_bytes("# 빌다\n\n이미지를 빌드한다.\n".encode("utf-16"))
    (settings.corpus_dir / "french.md").write_bytes("# Café\n\nDéjà vu à Noël.\n".encode("latin-1"))
    report = library.reindex(wait=True)
    notes = library.retriever.index.notes
    assert notes["old-windows.md"].title == "포드맨" and notes["notepad.md"].title == "빌다"
    assert any(w.startswith("old-windows.md: read as CP949") for w in report.warnings)
    assert any(w.startswith("notepad.md: read as UTF-16") for w in report.warnings)
    assert "french.md" not in notes and any(f.startswith("french.md") for f in report.failed)
    result, _ = library.search("데몬 없이 컨테이너", 1)
    assert result.hits[0].chunk.note == "old-windows.md"
    assert library.store.read_text("old-windows.md").startswith("# 포드맨")  # the note as the UI opens it
    assert (settings.corpus_dir / "french.md").read_bytes().startswith(b"# Caf\xe9")  # left as it was


def test_index_survives_restart_and_model_change_rebuilds(settings, embedder, analyzers):
    first = NotesLibrary(settings, embedder, analyzers=analyzers)
    first.open()
    again = NotesLibrary(settings, HashingEmbedder(), analyzers=analyzers)
    assert again.open().embedded == 0
    other = HashingEmbedder(dim=32)
    other.name = "test/other-model"
    rebuilt = NotesLibrary(settings, other, analyzers=analyzers)
    report = rebuilt.open()
    assert report.embedded == report.chunks > 0
    assert rebuilt.retriever.index.vectors.d == 32


def test_killed_reindex_restarts_into_old_or_new_state(tmp_path, analyzers):
    """SIGKILL a process that keeps reindexing two alternating corpora; every restart loads one of them whole."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED_NOTE, corpus / SEED_NOTE.name)
    index_dir = tmp_path / "index"
    states = {frozenset({SEED_NOTE.name}), frozenset({SEED_NOTE.name, "extra.md"})}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    kills = 0
    for delay in (0.03, 0.17, 0.31, 0.6):
        worker = subprocess.Popen(
            [sys.executable, "-m", "tests.crash_worker", str(corpus), str(index_dir)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert worker.stdout.readline().strip() == "ready"  # killed inside the reindex loop, not at start-up
        time.sleep(delay)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        kills += 1
        loaded = load_index(index_dir)
        if loaded is None:
            assert not (index_dir / CURRENT).exists()
            continue
        assert frozenset(loaded.notes) in states
        assert loaded.vectors.ntotal == len(loaded.records) > 0
        assert {r.chunk.note for r in loaded.records} == set(loaded.notes)
    assert kills == 4
    # a normal start afterwards sweeps half-written generations and indexes the corpus as it is
    library = NotesLibrary(Settings(corpus_dir=corpus, index_dir=index_dir), HashingEmbedder(), analyzers=analyzers)
    library.open()
    assert library.sentences.wait(10)
    live = (CURRENT, library.retriever.index.generation)
    leftovers = [p.name for p in index_dir.iterdir() if p.name not in live and not p.name.startswith("quotes-")]
    assert len(leftovers) <= KEEP_PREVIOUS and all(name.startswith("gen-") for name in leftovers)  # no half-writes
    assert (corpus / SEED_NOTE.name).exists()  # the user's note is never touched by indexing


def test_unreadable_index_is_rebuilt_not_fatal(settings, embedder, analyzers):
    first = NotesLibrary(settings, embedder, analyzers=analyzers)
    first.open()
    generation = settings.index_dir / first.retriever.index.generation
    (generation / "vectors.faiss").write_bytes(b"damaged")
    again = NotesLibrary(settings, HashingEmbedder(), analyzers=analyzers)
    report = again.open()
    assert report.added == 1 and report.chunks == len(first.retriever.index.records)
    assert again.retriever.index.generation != first.retriever.index.generation


def test_touched_note_is_not_reread_after_its_stamp_is_stored(library, settings, monkeypatch):
    seed = settings.corpus_dir / SEED_NOTE.name
    os.utime(seed, ns=(seed.stat().st_atime_ns, seed.stat().st_mtime_ns + 1_000_000_000))
    first = library.reindex(wait=True)
    assert (first.changed, first.unchanged, first.embedded) == (0, 1, 0)
    reads = []
    original = library.store.read_listed
    monkeypatch.setattr(library.store, "read_listed", lambda path: reads.append(path) or original(path))
    library.reindex(wait=True)
    assert reads == []


def _vault(corpus, count: int) -> None:
    for i in range(count):
        (corpus / f"note-{i:02d}.md").write_text(
            f"# 노트 {i}\n\n## 배포 {i}\n\n서버 {i}번은 금요일마다 배포한다.\n\n## 비용 {i}\n\n월 {i}만 원이 든다.\n",
            encoding="utf-8",
        )


def _by_id(index, terms: list[str]) -> dict[str, tuple]:
    """Everything a query reads about each chunk, keyed by chunk id (row order may differ)."""
    vectors = index.vectors.reconstruct_n(0, index.vectors.ntotal)
    scores = index.bm25.scores(terms)
    return {
        r.chunk.id: (r.chunk, r.terms, tuple(vectors[row].round(5)), round(float(scores[row]), 5))
        for row, r in enumerate(index.records)
    }


def test_a_small_change_in_a_large_vault_writes_only_the_change(tmp_path, analyzers):
    """A one-note change starts from the live generation's files; the result equals a fresh build."""
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", watch=False)
    settings.corpus_dir.mkdir()
    _vault(settings.corpus_dir, 30)
    library = NotesLibrary(settings, HashingEmbedder(), analyzers=analyzers)
    library.open()
    note = settings.corpus_dir / "note-03.md"
    note.write_text(note.read_text(encoding="utf-8") + "\n## 장애\n\n로그를 먼저 본다.\n", encoding="utf-8")
    (settings.corpus_dir / "note-07.md").unlink()
    report = library.reindex(wait=True)
    assert (report.changed, report.removed, report.embedded) == (1, 1, 1)
    live = library.retriever.index
    gen = settings.index_dir / live.generation
    with sqlite3.connect(gen / "meta.sqlite") as con:
        rows = [row for (row,) in con.execute("SELECT row FROM chunks ORDER BY row")]
    assert rows[-1] > len(rows) - 1  # gaps where note-07 and the old note-03 were: a delta, not a rewrite
    assert [r.chunk.note for r in live.records][-3:] == ["note-03.md"] * 3  # the changed note comes last

    fresh = Settings(corpus_dir=settings.corpus_dir, index_dir=tmp_path / "fresh", watch=False)
    rebuilt = NotesLibrary(fresh, HashingEmbedder(), analyzers=analyzers)
    rebuilt.open()
    terms = ["배포", "서버", "로그", "비용", "노트"]
    assert _by_id(load_index(settings.index_dir), terms) == _by_id(rebuilt.retriever.index, terms)
    assert _by_id(live, terms) == _by_id(rebuilt.retriever.index, terms)
    assert set(live.bm25.vocabulary) == set(rebuilt.retriever.index.bm25.vocabulary)
    assert library.search("장애가 나면 무엇을 보나", 1)[0].hits[0].chunk.note == "note-03.md"


def test_a_format_4_generation_loads_without_re_embedding(library, settings, embedder, analyzers):
    """Format 4 stored BM25 weights but not counts: they are counted again, nothing is embedded."""
    gen = settings.index_dir / library.retriever.index.generation
    with sqlite3.connect(gen / "meta.sqlite") as con:
        con.execute("UPDATE info SET value = '4' WHERE key = 'format'")
    shutil.rmtree(gen / "bm25")
    embedded = len(embedder.passages_embedded)
    again = NotesLibrary(settings, embedder, analyzers=analyzers)
    assert again.open().embedded == 0 and len(embedder.passages_embedded) == embedded
    terms = ["도커", "컨테이너"]
    assert _by_id(again.retriever.index, terms) == _by_id(library.retriever.index, terms)


def test_indexing_runs_below_the_priority_of_questions(settings, analyzers):
    """Questions asked during a large reindex are served first: indexing threads are niced and in
    the SCHED_IDLE class (Linux); the asking thread keeps the normal class."""
    seen = []

    def priority() -> tuple[int, int]:
        thread = threading.get_native_id()
        return os.getpriority(os.PRIO_PROCESS, thread), os.sched_getscheduler(thread)

    class Recording(HashingEmbedder):
        def embed_passages(self, texts):
            seen.append(priority())
            return super().embed_passages(texts)

    library = NotesLibrary(settings, Recording(), analyzers=analyzers, on_progress=lambda _: seen.append(priority()))
    library.open()
    asking, policy = priority()
    assert policy == os.SCHED_OTHER
    assert seen and set(seen) == {(min(19, asking + BACKGROUND_NICE), os.SCHED_IDLE)}, (asking, seen)


def test_vectors_are_kept_as_fp16_and_a_generation_written_as_fp32_still_answers(library, settings, embedder):
    """fp16 codes halve the scan (bench.scale); an index written before, as fp32, keeps serving."""
    import faiss

    index = library.retriever.index
    assert isinstance(index.vectors, faiss.IndexScalarQuantizer)
    question = embedder.embed_queries(["도커는 VM보다 항상 좋은가?"])[0]
    fp16_hits = [h.chunk.id for h in library.retriever.search(question, "도커는 VM보다 항상 좋은가?", 5).hits]
    stored = index.vectors.reconstruct_n(0, index.vectors.ntotal)
    assert abs(float(stored[0] @ stored[0]) - 1.0) < 1e-3  # unit vectors, to fp16 precision
    flat = faiss.IndexFlatIP(stored.shape[1])
    flat.add(stored)
    faiss.write_index(flat, str(settings.index_dir / index.generation / "vectors.faiss"))
    old = NotesLibrary(settings, embedder)
    old.load()
    assert isinstance(old.retriever.index.vectors, faiss.IndexFlatIP)
    assert [h.chunk.id for h in old.retriever.search(question, "도커는 VM보다 항상 좋은가?", 5).hits] == fp16_hits


def test_new_chunking_rules_re_chunk_unchanged_notes_and_reuse_their_vectors(library, settings, embedder, monkeypatch):
    before = {(r.chunk.start_line, r.chunk.end_line) for r in library.retriever.index.records}
    embedded = len(embedder.passages_embedded)

    def finer(path, text, **options):  # new rules: smaller chunks
        return split_note(path, text, **{**options, "max_chars": 200})

    monkeypatch.setattr(backend.indexing, "split_note", finer)
    assert library.reindex(wait=True).embedded == 0  # the same rules' version: the note is not even read
    monkeypatch.setattr(backend.indexing, "CHUNKING_VERSION", "finer")
    report = library.reindex(wait=True)
    after = {(r.chunk.start_line, r.chunk.end_line) for r in library.retriever.index.records}
    assert after == {(c.start_line, c.end_line) for c in finer(SEED_NOTE.name, SEED_NOTE.read_text(encoding="utf-8"))}
    assert after != before
    fresh = len(embedder.passages_embedded) - embedded
    assert report.embedded == fresh < len(after)  # passages the new rules left as they were keep their vectors
