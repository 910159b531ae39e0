"""Loanword spellings across scripts: recall on known pairs, no match for Sino-Korean words."""

import pytest

from backend.keywords import KoreanAnalyzer
from backend.loanwords import (
    LoanwordIndex,
    acronyms,
    hangul_key,
    korean_readings,
    latin_keys,
    looks_borrowed,
    romanizations,
    spelled_out,
)

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


def test_one_syllable_words_are_too_short_to_trust():
    assert LoanwordIndex(["git", "log"]).spellings("깃") == ()
    assert LoanwordIndex(["로그"]).spellings("log") == ("로그",)  # two syllables and a vowel that agrees


def test_the_first_vowel_tells_words_of_one_skeleton_apart():
    index = LoanwordIndex(["food", "pod"])
    assert index.spellings("파드") == ("pod",)  # 파드 and food share P-T, but food is heard 푸드
    assert "food" in index.spellings("푸드")  # (so may pod be: do 두, move 무브)


def test_a_word_initial_vowel_must_be_on_both_sides():
    assert LoanwordIndex(["outage", "docker"]).spellings("도커") == ("docker",)  # outage: T-K as well
    assert LoanwordIndex(["engine", "update"]).spellings("엔진") == ("engine",)
    assert LoanwordIndex(["도커"]).spellings("outage") == ()


def test_a_plural_is_found_by_its_singular_both_ways():
    assert LoanwordIndex(["secrets", "class"]).spellings("시크릿") == ("secrets",)
    assert LoanwordIndex(["시크릿"]).spellings("secrets") == ("시크릿",)
    assert LoanwordIndex(["pods"]).spellings("파드") == ("pods",)


def test_a_long_name_korean_writes_cut_short_is_found_by_its_start():
    index = LoanwordIndex(["postgresql", "typescript", "mongodb"])
    assert index.spellings("포스트그레스") == ("postgresql",)  # PSTKRS of PSTKRSKR
    assert index.spellings("몽고") == ()  # MNK of MNKTP: too short a start to trust
    assert LoanwordIndex(["postgres", "postgresql"]).spellings("포스트그레스") == ("postgres",)  # whole first
    assert index.spellings("보스트그레스") == ()  # stops still agree: ㅂ is a b, never the p of postgresql
    assert LoanwordIndex(["temperature"]).spellings("템플릿") == ()  # TMPRT of TMPRTR, but a beat short


def test_stops_must_be_voiced_alike():
    index = LoanwordIndex(["가이드", "카드", "코드", "포트"])
    assert index.spellings("cat") == ()  # c is ㅋ and t is ㅌ (or a final ㅅ: 캣), never ㄱ or ㄷ
    assert index.spellings("food") == ()  # d is ㄷ: 푸드, not 포트
    assert "카드" in index.spellings("card") and index.spellings("port") == ("포트",)
    assert LoanwordIndex(["back", "bug"]).spellings("버그") == ("bug",)  # back ends voiceless


def test_a_korean_word_written_in_revised_romanization_is_read_back():
    for latin, hangul in (("joseon", "조선"), ("busan", "부산"), ("bulgogi", "불고기"), ("hongdae", "홍대")):
        assert hangul in korean_readings(latin), latin
    assert korean_readings("insurance") == set() and korean_readings("kim") == set()  # English; too short
    index = LoanwordIndex({"부산": 0, "서울": 1, "푸시": 2})
    assert index.spellings("busan") == ("부산",) and index.spellings("seoul") == ("서울",)
    assert index.spellings("push") == ("푸시",)  # loanwords as before


def test_native_words_are_no_spellings_of_english_ones():
    index = LoanwordIndex(["very", "vault", "history", "coffee", "survey", "cookies", "display"])
    assert index.spellings("벌레") == ()  # a final -y is ㅣ in Korean (베리), not ㅔ
    assert not looks_borrowed("버릇") and not looks_borrowed("그릇")  # ㅡ before ㅅ: no loanword writes it
    assert index.spellings("버릇") == ()  # vault is 볼트
    found = {w: index.spellings(w) for w in ("히스토리", "커피", "서베이", "쿠키", "디스플레이")}
    assert found == {"히스토리": ("history",), "커피": ("coffee",), "서베이": ("survey",), "쿠키": ("cookies",),
                     "디스플레이": ("display",)}  # fmt: skip


def test_a_name_in_hangul_finds_its_romanized_spelling_in_an_english_note():
    assert {"kyoto", "gyoto"} == romanizations("교토") and "seoul" in romanizations("서울")
    assert "tokyo" in romanizations("도쿄") and "kimchi" in romanizations("김치")
    assert romanizations("rebase") == set() and romanizations("산") == set()  # not Hangul; too short
    index = LoanwordIndex({"kyoto": 0, "buses": 1, "seoul": 2, "rebase": 3})
    assert index.spellings("교토") == ("kyoto",)  # 교토 looks Sino-Korean: no loanword skeleton finds it
    assert index.spellings("서울") == ("seoul",) and index.spellings("리베이스") == ("rebase",)
    assert index.spellings("부산") == ()  # the notes write no busan
    # a romanised spelling is found in the plural too: 토마토 looks Sino-Korean, tomatoes has no -s singular
    assert LoanwordIndex(["tomatoes", "pianos"]).spellings("토마토") == ("tomatoes",)
    assert LoanwordIndex(["tomatoes", "pianos"]).spellings("피아노") == ("pianos",)


def test_a_verb_stem_or_adverb_in_the_notes_is_no_spelling_of_a_latin_word():
    analyzer = KoreanAnalyzer()
    assert [analyzer.not_a_noun(w) for w in ("끓이", "깔리", "먼저")] == [True, True, True]
    assert not analyzer.not_a_noun("캐시") and not analyzer.not_a_noun("푸시")  # 푸시다 is not 푸 + 시다
    index = LoanwordIndex(["끓이", "깔리", "캐시", "꺼지"], analyzer.not_a_noun)
    assert index.spellings("chili") == ()  # 끓여 and 깔려 in a kimchi note are not chili
    assert index.spellings("cache") == ("캐시",)
    assert LoanwordIndex(["끓이", "깔리"]).spellings("chili")  # what the stems looked like before


def test_an_acronym_spelled_out_in_hangul_finds_the_notes_letters_and_back():
    assert acronyms("브이피엔") == {"vpn"} and acronyms("에스에스에이치") == {"ssh"} and acronyms("디비") == {"db"}
    assert acronyms("아이") == set() and acronyms("리눅스") == set()  # one letter; not letters at all
    assert "브이피엔" in spelled_out("vpn") and spelled_out("kubernetes") == set() and spelled_out("v") == set()
    index = LoanwordIndex(["vpn", "db", "client"])
    assert index.spellings("브이피엔") == ("vpn",) and index.spellings("디비") == ("db",)
    assert index.spellings("에이피아이") == ()  # the notes write no api
    assert LoanwordIndex(["브이피엔", "디비"]).spellings("vpn") == ("브이피엔",)
    assert LoanwordIndex(["브이피엔", "디비"]).spellings("db") == ("디비",)
