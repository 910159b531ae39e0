"""Incremental indexing: compare notes by content hash, embed only chunks whose text is new.

Unchanged notes keep their chunks, terms and vectors; a renamed note re-uses its vectors
(vectors are keyed by the text that was embedded, not by the file name); deleted notes
disappear. A note that cannot be read is reported and skipped, the others still index.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from backend.chunking import normalize_text, split_note, split_sentences
from backend.embedding import Embedder
from backend.index import ChunkRecord, NoteRecord, Sentence, StoredIndex, write_index
from backend.keywords import AnalyzerPool, KoreanAnalyzer
from backend.models import ReindexReport
from backend.notes import NoteStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndexResult:
    index: StoredIndex
    analyzer: KoreanAnalyzer
    report: ReindexReport


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def reindex(
    store: NoteStore,
    index_dir: Path,
    embedder: Embedder,
    previous: StoredIndex | None,
    analyzers: AnalyzerPool,
    *,
    chunk_chars: int,
) -> IndexResult:
    """Bring the index in line with the corpus and write it as a new generation."""
    started = time.perf_counter()
    embedder.warm_up()
    if previous is not None and previous.model != embedder.name:
        log.warning(
            "index was built with %r, the model is now %r: re-embedding every chunk", previous.model, embedder.name
        )
        previous = None
    if previous is not None and previous.info.get("chunk_chars") != str(chunk_chars):
        log.info("chunk size changed to %d: re-chunking every note", chunk_chars)
        old_notes: dict[str, NoteRecord] = {}
    else:
        old_notes = previous.notes if previous else {}

    notes: list[NoteRecord] = []
    kept_records: dict[str, list[ChunkRecord]] = {}
    texts: dict[str, str] = {}
    failed: list[str] = []
    old_by_note: dict[str, list[ChunkRecord]] = {}
    for record in previous.records if previous else []:
        old_by_note.setdefault(record.chunk.note, []).append(record)

    added = changed = unchanged = touched = 0
    for path in store.list_paths():
        old = old_notes.get(path)
        try:
            stamp = store.stamp_listed(path)
            if old is not None and old.stamp == stamp:  # same size and mtime: not read again
                unchanged += 1
                notes.append(old)
                kept_records[path] = old_by_note.get(path, [])
                continue
            raw = store.read_listed(path)
            text = normalize_text(raw.decode("utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("skipping note %s: %s", path, exc)
            failed.append(f"{path}: {exc}")
            continue
        digest = content_hash(raw)
        if old is not None and old.content_hash == digest:  # touched, not changed
            unchanged += 1
            touched += 1  # its new stamp is written, so the next reindex need not read it again
            notes.append(replace(old, stamp=stamp))
            kept_records[path] = old_by_note.get(path, [])
            continue
        added += old is None
        changed += old is not None
        notes.append(NoteRecord(path, digest, stamp=stamp))  # its words are found below
        texts[path] = text
    removed = len(set(old_notes) - {n.path for n in notes} - {f.split(":", 1)[0] for f in failed})
    new_chunks = {path: split_note(path, text, max_chars=chunk_chars) for path, text in texts.items()}
    phases = {"scan": time.perf_counter()}

    known = previous.vector_of() if previous else {}
    missing = sorted({c.search_text for chunks in new_chunks.values() for c in chunks} - known.keys())
    info = {
        "model": embedder.name,
        "dim": str(embedder.dim),
        "chunk_chars": str(chunk_chars),
        "built_at": str(time.time()),
    }
    with ThreadPoolExecutor(1, thread_name_prefix="reindex-embed") as pool:
        # embedding needs only the chunk texts: it runs while Kiwi analyses them and the metadata is written
        pending = pool.submit(embedder.embed_passages, missing) if missing else None

        # a note's words are judged by the analyser the live index uses (with its own words blocked)
        vocabulary_analyzer = analyzers.for_vocabulary(*corpus_vocabulary(old_notes.values()))
        notes = [_with_vocabulary(n, texts[n.path], vocabulary_analyzer) if n.path in texts else n for n in notes]
        analyzer = analyzers.for_vocabulary(*corpus_vocabulary(notes))
        stale_terms = _vocabulary_change(previous, analyzer) if previous else set()

        records: list[ChunkRecord] = []
        retokenized = 0
        for note in notes:
            if note.path in new_chunks:
                records.extend(_analyse(chunk, analyzer) for chunk in new_chunks[note.path])
                continue
            for record in kept_records[note.path]:
                if stale_terms and any(term in record.chunk.search_text.lower() for term in stale_terms):
                    record = _analyse(record.chunk, analyzer)
                    retokenized += 1
                records.append(record)
        if retokenized:
            log.info("dictionary changed: re-analysed %d chunks (no re-embedding)", retokenized)
        phases["analyse"] = time.perf_counter()

        if (
            previous is not None
            and not (added or changed or removed or retokenized or touched)
            and len(records) == len(previous.records)
        ):
            took = (time.perf_counter() - started) * 1000
            report = ReindexReport(unchanged=unchanged, chunks=len(records), failed=tuple(failed), took_ms=took)
            return IndexResult(previous, analyzer, report)  # nothing changed: keep the live generation

        def vectors() -> np.ndarray:
            if pending is not None:
                known.update(zip(missing, pending.result()))
            return np.stack([known[r.chunk.search_text] for r in records])

        stored = write_index(index_dir, info, notes, records, vectors)
    phases["embed + write"] = time.perf_counter()
    took = (time.perf_counter() - started) * 1000
    report = ReindexReport(
        added=added,
        changed=changed,
        removed=removed,
        unchanged=unchanged,
        chunks=len(records),
        embedded=len(missing),
        failed=tuple(failed),
        took_ms=took,
    )
    marks = [started, *phases.values()]
    split = ", ".join(f"{name} {(b - a) * 1000:.0f}" for name, a, b in zip(phases, marks, marks[1:]))
    log.info("reindexed in %.0f ms (%s ms): %s", took, split, report)
    return IndexResult(stored, analyzer, report)


def _with_vocabulary(note: NoteRecord, text: str, analyzer: KoreanAnalyzer) -> NoteRecord:
    words, pairs = analyzer.note_vocabulary(text)
    return replace(note, user_words=tuple(words), pairs=pairs)


def _analyse(chunk, analyzer: KoreanAnalyzer) -> ChunkRecord:
    sentences = tuple(
        Sentence(offset, text, tuple(analyzer.terms(text))) for offset, text in split_sentences(chunk.text)
    )
    heading_terms = analyzer.terms(chunk.heading) if chunk.heading else []
    terms = tuple(heading_terms) + tuple(t for s in sentences for t in s.terms)
    return ChunkRecord(chunk, terms, sentences)


def corpus_vocabulary(notes: Iterable[NoteRecord]) -> tuple[list[str], dict[str, str]]:
    """The user words and English-Korean pairs that a set of notes brings, in a stable order."""
    notes = list(notes)
    words = sorted({w for n in notes for w in n.user_words})
    pairs = {k: v for n in sorted(notes, key=lambda n: n.path) for k, v in n.pairs.items()}
    return words, pairs


def _vocabulary_change(previous: StoredIndex, analyzer: KoreanAnalyzer) -> set[str]:
    """Words whose chunks must be re-analysed because the dictionary around them changed."""
    old_words, old_pairs = KoreanAnalyzer.vocabulary(*corpus_vocabulary(previous.notes.values()))
    changed = set(old_words) ^ set(analyzer.user_words)
    changed |= {k for k in set(old_pairs) | set(analyzer.pairs) if old_pairs.get(k) != analyzer.pairs.get(k)}
    return {w.lower() for w in changed}
