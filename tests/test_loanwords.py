"""Loanword spellings across scripts: recall on known pairs, no match for Sino-Korean words."""

import pytest

from backend.loanwords import LoanwordIndex, hangul_key, latin_keys, looks_borrowed

PAIRS = [
    ("리베이스", "rebase"), ("푸시", "push"), ("커밋", "commit"), ("브랜치", "branch"), ("머지", "merge"),
    ("쿠버네티스", "kubernetes"), ("도커", "docker"), ("컨테이너", "container"), ("리눅스", "linux"),
    ("엔진엑스", "nginx"), ("스태시", "stash"), ("체리픽", "cherrypick"), ("포스트그레스", "postgres"),
    ("크론", "cron"), ("히스토리", "history"), ("리스타트", "restart"), ("리로드", "reload"), ("캐시", "cache"),
    ("하이퍼바이저", "hypervisor"), ("애플리케이션", "application"), ("타임아웃", "timeout"), ("웹훅", "webhook"),
]  # fmt: skip


@pytest.mark.parametrize(("hangul", "latin"), PAIRS)
def test_keys_of_a_loanword_and_its_latin_form_agree(hangul, latin):
    assert hangul_key(hangul) in latin_keys(latin)


def test_spellings_find_most_known_pairs_through_the_index():
    found = sum(latin in LoanwordIndex([latin]).spellings(hangul) for hangul, latin in PAIRS)
    assert found >= len(PAIRS) - 4, found
    assert "리베이스" in LoanwordIndex(["리베이스"]).spellings("rebase")


@pytest.mark.parametrize("word", ["연도", "재료", "사단", "지명", "치료", "자료", "사례", "결제", "수도", "가능"])
def test_sino_korean_words_never_look_borrowed(word):
    assert not looks_borrowed(word)
    assert LoanwordIndex(["anthos", "zero", "series", "charging", "ecology"]).spellings(word) == ()


def test_one_syllable_and_three_letter_words_are_too_short_to_trust():
    assert LoanwordIndex(["git", "log"]).spellings("깃") == ()
    assert LoanwordIndex(["로그"]).spellings("log") == ()
