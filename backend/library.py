"""The notes library: the one object the API, the CLI and the watcher talk to.

Queries read whichever retriever is live; a reindex builds a new generation beside it and
swaps the reference in one assignment, so queries never wait for, or see half of, a reindex.
Reindexes run one at a time: a second one either waits or is refused with ReindexBusyError.
A server starts answering as soon as the last generation is loaded and catches up with the
corpus in the background; before any generation exists, questions get IndexNotReadyError.
With NOTES_ROLE=reader the library never writes: it follows the generation the writer names in
CURRENT (polling every NOTES_FOLLOW_SECONDS) and refuses changes with ReadOnlyRoleError.
"""

from __future__ import annotations

import gc
import logging
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np

from backend.answer import compose_answer
from backend.chunking import HEADING_SEPARATOR
from backend.confidence import ConfidenceModel, Evidence, TopicAnchors, gather_evidence
from backend.conversation import Turn, resolve
from backend.embedding import Embedder
from backend.errors import IndexNotReadyError, NotesError, ReadOnlyRoleError, ReindexBusyError
from backend.index import StoredIndex, UnreadableIndexError, current_generation, load_index, sweep_generations
from backend.indexing import corpus_vocabulary, reindex
from backend.keywords import AnalyzerPool
from backend.models import Answer, NoteFilter, ReindexReport
from backend.notes import NoteStore, NoteVersion
from backend.priority import background_priority
from backend.quotes import SentenceVectors
from backend.search import FusionConfig, HybridRetriever, KeywordMatch, SearchResult
from backend.settings import Settings

log = logging.getLogger(__name__)
EARLY = 16  # query vectors started early (NotesLibrary.embed_early) and not yet taken


@dataclass(frozen=True)
class ReindexProgress:
    phase: str  # scan | analyse | embed | write
    done: int
    total: int
    started: float  # time.monotonic() when the reindex began


@dataclass(frozen=True)
class NoteInfo:
    path: str
    title: str
    tags: tuple[str, ...]
    aliases: tuple[str, ...]
    chunks: int


@dataclass(frozen=True)
class LibraryStatus:
    role: str
    ready: bool  # a generation is loaded: questions can be answered
    notes: int
    chunks: int
    generation: str
    reindexing: ReindexProgress | None
    quotes_pending: int = 0  # sentences still to embed ahead of time (backend.quotes)


@dataclass(frozen=True)
class PendingSearch:
    """A search whose query vector is still being computed; everything else is ready."""

    query: str
    top_k: int
    retriever: HybridRetriever
    rows: np.ndarray | None
    keywords: KeywordMatch
    vector: Future[np.ndarray]
    started: float  # time.perf_counter() when the question arrived (before its follow-up resolution)

    def finish(self, vector: np.ndarray) -> SearchResult:
        return self.retriever.search(vector, self.query, self.top_k, rows=self.rows, keywords=self.keywords)

    def took_ms(self) -> float:
        return (time.perf_counter() - self.started) * 1000


@dataclass(frozen=True)
class PendingAnswer:
    """A question whose search is under way; finish() with its vector composes the answer."""

    question: str
    search: PendingSearch
    topics: TopicAnchors
    confidence: ConfidenceModel
    sentences: SentenceVectors

    @property
    def vector(self) -> Future[np.ndarray]:
        return self.search.vector

    def finish(self, vector: np.ndarray) -> Answer:
        result = self.search.finish(vector)
        evidence = gather_evidence(result, vector, self.topics, self.search.query)
        confidence = self.confidence.confidence(evidence)
        found = confidence >= self.confidence.threshold
        closeness = self.sentences.closeness(vector)
        answer = compose_answer(
            self.question, result, confidence, found=found, closeness=closeness, unknown=evidence.unknown_names
        )
        uncertain = found and confidence < self.confidence.low
        return replace(answer, searched_for=self.search.query, took_ms=self.search.took_ms(), uncertain=uncertain)


class NotesLibrary:
    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        *,
        analyzers: AnalyzerPool | None = None,
        fusion: FusionConfig | None = None,
        confidence: ConfidenceModel | None = None,
        on_progress: Callable[[ReindexProgress], None] | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = NoteStore(
            settings.corpus_dir,
            settings.index_dir.parent / "trash",
            max_bytes=settings.max_note_bytes,
            keep_versions=settings.keep_versions,
        )
        self.fusion = fusion or FusionConfig()
        self.confidence = confidence or ConfidenceModel()
        self.sentences = SentenceVectors(
            embedder, settings.quote_cache, settings.index_dir, writes=settings.role != "reader"
        )
        self._analyzers = analyzers or AnalyzerPool()
        self._retriever: HybridRetriever | None = None
        self._topics: TopicAnchors | None = None
        self._reindex_lock = threading.Lock()
        # indexing runs on a thread of its own at a lower priority, so questions are answered first
        self._indexer = ThreadPoolExecutor(1, thread_name_prefix="reindex", initializer=background_priority)
        self._progress: ReindexProgress | None = None
        self._on_progress = on_progress
        self.last_error: str | None = None  # why the last background reindex failed, if it did
        self._early: dict[str, Future[np.ndarray]] = {}  # vectors started before their request was validated
        self._early_lock = threading.Lock()

    # ---- lifecycle -------------------------------------------------------------------------
    @property
    def is_reader(self) -> bool:
        return self.settings.role == "reader"

    def load(self) -> None:
        """Load the model, the topics and the last readable index generation (no reindex)."""
        self.embedder.warm_up()
        self._topics = TopicAnchors.load(self.embedder, self.settings.models_dir / "topics")
        if not self.is_reader:  # only the writer touches the index folder
            self.settings.index_dir.mkdir(parents=True, exist_ok=True)
            sweep_generations(self.settings.index_dir)
        try:
            stored = load_index(self.settings.index_dir, repair=not self.is_reader)
        except UnreadableIndexError as exc:
            log.warning("%s; %s", exc, "waiting for the writer" if self.is_reader else "rebuilding from the notes")
            stored = None
        if stored is not None:
            self._use(stored)

    def open(self) -> ReindexReport:
        """Load, then bring the index up to date with the corpus before returning."""
        self.load()
        return self.reindex(wait=True)

    def start(self) -> threading.Thread:
        """Load, then in the background catch up with the corpus (writer) or follow the writer (reader)."""
        self.load()
        work = self._follow if self.is_reader else self._catch_up
        thread = threading.Thread(target=work, name="follow-writer" if self.is_reader else "catch-up", daemon=True)
        thread.start()
        return thread

    def _follow(self) -> None:
        """Swap to each generation the writer names, as soon as it loads; keep serving meanwhile."""
        while True:
            time.sleep(self.settings.follow_seconds)
            named = current_generation(self.settings.index_dir)
            live = self._retriever.index.generation if self._retriever else None
            if named is None or named.name == live:
                continue
            try:
                stored = load_index(self.settings.index_dir, repair=False)
            except UnreadableIndexError as exc:  # swept or half-visible: try again at the next tick
                log.info("generation %s not loadable yet (%s); keeping %s", named.name, exc, live)
                continue
            if stored is not None and stored.generation != live:
                self._use(stored)
                log.info("following the writer: now serving %s", stored.generation)

    def _catch_up(self) -> None:
        try:
            report = self.reindex(wait=True)
            log.info("index up to date: %s", report)
        except (NotesError, OSError) as exc:
            self.last_error = str(exc)
            log.error("catching up with the corpus failed: %s", exc)

    def _use(self, stored: StoredIndex) -> None:
        analyzer = self._analyzers.for_vocabulary(*corpus_vocabulary(stored.notes.values()))
        if self._retriever is None or stored is not self._retriever.index or analyzer is not self._retriever.analyzer:
            self._retriever = HybridRetriever(stored, analyzer, self.fusion)
            self.sentences.warm(stored.records)
            # a loaded generation is millions of objects that never change: out of the cyclic
            # collector's way, or each full collection walks them all in the middle of a question
            # (frozen objects are still freed by reference counting when a generation is dropped)
            gc.collect()
            gc.freeze()

    @property
    def retriever(self) -> HybridRetriever:
        retriever = self._retriever
        if retriever is None:
            raise IndexNotReadyError("the index is being built for the first time; ask again in a few seconds")
        return retriever

    @property
    def topics(self) -> TopicAnchors:
        if self._topics is None:
            raise IndexNotReadyError("the library is still loading; ask again in a few seconds")
        return self._topics

    @property
    def reindexing(self) -> bool:
        return self._reindex_lock.locked()

    def status(self) -> LibraryStatus:
        retriever = self._retriever
        index = retriever.index if retriever else None
        return LibraryStatus(
            role=self.settings.role,
            ready=index is not None,
            notes=len(index.notes) if index else 0,
            chunks=len(index.records) if index else 0,
            generation=index.generation if index else "",
            reindexing=self._progress if self.reindexing else None,
            quotes_pending=self.sentences.pending,
        )

    # ---- reads ---------------------------------------------------------------------------
    # A question's vector is computed on the embedder's thread while this thread analyses its
    # words and scores them by BM25; the API awaits the vector without a worker thread of its own.
    def search(self, query: str, top_k: int, note_filter: NoteFilter = NoteFilter()) -> tuple[SearchResult, float]:
        pending = self.start_search(query, top_k, note_filter)
        return pending.finish(pending.vector.result()), pending.took_ms()

    def start_search(self, query: str, top_k: int, note_filter: NoteFilter = NoteFilter()) -> PendingSearch:
        return self._start_search(self.retriever, query, top_k, note_filter, time.perf_counter())

    def embed_early(self, query: str) -> None:
        """Start a query's vector as soon as its request body is read, before the request is
        validated (backend.api.early): the search that follows takes the vector under way. A
        request that turns out invalid leaves its vector unused, forgotten after EARLY others."""
        if self._retriever is None:  # not ready: the route answers 503, and the model may still be loading
            return
        with self._early_lock:
            if query in self._early:
                return
        try:
            vector = self.embedder.submit_query(query)
        except RuntimeError:  # the embedder's threads are shutting down with the process: the route says so
            return
        with self._early_lock:
            self._early[query] = vector
            while len(self._early) > EARLY:
                self._early.pop(next(iter(self._early)))

    def _query_vector(self, query: str) -> Future[np.ndarray]:
        with self._early_lock:
            early = self._early.pop(query, None)
        return early if early is not None else self.embedder.submit_query(query)

    def _start_search(
        self, retriever: HybridRetriever, query: str, top_k: int, note_filter: NoteFilter, started: float
    ) -> PendingSearch:
        vector = self._query_vector(query)
        rows = retriever.rows_for(note_filter)
        return PendingSearch(query, top_k, retriever, rows, retriever.match_keywords(query, rows), vector, started)

    def examine(
        self, question: str, top_k: int, note_filter: NoteFilter = NoteFilter()
    ) -> tuple[SearchResult, Evidence]:
        """The passages found for a question and the evidence that the notes cover it."""
        pending = self.start_search(question, top_k, note_filter)
        vector = pending.vector.result()
        result = pending.finish(vector)
        return result, gather_evidence(result, vector, self.topics, question)

    def ask(
        self,
        question: str,
        top_k: int,
        *,
        history: tuple[Turn, ...] = (),
        note_filter: NoteFilter = NoteFilter(),
    ) -> Answer:
        """Answer a question; a follow-up is resolved against the earlier turns before it is searched."""
        pending = self.start_ask(question, top_k, history=history, note_filter=note_filter)
        return pending.finish(pending.vector.result())

    def start_ask(
        self,
        question: str,
        top_k: int,
        *,
        history: tuple[Turn, ...] = (),
        note_filter: NoteFilter = NoteFilter(),
    ) -> PendingAnswer:
        started = time.perf_counter()
        retriever = self.retriever  # one generation for the whole question, its follow-up resolution included
        searched_for = resolve(question, history, retriever.analyzer) if history else question
        search = self._start_search(retriever, searched_for, top_k, note_filter, started)
        return PendingAnswer(question, search, self.topics, self.confidence, self.sentences)

    def notes(self) -> list[NoteInfo]:
        """The indexed notes with their title, tags and number of passages."""
        index = self.retriever.index
        counts: dict[str, int] = {}
        for record in index.records:
            counts[record.chunk.note] = counts.get(record.chunk.note, 0) + 1
        return [
            NoteInfo(n.path, n.title, n.tags, n.aliases, counts.get(n.path, 0))
            for n in sorted(index.notes.values(), key=lambda n: n.path)
        ]

    def examples(self, count: int = 3) -> list[str]:
        """Questions to suggest on an empty chat, from the corpus itself: headings that ask a
        question, else the titles of sections of different notes."""
        index = self.retriever.index
        asked, sections = [], []
        for record in index.records:
            last = record.chunk.heading.rsplit(HEADING_SEPARATOR, 1)[-1].strip()
            last = re.sub(r"^(질문\s*\d+\.|\d+\.|Q\d*[.:])\s*", "", last).strip()
            if 4 <= len(last) <= 60 and last.endswith("?"):
                asked.append((record.chunk.note, last))
            elif 2 <= len(last) <= 30 and last != index.notes[record.chunk.note].title:
                sections.append((record.chunk.note, f"{last}에 대해 노트에 뭐라고 적혀 있어?"))
        chosen: list[str] = []
        used_notes: set[str] = set()
        for note, question in [*asked, *sections]:  # one per note first, then the rest
            if note not in used_notes and question not in chosen:
                chosen.append(question)
                used_notes.add(note)
        for _note, question in [*asked, *sections]:
            if question not in chosen:
                chosen.append(question)
        return chosen[:count]

    # ---- writes --------------------------------------------------------------------------
    def _writable(self) -> None:
        if self.is_reader:
            where = f" at {self.settings.writer_url}" if self.settings.writer_url else " (NOTES_WRITER_URL)"
            raise ReadOnlyRoleError(f"this server is a reader: send changes and reindexing to the writer{where}")

    def reindex(self, *, wait: bool) -> ReindexReport:
        """Index new, changed and deleted notes; with wait=False a running reindex is an error."""
        self._writable()
        if not self._reindex_lock.acquire(blocking=wait):
            raise ReindexBusyError("a reindex is already running; try again when it has finished")
        started = time.monotonic()
        self._progress = ReindexProgress("scan", 0, 0, started)
        try:
            result = self._indexer.submit(
                reindex,
                self.store,
                self.settings.index_dir,
                self.embedder,
                self._retriever.index if self._retriever else None,
                self._analyzers,
                chunk_chars=self.settings.chunk_chars,
                progress=lambda phase, done, total: self._report(ReindexProgress(phase, done, total, started)),
            ).result()
            self._use(result.index)
            self.last_error = None
            # until questions see the change: the new generation's search structures count too
            return replace(result.report, took_ms=(time.monotonic() - started) * 1000)
        finally:
            self._reindex_lock.release()

    def _report(self, progress: ReindexProgress) -> None:
        self._progress = progress
        if self._on_progress is not None:
            self._on_progress(progress)

    def put_note(self, path: str, body: bytes) -> tuple[bool, ReindexReport]:
        """Store a note (created or replaced), then index it."""
        self._writable()
        created = self.store.write(path, body)
        return created, self.reindex(wait=True)

    def delete_note(self, path: str) -> ReindexReport:
        self._writable()
        self.store.delete(path)
        return self.reindex(wait=True)

    def versions(self, path: str) -> list[NoteVersion]:
        return self.store.versions(path)

    def restore_note(self, path: str, version: str) -> ReindexReport:
        """Make an earlier version the note again (the current text is kept as a version)."""
        self._writable()
        self.store.restore(path, version)
        return self.reindex(wait=True)
