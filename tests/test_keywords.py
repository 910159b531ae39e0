from backend.keywords import NAME, NOUN, WORD, KoreanAnalyzer


def test_terms_keep_loanwords_whole_in_every_context():
    analyzer = KoreanAnalyzer()
    for text in ("도커", "쿠버네티스랑 도커는", "도커란?"):
        assert "도커" in analyzer.terms(text), text


def test_terms_map_english_to_the_korean_form():
    analyzer = KoreanAnalyzer()
    assert set(analyzer.terms("Is Docker better than a VM?")) >= {"도커", "가상", "머신"}
    assert set(analyzer.terms("도커는 가상 머신보다 좋다")) >= {"도커", "가상", "머신"}


def test_an_adjective_on_ha_gives_its_root_whether_kiwi_reads_it_whole_or_split():
    analyzer = KoreanAnalyzer()
    for text in ("외장 디스크면 충분함?", "외장 디스크면 충분해?", "외장 디스크 하나면 백업은 충분한가?"):
        assert "충분" in analyzer.terms(text) and "충분하" not in analyzer.terms(text), text
    assert "깨끗" in analyzer.terms("방이 깨끗해") and "깨끗" in analyzer.terms("방은 깨끗한가?")


def test_terms_keep_file_names_and_versions_whole():
    analyzer = KoreanAnalyzer()
    assert analyzer.terms("requirements.dev.txt 파일") == ["requirements", "dev", "txt", "파일"]
    assert "ec2" in analyzer.terms("EC2에서 쓰던 가상환경")


def test_note_vocabulary_takes_pairs_and_unstable_nouns_from_the_note():
    analyzer = KoreanAnalyzer()
    text = "포드맨(Podman)은 데몬이 없다. 포드맨을 쓰면 루트 없이 돈다. 포드맨과 도커는 다르다."
    words, pairs = analyzer.note_vocabulary(text)
    assert pairs["podman"] == "포드맨"
    with_pairs = KoreanAnalyzer(words, pairs)
    assert "포드맨" in with_pairs.terms("Podman이란?")


def test_an_english_question_names_what_it_writes_in_capitals_inside_a_sentence():
    analyzer = KoreanAnalyzer()
    kinds = dict(analyzer.classified_terms("Who was the first king of Joseon?"))
    assert kinds["joseon"] == NAME and kinds["king"] == WORD
    assert dict(analyzer.classified_terms("Is SSH open to the internet?"))["ssh"] == NAME
    for text in ("What did I do on Monday?", "Where did I park in March?", "Kubernetes or plain Docker?"):
        assert NAME not in dict(analyzer.classified_terms(text)).values(), text  # a date; first word; glossary


def test_english_adjectives_the_glossary_maps_stay_words_not_nouns():
    analyzer = KoreanAnalyzer()
    kinds = dict(analyzer.classified_terms("What's a good budget laptop for students?"))
    assert kinds["좋"] == WORD  # "good" is 좋다: no noun of the notes to count as covered
    assert dict(analyzer.classified_terms("Is Docker better than a VM?"))["도커"] == NOUN


def test_words_that_shape_a_how_to_question_are_no_terms():
    analyzer = KoreanAnalyzer()
    # "…하는 순서" asks for steps as "…하는 방법" does: a meeting note's "올린 순서대로" holds no recipe
    assert analyzer.terms("된장국 끓이는 순서 알려줘") == ["된장국", "끓이"]
    assert "방법" not in analyzer.terms("설치하는 방법은?")
    assert analyzer.terms("풀리퀘스트는 어떤 방식으로 합쳐?") == ["풀리퀘스트", "합치"]  # 방식 asks as 방법 does
    assert "확인" not in analyzer.terms("더운 날 땅이 뜨거운지 어떻게 확인해?")  # "how do I check": the asking
    # "last time" points back in a conversation and names no topic: the question has no noun of its own
    assert analyzer.terms("지난번엔 얼마나 걸렸어?") == ["얼마나", "걸리"]
    assert analyzer.terms("저번에 간 곳은 어디야?") == ["가", "곳"]


def test_a_line_with_no_sentence_ending_is_also_read_as_a_sentence():
    analyzer = KoreanAnalyzer()
    assert analyzer.terms("첫날") == ["날"]  # Kiwi alone: 첫 + 날
    assert "첫날" in analyzer.line_terms("첫날") and "첫날" in analyzer.terms("입사 첫날 컴퓨터는 어디서 받아?")
    sentence = "인사팀에서 노트북을 받는다."
    assert analyzer.line_terms(sentence) == analyzer.terms(sentence)  # a sentence is read once
