"""Evidence and the confidence model, with the hashing fake embedder (the plumbing, not the quality)."""

from dataclasses import replace

import numpy as np
import pytest

from backend.confidence import (
    ANCHORS,
    ENGLISH_GAP_SHARE,
    LONG_QUESTION,
    ConfidenceModel,
    Evidence,
    TopicAnchors,
    gather_evidence,
)
from backend.topics import BACKGROUND, TOPICS
from tests.fakes import HashingEmbedder
from tests.test_search import GIT, open_library


def test_evidence_counts_unknown_names_and_loanword_spellings_as_held(tmp_path, analyzers):
    library = open_library(tmp_path, analyzers, {"tech/git.md": GIT})
    result, evidence = library.examine("리베이스하면 history가 어떻게 남아?", 3)
    assert evidence.unknown_names == () and evidence.coverage == 1.0  # 리베이스 is held as rebase
    _, unknown = library.examine("MySQL 복제 설정은 어떻게 해?", 3)
    assert unknown.unknown_names == ("mysql",)
    vector = library.embedder.embed_queries(["x"])[0]
    again = gather_evidence(result, vector, library.topics, "x")
    assert again.coverage == evidence.coverage and isinstance(again.margin, float)


def test_a_name_the_top_passages_write_is_not_unknown_however_kiwi_cut_it_or_spelled_its_vowel(tmp_path, analyzers):
    notes = {
        "football.md": "# 축구 메모\n\n수원 삼성 블루윙즈의 감독은 2012년에 사임했다. 후임은 서정원이다.\n",
        "history.md": "# 선교사 기록\n\n맥클레이 선교사는 고종에게 의료 사업 허가를 받았다.\n",
    }
    library = open_library(tmp_path, analyzers, notes)
    result, evidence = library.examine("블루 윙즈 감독은 언제 사임했어?", 3)
    assert "윙즈" in result.names and not result.in_corpus("윙즈")  # the note's 블루윙즈 is indexed whole
    assert evidence.unknown_names == ()
    assert library.examine("멕클레이 선교사는 누구에게 허가를 받았어?", 3)[1].unknown_names == ()  # ㅔ / ㅐ
    assert library.examine("손흥민은 어느 팀이야?", 3)[1].unknown_names == ("손흥민",)


def test_a_name_of_three_syllables_or_more_mistyped_by_one_letter_is_not_unknown(tmp_path, analyzers):
    notes = {"people.md": "# 인물 메모\n\n강완구는 1969년에 서울대학교 법과대학을 졸업했다.\n"}
    library = open_library(tmp_path, analyzers, notes)
    result, evidence = library.examine("강원구가 졸업한 대학은?", 3)  # ㅝ for ㅘ
    assert "강원구" in result.names and not result.in_corpus("강원구")
    assert evidence.unknown_names == ()
    assert library.examine("깅윈구가 졸업한 대학은?", 3)[1].unknown_names == ("깅윈구",)  # two letters off
    assert library.examine("강원도가 졸업한 대학은?", 3)[1].unknown_names == ("강원도",)  # two in one syllable


def test_a_noun_of_one_syllable_counts_toward_coverage_only_when_the_question_has_no_other(tmp_path, analyzers):
    library = open_library(tmp_path, analyzers, {"tech/git.md": GIT})  # "합치기 전에": 전, before
    result, evidence = library.examine("김치전 바삭하게 부치는 법", 3)
    assert {"김치", "전"} <= result.nouns and evidence.coverage == 0.0  # 김치전's 전 is no evidence
    assert library.examine("전에 뭐 해?", 3)[1].coverage == 1.0


def test_words_that_say_when_or_how_good_count_toward_coverage_only_when_the_question_has_no_other(tmp_path, analyzers):
    notes = {"life/run.md": "# 달리기\n\n내일 아침에는 한강에서 5km를 달린다. 최고 기록은 24분.\n"}
    library = open_library(tmp_path, analyzers, notes)
    result, evidence = library.examine("내일 아침에 우산 챙겨야 해?", 3)
    assert {"내일", "아침", "우산"} <= result.nouns and evidence.coverage == 0.0  # 우산: the only topic
    assert library.examine("내일 아침에 한강에서 달려?", 3)[1].coverage == 1.0  # 한강: held
    assert library.examine("내일 아침에는 뭐 해?", 3)[1].coverage == 1.0  # nothing else to count
    # 눈 (snow or an eye) is one syllable, yet more of a topic than 이번 or 주말: it alone counts, not held
    weekend = open_library(
        tmp_path / "weekend", analyzers, {"life/walk.md": "# 이번 주말\n\n이번 주말에는 공원을 걷는다. 주말 산책.\n"}
    )
    assert weekend.examine("이번 주말에 눈 온대?", 3)[1].coverage == 0.0


def test_evidence_scattered_counts_nouns_the_notes_hold_elsewhere(tmp_path, analyzers):
    library = open_library(tmp_path, analyzers, {"tech/git.md": GIT, "work/plan.md": "# 계획\n\n예산과 일정 정리.\n"})
    result, evidence = library.examine("force-with-lease 옵션과 예산", 3)
    best = result.records[0].chunk.note
    assert best == "tech/git.md" and evidence.scattered > 0  # 예산 is in another note


def test_a_long_question_counts_its_scattered_nouns_as_a_share(tmp_path, analyzers):
    plan = "# 계획\n\n예산과 일정 정리.\n"
    release = "# 출시\n\n서버 배포 버전 태그 로그 알림 대시보드 장애 담당자 회의록 점검표 목록 정리.\n"
    library = open_library(tmp_path, analyzers, {"work/plan.md": plan, "work/release.md": release})
    short = "서버 배포 예산"
    long = "서버 배포 버전 태그 로그 알림 대시보드 장애 담당자 회의록 점검표 목록 예산"
    (short_result, short_evidence), (long_result, long_evidence) = (library.examine(q, 3) for q in (short, long))
    assert short_result.records[0].chunk.note == long_result.records[0].chunk.note == "work/release.md"
    assert len(set(long_result.query_terms) & long_result.nouns) > LONG_QUESTION
    assert 0 < long_evidence.scattered < short_evidence.scattered  # 예산 alone is elsewhere, in both


def test_evidence_scattered_leaves_out_korean_nouns_an_english_best_passage_could_not_hold(tmp_path, analyzers):
    english = "# Pushing\n\nAfter a rebase, push with force-with-lease, never with plain force.\n"
    notes = {"tech/push.md": english, "work/plan.md": "# 계획\n\n예산과 일정 정리.\n"}
    library = open_library(tmp_path, analyzers, notes)
    result, evidence = library.examine("force-with-lease 옵션과 예산", 3)
    assert result.records[0].chunk.note == "tech/push.md" and result.in_corpus("예산")
    assert evidence.scattered == 0  # 예산 is in another note, but an English passage would not write it


def test_a_hangul_name_an_english_best_passage_could_only_write_in_english_counts_less(tmp_path, analyzers):
    english = "# Home network\n\n## Wi-Fi\n\nThe guest network cannot see the printer.\n"
    notes = {"home/network.md": english, "work/plan.md": "# 계획\n\n예산과 일정 정리.\n"}
    library = open_library(tmp_path, analyzers, notes)
    result, evidence = library.examine("손님용 와이파이에서 printer가 보여?", 3)
    assert result.records[0].chunk.note == "home/network.md"
    assert evidence.unknown_names == ("와이파이",) and evidence.names_across == 1  # the note writes Wi-Fi
    _, korean = library.examine("예산 계획에서 손흥민은 뭐라고 했어?", 3)
    assert korean.unknown_names == ("손흥민",) and korean.names_across == 0  # a Korean passage could hold it
    model = ConfidenceModel()
    same_script, no_name = replace(evidence, names_across=0), replace(evidence, unknown_names=(), names_across=0)
    assert model.confidence(same_script) < model.confidence(evidence) < model.confidence(no_name)


def test_confidence_rises_with_margin_and_coverage_and_falls_with_unknown_names():
    model = ConfidenceModel()
    base = Evidence(margin=0.02, coverage=0.5, unknown_names=(), scattered=0.0)
    assert 0 < model.confidence(base) < 1
    assert model.confidence(Evidence(0.05, 0.5, (), 0.0)) > model.confidence(base)
    assert model.confidence(Evidence(0.02, 1.0, (), 0.0)) > model.confidence(base)
    assert model.confidence(Evidence(0.02, 0.5, ("mysql",), 0.0)) < model.confidence(base)
    assert model.confidence(Evidence(0.02, 0.5, (), 1.0)) < model.confidence(base)
    far = Evidence(margin=-0.05, coverage=0.0, unknown_names=(), scattered=0.0)
    assert model.confidence(far) < model.threshold <= model.confidence(base)


def test_topic_anchors_are_cached_per_model_and_reembedded_when_damaged(tmp_path):
    embedder = HashingEmbedder()
    first = TopicAnchors.load(embedder, tmp_path)
    cached = list(tmp_path.glob("topics-*.npy"))
    assert first.vectors.shape == (len(ANCHORS), embedder.dim) and len(cached) == 1
    embedder.passages_embedded.clear()
    again = TopicAnchors.load(embedder, tmp_path)
    assert embedder.passages_embedded == [] and np.array_equal(again.vectors, first.vectors)
    cached[0].write_bytes(b"damaged")
    repaired = TopicAnchors.load(embedder, tmp_path)
    assert len(embedder.passages_embedded) == len(ANCHORS) and np.array_equal(repaired.vectors, first.vectors)


def test_a_background_passage_sets_the_margin_but_never_the_language_gap():
    """The recipe passage, not the recipe line, is what a recipe question comes nearest; the gap
    between the topics' English and Korean lines must not move with passages that have no pair."""
    dim = 4
    lines = np.zeros((len(TOPICS), dim), dtype=np.float32)
    lines[:, 0] = 0.5
    passages = np.zeros((len(BACKGROUND), dim), dtype=np.float32)
    passages[0, 1] = 0.9
    anchors = TopicAnchors(np.vstack([lines, passages]))
    question = np.array([1.0, 1.0, 0.0, 0.0], dtype=np.float32)
    assert anchors.best(question) == pytest.approx(0.9)
    assert anchors.language_gap(question) == pytest.approx(0.0)
    assert TopicAnchors(lines).best(question) == pytest.approx(0.5)


def test_an_english_question_names_a_korean_word_in_romanization_and_the_notes_hold_it(tmp_path, analyzers):
    notes = {"travel/trip.md": "# 여행\n\n부산 가는 KTX는 서울역에서 7시에 탔다.\n"}
    library = open_library(tmp_path, analyzers, notes)
    result, evidence = library.examine("When did the train to Busan leave?", 3)
    assert result.spellings["busan"] == ("부산",) and evidence.unknown_names == ()
    _, unknown = library.examine("When did the train to Daejeon leave?", 3)
    assert unknown.unknown_names == ("daejeon",)  # a name the notes do not hold, in either script


def test_an_english_question_meets_a_korean_passage_raised_by_a_share_of_the_language_gap(tmp_path, analyzers):
    notes = {"health/knee.md": "# 무릎\n\n의사는 연골이 약간 닳았다고 했다. 계단을 피하라고 했다.\n"}
    library = open_library(tmp_path, analyzers, notes)
    question = "What did the doctor say about my knee?"
    result, evidence = library.examine(question, 3)
    vector = library.embedder.embed_queries([question])[0]
    gap = library.topics.language_gap(vector)
    assert gap > 0  # the question comes nearer the topics' English lines than their Korean ones
    raised = max(result.best_dense, result.hits[0].dense + ENGLISH_GAP_SHARE * gap)
    assert raised > result.best_dense  # raised, though by less than the whole gap
    assert evidence.margin == pytest.approx(raised - library.topics.best(vector))
    korean, korean_evidence = library.examine("의사는 무릎에 대해 뭐라고 했어?", 3)
    korean_vector = library.embedder.embed_queries(["의사는 무릎에 대해 뭐라고 했어?"])[0]
    assert korean_evidence.margin == pytest.approx(korean.best_dense - library.topics.best(korean_vector))


def test_a_korean_question_meets_an_english_prose_passage_across_the_language_gap_but_not_code(
    tmp_path, analyzers, monkeypatch
):
    notes = {
        "climbing.md": "# Shoes\n\nClimbing shoes should be tight but not painful; size down half a size.\n",
        "deploy.md": "# 배포\n\n```bash\nrun_step 0 --target server-0 --timeout 30\nundo_step 0\n```\n",
    }
    library = open_library(tmp_path, analyzers, notes)
    monkeypatch.setattr(library.topics, "language_gap", lambda _vector: -0.5)  # much nearer the Korean lines
    question = "암벽화는 얼마나 작게 사야 해?"
    vector = library.embedder.embed_queries([question])[0]
    result, _ = library.examine(question, 50)  # every passage, the Docker note's too
    for top in ("climbing.md", "deploy.md"):
        n = next(i for i, r in enumerate(result.records) if r.chunk.note == top)
        chosen = replace(result, hits=result.hits[n : n + 1], records=result.records[n : n + 1])
        evidence = gather_evidence(chosen, vector, library.topics, question)
        plain = chosen.best_dense - library.topics.best(vector)
        if top == "climbing.md":  # English prose: its cosine raised by the gap
            raised = chosen.hits[0].dense + 0.5 - library.topics.best(vector)
            assert evidence.margin == pytest.approx(raised) and evidence.margin > plain
        else:  # code is in neither language
            assert evidence.margin == pytest.approx(plain)


def test_an_adjective_the_glossary_maps_covers_nothing_of_an_english_question(tmp_path, analyzers):
    library = open_library(tmp_path, analyzers, {})  # the Docker note writes 좋다고 (good)
    result, evidence = library.examine("good laptop for programming?", 3)
    assert "좋" in result.query_terms and result.in_corpus("좋")
    assert evidence.coverage == 0.0  # laptop and programming are what it asks about
