"""OpenVINO beside ONNX Runtime on the same exported models: is it faster here?

    python -m bench.openvino [--questions 60]

Loads the bundled model's ONNX exports (fp32 and int8) in OpenVINO and in ONNX Runtime, one
thread each, and encodes the same questions and passages through the same tokenizer and mean
pooling, alternating engines question by question so machine noise falls on both alike. Prints
query encode p50, passages/s and the cosine of each OpenVINO vector to ONNX Runtime's. The
product answers with ONNX Runtime int8 by default; NOTES_EMBEDDING_BACKEND=openvino runs the fp32
export. Without the openvino package this benchmark says so and stops.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from backend.embedding import MAX_TOKENS
from backend.onnx_export import onnx_path
from backend.settings import Settings

QUESTIONS = [
    "도커는 VM보다 항상 좋은가?",
    "쿠버네티스와 도커는 어떤 관계야?",
    "하이퍼바이저는 무슨 역할을 해?",
    "컨테이너가 가상 머신보다 가벼운 이유는?",
    "레거시 윈도우 프로그램은 어디서 돌려?",
    "Why would I still pick a virtual machine?",
]
PASSAGE = "가상 머신은 독립적인 운영 체제를 제공하기 때문에 호스트와 애플리케이션을 격리한다. " * 8


class Engine:
    """One ONNX model in one runtime, one thread, with the product's tokenizer and pooling."""

    def __init__(self, runtime: str, path, tokenizer) -> None:
        self.name, self.tokenizer = f"{runtime} {path.stem}", tokenizer
        if runtime == "onnxruntime":
            import onnxruntime

            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads, options.inter_op_num_threads = 1, 1
            session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
            self._run = lambda ids, mask: session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        else:
            import openvino

            core = openvino.Core()
            compiled = core.compile_model(str(path), "CPU", {"INFERENCE_NUM_THREADS": 1, "NUM_STREAMS": 1})
            request = compiled.create_infer_request()
            self._run = lambda ids, mask: next(iter(request.infer({"input_ids": ids, "attention_mask": mask}).values()))

    def encode(self, texts: list[str], prompt: str) -> np.ndarray:
        encodings = self.tokenizer.encode_batch([prompt + t for t in texts])
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, e in enumerate(encodings):
            ids[row, : len(e.ids)], mask[row, : len(e.ids)] = e.ids, 1
        hidden = np.asarray(self._run(ids, mask), dtype=np.float32)
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=60)
    args = parser.parse_args()
    try:
        import openvino  # noqa: F401
    except ImportError:
        print("openvino is not installed: pip install openvino==2026.4.1 to compare (skipped)")
        return
    from tokenizers import Tokenizer

    model_dir = Settings().bundled_model_dir
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    for precision in ("fp32", "int8"):
        path = onnx_path(model_dir, precision)
        engines = [Engine("onnxruntime", path, tokenizer), Engine("openvino", path, tokenizer)]
        times: dict[str, list[float]] = {e.name: [] for e in engines}
        vectors: dict[str, list[np.ndarray]] = {e.name: [] for e in engines}
        for e in engines:
            e.encode(["warm up"], "query: ")
        for i in range(args.questions):
            question = f"{QUESTIONS[i % len(QUESTIONS)]} ({i})"
            for e in engines if i % 2 else reversed(engines):
                started = time.perf_counter()
                vectors[e.name].append(e.encode([question], "query: ")[0])
                times[e.name].append((time.perf_counter() - started) * 1000)
        reference = np.stack(vectors[engines[0].name])
        for e in engines:
            rate = max(passage_rate(e) for _ in range(3))
            p50, p95 = statistics.median(times[e.name]), float(np.percentile(times[e.name], 95))
            if p95 > 3 * p50:
                print(f"  ! {e.name}: p95 {p95:.1f} ms is over 3x its p50; the machine was busy, run again")
            cosine = float((np.stack(vectors[e.name]) * reference).sum(axis=1).min())
            print(f"{e.name:28s} query p50 {p50:6.2f} ms  passages/s {rate:6.1f}  "
                  f"min cosine to onnxruntime {cosine:.4f}")  # fmt: skip


def passage_rate(engine: Engine, count: int = 16) -> float:
    started = time.perf_counter()
    engine.encode([PASSAGE] * count, "passage: ")
    return count / (time.perf_counter() - started)


if __name__ == "__main__":
    main()
