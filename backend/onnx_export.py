"""The bundled model as ONNX: exported from the local sentence-transformers folder, offline.

`python -m backend prepare-model` writes `onnx/model.onnx` (fp32) and `onnx/model_qint8.onnx`
(int8 weights, dynamic quantization, one scale per output channel) into the model folder. Torch
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


def onnx_path(model_dir: Path, precision: str) -> Path:
    return model_dir / FOLDER / FILES[precision]


def export_onnx(model_dir: Path) -> Path:
    """Export the transformer of a sentence-transformers folder (fp32 and int8); returns the folder."""
    target = model_dir / FOLDER
    if (target / MARKER).exists():
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
            str(work / FILES["fp32"]), str(work / FILES["int8"]), weight_type=QuantType.QInt8, per_channel=True
        )
        (work / MARKER).write_text(json.dumps({"from": str(model_dir.name), "int8": "dynamic, per channel"}))
        for path in [work, *work.iterdir()]:  # readable by the unprivileged user of the image
            path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(target, ignore_errors=True)
        work.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log.info("ONNX models written to %s", target)
    return target
