"""HTTP routes: thin handlers that call the library once and map the result to a schema."""

from __future__ import annotations

import asyncio
import re

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel

from backend.api.deps import LibraryDep, SettingsDep, require_read_key, require_write_key
from backend.api.schemas import (
    AskRequest,
    AskResponse,
    AuthNeeds,
    CitedPassage,
    ErrorResponse,
    ExamplesResponse,
    HealthResponse,
    NotesResponse,
    NoteSummary,
    NoteWriteResponse,
    ReindexResponse,
    RestoreRequest,
    SearchRequest,
    SearchResponse,
    VersionOut,
    VersionsResponse,
)
from backend.notes import IMAGE_PATH_PATTERN, MAX_PATH_CHARS, NOTE_PATH_PATTERN, decode_note

router = APIRouter(prefix="/api")
reads = [Depends(require_read_key)]
writes = [Depends(require_write_key)]
ERRORS = {code: {"model": ErrorResponse} for code in (400, 401, 403, 404, 409, 413, 415, 422, 503)}
# the pattern a new note's path must match; an existing note (say, written by an editor with a
# longer name) is still read, replaced and deleted by its path
NotePath = Path(
    description="Path of the note inside the corpus, '/' between folders, ending in .md.",
    examples=["work/meeting.md"],
    json_schema_extra={"pattern": NOTE_PATH_PATTERN, "maxLength": MAX_PATH_CHARS},
)
ImagePath = Path(
    description="An image inside the corpus, as a note links it.",
    examples=["work/diagram.png"],
    json_schema_extra={"pattern": IMAGE_PATH_PATTERN, "maxLength": MAX_PATH_CHARS},
)
# /notes/{path} would also take "a.md/restore": those are other operations' paths, not notes
OTHER_OPERATION = re.compile(r"/(?:restore|versions(?:/[^/]*)?)$")


def _not_another_operation(path: str) -> None:
    if OTHER_OPERATION.search(path) and not path.endswith(".md"):
        raise HTTPException(405, "this method is not allowed here")


MARKDOWN = {"text/markdown": {"schema": {"type": "string", "format": "binary"}}}


@router.post("/ask", response_model=AskResponse, dependencies=reads, responses=ERRORS)
async def ask(body: AskRequest, library: LibraryDep) -> Response:
    """Answer a question from the notes: quoted sentences with [n] markers and the cited passages.

    `confidence` says how sure the service is that the notes cover the question. When `found` is
    false the answer says the notes may not cover it and `related` holds the closest passages.
    """
    # No worker thread: the model runs on the embedder's thread, the rest here, meanwhile and
    # after; a worker-thread hand-off cost 0.15 ms a question (timed with the fake model)
    pending = library.start_ask(body.question, body.top_k, history=body.turns(), note_filter=body.note_filter())
    return as_json(AskResponse.of(pending.finish(await asyncio.wrap_future(pending.vector))))


@router.post("/search", response_model=SearchResponse, dependencies=reads, responses=ERRORS)
async def search(body: SearchRequest, library: LibraryDep) -> Response:
    """The passages that best match a query (hybrid dense + Korean keyword ranking)."""
    pending = library.start_search(body.query, body.top_k, body.note_filter())  # as ask
    result = pending.finish(await asyncio.wrap_future(pending.vector))
    hits = [CitedPassage.of(n, h) for n, h in enumerate(result.hits, 1)]
    return as_json(SearchResponse(results=hits, took_ms=round(pending.took_ms(), 1)))


def as_json(response: BaseModel) -> Response:
    """A response already built from its schema, as JSON: returned as the schema, FastAPI would
    dump, validate and serialise it again: ~0.1 ms of a question's ~7 (bench.latency: 1.31x, 1.35x -> 1.26x, 1.33x)."""
    return Response(response.model_dump_json(), media_type="application/json")


@router.get("/health", response_model=HealthResponse)
def health(library: LibraryDep, settings: SettingsDep) -> HealthResponse:
    """Liveness and status: the live index, a running reindex's progress, what needs the API key."""
    auth = AuthNeeds(writes=bool(settings.api_key), reads=bool(settings.api_key) and settings.api_key_reads)
    return HealthResponse.of(library.status(), library.embedder.name, auth, library.last_error)


@router.get("/health/ready", responses={503: {"model": ErrorResponse}})
def ready(library: LibraryDep) -> JSONResponse:
    """Readiness: 200 once an index generation is loaded, 503 (with Retry-After) until then."""
    if library.status().ready:
        return JSONResponse({"ready": True})
    return JSONResponse({"detail": "the index is being built"}, status_code=503, headers={"Retry-After": "5"})


@router.post("/reindex", response_model=ReindexResponse, dependencies=writes, responses=ERRORS)
def reindex(library: LibraryDep) -> ReindexResponse:
    """Index new, changed and deleted notes of the corpus; 409 while another reindex runs."""
    return ReindexResponse.of(library.reindex(wait=False))


@router.get("/examples", response_model=ExamplesResponse, dependencies=reads, responses=ERRORS)
def examples(library: LibraryDep) -> ExamplesResponse:
    """A few questions to suggest on an empty chat, drawn from the notes' own headings."""
    return ExamplesResponse(questions=library.examples())


@router.get(
    "/files/{path:path}",
    dependencies=reads,
    responses={200: {"content": {"image/png": {}, "image/jpeg": {}, "image/svg+xml": {}}}, **ERRORS},
)
def read_file(library: LibraryDep, path: str = ImagePath) -> Response:
    """An image that a note shows (png, jpg, gif, webp, svg; at most 5 MB)."""
    content, media_type = library.store.read_image(path)
    return Response(content, media_type=media_type, headers={"Content-Security-Policy": "script-src 'none'"})


@router.get("/notes", response_model=NotesResponse, dependencies=reads, responses=ERRORS)
def list_notes(library: LibraryDep) -> NotesResponse:
    """The indexed notes with their title, tags, aliases and number of passages."""
    return NotesResponse(notes=[NoteSummary.of(note) for note in library.notes()])


@router.get("/notes/{path:path}/versions", response_model=VersionsResponse, dependencies=reads, responses=ERRORS)
def note_versions(library: LibraryDep, path: str = NotePath) -> VersionsResponse:
    """Earlier texts of a note (kept when it was replaced, deleted or restored over), newest first."""
    return VersionsResponse(path=path, versions=[VersionOut.of(v) for v in library.versions(path)])


@router.get(
    "/notes/{path:path}/versions/{version}",
    response_class=Response,  # errors are JSON: a text/plain response class would document them as text
    dependencies=reads,
    responses={200: {"content": MARKDOWN}, **ERRORS},
)
def note_version(version: str, library: LibraryDep, path: str = NotePath) -> PlainTextResponse:
    """The Markdown of one earlier version of a note."""
    raw = library.store.version_text(path, version)
    try:
        text = decode_note(raw)[0]
    except UnicodeDecodeError:  # shown, as far as it reads
        text = raw.decode("utf-8", errors="replace")
    return PlainTextResponse(text, media_type="text/markdown; charset=utf-8")


@router.post("/notes/{path:path}/restore", response_model=NoteWriteResponse, dependencies=writes, responses=ERRORS)
def restore_note(body: RestoreRequest, library: LibraryDep, path: str = NotePath) -> NoteWriteResponse:
    """Make an earlier version the note again, then index it; the current text is kept as a version."""
    report = library.restore_note(path, body.version)
    return NoteWriteResponse(path=path, created=False, reindex=ReindexResponse.of(report))


@router.get(
    "/notes/{path:path}",
    response_class=Response,
    dependencies=reads,
    responses={200: {"content": MARKDOWN}, **ERRORS},
)
def read_note(library: LibraryDep, path: str = NotePath) -> PlainTextResponse:
    """The raw Markdown of one note."""
    _not_another_operation(path)
    return PlainTextResponse(library.store.read_text(path), media_type="text/markdown; charset=utf-8")


@router.put(
    "/notes/{path:path}",
    response_model=NoteWriteResponse,
    dependencies=writes,
    responses=ERRORS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "The note itself: Markdown in UTF-8 (UTF-16 with its BOM and CP949 / EUC-KR are stored "
            "converted to UTF-8), at most NOTES_MAX_NOTE_BYTES bytes.",
            "content": {**MARKDOWN, "text/plain": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def put_note(request: Request, library: LibraryDep, path: str = NotePath) -> NoteWriteResponse:
    """Create or replace a Markdown note (request body = the note), then index it.

    A replaced note's previous text is kept as a version (GET .../versions); an unchanged one is not.
    """
    _not_another_operation(path)
    library.store.resolve_for_write(path)  # refuse a bad path before reading the body
    body = await request.body()  # bounded by the request guard (413 above NOTES_MAX_NOTE_BYTES)
    if not body and "content-type" not in request.headers:  # an empty note says so with its Content-Type
        raise HTTPException(422, "the request has no body: send the note's Markdown (Content-Type: text/markdown)")
    created, report = await run_in_threadpool(library.put_note, path, body)
    return NoteWriteResponse(path=path, created=created, reindex=ReindexResponse.of(report))


@router.delete("/notes/{path:path}", response_model=NoteWriteResponse, dependencies=writes, responses=ERRORS)
def delete_note(library: LibraryDep, path: str = NotePath) -> NoteWriteResponse:
    """Delete a note (its text is kept as a version) and drop its passages from the index."""
    _not_another_operation(path)
    report = library.delete_note(path)
    return NoteWriteResponse(path=path, created=False, reindex=ReindexResponse.of(report))
