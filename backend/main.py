"""The FastAPI application: create_app() builds it; the model and index load in the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from backend.api.routes import router
from backend.embedding import Embedder, create_embedder
from backend.errors import (
    InvalidNoteError,
    InvalidNotePathError,
    ModelUnavailableError,
    NoteNotFoundError,
    NotesError,
    NoteStorageError,
    NoteTooLargeError,
    ReindexBusyError,
)
from backend.keywords import AnalyzerPool
from backend.library import NotesLibrary
from backend.settings import Settings, get_settings
from backend.watch import CorpusWatcher

log = logging.getLogger(__name__)

STATUS_OF = {
    InvalidNotePathError: 400,
    InvalidNoteError: 400,
    NoteNotFoundError: 404,
    ReindexBusyError: 409,
    NoteTooLargeError: 413,
    ModelUnavailableError: 503,
    NoteStorageError: 503,
}


def create_app(
    settings: Settings | None = None,
    *,
    embedder: Embedder | None = None,
    analyzers: AnalyzerPool | None = None,
) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        library = NotesLibrary(settings, embedder or create_embedder(settings), analyzers=analyzers)
        report = library.open()
        log.info("index ready: %s", report)
        app.state.library = library
        watcher = CorpusWatcher(library, settings.watch_debounce_ms) if settings.watch else None
        if watcher:
            watcher.start()
        try:
            yield
        finally:
            if watcher:
                watcher.stop()

    app = FastAPI(
        title="Notes Q&A",
        summary="Ask questions about your Markdown notes, in Korean or English; answers cite note, heading and lines.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.include_router(router)

    @app.exception_handler(NotesError)
    async def notes_error(_: Request, exc: NotesError) -> JSONResponse:
        status = next((code for kind, code in STATUS_OF.items() if isinstance(exc, kind)), 400)
        return JSONResponse({"detail": str(exc)}, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors()
        ]
        return JSONResponse({"detail": describe_errors(errors), "errors": errors}, status_code=422)

    return app


def describe_errors(errors: list[dict]) -> str:
    """One readable sentence per problem: 'question: must not be empty or only whitespace'."""
    parts = []
    for error in errors:
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
        message = error.get("msg", "is invalid").removeprefix("Value error, ")
        if error.get("type") == "json_invalid":
            where, message = "body", "is not valid JSON"
        parts.append(f"{where}: {message}")
    return "; ".join(parts)
