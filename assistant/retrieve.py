"""Hybrid retrieval: BM25 and dense rankings fused into one.

The default fusion is score-aware (see `fuse`): measured on the train parts of
eval/split.json, equal-weight reciprocal rank fusion lowered hit@1 where BM25 was
right, because it throws away how clearly BM25 preferred its first chunk. The dense
leg searches what is embedded so far, so text is findable (lexically) the moment it
is stored. English questions reach the Chinese articles through the dense leg,
through the glossary (assistant/glossary_en_zh.tsv), which still measurably helps
their lexical leg (README, Benchmarks), and through the names their pinyin spells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal, TypedDict

from .chunk import Chunk
from .embed import Embedder, EmbeddingError
from .lexical import LexicalHit, LexicalIndex, english_equivalents, expand_abbreviations, expand_english, is_english, tokenize
from .pinyin import pinyin_names
from .settings import RetrievalSettings
from .store import ChunkStore, Filters, VectorStore


class Turn(TypedDict):
    role: Literal["user", "assistant"]
    content: str


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    rank: int  # 1-based
    score: float  # fused score (retrieve.fuse)
    lexical_rank: int | None
    dense_rank: int | None


# Pronouns and openers that point back at an earlier turn ("它的总投资是多少？").
_LEANS_ON_HISTORY = re.compile(
    r"^(那|那么|那它|同时|另外|此外|还有|接着|然后|其中)|它|他|她|其|该|这个|那个|这些|那些|这么|这样|那样|这种|那种|这项|此项|上述|前者|后者"
    r"|\b(it|its|they|their|he|his|she|her|that|those|this)\b",
    re.IGNORECASE,
)


def is_follow_up(question: str) -> bool:
    """A pronoun, or at most two words of its own ("规模有多大？": 规模): single characters
    such as 多 and 大 name nothing to search for."""
    return bool(_LEANS_ON_HISTORY.search(question)) or sum(len(token) >= 2 for token in tokenize(question)) <= 2


def asked_before(history: list[Turn]) -> list[str]:
    """The user's earlier questions, oldest first."""
    return [turn["content"] for turn in history if turn["role"] == "user"]


def last_answer(history: list[Turn]) -> str:
    """The assistant's last answer, or "" before the first."""
    return next((turn["content"] for turn in reversed(history) if turn["role"] == "assistant"), "")


def search_query(question: str, history: list[Turn]) -> str:
    """The text to retrieve with: a follow-up borrows the subject of the last user turn."""
    earlier = asked_before(history)
    return f"{earlier[-1]} {question}" if earlier and is_follow_up(question) else question


@dataclass
class Legs:
    """Both rankings for one query, best first, before fusion."""

    lexical: list[LexicalHit]
    dense: list[tuple[str, float]] = field(default_factory=list)  # (chunk id, cosine similarity)
    # The cosine of every candidate of either leg that has a vector: a chunk BM25 found
    # is judged by its own similarity, not by whether it made the dense leg's top ranks.
    similarity: dict[str, float] = field(default_factory=dict)
    # No Chinese in the query: BM25 matches it only through the glossary's words.
    english: bool = False


def fuse(legs: Legs, settings: RetrievalSettings) -> list[tuple[str, float]]:
    """The two rankings as one, best first.

    `score` (default): a chunk's BM25 score as a share of the best one, plus
    dense_weight times its cosine similarity above dense_floor, rescaled to 0..1. A
    chunk BM25 clearly prefers keeps its place; where BM25 is weak or undecided
    (close scores, an English question that matches only names and numbers, no
    match at all) the dense leg decides. `rrf`: reciprocal rank fusion, which ignores
    how far apart the scores are.

    When BM25 found at least `lexical_keep` chunks, its first `lexical_keep` stay the
    first ones, in the fused order: the dense leg reorders them and ranks the rest.
    Measured on the train parts, letting it displace them lost passages BM25 had
    right among near-ties (vague questions over many similar news items). An
    English question is another matter: BM25 sees only the glossary's rough Chinese
    for it, so the dense leg weighs `dense_weight_english` and nothing is kept."""
    fused = _scores(legs, settings)
    keep = 0 if legs.english else settings.lexical_keep
    if keep and len(legs.lexical) >= keep:
        kept = {hit.chunk_id for hit in legs.lexical[:keep]}
        first = [item for item in fused if item[0] in kept]
        floor = first[-1][1]  # the rest score at most the last kept chunk, so scores fall with rank
        fused = first + [(chunk_id, min(score, floor)) for chunk_id, score in fused if chunk_id not in kept]
    return fused


def _scores(legs: Legs, settings: RetrievalSettings) -> list[tuple[str, float]]:
    scores: dict[str, float] = {}
    dense_weight = settings.dense_weight_english if legs.english else settings.dense_weight
    if settings.fusion == "rrf":
        rankings = ((settings.lexical_weight, [h.chunk_id for h in legs.lexical]), (dense_weight, [i for i, _ in legs.dense]))
        for weight, ranking in rankings:
            for rank, chunk_id in enumerate(ranking, 1):
                scores[chunk_id] = scores.get(chunk_id, 0.0) + weight / (settings.rrf_k + rank)
    else:
        best = legs.lexical[0].score if legs.lexical else 1.0
        for hit in legs.lexical:
            scores[hit.chunk_id] = settings.lexical_weight * hit.score / best
        for chunk_id, _ in legs.dense:
            scores.setdefault(chunk_id, 0.0)
        floor = settings.dense_floor
        for chunk_id in scores:
            if (similarity := legs.similarity.get(chunk_id)) is not None:
                scores[chunk_id] += dense_weight * max(similarity - floor, 0.0) / (1 - floor)
    return sorted(scores.items(), key=lambda item: item[1], reverse=True)


_NAMES_FROM = 20  # candidates of each leg an English question's names are looked up in


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
        self.notice = ""  # set when the dense leg failed for this retrieval (a server gone)

    @property
    def mode(self) -> Literal["hybrid", "lexical"]:
        return "hybrid" if self.vectors is not None and self.embedder is not None else "lexical"

    def legs(self, query: str, filters: Filters = Filters(), depth: int | None = None, glossary: bool = True) -> Legs:
        """BM25 (an English query with the glossary's Chinese words added, a Chinese one
        with the full names of its abbreviations) and the dense leg (the query as
        asked: the model reads English). `glossary=False` searches the words as asked."""
        depth = depth or self.settings.candidates
        english = is_english(query)
        searched = (expand_english(query) if english else expand_abbreviations(query)) if glossary else query
        mask = self.lexical.mask(filters)
        legs = Legs(self.lexical.search(searched, depth, mask), english=english)
        vector = None
        if self.mode == "hybrid" and (self.settings.dense_weight_english if english else self.settings.dense_weight) > 0:
            try:
                vector = self.embedder.embed_query(query)
            except EmbeddingError as error:  # answer from the lexical leg rather than not at all
                self.notice = f"{error}; this question was searched lexically only."
            else:
                legs.dense = self.vectors.search(vector, depth, filters)
        if glossary and english and (names := self._names_spelt(query, legs)):
            legs.lexical = self.lexical.search(" ".join([searched, *names]), depth, mask)
        if vector is not None:
            legs.similarity = dict(legs.dense)
            others = [hit.chunk_id for hit in legs.lexical if hit.chunk_id not in legs.similarity]
            legs.similarity.update(self.vectors.similarities(vector, others))
        return legs

    def _names_spelt(self, query: str, legs: Legs) -> list[str]:
        """The Chinese names that an English question's pinyin ("Li Jianmin", "Shangliu
        Jiayuan") spells in either leg's candidates. The glossary lists only common names,
        so without these BM25 matches the question's generic words and may rank the chunk
        naming the person below the answer step's passages. Looked up in the candidates,
        not the whole vocabulary: a pinyin table of a years-long archive's words would
        cost seconds and hundreds of megabytes. Names the glossary already gives (Laoshan)
        are not added twice."""
        ids = list(dict.fromkeys([hit.chunk_id for hit in legs.lexical[:_NAMES_FROM]] + [chunk_id for chunk_id, _ in legs.dense[:_NAMES_FROM]]))
        texts = [chunk.text for chunk in self.chunks.get(ids)]
        return [form for name, forms in pinyin_names(query, texts).items() if not english_equivalents(name) for form in forms]

    def retrieve(self, query: str, filters: Filters = Filters(), k: int | None = None) -> list[Hit]:
        k = k or self.settings.top_k
        legs = self.legs(query, filters, max(self.settings.candidates, k))
        fused = fuse(legs, self.settings)[:k]
        chunks = {chunk.id: chunk for chunk in self.chunks.get([chunk_id for chunk_id, _ in fused])}
        lexical_rank = {hit.chunk_id: rank for rank, hit in enumerate(legs.lexical, 1)}
        dense_rank = {chunk_id: rank for rank, (chunk_id, _) in enumerate(legs.dense, 1)}
        hits = []
        for chunk_id, score in fused:
            if chunk_id in chunks:
                hits.append(
                    Hit(chunks[chunk_id], len(hits) + 1, score, lexical_rank.get(chunk_id), dense_rank.get(chunk_id))
                )
        return hits
