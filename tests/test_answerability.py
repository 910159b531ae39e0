"""Answer what the notes cover, refuse what they do not: the real model over real HTTP, on the two
vault halves of tests/data/vaults (questions in other words than the notes; the test half is frozen)."""

import shutil

import httpx
import pytest

from backend.evaluation import answers_lines, first_rank, load_vault
from backend.main import create_app
from backend.models import Chunk
from tests.conftest import ROOT, SEED_NOTE, LiveServer, free_port, make_settings

pytestmark = pytest.mark.model

GIT = """# Git 메모

## rebase

feature 브랜치에서 git rebase main 을 하면 내 commit들이 main 끝에 다시 쌓여서 history가 한 줄이 된다.
이미 push한 브랜치를 rebase하면 commit 해시가 바뀌니 혼자 쓰는 브랜치에서만 한다.

## stash

작업 중인 변경은 git stash 로 치워 두고 나중에 git stash pop 으로 꺼낸다.
"""


def ask(url: str, question: str) -> dict:
    response = httpx.post(f"{url}/api/ask", json={"question": question, "top_k": 5}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def as_chunk(c: dict) -> Chunk:
    return Chunk("", c["note"], c["heading"], c["start_line"], c["end_line"], c["text"], "")


@pytest.mark.parametrize("half", ["dev", "test"])
def test_vault_questions_in_other_words_are_answered_and_far_ones_refused(half, tmp_path, real_embedder, analyzers):
    qset = load_vault(ROOT / "tests" / "data" / "vaults" / half, SEED_NOTE)
    settings = make_settings(tmp_path)
    shutil.copytree(qset.corpus[0], settings.corpus_dir, dirs_exist_ok=True)
    refused, ranks, far_answered, top3 = [], [], [], 0
    with LiveServer(create_app(settings, embedder=real_embedder, analyzers=analyzers), free_port()) as server:
        for q in qset.in_scope:
            body = ask(server.url, q.question)
            shown = body["citations"] or body["related"]
            rank = first_rank([as_chunk(c) for c in shown], answers_lines(q.note, q.lines))
            top3 += rank is not None and rank <= 3
            if not body["found"] and rank is not None and rank <= 3:
                refused.append(q.question)
            ranks.append(rank if body["found"] else None)
            assert 0 <= body["confidence"] <= 1
        for q in qset.out_of_scope:
            body = ask(server.url, q.question)
            if q.kind == "far" and body["found"]:
                far_answered.append(q.question)
            if not body["found"]:
                assert body["citations"] == [] and 1 <= len(body["related"]) <= 3
    hit3 = sum(1 for r in ranks if r is not None and r <= 3) / len(ranks)
    # never "not in my notes" when the passage is right there: none on the half the threshold was set
    # on; on the frozen half, at most the 3% (none since the refit on English questions; one of 56 before)
    assert len(refused) <= (0 if half == "dev" else 0.03 * top3), refused
    assert far_answered == [], far_answered  # weather, recipes, insurance: not from the notes
    assert hit3 >= 0.9, hit3


def test_korean_questions_about_english_notes_find_and_answer_them(tmp_path, real_embedder, analyzers):
    """vault-crossdev: English notes beside the Korean Docker note, asked about in Korean. The model
    puts every Korean passage nearer a Korean question than the English one that answers it (before
    passages were compared per script: search@3 0.50, answered with the passage in the top 3 0.33)."""
    qset = load_vault(ROOT / "tests" / "data" / "vaults" / "crossdev", SEED_NOTE)
    settings = make_settings(tmp_path)
    shutil.copytree(qset.corpus[0], settings.corpus_dir, dirs_exist_ok=True)
    searched, answered = [], []
    with LiveServer(create_app(settings, embedder=real_embedder, analyzers=analyzers), free_port()) as server:
        for q in qset.in_scope:
            response = httpx.post(f"{server.url}/api/search", json={"query": q.question, "top_k": 3}, timeout=60)
            assert response.status_code == 200, response.text
            is_answer = answers_lines(q.note, q.lines)
            searched.append(first_rank([as_chunk(c) for c in response.json()["results"]], is_answer) is not None)
            body = ask(server.url, q.question)
            answered.append(body["found"] and first_rank([as_chunk(c) for c in body["citations"][:3]], is_answer))
    assert sum(searched) / len(searched) >= 0.8, searched  # 0.83 measured
    assert sum(map(bool, answered)) / len(answered) >= 0.75, answered  # 0.81 measured


def test_git_note_put_through_the_api_answers_a_korean_question_about_its_latin_terms(
    tmp_path, real_embedder, analyzers
):
    settings = make_settings(tmp_path)
    with LiveServer(create_app(settings, embedder=real_embedder, analyzers=analyzers), free_port()) as server:
        assert httpx.put(f"{server.url}/api/notes/tech/git.md", content=GIT.encode(), timeout=60).status_code == 200
        body = ask(server.url, "리베이스를 쓰면 커밋 기록이 어떻게 돼?")
        assert body["found"], body
        assert body["citations"][0]["note"] == "tech/git.md" and body["citations"][0]["heading"].endswith("rebase")
        assert "history가 한 줄이 된다" in body["answer"]
        far = ask(server.url, "자동차 보험료는 어떻게 계산돼?")
        assert not far["found"] and far["related"] and "확실한 답을 찾지 못했습니다" in far["answer"]


KYOTO = """# Kyoto in autumn

## Getting around

Buses in Kyoto are slow and packed with tourists; the subway plus walking was faster.

## Where we stayed

A small inn near Gion. The guest Wi-Fi was fine, but the printer in the lobby never worked.
"""


def test_a_korean_question_naming_what_an_english_note_writes_in_latin_letters_is_answered(
    tmp_path, real_embedder, analyzers
):
    """교토 looks Sino-Korean, so no loanword skeleton finds *Kyoto*: its romanization does (refused
    before). 와이파이 is a name the note holds only as *Wi-Fi*: the rest of the question carries it
    (tests/test_confidence.py checks how much such a name weighs)."""
    settings = make_settings(tmp_path)
    with LiveServer(create_app(settings, embedder=real_embedder, analyzers=analyzers), free_port()) as server:
        put = httpx.put(f"{server.url}/api/notes/travel/kyoto.md", content=KYOTO.encode(), timeout=60)
        assert put.status_code == 200, put.text
        bus = ask(server.url, "교토에서는 버스 타는 게 나아?")
        assert bus["found"] and bus["unknown_words"] == [], bus
        assert bus["citations"][0]["heading"].endswith("Getting around")
        wifi = ask(server.url, "숙소 와이파이에서 프린터 됐어?")
        assert wifi["found"] and wifi["citations"][0]["heading"].endswith("Where we stayed"), wifi
        assert not ask(server.url, "내일 서울 날씨 어때?")["found"]  # a Korean city the note never names


HIKING = """# Winter hiking kit

## Socks and boots

One pair of thin wool socks. Thick cotton socks got wet by noon and gave me blisters.

## Food

A thermos of hot tea and salted nuts. Chocolate bars freeze hard below -10 °C.

## Walking on ice

Microspikes over the boots stop most falls on frozen trails; poles help on the way down.
"""


def test_a_korean_question_finds_an_english_note_through_the_dictionary(tmp_path, real_embedder, analyzers):
    """양말 is *socks* and 넘어지다 *fall* only in a dictionary (backend.translations): without it the
    socks question quotes the Docker note."""
    settings = make_settings(tmp_path)
    with LiveServer(create_app(settings, embedder=real_embedder, analyzers=analyzers), free_port()) as server:
        put = httpx.put(f"{server.url}/api/notes/outdoor/hiking.md", content=HIKING.encode(), timeout=60)
        assert put.status_code == 200, put.text
        # the Food passage, nearer in the model's cosine, may come first: 신다 (wear) is a word no
        # English passage holds, and each gets part of its dense share for it (FusionConfig.unheld_share)
        socks = ask(server.url, "양말은 어떤 걸 신어야 해?")
        headings = [c["heading"] for c in socks["citations"][:2]]
        assert socks["found"] and any(h.endswith("Socks and boots") for h in headings), socks
        assert "thin wool socks" in socks["answer"], socks
        ice = ask(server.url, "얼음 위에서 안 넘어지려면 어떻게 해?")
        assert ice["found"] and ice["citations"][0]["heading"].endswith("Walking on ice"), ice
        assert not ask(server.url, "된장찌개 맛있게 끓이는 법 알려줘")["found"]


def test_far_off_questions_over_notes_that_share_everyday_words_are_refused(tmp_path, real_embedder, analyzers):
    """vault-dev2's notes (sleep, meetings, nginx, guitar, a dog) share words with everyday
    questions ("올린 순서대로"): a recipe's steps, a game, the weather or a share price is still not in them."""
    qset = load_vault(ROOT / "tests" / "data" / "vaults" / "dev2", SEED_NOTE)
    settings = make_settings(tmp_path)
    shutil.copytree(qset.corpus[0], settings.corpus_dir, dirs_exist_ok=True)
    with LiveServer(create_app(settings, embedder=real_embedder, analyzers=analyzers), free_port()) as server:
        answered = [q.question for q in qset.out_of_scope if q.kind == "far" and ask(server.url, q.question)["found"]]
    assert answered == []
