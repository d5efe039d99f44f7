"""Hybrid retrieval: BM25 and dense rankings fused by reciprocal rank fusion.

RRF needs no score calibration between the two legs, which matters because BM25
scores and cosine similarities live on unrelated scales.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, TypedDict

from .chunk import Chunk
from .embed import Embedder
from .lexical import LexicalIndex, expand_english, is_english, tokenize
from .settings import RetrievalSettings
from .store import ChunkStore, Filters, VectorStore


class Turn(TypedDict):
    role: Literal["user", "assistant"]
    content: str


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    rank: int  # 1-based
    score: float  # fused RRF score
    lexical_rank: int | None
    dense_rank: int | None


# Pronouns and openers that point back at an earlier turn ("它的总投资是多少？").
_LEANS_ON_HISTORY = re.compile(
    r"^(那|那么|那它|同时|另外|此外|还有|接着|然后|其中)|它|他|她|其|该|这个|那个|这些|那些|这项|此项|上述|前者|后者"
    r"|\b(it|its|they|their|he|his|she|her|that|those|this)\b",
    re.IGNORECASE,
)


def is_follow_up(question: str) -> bool:
    return bool(_LEANS_ON_HISTORY.search(question)) or len(tokenize(question)) <= 2


def search_query(question: str, history: list[Turn]) -> str:
    """The text to retrieve with: a follow-up borrows the subject of the last user turn."""
    earlier = [turn["content"] for turn in history if turn["role"] == "user"]
    query = f"{earlier[-1]} {question}" if earlier and is_follow_up(question) else question
    return expand_english(query) if is_english(question) else query


class Retriever:
    def __init__(
        self,
        chunks: ChunkStore,
        lexical: LexicalIndex,
        settings: RetrievalSettings,
        vectors: VectorStore | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.chunks = chunks
        self.lexical = lexical
        self.settings = settings
        self.vectors = vectors
        self.embedder = embedder

    @property
    def mode(self) -> Literal["hybrid", "lexical"]:
        return "hybrid" if self.vectors is not None and self.embedder is not None else "lexical"

    def retrieve(self, query: str, filters: Filters = Filters(), k: int | None = None) -> list[Hit]:
        k = k or self.settings.top_k
        depth = max(self.settings.candidates, k)
        lexical_ids = [hit.chunk_id for hit in self.lexical.search(query, depth, self.lexical.mask(filters))]
        dense_ids: list[str] = []
        if self.mode == "hybrid":
            dense_ids = [i for i, _ in self.vectors.search(self.embedder.embed_query(query), depth, filters)]
        fused = self._fuse(lexical_ids, dense_ids)[:k]
        chunks = {chunk.id: chunk for chunk in self.chunks.get([chunk_id for chunk_id, _ in fused])}
        lexical_rank = {chunk_id: rank for rank, chunk_id in enumerate(lexical_ids, 1)}
        dense_rank = {chunk_id: rank for rank, chunk_id in enumerate(dense_ids, 1)}
        hits = []
        for chunk_id, score in fused:
            if chunk_id in chunks:
                hits.append(
                    Hit(chunks[chunk_id], len(hits) + 1, score, lexical_rank.get(chunk_id), dense_rank.get(chunk_id))
                )
        return hits

    def _fuse(self, lexical_ids: list[str], dense_ids: list[str]) -> list[tuple[str, float]]:
        scores: dict[str, float] = {}
        for weight, ranking in ((self.settings.lexical_weight, lexical_ids), (self.settings.dense_weight, dense_ids)):
            for rank, chunk_id in enumerate(ranking, 1):
                scores[chunk_id] = scores.get(chunk_id, 0.0) + weight / (self.settings.rrf_k + rank)
        return sorted(scores.items(), key=lambda item: item[1], reverse=True)
