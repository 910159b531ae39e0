import numpy as np

from backend.bm25 import BM25Index


def test_bm25_ranks_rarer_and_more_frequent_terms_higher(tmp_path):
    docs = [("도커", "컨테이너"), ("도커", "도커", "이미지"), ("쿠버네티스", "컨테이너", "관리"), ()]
    index = BM25Index.build(docs)
    scores = index.scores(["도커"])
    assert scores[1] > scores[0] > 0 and scores[2] == scores[3] == 0
    assert index.scores(["쿠버네티스", "관리"]).argmax() == 2
    assert index.document_frequency("컨테이너") == 2 and index.document_frequency("없음") == 0
    assert not index.scores(["없음"]).any()
    index.save(tmp_path / "bm25")
    loaded = BM25Index.load(tmp_path / "bm25")
    assert loaded.vocabulary == index.vocabulary
    assert np.allclose(loaded.scores(["도커", "컨테이너"]), index.scores(["도커", "컨테이너"]))


def test_bm25_matches_the_lucene_formula():
    docs = [("a", "b", "a"), ("b",), ("c", "c", "c", "d")]
    index = BM25Index.build(docs)
    n, avg = 3, (3 + 1 + 4) / 3
    df, tf, length = 1, 2, 3
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
    expected = idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * length / avg))
    assert np.isclose(index.scores(["a"])[0], expected)


def test_bm25_of_an_empty_corpus():
    index = BM25Index.build([])
    assert index.scores(["도커"]).shape == (0,)


def test_an_extended_index_equals_one_built_from_scratch():
    docs = [("도커", "컨테이너"), ("도커", "도커", "이미지"), ("쿠버네티스", "컨테이너", "관리"), ("이미지",)]
    base = BM25Index.build(docs)
    added = [("도커", "볼륨"), ()]
    extended = base.extend(np.array([2, 0, 3]), added)
    fresh = BM25Index.build([docs[2], docs[0], docs[3], *added])
    assert set(extended.vocabulary) == set(fresh.vocabulary)  # 도커 stays (in 0 and the new one)
    for term in [*fresh.vocabulary, "없음"]:
        assert np.allclose(extended.scores([term]), fresh.scores([term])), term
        assert extended.document_frequency(term) == fresh.document_frequency(term)


def test_terms_of_removed_documents_leave_the_vocabulary():
    base = BM25Index.build([("도커",), ("쿠버네티스", "관리")])
    extended = base.extend(np.array([0]), [("볼륨",)])
    assert set(extended.vocabulary) == {"도커", "볼륨"}
    assert extended.scores(["쿠버네티스"]).tolist() == [0.0, 0.0]
