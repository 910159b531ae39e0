"""The bundled model as ONNX: exported from the local sentence-transformers folder, offline.

`python -m backend prepare-model` writes `onnx/model.onnx` (fp32) and `onnx/model_qint8.onnx`
(int8 weights in 7 bits, dynamic quantization, one scale per output channel) into the model folder. Torch
is needed for the export only; serving the ONNX model imports neither torch nor
sentence-transformers (see embedding.OnnxEmbedder). sentence-transformers' own ONNX backend
needs optimum-onnx, which pins transformers 4.57 and tokenizers 0.22: it cannot live beside the
pinned transformers 5, so the export is done with torch.onnx and onnxruntime.quantization.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from pathlib import Path

from backend.errors import ModelUnavailableError

log = logging.getLogger(__name__)

FOLDER = "onnx"
FILES = {"fp32": "model.onnx", "int8": "model_qint8.onnx"}
MARKER = "export.json"  # written last: a folder without it is incomplete
# Weights in 7 bits (reduce_range): x86 CPUs without VNNI (AVX2, AVX-512 before Cascade Lake; this
# machine's AMD EPYC) multiply uint8 activations by int8 weights in pairs summed into 16 bits, which
# saturate with 8-bit weights, so the same question got another vector on another CPU (here a
# question's cosine to the fp32 export was 0.9949 on average and 0.985 at worst with 8 bits, 0.9964
# and 0.993 with 7: bench/quantization.py). 7-bit products cannot saturate: every CPU computes
# the same integer products, so what bench/ measured is what a user's machine answers.
INT8 = "dynamic, per channel, 7-bit weights"
# how an embedder's name (and so an index built with it) tells the exports apart
LABELS = {"fp32": "fp32", "int8": "int8 7-bit"}


def onnx_path(model_dir: Path, precision: str) -> Path:
    return model_dir / FOLDER / FILES[precision]


def export_onnx(model_dir: Path) -> Path:
    """Export the transformer of a sentence-transformers folder (fp32 and int8); returns the folder."""
    target = model_dir / FOLDER
    if _exported(target):
        return target
    try:
        import torch
        from onnxruntime.quantization import QuantType, quantize_dynamic
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ModelUnavailableError(f"cannot export the ONNX model ({exc}); run `make model`") from exc

    class LastHiddenState(torch.nn.Module):  # torch.onnx wants a forward of plain tensors
        def __init__(self, bert) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    model = SentenceTransformer(str(model_dir), device="cpu")
    bert = model[0].auto_model.eval()
    example = model.tokenizer(["query: 준비"], return_tensors="pt")
    work = Path(tempfile.mkdtemp(prefix=".onnx-", dir=model_dir))
    try:
        with torch.no_grad():
            torch.onnx.export(
                LastHiddenState(bert),
                (example["input_ids"], example["attention_mask"]),
                str(work / FILES["fp32"]),
                dynamo=False,
                input_names=["input_ids", "attention_mask"],
                output_names=["last_hidden_state"],
                dynamic_axes={name: {0: "batch", 1: "tokens"} for name in ("input_ids", "attention_mask")}
                | {"last_hidden_state": {0: "batch", 1: "tokens"}},
                opset_version=17,
            )
        quantize_dynamic(
            str(work / FILES["fp32"]),
            str(work / FILES["int8"]),
            weight_type=QuantType.QInt8,
            per_channel=True,
            reduce_range=True,
        )
        (work / MARKER).write_text(json.dumps({"from": str(model_dir.name), "int8": INT8}))
        for path in [work, *work.iterdir()]:  # readable by the unprivileged user of the image
            path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(target, ignore_errors=True)
        work.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log.info("ONNX models written to %s", target)
    return target


def _exported(target: Path) -> bool:
    """The folder holds a finished export of the current kind (an older int8 export is redone)."""
    try:
        return json.loads((target / MARKER).read_text()).get("int8") == INT8
    except (OSError, ValueError):
        return False
