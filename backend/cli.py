"""Command line: python -m backend prepare-model | index | ask QUESTION | search QUERY | serve."""

from __future__ import annotations

import argparse
import logging
import sys
import time

from backend.errors import NotesError
from backend.settings import get_settings

PHASES = {"scan": "notes checked", "analyse": "passages analysed", "embed": "passages embedded", "write": "writing"}


class ProgressPrinter:
    """A progress bar on a terminal (done/total, rate, time left); a plain line every 5 s otherwise."""

    def __init__(self, stream=sys.stderr) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.last = 0.0
        self.phase = ""

    def __call__(self, progress) -> None:
        now = time.monotonic()
        finished = progress.total and progress.done >= progress.total
        if not (self.tty or now - self.last >= 5 or (finished and progress.phase != self.phase)):
            return
        self.last = now
        elapsed = max(now - progress.started, 1e-6)
        rate = progress.done / elapsed
        left = (progress.total - progress.done) / rate if rate > 0 and progress.total else 0
        what = PHASES.get(progress.phase, progress.phase)
        if not progress.total:
            line = f"{what}..."
        else:
            share = progress.done / progress.total
            bar = "#" * int(share * 24) + "-" * (24 - int(share * 24))
            eta = f"{int(left // 60)}:{int(left % 60):02d}"
            line = f"[{bar}] {progress.done}/{progress.total} {what} · {rate:.1f}/s · {eta} left"
        if self.tty:
            self.stream.write(f"\r{line[:110]:<110}")
            if finished:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
        self.phase = progress.phase


def _library(on_progress=None):
    from backend.embedding import create_embedder
    from backend.library import NotesLibrary

    settings = get_settings()
    return NotesLibrary(settings, create_embedder(settings), on_progress=on_progress)


def cmd_prepare_model(_: argparse.Namespace) -> None:
    """Build the bundled model, its ONNX exports and the topic vectors of every backend."""
    from backend.confidence import TopicAnchors
    from backend.embedding import create_embedder
    from backend.settings import BUNDLED_MODEL

    settings = get_settings()
    backends = ("onnx", "onnx-fp32", "openvino", "torch") if settings.embedding_model == BUNDLED_MODEL else ("torch",)
    for backend in backends:
        embedder = create_embedder(settings.model_copy(update={"embedding_backend": backend}))
        embedder.warm_up()
        TopicAnchors.load(embedder, settings.models_dir / "topics")
        print(f"model ready: {embedder.name} (dim {embedder.dim})")


def cmd_index(_: argparse.Namespace) -> None:
    r = _library(on_progress=ProgressPrinter()).open()
    print(
        f"added {r.added}, changed {r.changed}, removed {r.removed}, unchanged {r.unchanged}; "
        f"{r.chunks} chunks ({r.embedded} embedded) in {r.took_ms:.0f} ms"
    )
    for failure in r.failed:
        print(f"skipped: {failure}", file=sys.stderr)


def cmd_ask(args: argparse.Namespace) -> None:
    library = _library()
    library.open()
    answer = library.ask(args.question, args.top_k)
    if args.json:
        from backend.api.schemas import AskResponse

        print(AskResponse.of(answer).model_dump_json(indent=1))
        return
    print(answer.text)
    uncertain = ": uncertain, the notes may not answer this directly" if answer.uncertain else ""
    print(f"(confidence {answer.confidence:.2f}{uncertain})")
    for citation in answer.citations or answer.related:
        c, hit = citation.hit.chunk, citation.hit
        lines = f"lines {c.start_line}-{c.end_line}"
        print(f"[{citation.n}] {c.note} > {c.heading or '(처음)'} ({lines}, score {hit.score:.3f})")


def cmd_search(args: argparse.Namespace) -> None:
    library = _library()
    library.open()
    result, took = library.search(args.query, args.top_k)
    for i, hit in enumerate(result.hits, start=1):
        c = hit.chunk
        print(f"{i}. {hit.score:.3f} {c.note}:{c.start_line}-{c.end_line} {c.heading}")
    print(f"({took:.0f} ms)")


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    from backend.main import check_exposure, create_app

    settings = get_settings()
    if args.host:
        settings = settings.model_copy(update={"host": args.host})
    check_exposure(settings)
    uvicorn.run(create_app(settings), host=settings.host, port=args.port or settings.port)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("faiss.loader").setLevel(logging.WARNING)  # its CPU-variant probing reads like errors
    parser = argparse.ArgumentParser(prog="python -m backend", description="Q&A over your Markdown notes.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("prepare-model", help="build the bundled embedding model (offline)").set_defaults(
        run=cmd_prepare_model
    )
    sub.add_parser("index", help="index new, changed and deleted notes").set_defaults(run=cmd_index)
    ask = sub.add_parser("ask", help="answer a question from the notes")
    ask.add_argument("question")
    ask.add_argument("--top-k", type=int, default=5)
    ask.add_argument("--json", action="store_true")
    ask.set_defaults(run=cmd_ask)
    search = sub.add_parser("search", help="show the passages that match a query")
    search.add_argument("query")
    search.add_argument("--top-k", type=int, default=5)
    search.set_defaults(run=cmd_search)
    serve = sub.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(run=cmd_serve)
    args = parser.parse_args(argv)
    try:
        args.run(args)
    except NotesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
