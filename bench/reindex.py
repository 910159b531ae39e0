"""Incremental reindex: change 1 note in a corpus of 1,000 generated notes.

    python bench/reindex.py [--notes 1000]

Prints the reindex time (what POST /api/reindex does) beside a bare batch encode of just the
chunks that changed, in a separate process (target: reindex <= 1.5x encode + 200 ms). The
generated corpus and its index are cached under data/bench/ so a rerun embeds one note.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend.embedding import create_embedder  # noqa: E402
from backend.library import NotesLibrary  # noqa: E402
from backend.settings import Settings  # noqa: E402
from bench.bare_encode import BareEncoder  # noqa: E402

TOPICS = [
    "도커",
    "쿠버네티스",
    "가상 머신",
    "리눅스",
    "네트워크",
    "데이터베이스",
    "파이썬",
    "요리",
    "여행",
    "운동",
    "독서",
    "음악",
    "회계",
    "세금",
    "건강",
    "정원",
    "카메라",
    "자동차",
    "영어",
    "일정",
]
VERBS = ["정리했다", "배웠다", "비교했다", "설정했다", "기록했다", "확인했다", "실험했다", "메모했다"]
DETAILS = [
    "처음에는 어려웠지만 예제를 따라 하니 이해가 되었다.",
    "다음에는 더 작은 단위로 나누어 연습할 생각이다.",
    "주의할 점은 설정 파일의 경로를 정확히 적는 것이다.",
    "비용과 시간을 함께 따져 보아야 한다.",
    "관련 자료를 모아 두면 나중에 찾기 쉽다.",
    "오류가 나면 로그를 먼저 읽는다.",
]


def note_text(i: int, rng: random.Random) -> str:
    topic = rng.choice(TOPICS)
    sections = []
    for s in range(2):
        body = " ".join(rng.sample(DETAILS, 3))
        sections.append(f"## {topic} 메모 {i}-{s}\n\n오늘은 {topic}에 대해 {rng.choice(VERBS)}. {body}\n")
    return f"# 노트 {i}: {topic}\n\n" + "\n".join(sections)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=1000)
    args = parser.parse_args()
    base = ROOT / "data" / "bench" / f"reindex-{args.notes}"
    corpus = base / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    for i in range(args.notes):
        path = corpus / f"note-{i:04d}.md"
        text = note_text(i, rng)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=base / "index", models_dir=ROOT / "data" / "models")
    library = NotesLibrary(settings, create_embedder(settings))
    started = time.perf_counter()
    opened = library.open()
    print(
        f"corpus: {args.notes} notes, {opened.chunks} chunks; open + catch-up took "
        f"{time.perf_counter() - started:.1f} s ({opened.embedded} chunks embedded now)"
    )

    target = corpus / "note-0500.md"
    original = target.read_text(encoding="utf-8")
    bare = BareEncoder(settings.embedding_backend, settings.embed_threads)  # the backend the library uses
    try:
        rows = []
        for attempt in range(3):
            edited = original.replace("오늘은", f"오늘 ({attempt}회차 수정)에는", 1)
            target.write_text(edited, encoding="utf-8")
            timed = library.reindex(wait=True)
            changed = [
                r.chunk.search_text
                for r in library.retriever.index.records
                if r.chunk.note == target.name and r.chunk.search_text.find("회차 수정") >= 0
            ]
            encode_ms = bare.ask({"passages": changed})["s"] * 1000
            rows.append((timed.took_ms, encode_ms, timed.embedded))
            target.write_text(original, encoding="utf-8")
            library.reindex(wait=True)
        for took, encode, embedded in rows:
            verdict = "ok" if took <= 1.5 * encode + 200 else "OVER"
            print(
                f"change 1 note: reindex {took:.0f} ms ({embedded} chunk(s) re-embedded); bare encode of those "
                f"chunks {encode:.0f} ms; limit 1.5x+200 = {1.5 * encode + 200:.0f} ms -> {verdict}"
            )
    finally:
        target.write_text(original, encoding="utf-8")
        bare.close()


if __name__ == "__main__":
    main()
