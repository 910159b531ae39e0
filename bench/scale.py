"""A 10,000-note vault: build time, memory, index size, ask latency and a one-note change at scale.

    python -m bench.scale [--notes 10000] [--questions 200] [--keep-index]

Generates `--notes` Markdown notes (varied Korean text in sub-folders: headings, lists, tables,
code fences; about two to three passages each), starts a real API process on them with no index
and waits until it is ready (the whole build), then prints: build time and passages/s, peak RSS,
on-disk index size, /api/ask p50/p95 over HTTP beside the same questions against a one-note
corpus served at the same time (asked in alternate blocks), and the reindex after one note
changes beside a bare encode of its new passages.
Everything is generated deterministically under data/bench/scale-<notes>/ (not committed).
--keep-index starts from the index a previous run left (no build time is measured then), to
re-measure questions and a one-note change without a 5-minute build.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from bench.bare_encode import BareEncoder
from bench.latency import KeepAlive, in_turns, percentile, quotes_warmed, stop
from bench.memory import peak_rss_mib

ROOT = Path(__file__).resolve().parents[1]
TOPICS = {
    "개발": [
        "배포",
        "테스트",
        "코드 리뷰",
        "장애 대응",
        "데이터베이스",
        "캐시",
        "로그",
        "모니터링",
        "API 설계",
        "보안 점검",
    ],
    "업무": ["회의록", "분기 계획", "예산", "채용", "온보딩", "고객 문의", "계약", "출장", "보고서", "일정 조율"],
    "생활": ["이사", "가계부", "건강검진", "운동 기록", "여행 준비", "요리", "반려견", "자동차 정비", "독서", "가드닝"],
    "공부": [
        "영어 단어",
        "통계",
        "알고리즘",
        "역사",
        "경제 용어",
        "글쓰기",
        "사진",
        "음악 이론",
        "한자",
        "코딩 테스트",
    ],
}
SUBJECTS = ["팀", "고객", "서버", "서비스", "담당자", "일정", "문서", "계획", "비용", "결과", "기록", "준비물", "규칙"]
VERBS = [
    "확인한다",
    "정리한다",
    "미룬다",
    "공유한다",
    "기록해 둔다",
    "다시 본다",
    "줄인다",
    "늘린다",
    "바꾼다",
    "점검한다",
]
BLOCK = 20  # questions asked of one server before the other's turn (bench.scale ask_times)
DETAILS = [
    "매주 월요일에", "분기마다", "다음 달까지", "오전 10시 전에", "문제가 생기면 바로",
    "두 번 이상", "가능하면 미리", "필요할 때만", "끝나고 나서", "처음 한 번은",
]  # fmt: skip


def sentence(rng: random.Random, topic: str) -> str:
    subject, when, verb = rng.choice(SUBJECTS), rng.choice(DETAILS), rng.choice(VERBS)
    return f"{topic} {subject}은 {when} {verb}. {rng.randint(2, 98)}개 항목을 본다."


def note(rng: random.Random, number: int) -> tuple[str, str]:
    area = rng.choice(list(TOPICS))
    topic = rng.choice(TOPICS[area])
    lines = [f"# {topic} 메모 {number}", ""]
    for section in range(rng.randint(2, 3)):
        lines += [f"## {topic} {['기본', '주의할 점', '다음 할 일', '참고'][section]}", ""]
        kind = rng.random()
        if kind < 0.5:
            lines += [" ".join(sentence(rng, topic) for _ in range(rng.randint(3, 6))), ""]
        elif kind < 0.8:
            lines += [f"- {sentence(rng, topic)}" for _ in range(rng.randint(3, 5))] + [""]
        elif kind < 0.9:
            lines += ["| 항목 | 값 |", "| --- | --- |"] + [
                f"| {rng.choice(SUBJECTS)} | {rng.randint(1, 99)} |" for _ in range(4)
            ]
            lines += [""]
        else:
            lines += [
                "```bash",
                f"make {rng.choice(['run', 'test', 'deploy'])} N={number}",
                "```",
                sentence(rng, topic),
                "",
            ]
    return f"{area}/{topic.replace(' ', '-')}/{number:05d}.md", "\n".join(lines)


def write_vault(folder: Path, notes: int) -> None:
    if folder.exists() and len(list(folder.rglob("*.md"))) == notes:
        return
    shutil.rmtree(folder, ignore_errors=True)
    rng = random.Random(20261128)
    for number in range(notes):
        path, text = note(rng, number)
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text, encoding="utf-8")


def serve(corpus: Path, index: Path, port: int) -> tuple[subprocess.Popen, float]:
    env = {
        "NOTES_CORPUS_DIR": str(corpus),
        "NOTES_INDEX_DIR": str(index),
        "NOTES_MODELS_DIR": str(ROOT / "data" / "models"),
    }
    started = time.perf_counter()
    api = subprocess.Popen(
        [sys.executable, "-m", "backend", "serve", "--port", str(port)],
        cwd=ROOT,
        env={**__import__("os").environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while True:
        try:
            health = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=5).json()
            if health["ready"] and health["reindexing"] is None:
                return api, time.perf_counter() - started
        except (httpx.TransportError, ValueError, KeyError):
            pass
        if api.poll() is not None:
            raise RuntimeError("the API exited")
        time.sleep(0.2)


def ask_times(
    ports: tuple[int, int], questions: list[str], block: int = BLOCK
) -> tuple[list[list[float]], list[list[float]]]:
    """Milliseconds per question over HTTP and inside the server (its took_ms), for two servers
    taking turns in blocks of the same questions (bench.latency.in_turns): both see the machine at
    the same minutes, so a busier minute cannot make up a ratio, and each block runs warm."""
    clients = [KeepAlive(port) for port in ports]  # as bench.latency

    def asker(client: KeepAlive) -> Callable[[str], tuple[float, float]]:
        def ask(q: str) -> tuple[float, float]:
            started = time.perf_counter()
            answer = client.post("/api/ask", {"question": q})
            return (time.perf_counter() - started) * 1000, answer["took_ms"]

        return ask

    try:
        per_side = in_turns([asker(client) for client in clients], questions, block)
    finally:
        for client in clients:
            client.close()
    return [[t for t, _ in side] for side in per_side], [[i for _, i in side] for side in per_side]


def report_blocks(large: list[float], small: list[float], block: int = BLOCK) -> None:
    """The ratio of p50s block by block: how far one run's ratio can be trusted."""
    starts = range(0, len(large) - block + 1, block)
    ratios = [percentile(large[i : i + block], 50) / percentile(small[i : i + block], 50) for i in starts]
    if len(ratios) < 2:
        return
    print(f"  the same ratio in {len(ratios)} blocks of {block} questions: {min(ratios):.2f}-{max(ratios):.2f}x")
    if max(ratios) / min(ratios) > 1.25:
        print("  WARNING: the blocks disagree by more than 25%: the machine was busy; run again before trusting it")


def folder_mib(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=10000)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--keep-index", action="store_true", help="start from the last run's index: no build time")
    args = parser.parse_args()
    base = ROOT / "data" / "bench" / f"scale-{args.notes}"
    write_vault(base / "corpus", args.notes)
    if not args.keep_index:
        shutil.rmtree(base / "index", ignore_errors=True)
    rng = random.Random(7)
    questions = [
        f"{rng.choice(TOPICS[a])} {rng.choice(SUBJECTS)}은 언제 {rng.choice(VERBS)[:-2]}?"
        for a in rng.choices(list(TOPICS), k=args.questions)
    ]
    print(f"{args.notes} notes generated in {base / 'corpus'}")

    api, build_s = serve(base / "corpus", base / "index", args.port)
    try:
        health = httpx.get(f"http://127.0.0.1:{args.port}/api/health").json()
        chunks = health["chunks"]
        if args.keep_index:
            print(f"started on the kept index (serve -> ready): {build_s:.1f} s, {chunks} passages; no build measured")
        else:
            rate = chunks / build_s
            print(f"build from scratch (serve -> ready): {build_s:.0f} s for {chunks} passages = {rate:.1f} passages/s")
        warmed_s = quotes_warmed(args.port)
        print(f"sentences embedded ahead of time for quoting, in the background after ready: {warmed_s:.0f} s more")
        live = base / "index" / (base / "index" / "CURRENT").read_text(encoding="utf-8").strip()
        print(f"index on disk: {folder_mib(live):.0f} MiB live generation ({folder_mib(base / 'index'):.0f} MiB with "
              "the previous ones kept for readers)")  # fmt: skip
        one = base / "one"
        shutil.rmtree(one, ignore_errors=True)
        (one / "corpus").mkdir(parents=True)
        shutil.copy(ROOT / "corpus" / "docker-vm-kubernetes.md", one / "corpus")
        small_api, _ = serve(one / "corpus", one / "index", args.port + 1)
        try:
            quotes_warmed(args.port + 1)
            (large, small), (large_inside, small_inside) = ask_times((args.port, args.port + 1), questions)
        finally:
            stop(small_api)
        paths = sorted((base / "corpus").rglob("*.md"))
        reports = []
        for changed in (paths[args.notes // 2], paths[args.notes // 3], paths[args.notes // 5]):
            text = changed.read_text(encoding="utf-8")
            added = f"\n\n## 추가 {text.count('## 추가') + 1}\n\n{sentence(rng, '변경')}\n"  # new text every run
            changed.write_text(text + added, encoding="utf-8")
            reports.append(httpx.post(f"http://127.0.0.1:{args.port}/api/reindex", timeout=600).json())
        rss = peak_rss_mib(api.pid)
    finally:
        stop(api)
    bare = BareEncoder("onnx")
    texts = [changed.read_text(encoding="utf-8")[-600:]] * max(reports[-1]["embedded"], 1)
    # warmed and the median of three, as the server's embedder is warm: a first call costs double
    runs = [bare.ask({"passages": texts})["s"] for _ in range(4)][1:]
    embed_s = sorted(runs)[1]
    bare.close()

    p50, p95, s50, s95 = percentile(large, 50), percentile(large, 95), percentile(small, 50), percentile(small, 95)
    print(f"/api/ask at {args.notes} notes: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    print(f"/api/ask at one note: p50 {s50:.1f} ms, p95 {s95:.1f} ms -> {p50 / s50:.2f}x (target <= 1.3x)")
    report_blocks(large, small)
    i50, j50 = percentile(large_inside, 50), percentile(small_inside, 50)
    print(f"inside the server (took_ms p50): {i50:.1f} ms at {args.notes} notes, {j50:.1f} ms at one note")
    limit = 1.5 * embed_s * 1000 + 300
    took = [r["took_ms"] for r in reports]
    print(f"one note changed, three times: reindex {' / '.join(f'{t:.0f}' for t in took)} ms until questions see it "
          f"(first after start / then), {reports[-1]['embedded']} passage embedded each; bare encode "
          f"{embed_s * 1000:.0f} ms; limit 1.5x + 300 ms = {limit:.0f} ms")  # fmt: skip
    print(f"peak RSS of the API process (build, questions, reindex): {rss:.0f} MiB")
    build = None if args.keep_index else round(build_s)
    summary = {"notes": args.notes, "chunks": chunks, "build_s": build, "ask_p50": round(p50, 1)}
    summary |= {"ask_p50_one_note": round(s50, 1), "reindex_ms": [round(t) for t in took], "rss_mib": round(rss)}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
