"""Optional watch mode (NOTES_WATCH=1): edits made in an editor are indexed, debounced."""

from __future__ import annotations

import logging
import threading

from backend.errors import NotesError
from backend.library import NotesLibrary

log = logging.getLogger(__name__)


def _is_note_change(_change, path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name.endswith(".md") and not name.startswith(".")


class CorpusWatcher:
    """A background thread that reindexes after notes change on disk."""

    def __init__(self, library: NotesLibrary, debounce_ms: int) -> None:
        self._library = library
        self._debounce_ms = debounce_ms
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="corpus-watcher", daemon=True)

    def start(self) -> None:
        self._library.settings.corpus_dir.mkdir(parents=True, exist_ok=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        from watchfiles import watch

        corpus = self._library.settings.corpus_dir
        for changes in watch(corpus, watch_filter=_is_note_change, debounce=self._debounce_ms, stop_event=self._stop):
            log.info("%d note changes on disk: reindexing", len(changes))
            try:
                self._library.reindex(wait=True)
            except NotesError as exc:
                log.error("reindex after a file change failed: %s", exc)
