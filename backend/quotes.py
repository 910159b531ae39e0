"""Vectors of the sentences an answer may quote, so it quotes the line closest in meaning.

Embedding a sentence costs about as much as embedding a question (~3 ms on a laptop CPU), and an
answer weighs the sentences of its top three passages (~27 on the Docker note). So they are
embedded ahead of time: whenever an index generation is loaded, the sentences not kept yet are
embedded in the background on the indexing thread (at its lower priority, a batch at a time, so
a reindex waits for one batch at most), and an answer only looks its sentences up. A sentence not
embedded yet (just after a large build) is embedded by the answer that needs it. Vectors are
keyed by text: an edited sentence is embedded afresh, an unchanged one never again. The writer
keeps them in a file beside the index generations, so a restart embeds only what changed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from backend.answer import Closeness
from backend.embedding import Embedder
from backend.index import ChunkRecord

log = logging.getLogger(__name__)
BATCH = 32  # sentences embedded ahead of time per call
SAVE_AFTER = 256  # new vectors that make the kept file worth rewriting (a restart re-embeds fewer)


class SentenceVectors:
    """At most `capacity` sentence vectors (fp16, 768 bytes each); the least recently used go first."""

    def __init__(self, embedder: Embedder, capacity: int, folder: Path | None = None, *, writes: bool = True) -> None:
        """`folder`: where the vectors are kept between runs (the index folder); `writes`: this
        process may rewrite that file (the writer), else it only reads it (a reader)."""
        self._embedder = embedder
        self._capacity = capacity
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._warming: object | None = None  # the running warm-up; a newer one stops it
        self.pending = 0  # sentences of the loaded generation still to embed ahead of time
        key = hashlib.sha1(embedder.name.encode()).hexdigest()[:12]  # another model's vectors never mix
        self._file = folder / f"quotes-{key}.npz" if folder is not None else None
        self._writes = writes
        self._loaded = False
        self._unsaved = 0
        self._save_lock = threading.Lock()  # a stopped warm-up may still be saving when the next one does
        self._thread: threading.Thread | None = None

    def warm(self, records: Sequence[ChunkRecord]) -> threading.Thread | None:
        """Embed in the background the sentences of `records` not kept yet (as many as fit)."""
        token = self._warming = object()
        self.pending = min(sum(len(r.sentences) for r in records), max(self._capacity, 0))  # at most this many
        if not self.pending:
            return None
        thread = threading.Thread(target=self._warm, args=(token, records), name="warm-quotes", daemon=True)
        thread.start()
        self._thread = thread  # published once started: wait() on another thread may join it at once
        return thread

    def wait(self, timeout: float | None = None) -> bool:
        """Until the latest warm-up has finished, saving included; False on timeout."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return thread is None or not thread.is_alive()

    def _warm(self, token: object, records: Sequence[ChunkRecord]) -> None:
        wanted = list(dict.fromkeys(s.text for r in records for s in r.sentences))[: self._capacity]
        with self._save_lock:
            if not self._loaded:
                self._load(set(wanted))
        with self._lock:
            missing = [t for t in wanted if t not in self._vectors]
            if self._warming is token:  # a stopped warm-up must not overwrite its successor's count
                self.pending = len(missing)
        for start in range(0, len(missing), BATCH):
            if self._warming is not token:
                self._save()
                return
            batch = missing[start : start + BATCH]
            try:
                fresh = self._embedder.embed_sentences(batch, waiting=False)
            except RuntimeError:  # the embedder's threads are shutting down with the process
                return
            except Exception as exc:  # noqa: BLE001 - answers embed what they need themselves
                log.warning("embedding sentences ahead of time failed: %s", exc)
                if self._warming is token:
                    self.pending = 0  # nothing more will come ahead of time
                return
            with self._lock:
                self._keep(zip(batch, fresh))
                self._unsaved += len(batch)
                if self._warming is token:
                    self.pending = max(0, len(missing) - start - len(batch))
        self._save()

    def of(self, texts: Sequence[str]) -> np.ndarray:
        """The vectors of `texts` (float32), embedding those not kept while the caller waits."""
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for text in texts:
                if (vector := self._vectors.get(text)) is not None:
                    self._vectors.move_to_end(text)
                    found[text] = vector
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            fresh = list(zip(missing, self._embedder.embed_sentences(missing)))
            found.update(fresh)
            with self._lock:
                self._keep(fresh)
        return np.stack([found[t] for t in texts]).astype(np.float32)

    def closeness(self, query_vector: np.ndarray) -> Closeness:
        return lambda texts: self.of(texts) @ query_vector

    def _load(self, wanted: set[str]) -> None:
        """The vectors kept by an earlier run, those of sentences still in the notes."""
        self._loaded = True
        if self._file is None or not self._file.exists():
            return
        try:
            with np.load(self._file) as kept:
                texts, vectors = json.loads(str(kept["texts"])), kept["vectors"]
        except (OSError, ValueError, KeyError) as exc:  # unreadable: embedding again costs time only
            log.warning("sentence vectors in %s unreadable (%s): embedding them again", self._file, exc)
            return
        with self._lock:
            loaded = OrderedDict((t, v) for t, v in zip(texts, vectors) if t in wanted and t not in self._vectors)
            loaded.update(self._vectors)  # what answers used since the start stays the most recent
            self._vectors = loaded
            while len(self._vectors) > self._capacity:
                self._vectors.popitem(last=False)

    def _save(self) -> None:
        """Rewrite the kept file (atomically) once enough is new; a reader never writes."""
        if self._file is None or not self._writes:
            return
        with self._lock:
            if self._unsaved < SAVE_AFTER and (self._file.exists() or not self._unsaved):
                return
            texts, vectors = list(self._vectors), list(self._vectors.values())
            self._unsaved = 0
        tmp = self._file.with_name(f".{self._file.name}.{os.getpid()}.tmp.npz")
        with self._save_lock:
            try:
                np.savez(tmp, texts=json.dumps(texts, ensure_ascii=False), vectors=np.stack(vectors))
                tmp.replace(self._file)
            except OSError as exc:  # a full or read-only disk costs the next start some time, nothing more
                log.info("cannot keep sentence vectors in %s: %s", self._file, exc)
                tmp.unlink(missing_ok=True)

    def _keep(self, pairs) -> None:
        for text, vector in pairs:
            self._vectors[text] = vector.astype(np.float16)
            self._vectors.move_to_end(text)
        while len(self._vectors) > self._capacity:
            self._vectors.popitem(last=False)
