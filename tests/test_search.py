"""Hybrid search with the hashing fake embedder: fusion, loanword spellings, names."""

import os
import subprocess
import sys

import faiss
import numpy as np
import pytest

from backend.index import new_vector_index
from backend.library import NotesLibrary
from backend.search import COARSE_FROM, DenseIndex, FusionConfig, wide_script
from tests.conftest import make_settings
from tests.fakes import HashingEmbedder

GIT = """# Git 규칙

## 합치기 전에

main에 합치기 전에는 rebase로 내 commit을 최신 main 위에 다시 쌓는다. history가 한 줄로 남는다.

## 강제로 올리기

rebase한 브랜치는 push가 거절되니 force-with-lease 옵션을 쓴다.
"""


def open_library(tmp_path, analyzers, notes: dict[str, str], **fusion) -> NotesLibrary:
    settings = make_settings(tmp_path)
    for name, text in notes.items():
        (settings.corpus_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (settings.corpus_dir / name).write_text(text, encoding="utf-8")
    library = NotesLibrary(settings, HashingEmbedder(), analyzers=analyzers, fusion=FusionConfig(**fusion))
    library.open()
    return library


def test_search_hangul_loanword_finds_the_note_that_writes_it_in_latin(tmp_path, analyzers):
    library = open_library(tmp_path, analyzers, {"tech/git.md": GIT})
    result, _ = library.search("리베이스하면 히스토리가 어떻게 돼?", 3)
    assert result.spellings["리베이스"] == ("rebase",) and result.spellings["히스토리"] == ("history",)
    assert result.hits[0].chunk.note == "tech/git.md" and "합치기" in result.hits[0].chunk.heading
    assert result.in_corpus("리베이스") and result.held_by("리베이스", result.records[0])


def test_search_without_loanwords_misses_the_latin_spelling(tmp_path, analyzers):
    library = open_library(tmp_path, analyzers, {"tech/git.md": GIT}, loanwords=False)
    result, _ = library.search("리베이스하면 히스토리가 어떻게 돼?", 3)
    assert result.spellings == {} and not result.in_corpus("리베이스")


def test_search_flags_names_numbers_and_latin_words_of_a_korean_question(tmp_path, analyzers):
    library = open_library(tmp_path, analyzers, {"tech/git.md": GIT})
    result, _ = library.search("MySQL 복제는 2024년에 어떻게 설정해?", 3)
    assert {"mysql", "2024"} <= result.names
    assert "복제" in result.nouns and "설정" not in result.names
    english, _ = library.search("How do I rebase onto main?", 3)
    assert english.names == frozenset()  # English words are ordinary words in an English question


def test_search_ranks_by_fused_score_and_reports_each_retrievers_evidence(tmp_path, analyzers):
    library = open_library(tmp_path, analyzers, {"tech/git.md": GIT})
    result, took = library.search("force-with-lease 옵션", 5)
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True) and took > 0
    assert "강제로" in result.hits[0].chunk.heading
    assert result.hits[0].keyword > 0 and -1 <= result.hits[0].dense <= 1
    assert result.best_dense == max(h.dense for h in result.hits)


MEETINGS = """# 회의 메모

## 일정

회의는 매주 화요일 오전 10시에 한다.

## 장소

회의 장소는 3층 큰 회의실이다.

## 준비물

회의에는 노트북과 지난주 회의록을 가져온다.
"""


def test_a_passage_holding_only_the_questions_commonest_word_does_not_take_the_whole_keyword_weight(
    tmp_path, analyzers
):
    library = open_library(tmp_path, analyzers, {"work/meetings.md": MEETINGS})
    retriever = library.retriever
    match = retriever.match_keywords("점심 메뉴는 회의 전에 정해?")  # only 회의 is in the notes, everywhere
    share = match.scores.max() / match.best_possible
    assert 0 < share < 0.2, share  # max-normalised BM25 would have given it 1.0, the whole 0.8 keyword weight
    result, _ = library.search("점심 메뉴는 회의 전에 정해?", 3)
    assert all(h.score <= FusionConfig().dense_weight + 0.8 * 0.2 for h in result.hits)
    held = retriever.match_keywords("회의 장소는 몇 층이야?")  # 장소 and 층 too: most of what it could score
    assert held.scores.max() / held.best_possible > 3 * share


LOCKERS = """# 메모

## 사물함

갈아입을 옷은 월요일에 사물함에 넣어 둔다.

## 반죽

반죽에는 소금을 넣어 둔다.
"""


def test_a_passage_holding_only_the_questions_verb_counts_a_share_of_its_score(tmp_path, analyzers):
    question = "빵 반죽에 소금은 몇 그램 넣어?"  # 넣 is all the locker passage shares with it
    shares = {}
    for share in (FusionConfig().words_only_share, 1.0):
        library = open_library(tmp_path / str(share), analyzers, {"memo.md": LOCKERS}, words_only_share=share)
        retriever = library.retriever
        rows = {r.chunk.heading.rsplit(" > ", 1)[-1]: i for i, r in enumerate(retriever.index.records)}
        scores = retriever.match_keywords(question).scores
        shares[share] = scores[rows["사물함"]], scores[rows["반죽"]]
    (locker, dough), (locker_whole, dough_whole) = shares[0.25], shares[1.0]
    assert FusionConfig().words_only_share == 0.25 and locker_whole > 0
    assert locker == pytest.approx(0.25 * locker_whole)
    assert dough == pytest.approx(dough_whole)  # it holds 반죽 and 소금: its 넣 counts whole


def test_search_bm25_alone_and_dense_alone_are_selectable(tmp_path, analyzers):
    for method in ("bm25", "dense", "rrf"):
        library = open_library(tmp_path / method, analyzers, {"tech/git.md": GIT}, method=method)
        result, _ = library.search("force-with-lease", 2)
        assert result.hits and "강제로" in result.hits[0].chunk.heading, method


def test_faiss_scans_a_question_on_one_thread():
    """A web-server thread entering a parallel FAISS scan starts an OpenMP team that spins after it."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    probe = "import backend.search, faiss; print(faiss.omp_get_max_threads())"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.strip() == "1"


def test_dense_index_over_int8_copies_finds_the_exact_passages_and_scores():
    """From COARSE_FROM passages on, int8 copies choose the candidates and the stored vectors score
    them: the same passages and scores as an exact scan, with or without a note filter. (Real e5
    vectors: the same top 50 for 2,390 KorQuAD questions over 25,000 passages, see DenseIndex.)"""
    rng = np.random.default_rng(3)
    d = 384
    x = rng.normal(0, 1, (COARSE_FROM + 500, d)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    queries = x[rng.choice(len(x), 30)] + rng.normal(0, 0.05, (30, d)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    stored = new_vector_index(d)
    stored.add(x)
    dense = DenseIndex(stored)
    assert dense.uses_int8_copies
    small = new_vector_index(d)
    small.add(x[: COARSE_FROM - 1])
    assert not DenseIndex(small).uses_int8_copies
    every_third = np.arange(0, len(x), 3)
    for rows in (None, every_third):
        params = None if rows is None else faiss.SearchParameters(sel=faiss.IDSelectorBatch(rows))
        for q in queries:
            exact_scores, exact_rows = stored.search(q[None], 10, params=params)
            found = dense.search(q, 10, rows)
            assert list(found) == exact_rows[0].tolist()
            assert np.allclose(list(found.values()), exact_scores[0], atol=1e-5)


def test_wide_script_tells_passages_written_in_hangul_from_those_in_latin_letters():
    assert wide_script("Docker랑 virtual machine의 다른점은 무엇인가?")
    assert wide_script("日本語の勉強: は と が の違い")
    assert not wide_script("Roll back with deployctl rollback shop-api --to <version>; it takes 3 minutes.")
    assert not wide_script("Kaution — three months of cold rent, 2,940 € (Frau Keller, Bürgeramt)" + " rent" * 20)
    assert not wide_script("") and not wide_script("2026-09-01 12:00")


def two_scripts(n_wide: int = 40, d: int = 16) -> tuple[faiss.Index, np.ndarray, np.ndarray]:
    """Vectors as a multilingual model makes them: every passage of a script shares that script's
    direction (axis 0 wide, axis 1 Latin), topics lie on the other axes. The last passage is Latin
    and about topic axis 2, the question's topic; the question is written in the wide script."""
    rng = np.random.default_rng(7)
    wide = np.zeros((n_wide, d), np.float32)
    wide[:, 0] = 1.0
    wide[:, 3:] = rng.normal(0, 0.3, (n_wide, d - 3))
    latin = np.zeros((6, d), np.float32)
    latin[:, 1] = 1.0
    latin[:, 3:] = rng.normal(0, 0.3, (6, d - 3))
    latin[-1, 2] = 1.0  # the answer
    x = np.vstack([wide, latin])
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    stored = new_vector_index(d)
    stored.add(x)
    query = np.zeros(d, np.float32)
    query[0], query[2] = 1.0, 1.0
    scripts = np.array([True] * n_wide + [False] * 6)
    return stored, scripts, query / np.linalg.norm(query)


def test_a_question_meets_passages_of_another_script_as_if_they_were_written_in_its_own():
    """A Korean question scores every Korean passage above the English one that answers it; searched
    per script and compared less each script's mean, the English answer comes first."""
    stored, scripts, query = two_scripts()
    answer = len(scripts) - 1
    plain = DenseIndex(stored)
    assert answer not in plain.search(query, 10)  # below all 40 wide passages
    dense = DenseIndex(stored, scripts)
    found = dense.search(query, 10)
    assert answer in found and len(found) == 16  # the best 10 of each script (6 Latin in all)
    comparable = dense.comparable(query, found, 10)
    assert next(iter(comparable)) == answer and len(comparable) == 10
    # for the confidence margin the Latin answer is raised to where a wide passage would stand
    assert dense.best(query, found, question_in_hangul=True) > found[answer]
    assert dense.best(query, found, question_in_hangul=False) == max(found.values())  # nothing raised
    latin_rows = np.flatnonzero(~scripts)
    assert set(dense.search(query, 10, latin_rows)) == set(latin_rows.tolist())  # a note filter still holds


def test_passages_nearer_the_question_than_its_own_script_raise_nothing_for_the_margin():
    """A few code-only passages are Latin but no English: a Korean question may come nearer their
    mean than the Korean passages' mean. Nothing is then raised (raising the Korean passages
    answered far-off questions beside a note of long code blocks)."""
    stored, scripts, _query = two_scripts()
    hub = np.zeros(stored.d, np.float32)
    hub[1], hub[2] = 1.0, 0.2  # nearer the Latin passages' direction than the wide ones'
    hub /= np.linalg.norm(hub)
    dense = DenseIndex(stored, scripts)
    found = dense.search(hub, 10)
    assert dense.best(hub, found, question_in_hangul=True) == max(found.values())


def test_a_large_corpus_in_two_scripts_finds_each_scripts_exact_best_through_the_int8_copies():
    """The per-script search goes through bitmap selectors on the int8 pass and the exact refine:
    each script's best 10 as a brute-force scan finds them, with or without a note filter."""
    rng = np.random.default_rng(5)
    d = 64
    x = rng.normal(0, 1, (COARSE_FROM + 300, d)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    scripts = rng.random(len(x)) < 0.7
    stored = new_vector_index(d)
    stored.add(x)
    dense = DenseIndex(stored, scripts)
    assert dense.uses_int8_copies and dense.two_scripts
    exact_vectors = stored.reconstruct_n(0, len(x))  # as stored (fp16)
    every_third = np.arange(0, len(x), 3)
    for q in x[rng.choice(len(x), 10)]:
        for rows in (None, every_third):
            found = dense.search(q, 10, rows)
            allowed = np.zeros(len(x), dtype=bool)
            allowed[np.arange(len(x)) if rows is None else rows] = True
            scores = exact_vectors @ q
            expected = set()
            for script in (True, False):
                members = np.flatnonzero(allowed & (scripts == script))
                expected |= set(members[np.argsort(-scores[members])[:10]].tolist())
            assert set(found) == expected
            assert all(abs(found[r] - scores[r]) < 1e-4 for r in found)


def test_a_corpus_in_one_script_is_searched_and_scored_as_before():
    stored, scripts, query = two_scripts()
    wide_only = np.ones(len(scripts), dtype=bool)
    dense, plain = DenseIndex(stored, wide_only), DenseIndex(stored)
    found = dense.search(query, 10)
    assert found == plain.search(query, 10) and dense.comparable(query, found, 10) == found
    assert dense.best(query, found, question_in_hangul=True) == max(found.values())


def test_an_english_passage_is_credited_part_of_its_dense_share_for_words_it_could_not_hold(tmp_path, analyzers):
    """Its keyword share for a question all in Hangul is unknown, not nil (FusionConfig.unheld_share)."""
    english = "# Rent\n\nThe deposit is three months of cold rent, paid into a separate account.\n"
    notes = {"home/lease.md": english, "tech/git.md": GIT}
    scores = {}
    for share in (0.0, 0.1):
        # without the dictionary, which would find deposit for 보증금 (tests/test_translations.py)
        library = open_library(tmp_path / str(share), analyzers, notes, unheld_share=share, translations=False)
        for question in ("보증금은 얼마였어?", "deposit 보증금은 얼마였어?"):
            result, _ = library.search(question, 50)  # every passage
            scores[share, question] = {(h.chunk.note, h.chunk.start_line): h for h in result.hits}
    korean_only, with_latin = "보증금은 얼마였어?", "deposit 보증금은 얼마였어?"
    assert ("home/lease.md", 1) in scores[0.1, korean_only] and ("home/lease.md", 1) in scores[0.0, korean_only]
    for key, hit in scores[0.1, korean_only].items():
        before = scores[0.0, korean_only][key]
        if key[0] == "home/lease.md":  # + (1 - 0.2) * 0.1 * its normalised dense share
            assert hit.score > before.score and hit.keyword == before.keyword == 0.0
        else:
            assert hit.score == before.score
    lease = ("home/lease.md", 1)
    gained = scores[0.1, korean_only][lease].score - scores[0.0, korean_only][lease].score
    partly = scores[0.1, with_latin][lease].score - scores[0.0, with_latin][lease].score
    assert 0 < partly < gained  # deposit it holds: only 보증금's part of the question is unknown


def test_an_english_passage_holding_part_of_a_korean_question_is_credited_for_the_rest(tmp_path, analyzers):
    """보증금 is *deposit* there (the dictionary), 영수증 nothing it could hold: its keyword share is what
    deposit scores plus the unheld share of its dense share, for the part of the question's weight
    that 영수증 makes up."""
    english = "# Rent\n\nThe deposit is three months of cold rent, paid into a separate account.\n"
    notes = {"home/lease.md": english, "tech/git.md": GIT}
    scores = {}
    for share in (0.0, 0.1):
        library = open_library(tmp_path / str(share), analyzers, notes, unheld_share=share)
        match = library.retriever.match_keywords("보증금 영수증은 어디야?")
        assert match.spellings["보증금"] == ("deposit",) and 0 < match.unholdable < 1, match
        result, _ = library.search("보증금 영수증은 어디야?", 50)
        scores[share] = {(h.chunk.note, h.chunk.start_line): h for h in result.hits}
    lease, before = scores[0.1][("home/lease.md", 1)], scores[0.0][("home/lease.md", 1)]
    assert lease.keyword == before.keyword > 0 and lease.score > before.score
    assert all(h.score == scores[0.0][key].score for key, h in scores[0.1].items() if key[0] != "home/lease.md")


def test_a_verb_stem_that_only_looks_borrowed_gets_no_latin_spelling(tmp_path, analyzers):
    notes = {"travel/seoul.md": "# Seoul\n\nOur trip to Korea was in May; the ticket cost 900 dollars.\n"}
    library = open_library(tmp_path, analyzers, notes)
    result, _ = library.search("라면은 몇 분 끓여야 해?", 3)
    assert "끓이" in result.query_terms and "끓이" not in result.spellings  # not korea: a verb, not a noun
    borrowed, _ = library.search("비행기 티켓은 얼마였어?", 3)
    assert borrowed.spellings.get("티켓") == ("ticket",)  # a noun that looks borrowed still finds its spelling


def test_a_heading_holds_its_word_as_a_question_writes_it(tmp_path, analyzers):
    """Kiwi cuts a bare line "첫날" into 첫 + 날 but reads the question's 첫날 whole: a heading (any
    line with no sentence ending) is also read as a sentence, so its passage holds 첫날."""
    onboarding = "# 온보딩 안내\n\n## 첫날\n\n1. 인사팀에서 노트북을 받는다.\n\n## 비용\n\n- 교육비는 해마다 50만 원.\n"
    library = open_library(tmp_path, analyzers, {"work/onboarding.md": onboarding})
    result, _ = library.search("입사 첫날 컴퓨터는 어디서 받아?", 3)
    assert result.in_corpus("첫날") and result.held_by("첫날", result.records[0])
    assert result.hits[0].chunk.heading.endswith("첫날")
