"""Does /api/ask answer what the notes cover and refuse what they do not? On sets that chose nothing.

    python -m bench.calibrate                  # the shipped confidence model on every set
    python -m bench.calibrate --fit            # fit it on the development sets; prints the constants to ship
    python -m bench.calibrate --no-loanwords   # the same without loanword spellings (their effect)
    python -m bench.calibrate --weights 0.3,0.4,0.5,0.6   # retrieval Hit@1/Hit@3 per dense weight
    python -m bench.calibrate --misses         # also each development question not answered from its passage first

Sets (each with the Docker note in the corpus where it is a vault):
  vault-dev     tests/data/vaults/dev: 4 notes + questions in other words than the notes   (fits)
  vault-crossdev  tests/data/vaults/crossdev: 3 English notes and a bilingual one, questions
                mostly in Korean about them; written before a change was tried on it         (chooses)
  vault-dev2    tests/data/vaults/dev2: a sleep log, meeting rules, an nginx note, an English
                guitar log, a dog-walking note: notes sharing everyday words, Korean questions
                about an English note; written after vault-sealed showed those weakest       (chooses)
  vault-crossdev2  tests/data/vaults/crossdev2: English notes (a phone switch, swimming lessons)
                asked about in Korean, Korean ones (kimchi making, car upkeep) in English   (chooses)
  vault-docker  tests/data/vaults/docker: the Docker note alone, 26 questions in other words than
                the note, written at stop 25 for the Docker note's ask@1                     (chooses)
  vault-dev3    tests/data/vaults/dev3: a meal-prep routine, a lease checklist, an English shoulder-
                physio note, a CI-cache note: subjects the topics' background passages cover;
                written after stop 29's changes                                            (chooses)
  vault-dev4    tests/data/vaults/dev4: Korean notes (a boiler's winter care, remote-work rules, allergic
                rhinitis) asked in everyday English, an English bird-watching log asked in Korean;
                written after stop 30's changes                                            (chooses)
  vault-dev5    tests/data/vaults/dev5: a quit-smoking log, release-note rules, a Celery task-queue
                note, an English raised-bed garden note asked in Korean; written at stop 32 after
                vault-pilgrim's first run, to choose what that run prompted                  (chooses)
  vault-dev6    tests/data/vaults/dev6: an English sailing note asked in Korean, a VPN guide asked with
                compounds spaced otherwise, a used-laptop purchase, a workshop plan; written at stop 33
                after vault-voyager's first run                                            (chooses)
  vault-dev7    tests/data/vaults/dev7: an English pine-bookshelf note asked in Korean, an office-supplies
                procedure asked in everyday words, Python logging, a piano log; written at stop 34 after
                vault-trekker's first run                                                  (chooses)
  vault-dev+english  vault-dev's notes and one English note of crossdev (its runbook), with the
                questions of both about them                                             (chooses)
  vault-dev+code  vault-dev's notes and a Korean note of long code blocks (generated), with
                vault-dev's questions: code-only passages make a corpus of two scripts     (chooses)
  vault-test    tests/data/vaults/test: 4 other notes, frozen                              (reported only)
  vault-everyday  tests/data/vaults/everyday: a recipe, car insurance, year-end tax, subjects
                the general topics also name; written after the fit                        (reported only)
  vault-mixed   tests/data/vaults/mixed: an English note, tables, callouts, YAML blocks;
                questions across languages both ways; written after the fit            (reported only)
  vault-blind   tests/data/vaults/blind: a React note, a budget, a Japanese study log;
                written after this stop's fusion and loanword changes                   (reported only)
  vault-unseen  tests/data/vaults/unseen: a cat's health log, code review rules, a camping
                checklist, a Postgres note; written before the next stop's changes      (reported only)
  vault-bilingual  tests/data/vaults/bilingual: an English network note, a Korean note of code
                blocks, a Korean licence note; written after the cross-script changes      (reported only)
  vault-holdout tests/data/vaults/holdout: a dental log, an OKR retrospective, Git branching
                rules, an English espresso note; written before stop 23's changes           (reported only)
  vault-sealed  tests/data/vaults/sealed: a running log, an onboarding guide, a Redis caching
                note, an English houseplant note; written before stop 24's changes          (reported only)
  vault-stranger  tests/data/vaults/stranger: a bike-commuting log, an expense-claim procedure, a
                Kafka consumer note, an English sourdough note; written before stop 25's changes (reported only)
  vault-outsider  tests/data/vaults/outsider: a health checkup, an incident postmortem, cron jobs
                moved to systemd timers, an English rail-trip note; written before stop 26's changes (reported only)
  vault-visitor  tests/data/vaults/visitor: selling used things, an A/B-test report, Terraform state,
                an English ski-lesson note; written before stop 27's changes                (reported only)
  vault-newcomer  tests/data/vaults/newcomer: balcony tomatoes, a customer-support manual, a CORS
                note, an English leaky-faucet note; written before stop 28's changes         (reported only)
  vault-wayfarer  tests/data/vaults/wayfarer: starting baby food, a leave policy, SSH keys, an
                English freshwater-aquarium note; written before stop 29's changes          (reported only)
  vault-roamer  tests/data/vaults/roamer: recycling rules, a certification study plan, pytest
                fixtures, an English film-photography note; written before stop 30's changes (reported only)
  vault-nomad   tests/data/vaults/nomad: a housewarming party, a junior-developer interview guide, a
                regex cheat sheet, an English note on learning to knit; written before stop 31's changes (reported only)
  vault-pilgrim tests/data/vaults/pilgrim: bathroom mould, a team study group, Prometheus/Grafana
                alerts, an English note on brewing kombucha; written before stop 32's changes (reported only)
  vault-voyager tests/data/vaults/voyager: driving lessons, a phishing-mail procedure, Elasticsearch's
                nori analyzer, an English beekeeping note; written before stop 33's changes (reported only)
  vault-trekker tests/data/vaults/trekker: calligraphy practice, a stock-count procedure, SQLite's WAL
                mode and backups, an English chair restoration; written before stop 34's changes (reported only)
  vault-drifter tests/data/vaults/drifter: moving a domain's DNS, a wheel-pottery class, an annual-budget
                procedure, an English Iceland road trip; written before stop 35's changes (reported only)
  devset        tests/data/devset.json over corpus/, as it is                              (reported only)
  far-off bank  tests/data/far_off.json: 330 far-off questions asked of every vault (weather,
                recipes, insurance ...): its dev half (50), dev2 (40, written at stop 32 once pages of
                the topics had been written from dev's questions), dev3 and dev4 (40 each, stop 33,
                the same after the pages of the half before), dev5 and dev6 (40 each, stop 34) may
                choose, its test half (40) and test2 (40, written at stop 31 after its coverage
                changes) are reported only
  korquad-13/7  KorQuAD 1.0 dev: 30 articles, 300 questions from them, 300 from others   (fit)
  korquad-21/42 the same with other seeds                                                  (reported only)
KorQuAD is read from ../shared/data/korquad (CC BY-ND, never copied here); without it those rows
are skipped with a message. Indexes and query vectors are cached under data/bench/.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import math
import random
import re
import shutil
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from backend.answer import compose_answer
from backend.confidence import ConfidenceModel, Evidence
from backend.embedding import computed, create_embedder
from backend.evaluation import DevQuestion, QuestionSet, answers_lines, first_rank, load_devset, load_vault
from backend.library import NotesLibrary
from backend.search import FusionConfig
from backend.settings import Settings
from bench.korquad import DATA as KORQUAD
from bench.korquad import sample, write_notes

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "data" / "bench"
SEED_NOTE = ROOT / "corpus" / "docker-vm-kubernetes.md"
FAR_OFF = ROOT / "tests" / "data" / "far_off.json"  # asked against every vault: kinds bank-dev, bank-dev2, ...
# far_off.json's order; test2 and dev2-dev6 came later
BANK_HALVES = ("dev", "dev2", "dev3", "dev4", "dev5", "dev6", "test", "test2")
CHOOSING_HALVES = ("dev", "dev2", "dev3", "dev4", "dev5", "dev6")  # may choose; the other halves are frozen
FIT_SETS = ("vault-dev", "korquad-13", "korquad-7")
# the sets that may choose a constant: --misses lists their questions, never a frozen set's
CHOOSING_SETS = (
    "vault-dev", "vault-crossdev", "vault-dev2", "vault-docker", "vault-crossdev2", "vault-dev+english",
    "vault-dev+code", "devset", "vault-dev3", "vault-dev4", "vault-dev5", "vault-dev6", "vault-dev7",
)  # fmt: skip
VAULTS = (
    "dev",
    "crossdev",
    "dev2",
    "docker",
    "crossdev2",
    "dev3",
    "dev4",
    "dev5",
    "dev6",
    "dev7",
    "test",
    "everyday",
    "mixed",
    "blind",
    "unseen",
    "bilingual",
    "holdout",
    "sealed",
    "stranger",
    "outsider",
    "visitor",
    "newcomer",
    "wayfarer",
    "roamer",
    "nomad",
    "pilgrim",
    "voyager",
    "trekker",
    "drifter",
)
KORQUAD_SEEDS = (13, 7, 21, 42)
# --spread: how the judge's choice of seed moves KorQuAD's numbers. First run at stop 30; the first
# group may choose (with 13 and 7), the second is only reported (with 21 and 42)
SPREAD_SEEDS = {"may choose": (1, 2, 3, 4, 5, 6, 15, 16, 17, 18, 19, 20, 22, 23), "frozen": (8, 9, 10, 11, 12, 14)}
KORQUAD_KEPT = 0.98  # share of each fitting seed's answerable questions the threshold keeps (the target)


@dataclass(frozen=True)
class Row:
    question: str
    covered: bool
    kind: str  # in | near | far | korquad | out (devset: not split) | bank-<half> (far_off.json)
    rank: int | None  # rank of the answering passage among the top 10 searched
    evidence: Evidence
    note: str = ""  # the answering note
    quotes: bool | None = None  # the composed answer quotes a line that answers (None: lines unknown)
    other_note: bool | None = None  # the composed answer quotes a sentence of a note that does not answer
    quoted: int | None = None  # [n] markers in the composed answer: how much it quotes
    hinted: bool | None = None  # refused, its closest passages would mark a line that answers
    cited: int | None = None  # rank of the answering passage among the citations of the answer, if found


class CachedQueries:
    """The real embedder, with query vectors kept on disk: a rerun encodes nothing it has seen."""

    def __init__(self, embedder, path: Path) -> None:
        self._embedder, self._path = embedder, path
        self.name, self.dim = embedder.name, 0
        self._vectors: dict[str, np.ndarray] = {}
        if path.exists():
            with np.load(path) as stored:
                self._vectors = dict(zip(json.loads(str(stored["texts"])), stored["vectors"]))

    def warm_up(self) -> None:
        self._embedder.warm_up()
        self.dim = self._embedder.dim

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embedder.embed_passages(texts)

    def embed_sentences(self, texts: list[str], *, waiting: bool = True) -> np.ndarray:
        return self._embedder.embed_sentences(texts, waiting=waiting)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            self._vectors.update(zip(missing, self._embedder.embed_queries(missing)))
        return np.stack([self._vectors[t] for t in texts])

    def submit_query(self, text: str) -> Future[np.ndarray]:
        return computed(self.embed_queries([text])[0])

    def save(self) -> None:
        texts = list(self._vectors)
        self._path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(
            self._path, texts=json.dumps(texts, ensure_ascii=False), vectors=np.stack(list(self._vectors.values()))
        )


def open_library(corpus: list[Path], folder: Path, embedder, fusion: FusionConfig, chunk_chars: int) -> NotesLibrary:
    notes = folder / "corpus"
    if corpus:  # copied afresh: an edited note is reindexed, an unchanged one costs nothing
        shutil.rmtree(notes, ignore_errors=True)
        for source in corpus:
            if source.is_dir():
                shutil.copytree(source, notes, dirs_exist_ok=True)
            elif source.is_file():  # a missing notes/ (a vault of the seed note alone) adds nothing
                notes.mkdir(parents=True, exist_ok=True)
                shutil.copy(source, notes / source.name)
    settings = Settings(
        corpus_dir=notes, index_dir=folder / "index", models_dir=ROOT / "data" / "models", chunk_chars=chunk_chars
    )
    library = NotesLibrary(settings, embedder, fusion=fusion)
    library.open()
    return library


def rows_of(
    library: NotesLibrary, questions, is_answer, note_of: Callable[[DevQuestion], str] | None = None
) -> list[Row]:
    """One row per question; with `note_of` (the answering note, when answers are known by line)
    also what the answer composed from the search quotes."""
    rows = []
    for q in questions:
        result, evidence = library.examine(q.question, 10)
        rank = first_rank([h.chunk for h in result.hits], is_answer(q)) if q.lines else None
        kind = "in" if q.lines else q.kind or "out"
        quotes = other_note = quoted_count = hinted = cited = None
        if q.lines:
            closeness = library.sentences.closeness(library.embedder.embed_queries([q.question])[0])
            answer = compose_answer(q.question, result, 1.0, found=True, closeness=closeness)
            cited = first_rank([c.hit.chunk for c in answer.citations], is_answer(q))
        if note_of is not None and q.lines:
            quoted = {(c.hit.chunk.note, line) for c in answer.citations for line in c.highlight_lines}
            note = note_of(q)
            quotes = any((note, line) in quoted for line in q.lines)
            other_note = any(n != note for n, _line in quoted)
            quoted_count = len(re.findall(r"\[\d+\]", answer.text))
            refused = compose_answer(q.question, result, 0.0, found=False, closeness=closeness)
            hinted = any(c.hit.chunk.note == note and set(c.highlight_lines) & set(q.lines) for c in refused.related)
        rows.append(
            Row(
                q.question, bool(q.lines), kind, rank, evidence, q.note, quotes, other_note, quoted_count, hinted, cited
            )
        )
    return rows


@functools.cache
def far_off_bank() -> tuple[DevQuestion, ...]:
    """tests/data/far_off.json, read once for all the vaults that are asked it."""
    bank = json.loads(FAR_OFF.read_text(encoding="utf-8"))
    return tuple(DevQuestion(q, (), kind=f"bank-{half}") for half in BANK_HALVES for q in bank[half])


def vault_rows(qset: QuestionSet, embedder, fusion: FusionConfig) -> list[Row]:
    """The vault's own questions, then the far-off bank's (every vault answers none of them)."""
    library = open_library(list(qset.corpus), CACHE / qset.name, embedder, fusion, Settings().chunk_chars)
    questions = [*qset.questions, *far_off_bank()]
    return rows_of(library, questions, lambda q: answers_lines(q.note, q.lines), lambda q: q.note)


def korquad_rows(seed: int, embedder, fusion: FusionConfig) -> list[Row]:
    data = json.loads(KORQUAD.read_text(encoding="utf-8"))
    articles, asked = sample(data, 30, 300, seed)
    titles = {a["title"] for a in articles}
    others = [
        qa["question"] for a in data["data"] if a["title"] not in titles for p in a["paragraphs"] for qa in p["qas"]
    ]
    outside = random.Random(seed + 1000).sample(others, 300)
    folder = CACHE / f"korquad-30-{seed}-400"
    write_notes(articles, folder / "corpus")
    library = open_library([], folder, embedder, fusion, 400)
    answers = {q: a for q, a in asked}
    questions = [DevQuestion(q, (1,)) for q, _ in asked] + [DevQuestion(q, (), kind="korquad") for q in outside]
    return rows_of(library, questions, lambda q: lambda chunk: answers[q.question] in chunk.text)


def cached_embedder(settings: Settings | None = None) -> CachedQueries:
    """The configured embedder (NOTES_EMBEDDING_BACKEND...), its query vectors cached per model and backend."""
    real = create_embedder(settings or Settings(models_dir=ROOT / "data" / "models"))
    key = hashlib.sha1(real.name.encode()).hexdigest()[:10]
    embedder = CachedQueries(real, CACHE / f"queries-{key}.npz")
    embedder.warm_up()
    return embedder


def gather(fusion: FusionConfig, use_korquad: bool) -> dict[str, list[Row]]:
    embedder = cached_embedder()
    sets: dict[str, list[Row]] = {}
    for half in VAULTS:
        qset = load_vault(ROOT / "tests" / "data" / "vaults" / half, SEED_NOTE)
        sets[qset.name] = vault_rows(qset, embedder, fusion)
    english = one_english_note(ROOT / "tests" / "data" / "vaults", "work/on-call-runbook.md")
    sets[english.name] = vault_rows(english, embedder, fusion)
    coded = with_code_note(ROOT / "tests" / "data" / "vaults" / "dev", CACHE / "code-note")
    sets[coded.name] = vault_rows(coded, embedder, fusion)
    devset = load_devset(ROOT / "tests" / "data" / "devset.json")
    library = open_library([SEED_NOTE], CACHE / "devset", embedder, fusion, Settings().chunk_chars)
    sets["devset"] = rows_of(
        library, devset.questions, lambda q: answers_lines(devset.note, q.lines), lambda q: devset.note
    )
    for half in ("dev", "test"):  # the Docker note's questions inside each vault, on their own
        rows = [r for r in sets[f"vault-{half}"] if r.note == SEED_NOTE.name]
        sets[f"docker-{half}"] = rows
    if use_korquad:
        for seed in KORQUAD_SEEDS:
            sets[f"korquad-{seed}"] = korquad_rows(seed, embedder, fusion)
    embedder.save()
    return sets


def one_english_note(vaults: Path, english: str) -> QuestionSet:
    """vault-dev's Korean notes with one English note of crossdev among them, and the questions of
    both about them: a lone English note must neither hide from Korean questions nor blur the
    Korean notes' ranking (the dense scores are min-max normalised over candidates of both)."""
    dev, cross = load_vault(vaults / "dev", SEED_NOTE), load_vault(vaults / "crossdev", SEED_NOTE)
    note = vaults / "crossdev" / "notes" / english
    asked = tuple(replace(q, note=note.name) for q in cross.questions if q.note == english)  # copied to the top
    far = tuple(q for q in cross.out_of_scope if q.kind == "far")
    return QuestionSet("vault-dev+english", (dev.corpus[0], SEED_NOTE, note), dev.questions + asked + far)


def with_code_note(dev: Path, folder: Path) -> QuestionSet:
    """vault-dev with a Korean note of long code blocks beside it (generated here): its code-only
    passages are in Latin letters, so the corpus is written in two scripts without any English."""
    lines = "\n".join(f"run_step {i} --target server-{i % 4} --timeout {30 + i} || undo_step {i}" for i in range(60))
    handlers = "\n".join(
        f"def handler_{i}(event, context):\n    payload = json.loads(event['body'])\n"
        f"    return respond(200, process(payload, retries={i % 3}))\n"
        for i in range(20)
    )
    note = folder / "deploy-script.md"
    note.parent.mkdir(parents=True, exist_ok=True)
    note.write_text(
        f"# 배포 스크립트 메모\n\n서버에 새 버전을 올릴 때 쓰는 스크립트. 실패하면 단계별로 되돌린다.\n\n"
        f"```bash\n{lines}\n```\n\n## 람다 핸들러\n\n이벤트 본문을 읽어서 처리하고 200을 돌려준다.\n\n"
        f"```python\nimport json\n{handlers}\n```\n",
        encoding="utf-8",
    )
    qset = load_vault(dev, SEED_NOTE)
    return QuestionSet("vault-dev+code", (*qset.corpus, note), qset.questions)


def logistic(x: np.ndarray, y: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Weighted logistic regression, light L2 on standardised features: [bias, weights...] in raw units."""
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    xs = (x - mean) / scale

    def loss(p: np.ndarray) -> float:
        z = p[0] + xs @ p[1:]
        return float(np.sum(weight * (np.logaddexp(0, z) - y * z)) / weight.sum() + 1e-3 * np.sum(p[1:] ** 2))

    p = minimize(loss, np.zeros(x.shape[1] + 1), method="BFGS").x
    weights = p[1:] / scale
    return np.array([p[0] - float(mean @ weights), *weights])


def fit(sets: dict[str, list[Row]]) -> ConfidenceModel:
    """One logistic model on the development vault (covered vs far-off) and KorQuAD's fitting seeds
    (in vs out), each source weighing half; then the threshold that keeps every answerable
    development question whose passage ranks in the top three and, on each fitting KorQuAD seed,
    KORQUAD_KEPT of its answerable ones (the target; over both seeds at once, seed 13 kept 97.7%)."""
    vault = [r for r in sets["vault-dev"] if r.kind in ("in", "far")]
    korquad = [r for name in FIT_SETS[1:] if name in sets for r in sets[name]]
    rows = vault + korquad
    x = np.array([ConfidenceModel().features(r.evidence) for r in rows])
    y = np.array([r.covered for r in rows], dtype=float)
    source = np.array([0] * len(vault) + [1] * len(korquad))
    weight = np.ones(len(rows))
    for s, k in ((0, 1), (0, 0), (1, 1), (1, 0)):  # each source and class a quarter of the weight
        chosen = (source == s) & (y == k)
        if chosen.any():
            weight[chosen] = 1 / chosen.sum()
    model = ConfidenceModel(*(round(float(v), 3) for v in logistic(x, y, weight)))
    kept = [model.confidence(r.evidence) for r in sets["vault-dev"] if r.covered and r.rank and r.rank <= 3]
    floor = min(kept)
    for name in FIT_SETS[1:]:
        answerable = sorted(model.confidence(r.evidence) for r in sets.get(name, []) if r.covered)
        if answerable:  # at most this many may fall below the threshold
            floor = min(floor, answerable[math.floor(len(answerable) * (1 - KORQUAD_KEPT))])
    return replace(model, threshold=math.floor(floor * 1000) / 1000)


def report(sets: dict[str, list[Row]], model: ConfidenceModel) -> None:
    print(f"{model}")
    print(
        f"{'set':<14} {'in':>4} {'answered':>9} {'refused@3':>9} {'ask@1':>6} {'ask@3':>6} {'search@1':>8} "
        f"{'search@3':>8} {'out':>4} {'near ans':>8} {'far ans':>7} {'other ans':>9} {'quotes':>7} {'marks':>5} "
        f"{'off-note':>8} {'hint':>5}"
    )
    for name, rows in sets.items():
        found = {id(r): model.confidence(r.evidence) >= model.threshold for r in rows}
        inside = [r for r in rows if r.covered]
        out = [r for r in rows if not r.covered and not r.kind.startswith("bank")]
        top3 = [r for r in inside if r.rank and r.rank <= 3]
        n = max(len(inside), 1)

        def answered(selected: list[Row], found=found) -> str:
            return f"{sum(found[id(r)] for r in selected)}/{len(selected)}" if selected else "-"

        def quoted(selected: list[Row], field: str = "quotes") -> str:
            known = [getattr(r, field) for r in selected if getattr(r, field) is not None]
            return f"{sum(known)}/{len(known)}" if known else "-"

        def marks(selected: list[Row]) -> str:
            known = [r.quoted for r in selected if r.quoted is not None]
            return f"{sum(known) / len(known):.1f}" if known else "-"

        print(
            f"{name:<14} {len(inside):>4} {answered(inside):>9} "
            f"{sum(not found[id(r)] for r in top3)}/{len(top3):<7} "
            f"{sum(found[id(r)] and r.cited == 1 for r in inside) / n:6.3f} "
            f"{sum(found[id(r)] for r in top3) / n:6.3f} "
            f"{sum(r.rank == 1 for r in inside) / n:8.3f} {len(top3) / n:8.3f} {len(out):>4} "
            f"{answered([r for r in out if r.kind == 'near']):>8} {answered([r for r in out if r.kind == 'far']):>7} "
            f"{answered([r for r in out if r.kind in ('korquad', 'out')]):>9} "
            f"{quoted(top3):>7} {marks(top3):>5} {quoted(inside, 'other_note'):>8} "
            f"{quoted([r for r in top3 if not found[id(r)]], 'hinted'):>5}"
        )
    print("answered = found (in the out-of-scope columns, answered is a mistake); refused@3 = not found although")
    print("search ranks the passage in the top 3;")
    print(
        "ask@k = found and the passage among the first k citations; docker-* = the Docker note's questions of a vault"
    )
    print("quotes = the answer text quotes a line that answers (of the questions whose passage ranks in the top 3);")
    print("marks = [n] markers per answer (sentences quoted) of those questions;")
    print("off-note = answers that quote a sentence of a note that does not answer the question")
    print("hint = of the questions refused although search ranks the passage in the top 3, how many have a line")
    print("that answers marked in their closest passages (`related`)")
    for name in (f"vault-{half}" for half in VAULTS):
        for r in sets.get(name, []):
            confidence = model.confidence(r.evidence)
            wrong = (r.covered and confidence < model.threshold) or (r.kind == "far" and confidence >= model.threshold)
            if wrong:
                e = r.evidence
                hint = "" if r.hinted is None else f" hint={'yes' if r.hinted else 'no'}"
                print(
                    f"  {name} {r.kind} rank={r.rank} conf={confidence:.2f} margin={e.margin:+.3f} "
                    f"coverage={e.coverage:.2f} names={e.unknown_names} scattered={e.scattered:.2f}{hint} {r.question}"
                )


def report_far_off(sets: dict[str, list[Row]], model: ConfidenceModel, listed: bool) -> None:
    """The far-off bank (tests/data/far_off.json) asked against every vault: how many are answered.
    With `listed`, the development halves' answered questions of the choosing sets, never a frozen half's."""
    frozen = [half for half in BANK_HALVES if half not in CHOOSING_HALVES]
    print(
        f"far-off bank answered (a mistake), per vault: {' | '.join(CHOOSING_HALVES)} (may choose) | "
        f"{' | '.join(frozen)} (frozen)"
    )
    totals: dict[tuple[bool, str], list[int]] = {}
    for name, rows in sets.items():
        if name.startswith("docker-") or not any(r.kind.startswith("bank") for r in rows):
            continue
        cells = []
        for half in BANK_HALVES:
            asked = [r for r in rows if r.kind == f"bank-{half}"]
            wrong = sum(model.confidence(r.evidence) >= model.threshold for r in asked)
            total = totals.setdefault((name in CHOOSING_SETS, half), [0, 0])
            total[0] += wrong
            total[1] += len(asked)
            cells.append(f"{wrong:>3}/{len(asked)}")
        print(f"  {name:<18} {' | '.join(cells)}")
    for choosing, label in ((True, "choosing sets"), (False, "frozen sets")):
        cells = [totals.get((choosing, half), [0, 0]) for half in BANK_HALVES]
        print(f"  {label:<18} {' | '.join(f'{w:>3}/{n}' for w, n in cells)}")
    if listed:
        development = {f"bank-{half}" for half in CHOOSING_HALVES}
        for name in CHOOSING_SETS:
            for r in sets.get(name, ()):
                if r.kind in development and model.confidence(r.evidence) >= model.threshold:
                    print(f"  answered {name:<18} conf={model.confidence(r.evidence):.2f} {r.question}")


def report_spread(sets: dict[str, list[Row]], model: ConfidenceModel) -> None:
    """KorQuAD in / out on SPREAD_SEEDS beside the four usual ones (their rows taken from `sets`): the
    targets hold per seed (answerable answered >= 98 %, out-of-scope answered <= 20 %), and a judge
    picks the seed."""
    embedder = cached_embedder()
    print("KorQuAD per seed: answerable answered | out-of-scope answered")
    for group, seeds in (
        ("may choose", (13, 7, *SPREAD_SEEDS["may choose"])),
        ("frozen", (21, 42, *SPREAD_SEEDS["frozen"])),
    ):
        shares = []
        for seed in seeds:
            rows = sets.get(f"korquad-{seed}") or korquad_rows(seed, embedder, FusionConfig())
            found = [model.confidence(r.evidence) >= model.threshold for r in rows]
            inside = 100 * sum(f for f, r in zip(found, rows) if r.covered) / sum(r.covered for r in rows)
            outside = 100 * sum(f for f, r in zip(found, rows) if not r.covered) / sum(not r.covered for r in rows)
            shares.append((inside, outside))
            print(f"  seed {seed:>2} ({group}) {inside:5.1f} % | {outside:4.1f} %")
        ins, outs = sorted(i for i, _ in shares), sorted(o for _, o in shares)
        print(
            f"  {group}: {len(seeds)} seeds, answerable answered min {ins[0]:.1f} % median {ins[len(ins) // 2]:.1f} %, "
            f"under 98 % on {sum(i < 98 for i in ins)}; out-of-scope max {outs[-1]:.1f} % median "
            f"{outs[len(outs) // 2]:.1f} %, over 20 % on {sum(o > 20 for o in outs)}"
        )
    embedder.save()


def print_misses(sets: dict[str, list[Row]]) -> None:
    """The development sets' answerable questions whose answering passage is not cited first: where
    to look for the next change. Frozen sets are never listed, so that they stay unseen."""
    print("development questions not answered from their passage first (rank in search, among citations):")
    for name in CHOOSING_SETS:
        for row in sets.get(name, ()):
            if row.covered and row.cited != 1:
                ranks = f"search {row.rank or '-':>2} cited {row.cited or '-':>2}"
                print(f"  {name:<18} {ranks}  {row.note}  {row.question}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fit", action="store_true", help="fit the model on the development sets")
    parser.add_argument("--no-loanwords", action="store_true", help="search without loanword spellings")
    parser.add_argument("--weights", help="comma-separated dense weights: print retrieval quality for each")
    parser.add_argument(
        "--misses", action="store_true", help="list the development questions whose passage is not cited first"
    )
    parser.add_argument("--spread", action="store_true", help="also KorQuAD in / out on 20 more seeds")
    args = parser.parse_args()
    started = time.perf_counter()
    use_korquad = KORQUAD.exists()
    if not use_korquad:
        print(f"SKIP korquad rows: {KORQUAD} is absent (KorQuAD is read from ../shared, never committed)")
    if args.weights:
        for weight in (float(w) for w in args.weights.split(",")):
            sets = gather(FusionConfig(dense_weight=weight, loanwords=not args.no_loanwords), use_korquad)
            for name, rows in sets.items():
                inside = [r for r in rows if r.covered]
                hit1 = sum(r.rank == 1 for r in inside) / len(inside)
                hit3 = sum(bool(r.rank) and r.rank <= 3 for r in inside) / len(inside)
                print(f"dense weight {weight:.2f} {name:<12} Hit@1 {hit1:.3f} Hit@3 {hit3:.3f}")
        return
    sets = gather(FusionConfig(loanwords=not args.no_loanwords), use_korquad)
    model = fit(sets) if args.fit else ConfidenceModel()
    if args.fit:
        print(
            "fitted on", ", ".join(n for n in FIT_SETS if n in sets), "- ship these constants in backend/confidence.py:"
        )
    report(sets, model)
    report_far_off(sets, model, args.misses)
    if args.misses:
        print_misses(sets)
    if args.spread and use_korquad:
        report_spread(sets, model)
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
