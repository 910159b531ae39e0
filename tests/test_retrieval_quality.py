"""Retrieval quality with the real model, through real HTTP, on the development set."""

import re
from pathlib import Path

import httpx
import pytest

from backend.evaluation import answers_lines, first_rank, load_devset, rank_stats
from backend.models import Chunk

pytestmark = pytest.mark.model
DEVSET = load_devset(Path(__file__).parent / "data" / "devset.json")


def ask(server, question: str) -> dict:
    response = httpx.post(f"{server.url}/api/ask", json={"question": question, "top_k": 5}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def as_chunk(c: dict) -> Chunk:
    return Chunk("", c["note"], c["heading"], c["start_line"], c["end_line"], c["text"], "")


def test_devset_has_the_promised_shape():
    in_scope = DEVSET.in_scope
    english = [q for q in in_scope if re.search(r"^[A-Za-z]", q.question)]
    assert len(in_scope) - len(english) >= 25 and len(english) >= 3 and len(DEVSET.out_of_scope) >= 3


def test_answering_passage_ranks_first_or_in_top_three(real_server):
    ranks, not_found = [], []
    for q in DEVSET.in_scope:
        body = ask(real_server, q.question)
        if not body["found"]:
            not_found.append(q.question)
        ranks.append(first_rank([as_chunk(c) for c in body["citations"]], answers_lines(DEVSET.note, q.lines)))
        assert all(len(c["text"]) <= 650 for c in body["citations"])
    stats = rank_stats(ranks)
    assert not_found == []
    assert stats.hit1 >= 0.85, stats.line()
    assert stats.hit3 >= 0.95, stats.line()


def test_questions_far_from_the_notes_are_not_found(real_server):
    far = ("김치찌개를 맛있게 끓이는 방법은?", "오늘 서울 날씨 어때?", "How do I bake sourdough bread?",
           "고등어 조림 양념은 어떻게 만들어?", "누가 2002년 월드컵에서 골을 넣었어?")  # fmt: skip
    assert set(far) <= {q.question for q in DEVSET.out_of_scope}
    wrongly_found = [q for q in far if ask(real_server, q)["found"]]
    assert wrongly_found == []
    near_found = [q.question for q in DEVSET.out_of_scope if ask(real_server, q.question)["found"]]
    assert len(near_found) <= 8, near_found  # near-topic ones may be shown, with their confidence


def test_yes_no_question_leads_with_the_notes_verdict(real_server):
    body = ask(real_server, "도커는 VM보다 항상 좋은가?")
    assert body["answer"].startswith("아니요.")
    assert "no" in body["answer"]
    first_marker = int(re.search(r"\[(\d+)\]", body["answer"]).group(1))
    verdict = body["citations"][first_marker - 1]
    assert verdict["start_line"] <= 64 <= verdict["end_line"]


def test_answer_cites_only_passages_it_quotes(real_server):
    for question in (
        "쿠버네티스와 도커는 서로 어떤 관계야?",
        "VM의 단점은 뭐야?",
        "Is Docker always a better choice than a virtual machine?",
    ):
        body = ask(real_server, question)
        cited = {int(n) for n in re.findall(r"\[(\d+)\]", body["answer"])}
        quoted = {c["n"] for c in body["citations"] if c["highlight_lines"]}
        assert cited and cited == quoted, (question, body["answer"])
        for c in body["citations"]:
            lines = c["text"].split("\n")
            for line in c["highlight_lines"]:
                assert lines[line - c["start_line"]].strip()  # a highlighted line is a line with text
