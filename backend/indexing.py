"""Incremental indexing: compare notes by content hash, embed only chunks whose text is new.

Unchanged notes keep their chunks, terms and vectors; a renamed note re-uses its vectors
(vectors are keyed by the text that was embedded, not by the file name); deleted notes
disappear. A note that cannot be read is reported and skipped, the others still index.
A reindex reads as its phases: scan, chunk, analyse, then embed and write.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from backend.chunking import CHUNKING_VERSION, HEADING_SEPARATOR, normalize_text, split_note, split_sentences
from backend.embedding import Embedder
from backend.index import ChunkRecord, NoteRecord, Sentence, StoredIndex, write_index
from backend.keywords import ANALYZER_VERSION, AnalyzerPool, KoreanAnalyzer
from backend.models import Chunk, ReindexReport
from backend.notes import NoteStore, decode_note
from backend.parsing import parse_note
from backend.priority import background_priority

log = logging.getLogger(__name__)
EMBED_BATCH = 64  # chunks per embedding call: progress is reported between batches
Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass(frozen=True)
class IndexResult:
    index: StoredIndex
    report: ReindexReport


@dataclass
class _Scan:
    """What the scan found: every note to keep, and the texts of those to (re)chunk."""

    notes: list[NoteRecord] = field(default_factory=list)
    kept: dict[str, list[ChunkRecord]] = field(default_factory=dict)  # unchanged note -> its records
    texts: dict[str, str] = field(default_factory=dict)  # new or changed note -> its text
    encodings: dict[str, str] = field(default_factory=dict)  # a note read in another encoding than UTF-8
    failed: list[str] = field(default_factory=list)
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    touched: int = 0  # same content, new mtime: only its stamp is written


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
    progress: Progress | None = None,
) -> IndexResult:
    """Bring the index in line with the corpus and write it as a new generation."""
    started = time.perf_counter()
    report = progress or (lambda phase, done, total: None)
    embedder.warm_up()
    previous, reusable = _reusable(previous, embedder, chunk_chars)
    scan = _scan(store, previous, reusable, report)
    removed = len(set(reusable) - {n.path for n in scan.notes} - {f.split(":", 1)[0] for f in scan.failed})
    new_chunks = _chunk(scan, chunk_chars)
    marks = {"scan + chunk": time.perf_counter()}

    known = previous.row_of_text() if previous else {}
    missing = sorted({c.search_text for chunks in new_chunks.values() for c in chunks} - known.keys())
    with ThreadPoolExecutor(1, thread_name_prefix="reindex-embed", initializer=background_priority) as pool:
        # embedding needs only the chunk texts: it runs while Kiwi analyses them and the metadata is written
        pending = pool.submit(_embed, embedder, missing, report) if missing else None
        notes, records, reanalysed = _analyse(scan, new_chunks, reusable, previous, analyzers, report)
        marks["analyse"] = time.perf_counter()
        if previous is not None and not (
            scan.added or scan.changed or removed or reanalysed or scan.touched or missing
        ):  # nothing changed: keep the live generation
            took = (time.perf_counter() - started) * 1000
            unchanged = ReindexReport(
                unchanged=scan.unchanged, chunks=len(records), failed=tuple(scan.failed), took_ms=took,
                warnings=_warnings(notes),
            )  # fmt: skip
            return IndexResult(previous, unchanged)

        def vectors(wanted: list[ChunkRecord]) -> np.ndarray:
            fresh = dict(zip(missing, pending.result())) if pending is not None else {}
            out = np.zeros((len(wanted), embedder.dim), dtype=np.float32)
            old = [(i, known[r.chunk.search_text]) for i, r in enumerate(wanted) if r.chunk.search_text not in fresh]
            if old:
                at, rows = zip(*old)
                out[list(at)] = previous.vectors.reconstruct_batch(np.array(rows, dtype=np.int64))
            for i, r in enumerate(wanted):
                if r.chunk.search_text in fresh:
                    out[i] = fresh[r.chunk.search_text]
            return out

        info = {
            "model": embedder.name,
            "dim": str(embedder.dim),
            "chunk_chars": str(chunk_chars),
            "chunking": CHUNKING_VERSION,
            "analyzer": ANALYZER_VERSION,
            "built_at": str(time.time()),
        }
        report("write", 0, 1)
        stored = write_index(index_dir, info, notes, records, vectors, base=previous)
    marks["embed + write"] = time.perf_counter()
    took = (time.perf_counter() - started) * 1000
    result = ReindexReport(
        added=scan.added,
        changed=scan.changed,
        removed=removed,
        unchanged=scan.unchanged,
        chunks=len(records),
        embedded=len(missing),
        failed=tuple(scan.failed),
        warnings=_warnings(notes),
        took_ms=took,
    )
    times = [started, *marks.values()]
    split = ", ".join(f"{name} {(b - a) * 1000:.0f}" for name, a, b in zip(marks, times, times[1:]))
    log.info("reindexed in %.0f ms (%s ms): %s", took, split, result)
    return IndexResult(stored, result)


def _reusable(
    previous: StoredIndex | None, embedder: Embedder, chunk_chars: int
) -> tuple[StoredIndex | None, dict[str, NoteRecord]]:
    """The previous generation if its vectors can be reused, and the notes whose chunks can be kept."""
    if previous is not None and previous.model != embedder.name:
        log.warning(
            "index was built with %r, the model is now %r: re-embedding every chunk", previous.model, embedder.name
        )
        return None, {}
    if previous is not None and previous.info.get("chunk_chars") != str(chunk_chars):
        log.info("chunk size changed to %d: re-chunking every note", chunk_chars)
        return previous, {}
    if previous is not None and previous.info.get("chunking") != CHUNKING_VERSION:
        log.info("chunking rules changed (%s): re-chunking every note", CHUNKING_VERSION)
        return previous, {}
    return previous, dict(previous.notes) if previous else {}


def _scan(store: NoteStore, previous: StoredIndex | None, reusable: dict[str, NoteRecord], report: Progress) -> _Scan:
    """Which notes are new, changed, touched or unchanged; unchanged ones are not even read."""
    scan = _Scan()
    old_by_note: dict[str, list[ChunkRecord]] = {}
    for record in previous.records if previous else []:
        old_by_note.setdefault(record.chunk.note, []).append(record)
    listing = store.scan()
    scan.failed.extend(listing.skipped)
    for done, path in enumerate(listing.paths, start=1):
        if done % 256 == 0 or done == len(listing.paths):
            report("scan", done, len(listing.paths))
        old = reusable.get(path)
        try:
            stamp = listing.stamps[path]
            if old is not None and old.stamp == stamp:  # same size and mtime: not read again
                scan.unchanged += 1
                scan.notes.append(old)
                scan.kept[path] = old_by_note.get(path, [])
                continue
            raw = store.read_listed(path)
            decoded, encoding = decode_note(raw)
            text = normalize_text(decoded)
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("skipping note %s: %s", path, exc)
            scan.failed.append(f"{path}: {exc}")
            continue
        digest = content_hash(raw)
        if old is not None and old.content_hash == digest:  # touched, not changed
            scan.unchanged += 1
            scan.touched += 1  # its new stamp is written, so the next reindex need not read it again
            scan.notes.append(replace(old, stamp=stamp))
            scan.kept[path] = old_by_note.get(path, [])
            continue
        scan.added += old is None
        scan.changed += old is not None
        scan.notes.append(NoteRecord(path, digest, stamp=stamp))  # its words and metadata come below
        scan.texts[path] = text
        if encoding != "UTF-8":
            scan.encodings[path] = encoding
    return scan


def _chunk(scan: _Scan, chunk_chars: int) -> dict[str, list[Chunk]]:
    """Chunks of every new or changed note, with their frontmatter, tags and comments understood."""
    chunks: dict[str, list[Chunk]] = {}
    for i, note in enumerate(scan.notes):
        if note.path not in scan.texts:
            continue
        parsed = parse_note(note.path, scan.texts[note.path])
        scan.texts[note.path] = parsed.body
        problems = parsed.problems
        if note.path in scan.encodings:  # read, but an editor may not show it as the user wrote it
            problems += (f"{note.path}: read as {scan.encodings[note.path]}, not UTF-8; saving it as UTF-8 is safer",)
        scan.notes[i] = replace(note, title=parsed.title, tags=parsed.tags, aliases=parsed.aliases,
                                problems=problems)  # fmt: skip
        extra = " ".join((*parsed.aliases, *parsed.tags))
        chunks[note.path] = split_note(
            note.path, parsed.body, max_chars=chunk_chars, title=parsed.frontmatter_title, extra=extra
        )
    return chunks


def _analyse(
    scan: _Scan,
    new_chunks: dict[str, list[Chunk]],
    reusable: dict[str, NoteRecord],
    previous: StoredIndex | None,
    analyzers: AnalyzerPool,
    report: Progress,
) -> tuple[list[NoteRecord], list[ChunkRecord], int]:
    """BM25 terms and sentences of every chunk, with the corpus dictionary the notes now bring."""
    # a note's words are judged by the dictionary the index had before (with its own words blocked)
    judge = analyzers.for_vocabulary(*corpus_vocabulary(reusable.values()))
    notes = [_with_vocabulary(n, scan.texts[n.path], judge) if n.path in scan.texts else n for n in scan.notes]
    analyzer = analyzers.for_vocabulary(*corpus_vocabulary(notes))
    everything = previous is not None and previous.info.get("analyzer") != ANALYZER_VERSION
    stale_terms = _vocabulary_change(previous, analyzer) if previous and not everything else set()
    records: list[ChunkRecord] = []
    reanalysed = 0
    total = sum(len(chunks) for chunks in new_chunks.values())
    for note in notes:
        if note.path in new_chunks:
            records.extend(_analyse_chunk(chunk, analyzer) for chunk in new_chunks[note.path])
            report("analyse", len(records), total)
            continue
        for record in scan.kept[note.path]:
            if everything or (stale_terms and any(t in record.chunk.search_text.lower() for t in stale_terms)):
                record = _analyse_chunk(record.chunk, analyzer)
                reanalysed += 1
            records.append(record)
    if reanalysed:
        log.info("dictionary or analyser changed: re-analysed %d chunks (no re-embedding)", reanalysed)
    return notes, records, reanalysed


def _embed(embedder: Embedder, texts: list[str], report: Progress) -> np.ndarray:
    """Passage vectors, a batch at a time so progress can be shown."""
    parts = []
    for start in range(0, len(texts), EMBED_BATCH):
        report("embed", start, len(texts))
        parts.append(embedder.embed_passages(texts[start : start + EMBED_BATCH]))
    report("embed", len(texts), len(texts))
    return np.concatenate(parts)


def _warnings(notes: list[NoteRecord]) -> tuple[str, ...]:
    return tuple(problem for note in notes for problem in note.problems)


def _with_vocabulary(note: NoteRecord, text: str, analyzer: KoreanAnalyzer) -> NoteRecord:
    words, pairs = analyzer.note_vocabulary(text)
    return replace(note, user_words=tuple(words), pairs=pairs)


def _analyse_chunk(chunk: Chunk, analyzer: KoreanAnalyzer) -> ChunkRecord:
    sentences = tuple(
        Sentence(offset, text, tuple(analyzer.line_terms(text))) for offset, text in split_sentences(chunk.text)
    )
    context = chunk.search_text.split("\n", 1)[0]  # heading path, title, and aliases and tags on a first chunk
    heading_terms = [t for part in context.split(HEADING_SEPARATOR) for t in analyzer.line_terms(part)]
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
