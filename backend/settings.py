"""All configuration, from NOTES_* environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

BUNDLED_MODEL = "intfloat/multilingual-e5-small"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NOTES_", extra="ignore")

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("data/index")
    models_dir: Path = Path("data/models")
    embedding_model: str = BUNDLED_MODEL
    embedding_backend: Literal["onnx", "onnx-fp32", "openvino", "torch"] = "onnx"  # onnx = int8 (bench/backends.py)
    embed_threads: int = 1  # threads per embedding call; queries and indexing each have their own
    host: str = "127.0.0.1"
    port: int = 8000
    chunk_chars: int = 600
    quote_cache: int = Field(100_000, ge=0)  # sentence vectors kept for choosing quotes (~1 kB each); 0: none
    api_key: str | None = None
    api_key_reads: bool = False
    allow_open: bool = False  # serve on a non-loopback address without a key, on purpose
    allowed_hosts: str = ""  # Host names served, comma-separated; empty: loopback and NOTES_HOST; "*": any
    cors_origins: str = ""  # origins (https://notes.example) whose pages may call the API; empty: none
    max_request_bytes: int = 256 * 1024  # largest JSON request body
    max_note_bytes: int = 1024 * 1024
    keep_versions: int = 20  # earlier versions kept per note in the trash folder
    role: Literal["all", "writer", "reader"] = "all"  # reader: serves the writer's index, never writes
    writer_url: str = ""  # where a reader sends people who try to change notes (NOTES_WRITER_URL)
    follow_seconds: float = 1.0  # how often a reader looks for a new index generation
    watch: bool = False
    watch_debounce_ms: int = 800

    @property
    def bundled_model_dir(self) -> Path:
        return self.models_dir / "multilingual-e5-small"

    def allowed_host_names(self) -> set[str]:
        """Host header names the API answers; an empty set means any (NOTES_ALLOWED_HOSTS=*)."""
        names = {n.strip().lower().strip("[]") for n in self.allowed_hosts.split(",") if n.strip()}
        if "*" in names:
            return set()
        names |= {"localhost", "127.0.0.1", "::1"}
        if self.host not in ("0.0.0.0", "::", ""):
            names.add(self.host.lower().strip("[]"))
        return names

    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    def is_loopback(self) -> bool:
        return self.host in ("127.0.0.1", "localhost", "::1") or self.host.startswith("127.")


@lru_cache
def get_settings() -> Settings:
    return Settings()
