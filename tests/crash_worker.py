"""Reindex forever, alternating between two corpus states: killed at random by test_indexing."""

import sys
from pathlib import Path

from backend.library import NotesLibrary
from backend.settings import Settings
from tests.fakes import HashingEmbedder

EXTRA = "# 추가 노트\n\n" + "\n\n".join(f"## 절 {i}\n\n문단 {i}: 컨테이너와 가상 머신 이야기." for i in range(40))


def main() -> None:
    corpus, index_dir = Path(sys.argv[1]), Path(sys.argv[2])
    library = NotesLibrary(Settings(corpus_dir=corpus, index_dir=index_dir), HashingEmbedder())
    library.open()
    extra = corpus / "extra.md"
    print("ready", flush=True)
    while True:
        if extra.exists():
            extra.unlink()
        else:
            extra.write_text(EXTRA, encoding="utf-8")
        library.reindex(wait=True)


if __name__ == "__main__":
    main()
