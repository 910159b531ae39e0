"""All configuration, from NOTES_* environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

BUNDLED_MODEL = "intfloat/multilingual-e5-small"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NOTES_", extra="ignore")

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("data/index")
    models_dir: Path = Path("data/models")
    embedding_model: str = BUNDLED_MODEL
    host: str = "127.0.0.1"
    port: int = 8000
    chunk_chars: int = 600
    api_key: str | None = None
    api_key_reads: bool = False
    max_note_bytes: int = 1024 * 1024
    watch: bool = False
    watch_debounce_ms: int = 800

    @property
    def bundled_model_dir(self) -> Path:
        return self.models_dir / "multilingual-e5-small"


@lru_cache
def get_settings() -> Settings:
    return Settings()
