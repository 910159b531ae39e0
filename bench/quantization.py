"""Does the int8 export give the same vectors on every CPU? Its 7-bit weights beside 8-bit ones.

    python -m bench.quantization [--questions 300]

x86 CPUs without VNNI multiply int8 weights by uint8 activations in pairs summed into 16 bits
(VPMADDUBSW), which saturate when the weights use all 8 bits; CPUs with VNNI (and ARM) do not.
An 8-bit export therefore gives another vector for the same question on another CPU, and the
answers measured on one machine are not the ones a user gets on theirs. The shipped export keeps
its weights in 7 bits (onnx_export.INT8), whose products cannot saturate anywhere.

Exports an 8-bit copy of the fp32 model into a temporary folder, then encodes the questions of
every vault (tests/data/vaults) and the paragraphs of their notes with the fp32 export, the shipped
7-bit int8 export and the 8-bit copy, one thread each, alternating engines question by question.
Prints this CPU's VNNI flags, each int8 export's cosine to fp32 (mean, 1st percentile, minimum) and
the query encode p50 of each.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from backend.embedding import MAX_TOKENS
from backend.evaluation import load_vault
from backend.onnx_export import onnx_path
from backend.settings import Settings
from bench.openvino import Engine

ROOT = Path(__file__).resolve().parents[1]
VAULTS = ROOT / "tests" / "data" / "vaults"
SEED_NOTE = ROOT / "corpus" / "docker-vm-kubernetes.md"
SHIPPED = "int8, 7-bit weights (shipped)"


def cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    line = next((line for line in text.splitlines() if line.startswith(("flags", "Features"))), "")
    return set(line.partition(":")[2].split())


def texts(limit: int) -> tuple[list[str], list[str]]:
    questions, paragraphs = [], []
    for path in sorted(VAULTS.glob("*/questions.json")):
        questions += [q.question for q in load_vault(path.parent, SEED_NOTE).questions]
    for path in sorted(VAULTS.rglob("*.md")):
        paragraphs += [p.strip() for p in path.read_text().split("\n\n") if len(p.strip()) > 40]
    return questions[:limit], paragraphs[:limit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=300)
    args = parser.parse_args()
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from tokenizers import Tokenizer

    model_dir = Settings().bundled_model_dir
    if not onnx_path(model_dir, "int8").exists():
        print(f"no ONNX export under {model_dir}: run `make model` first (skipped)")
        return
    flags = cpu_flags()
    vnni = sorted(flags & {"avx512_vnni", "avx_vnni", "amx_int8"})
    print(f"CPU: {'VNNI (' + ', '.join(vnni) + ')' if vnni else 'no VNNI'}; "
          f"{'AVX2' if 'avx2' in flags else 'no AVX2'}{', AVX-512' if 'avx512f' in flags else ''}")  # fmt: skip
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    work = Path(tempfile.mkdtemp(prefix="int8-8bit-"))
    try:
        eight_bit = work / "model_8bit.onnx"
        quantize_dynamic(
            str(onnx_path(model_dir, "fp32")), str(eight_bit), weight_type=QuantType.QInt8, per_channel=True
        )
        engines = {
            "fp32": Engine("onnxruntime", onnx_path(model_dir, "fp32"), tokenizer),
            SHIPPED: Engine("onnxruntime", onnx_path(model_dir, "int8"), tokenizer),
            "int8, 8-bit weights": Engine("onnxruntime", eight_bit, tokenizer),
        }
        compare(engines, *texts(args.questions))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def compare(engines: dict[str, Engine], questions: list[str], paragraphs: list[str]) -> None:
    vectors: dict[str, list[np.ndarray]] = {name: [] for name in engines}
    times: dict[str, list[float]] = {name: [] for name in engines}
    for engine in engines.values():
        engine.encode(["warm up"], "query: ")
    order = list(engines.items())
    for i, question in enumerate(questions):
        for name, engine in order if i % 2 else reversed(order):
            started = time.perf_counter()
            vectors[name].append(engine.encode([question], "query: ")[0])
            times[name].append((time.perf_counter() - started) * 1000)
    passages = {name: engine.encode(paragraphs, "passage: ") for name, engine in engines.items()}
    reference = np.stack(vectors["fp32"])
    print(f"{len(questions)} questions, {len(paragraphs)} paragraphs; cosine to the fp32 export")
    for name in engines:
        p50 = statistics.median(times[name])
        line = f"  {name:30s} query p50 {p50:6.2f} ms"
        if name != "fp32":
            asked = (np.stack(vectors[name]) * reference).sum(axis=1)
            written = (passages[name] * passages["fp32"]).sum(axis=1)
            line += f"  questions {summary(asked)}  paragraphs {summary(written)}"
        print(line)
    fp32, shipped = statistics.median(times["fp32"]), statistics.median(times[SHIPPED])
    if not 1.0 < fp32 / shipped < 4.0:
        print(f"  ! fp32 / int8 query time {fp32 / shipped:.2f}x is outside 1-4x (1.7x in this stop's runs): "
              "the machine was busy or a runtime fell back to another kernel; run again")  # fmt: skip


def summary(cosines: np.ndarray) -> str:
    return f"mean {cosines.mean():.4f} p1 {np.percentile(cosines, 1):.4f} min {cosines.min():.4f}"


if __name__ == "__main__":
    main()
