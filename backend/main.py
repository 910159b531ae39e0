"""The FastAPI application: create_app() builds it; the model and index load in the lifespan."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from backend.api.deps import require_read_key, require_write_key
from backend.api.early import EarlyQuery
from backend.api.guard import RequestGuard
from backend.api.routes import router
from backend.embedding import Embedder, create_embedder
from backend.errors import (
    IndexNotReadyError,
    InvalidNoteError,
    InvalidNotePathError,
    ModelUnavailableError,
    NoteConflictError,
    NoteNotFoundError,
    NotesError,
    NoteStorageError,
    NoteTooLargeError,
    ReadOnlyRoleError,
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
    NoteConflictError: 409,
    ReadOnlyRoleError: 409,
    NoteTooLargeError: 413,
    ModelUnavailableError: 503,
    NoteStorageError: 503,
    IndexNotReadyError: 503,
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
        library.start()  # answers from the last generation at once; catches up with the corpus meanwhile
        app.state.library = library
        watcher = (
            CorpusWatcher(library, settings.watch_debounce_ms) if settings.watch and settings.role != "reader" else None
        )
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
    app.openapi = lambda: app.openapi_schema or _document(app, settings)
    if settings.cors_origin_list():  # off unless configured: no page of another site may call the API
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin_list(),
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
        )
    app.add_middleware(EarlyQuery, settings=settings)  # inside the guard: sees only bodies it admitted
    app.add_middleware(RequestGuard, settings=settings)

    @app.exception_handler(NotesError)
    async def notes_error(_: Request, exc: NotesError) -> JSONResponse:
        status = next((code for kind, code in STATUS_OF.items() if isinstance(exc, kind)), 400)
        headers = {"Retry-After": "5"} if isinstance(exc, IndexNotReadyError) else None
        return JSONResponse({"detail": str(exc)}, status_code=status, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # name every method the path has, not those of the first route found
            headers["Allow"] = ", ".join(sorted(allowed_methods(app.openapi(), request.scope["path"])))
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers or None)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors()
        ]
        return JSONResponse({"detail": describe_errors(errors), "errors": errors}, status_code=422)

    return app


def _document(app: FastAPI, settings: Settings) -> dict:
    """The OpenAPI document as this server really behaves: an operation lists the key only when
    it needs one (reads are open unless NOTES_API_KEY_READS=1; nothing is when no key is set)."""
    spec = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
    for route in router.routes:  # the API's own routes (app.routes holds them lazily included)
        if not isinstance(route, APIRoute):
            continue
        guards = {d.dependency for d in route.dependencies}
        needs_key = bool(settings.api_key) and (
            require_write_key in guards or (require_read_key in guards and settings.api_key_reads)
        )
        for method in route.methods:
            operation = spec["paths"].get(route.path_format, {}).get(method.lower())
            if operation is not None and not needs_key:
                operation.pop("security", None)
    app.openapi_schema = spec
    return spec


def allowed_methods(spec: dict, path: str) -> set[str]:
    """The methods the OpenAPI document lists for the paths a request path matches (a path
    parameter matches what its documented pattern admits)."""
    allowed = set()
    for template, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            patterns = {
                p["name"]: p.get("schema", {}).get("pattern", "^.+$").strip("^$")
                for p in operation.get("parameters", [])
                if p.get("in") == "path"
            }
            parts = re.split(r"\{([^}]+)\}", template)  # literal, name, literal, name, ...
            regex = "".join(
                re.escape(part) if i % 2 == 0 else f"(?:{patterns.get(part, '.+')})" for i, part in enumerate(parts)
            )
            if re.fullmatch(regex, path):
                allowed.add(method.upper())
    return allowed


def check_exposure(settings: Settings) -> None:
    """Refuse to serve on a non-loopback address without a key, unless NOTES_ALLOW_OPEN=1 says so."""
    if settings.is_loopback() or settings.api_key or settings.allow_open:
        return
    raise NotesError(
        f"refusing to serve on {settings.host} without NOTES_API_KEY: anyone who can reach it could read, "
        "replace and delete your notes. Set NOTES_API_KEY, or NOTES_ALLOW_OPEN=1 if it is open on purpose "
        "(for instance a container whose port is published on 127.0.0.1 only)."
    )


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
