"""Load the configured sentence-transformers model, or explain why not.

The assistant must start on a machine with no network and no model: loading is
offline unless the user opts in, and every failure becomes a notice plus
lexical-only retrieval rather than an exception or a hang.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

from .settings import EmbeddingSettings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


class Embedder(Embeddings):
    """A sentence-transformers model behind LangChain's `Embeddings` interface."""

    def __init__(self, model: "SentenceTransformer", name: str, batch_size: int) -> None:
        self.model = model
        self.name = name
        self.batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def unknown_token_rate(self, texts: list[str]) -> float:
        """Share of word pieces the tokenizer cannot represent: a model that maps most
        Chinese characters to [UNK] embeds every Chinese passage alike."""
        tokenizer = self.model.tokenizer
        unknown_id = tokenizer.unk_token_id
        if unknown_id is None or not texts:
            return 0.0
        encoded = tokenizer(texts, add_special_tokens=False, truncation=True, max_length=512)
        ids = [token for row in encoded["input_ids"] for token in row]
        return sum(token == unknown_id for token in ids) / max(len(ids), 1)


@dataclass
class EmbedderLoad:
    embedder: Embedder | None
    notice: str  # empty when the model loaded


def load_embedder(settings: EmbeddingSettings) -> EmbedderLoad:
    name = settings.model
    if not settings.allow_download:
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        from sentence_transformers import SentenceTransformer

        if settings.allow_download:
            import huggingface_hub.constants

            huggingface_hub.constants.HF_HUB_OFFLINE = False
        local = Path(name).expanduser()
        model = SentenceTransformer(
            str(local) if local.exists() else name,
            device=settings.device,
            local_files_only=not settings.allow_download,
        )
    except Exception as error:  # any failure here means "run without the dense leg"
        missing_offline = not settings.allow_download and "cached files" in str(error)
        if missing_offline:
            reason = "it is not in the local Hugging Face cache and downloads are off; set embedding.model to a local folder"
        else:
            reason = (str(error).splitlines() or [type(error).__name__])[0][:160].rstrip(".")
        return EmbedderLoad(None, f"Embedding model {name!r} could not be loaded ({reason})")
    return EmbedderLoad(Embedder(model, name, settings.batch_size), "")
