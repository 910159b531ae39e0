"""The notes library: the one object the API, the CLI and the watcher talk to.

Queries read whichever retriever is live; a reindex builds a new generation beside it and
swaps the reference in one assignment, so queries never wait for, or see half of, a reindex.
Reindexes run one at a time: a second one either waits or is refused with ReindexBusyError.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace

import numpy as np

from backend.answer import compose_answer
from backend.confidence import ConfidenceModel, Evidence, TopicAnchors, gather_evidence
from backend.embedding import Embedder
from backend.errors import ReindexBusyError
from backend.index import UnreadableIndexError, load_index, sweep_generations
from backend.indexing import corpus_vocabulary, reindex
from backend.keywords import AnalyzerPool
from backend.models import Answer, ReindexReport
from backend.notes import NoteStore
from backend.search import FusionConfig, HybridRetriever, SearchResult
from backend.settings import Settings

log = logging.getLogger(__name__)


class NotesLibrary:
    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        *,
        analyzers: AnalyzerPool | None = None,
        fusion: FusionConfig | None = None,
        confidence: ConfidenceModel | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = NoteStore(
            settings.corpus_dir, settings.index_dir.parent / "trash", max_bytes=settings.max_note_bytes
        )
        self.fusion = fusion or FusionConfig()
        self.confidence = confidence or ConfidenceModel()
        self._analyzers = analyzers or AnalyzerPool()
        self._retriever: HybridRetriever | None = None
        self._topics: TopicAnchors | None = None
        self._reindex_lock = threading.Lock()

    # ---- lifecycle -------------------------------------------------------------------------
    def open(self) -> ReindexReport:
        """Load the model and the index, bringing the index up to date with the corpus."""
        self.embedder.warm_up()
        self.settings.index_dir.mkdir(parents=True, exist_ok=True)
        self._topics = TopicAnchors.load(self.embedder, self.settings.models_dir / "topics")
        sweep_generations(self.settings.index_dir)
        try:
            stored = load_index(self.settings.index_dir)
        except UnreadableIndexError as exc:
            log.warning("%s; rebuilding the index from the notes", exc)
            stored = None
        if stored is not None:
            analyzer = self._analyzers.for_vocabulary(*corpus_vocabulary(stored.notes.values()))
            self._retriever = HybridRetriever(stored, analyzer, self.fusion)
        return self.reindex(wait=True)

    @property
    def retriever(self) -> HybridRetriever:
        if self._retriever is None:
            raise RuntimeError("the library is not open yet")
        return self._retriever

    @property
    def reindexing(self) -> bool:
        return self._reindex_lock.locked()

    @property
    def topics(self) -> TopicAnchors:
        if self._topics is None:
            raise RuntimeError("the library is not open yet")
        return self._topics

    # ---- reads ---------------------------------------------------------------------------
    def search(self, query: str, top_k: int) -> tuple[SearchResult, float]:
        started = time.perf_counter()
        result, _vector = self._search(query, top_k)
        return result, (time.perf_counter() - started) * 1000

    def examine(self, question: str, top_k: int) -> tuple[SearchResult, Evidence]:
        """The passages found for a question and the evidence that the notes cover it."""
        result, vector = self._search(question, top_k)
        return result, gather_evidence(result, vector, self.topics)

    def ask(self, question: str, top_k: int) -> Answer:
        started = time.perf_counter()
        result, evidence = self.examine(question, top_k)
        confidence = self.confidence.confidence(evidence)
        answer = compose_answer(question, result, confidence, found=confidence >= self.confidence.threshold)
        return replace(answer, searched_for=question, took_ms=(time.perf_counter() - started) * 1000)

    def _search(self, query: str, top_k: int) -> tuple[SearchResult, np.ndarray]:
        retriever = self.retriever  # one generation for the whole query
        vector: np.ndarray = self.embedder.embed_queries([query])[0]
        return retriever.search(vector, query, top_k), vector

    # ---- writes --------------------------------------------------------------------------
    def reindex(self, *, wait: bool) -> ReindexReport:
        """Index new, changed and deleted notes; with wait=False a running reindex is an error."""
        if not self._reindex_lock.acquire(blocking=wait):
            raise ReindexBusyError("a reindex is already running; try again when it has finished")
        try:
            previous = self._retriever.index if self._retriever else None
            result = reindex(
                self.store,
                self.settings.index_dir,
                self.embedder,
                previous,
                self._analyzers,
                chunk_chars=self.settings.chunk_chars,
            )
            if (
                self._retriever is None
                or result.index is not previous
                or result.analyzer is not self._retriever.analyzer
            ):
                self._retriever = HybridRetriever(result.index, result.analyzer, self.fusion)
            return result.report
        finally:
            self._reindex_lock.release()

    def put_note(self, path: str, body: bytes) -> tuple[bool, ReindexReport]:
        """Store a note (created or replaced), then index it."""
        created = self.store.write(path, body)
        return created, self.reindex(wait=True)

    def delete_note(self, path: str) -> ReindexReport:
        self.store.delete(path)
        return self.reindex(wait=True)
