"""HTTP routes: thin handlers that call the library once and map the result to a schema."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse

from backend.api.deps import LibraryDep, require_read_key, require_write_key
from backend.api.schemas import (
    AskRequest,
    AskResponse,
    CitedPassage,
    ErrorResponse,
    HealthResponse,
    NotesResponse,
    NoteSummary,
    NoteWriteResponse,
    ReindexResponse,
    SearchRequest,
    SearchResponse,
)
from backend.errors import NoteTooLargeError

router = APIRouter(prefix="/api")
reads = [Depends(require_read_key)]
writes = [Depends(require_write_key)]
ERRORS = {code: {"model": ErrorResponse} for code in (400, 401, 403, 404, 409, 413, 422)}


@router.post("/ask", response_model=AskResponse, dependencies=reads, responses=ERRORS)
def ask(body: AskRequest, library: LibraryDep) -> AskResponse:
    """Answer a question from the notes: quoted sentences with [n] markers and the cited passages.

    `confidence` says how sure the service is that the notes cover the question. When `found` is
    false the answer says the notes may not cover it and `related` holds the closest passages.
    """
    return AskResponse.of(library.ask(body.question, body.top_k))


@router.post("/search", response_model=SearchResponse, dependencies=reads, responses=ERRORS)
def search(body: SearchRequest, library: LibraryDep) -> SearchResponse:
    """The passages that best match a query (hybrid dense + Korean keyword ranking)."""
    result, took = library.search(body.query, body.top_k)
    return SearchResponse(results=[CitedPassage.of(n, h) for n, h in enumerate(result.hits, 1)], took_ms=round(took, 1))


@router.get("/health", response_model=HealthResponse)
def health(library: LibraryDep) -> HealthResponse:
    """Service status with the size of the live index and the embedding model."""
    index = library.retriever.index
    return HealthResponse(
        status="ok",
        notes=len(index.notes),
        chunks=len(index.records),
        model=library.embedder.name,
        reindexing=library.reindexing,
    )


@router.post("/reindex", response_model=ReindexResponse, dependencies=writes, responses=ERRORS)
def reindex(library: LibraryDep) -> ReindexResponse:
    """Index new, changed and deleted notes of the corpus; 409 while another reindex runs."""
    return ReindexResponse.of(library.reindex(wait=False))


@router.get("/notes", response_model=NotesResponse, dependencies=reads)
def list_notes(library: LibraryDep) -> NotesResponse:
    """The indexed notes with their number of passages."""
    counts: dict[str, int] = {}
    for record in library.retriever.index.records:
        counts[record.chunk.note] = counts.get(record.chunk.note, 0) + 1
    paths = sorted(library.retriever.index.notes)
    return NotesResponse(notes=[NoteSummary(path=p, chunks=counts.get(p, 0)) for p in paths])


@router.get("/notes/{path:path}", response_class=PlainTextResponse, dependencies=reads, responses=ERRORS)
def read_note(path: str, library: LibraryDep) -> PlainTextResponse:
    """The raw Markdown of one note."""
    return PlainTextResponse(library.store.read_text(path), media_type="text/markdown; charset=utf-8")


@router.put("/notes/{path:path}", response_model=NoteWriteResponse, dependencies=writes, responses=ERRORS)
async def put_note(path: str, request: Request, library: LibraryDep) -> NoteWriteResponse:
    """Create or replace a Markdown note (request body = the note), then index it.

    A replaced note's previous text is kept in the trash folder.
    """
    library.store.resolve(path)  # refuse a bad path before reading any body
    limit = library.store.max_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise NoteTooLargeError(f"note is {declared} bytes; the limit is {limit} bytes (NOTES_MAX_NOTE_BYTES)")
    body = bytearray()
    async for part in request.stream():
        body.extend(part)
        if len(body) > limit:
            raise NoteTooLargeError(f"note is over the limit of {limit} bytes (NOTES_MAX_NOTE_BYTES)")
    created, report = await run_in_threadpool(library.put_note, path, bytes(body))
    return NoteWriteResponse(path=path, created=created, reindex=ReindexResponse.of(report))


@router.delete("/notes/{path:path}", response_model=NoteWriteResponse, dependencies=writes, responses=ERRORS)
def delete_note(path: str, library: LibraryDep) -> NoteWriteResponse:
    """Delete a note (it is moved to the trash folder) and drop its passages from the index."""
    report = library.delete_note(path)
    return NoteWriteResponse(path=path, created=False, reindex=ReindexResponse.of(report))
