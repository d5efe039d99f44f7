"""Chunk records and dense vectors in Chroma.

Two kinds of collection live in one Chroma database:
- `chunks` holds every chunk's text and metadata. It is the source of truth (the
  BM25 index is rebuilt from it) and must work with no embedding model at all,
  so its records carry a constant one-dimensional vector.
- `vectors-<model>` holds one embedding per chunk id for one embedding model.
  Switching models adds a collection and embeds lazily; chunk records stay put.

Chroma never embeds on its own here: its default embedding function downloads a
model, so every collection gets `NoAutoEmbedding`, which fails loudly instead.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import chromadb
import httpx
import numpy as np
from chromadb import Documents, EmbeddingFunction, Embeddings

from .chunk import Chunk
from .settings import StoreSettings

_PLACEHOLDER_VECTOR = [1.0]
_ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_PAGE = 2000


class NoAutoEmbedding(EmbeddingFunction[Documents]):
    """Refuses to embed, so a stray `query_texts` can never trigger a model download."""

    def __init__(self) -> None:
        pass

    def __call__(self, input: Documents) -> Embeddings:
        raise RuntimeError("Chroma was asked to embed text itself; pass embeddings explicitly")

    @staticmethod
    def name() -> str:
        return "no-auto-embedding"

    def get_config(self) -> dict[str, object]:
        return {}

    @staticmethod
    def build_from_config(config: dict[str, object]) -> "NoAutoEmbedding":
        return NoAutoEmbedding()


class StoreUnavailable(RuntimeError):
    """The configured Chroma server cannot be reached; the message says how to start one."""


def open_client(directory: Path, store: StoreSettings | None = None) -> chromadb.ClientAPI:
    """Chroma embedded in `directory`, or (store.mode = http) a `chroma run` server.
    Both speak the same API, so nothing else changes with the mode."""
    settings = chromadb.Settings(anonymized_telemetry=False, allow_reset=False)
    if store is not None and store.mode == "http":
        try:
            client = chromadb.HttpClient(host=store.host, port=store.port, settings=settings)
        except Exception as error:  # connection refused, DNS, TLS...: all mean "no server there"
            raise _unavailable(store, error) from None
        # Chroma's HTTP session has no timeout at all; a frozen server would hang every caller.
        client._server._session.timeout = httpx.Timeout(store.timeout)  # type: ignore[attr-defined]
        return client
    directory.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(directory / "chroma"), settings=settings)


@contextmanager
def server_errors(store: StoreSettings) -> Iterator[None]:
    """Turn a Chroma server that went away (refused, reset, timed out) into
    `StoreUnavailable`. Nothing needs reopening afterwards: the HTTP client
    connects again on the next request, so the caller works once the server is back."""
    try:
        yield
    except httpx.TransportError as error:
        raise _unavailable(store, error) from None


def _unavailable(store: StoreSettings, error: Exception) -> StoreUnavailable:
    return StoreUnavailable(
        f"The Chroma server at {store.host}:{store.port} is not answering "
        f"(store.mode = http, store.host [ASSISTANT_STORE__HOST], store.port [ASSISTANT_STORE__PORT], "
        f"store.timeout {store.timeout:g} s): {type(error).__name__}: {error or 'no reply'}. "
        f"Start it with `chroma run --path DIR --host {store.host} --port {store.port}`, "
        "or set ASSISTANT_STORE__MODE=embedded. Nothing was changed; ask again once it is back."
    )


def _collection(client: chromadb.ClientAPI, name: str) -> chromadb.Collection:
    return client.get_or_create_collection(
        name, embedding_function=NoAutoEmbedding(), metadata={"hnsw:space": "cosine"}
    )


def _batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class Filters:
    """Restrict retrieval to some issue files and/or an inclusive ISO date range."""

    sources: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None

    def __post_init__(self) -> None:
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value is not None and not _ISO_DATE.fullmatch(value):
                raise ValueError(f"{name} must look like 2023-01-31 (or 2023-01, 2023), got {value!r}")

    def __bool__(self) -> bool:
        return bool(self.sources or self.date_from or self.date_to)

    @property
    def first_day(self) -> str | None:
        """Inclusive lower bound as a full ISO date ("2022-11" -> "2022-11-01")."""
        return _complete(self.date_from, upper=False) if self.date_from else None

    @property
    def last_day(self) -> str | None:
        """Inclusive upper bound as a full ISO date ("2022-11" -> "2022-11-31"; only order matters)."""
        return _complete(self.date_to, upper=True) if self.date_to else None

    def where(self) -> dict | None:
        clauses: list[dict] = []
        if self.sources:
            clauses.append({"source": {"$in": list(self.sources)}})
        if self.first_day:
            clauses.append({"day": {"$gte": _day_number(self.first_day)}})
        if self.last_day:
            clauses.append({"day": {"$lte": _day_number(self.last_day)}})
            clauses.append({"day": {"$gt": 0}})  # undated chunks are outside every range
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _complete(date: str, upper: bool) -> str:
    year, month, day = (date.split("-") + ["", ""])[:3]
    return f"{year}-{month or ('12' if upper else '01')}-{day or ('31' if upper else '01')}"


def _day_number(date: str) -> int:
    """ISO date as an integer (20221206), because Chroma compares only numbers by range."""
    digits = re.sub(r"\D", "", date)[:8]
    return int(digits.ljust(8, "0")) if digits else 0


_EMPTY_FIELDS = {"title": "", "date": "", "byline": "", "section": "", "dateline": "", "kicker": "", "subtitle": "", "text": None}


def _record(chunk: Chunk) -> dict[str, str | int]:
    fields = {key: value for key, value in chunk.metadata().items() if value != ""}
    return {**fields, "text": chunk.text, "day": _day_number(chunk.date)}


class ChunkStore:
    """Every chunk's text and metadata, keyed by content-addressed id."""

    def __init__(self, client: chromadb.ClientAPI) -> None:
        self.client = client
        self.collection = _collection(client, "chunks")
        self.max_batch = client.get_max_batch_size()

    def count(self) -> int:
        return self.collection.count()

    def add(self, chunks: list[Chunk]) -> None:
        """Upsert in batches of Chroma's maximum size. The text goes into the metadata,
        not `documents`: Chroma builds a trigram full-text index over every document
        (even with full-text search disabled in the collection schema), which this
        project never queries (BM25 does that) and which more than doubles the
        ingest time and the size on disk. Empty fields are left out for the same reason."""
        for batch in _batches(chunks, self.max_batch):
            self.collection.upsert(
                ids=[chunk.id for chunk in batch],
                metadatas=[_record(chunk) for chunk in batch],
                embeddings=[_PLACEHOLDER_VECTOR] * len(batch),
            )

    def get(self, ids: list[str]) -> list[Chunk]:
        """Chunks in the order of `ids` (missing ids are left out)."""
        by_id: dict[str, Chunk] = {}
        for batch in _batches(ids, self.max_batch):
            for chunk in self._chunks(self.collection.get(ids=batch, include=["documents", "metadatas"])):
                by_id[chunk.id] = chunk
        return [by_id[i] for i in ids if i in by_id]

    def delete(self, ids: list[str]) -> None:
        for batch in _batches(ids, self.max_batch):
            self.collection.delete(ids=batch)

    def article_chunks(self, article_ids: list[str]) -> dict[str, list[Chunk]]:
        """All chunks of each article, in reading order, in one request per batch."""
        found: dict[str, list[Chunk]] = {article_id: [] for article_id in article_ids}
        for batch in _batches(article_ids, self.max_batch):
            where = {"article_id": batch[0]} if len(batch) == 1 else {"article_id": {"$in": batch}}
            for chunk in self._chunks(self.collection.get(where=where, include=["documents", "metadatas"])):
                found[chunk.article_id].append(chunk)
        return {article_id: sorted(chunks, key=lambda chunk: chunk.start) for article_id, chunks in found.items()}

    def article_openings(self) -> list[Chunk]:
        """The first chunk of every article: headline, byline and date of the whole collection."""
        return list(self._chunks(self.collection.get(where={"start": 0}, include=["documents", "metadatas"])))

    def all(self) -> Iterator[Chunk]:
        offset = 0
        while True:
            page = self.collection.get(include=["documents", "metadatas"], limit=_PAGE, offset=offset)
            if not page["ids"]:
                return
            yield from self._chunks(page)
            offset += len(page["ids"])

    @staticmethod
    def _chunks(result: dict) -> Iterator[Chunk]:
        for chunk_id, document, metadata in zip(result["ids"], result["documents"], result["metadatas"]):
            fields = {**_EMPTY_FIELDS, **metadata}
            text = fields.pop("text") or document  # stores written before texts moved to metadata
            del fields["day"]
            yield Chunk.from_record(chunk_id, text, fields)


class VectorStore:
    """Embeddings of one model, keyed by chunk id (so a resumed or repeated run can never
    give a chunk a second vector), with the metadata needed to filter dense search."""

    def __init__(self, client: chromadb.ClientAPI, model_name: str, passage_prefix: str = "") -> None:
        slug = re.sub(r"[^a-zA-Z0-9._-]+", "-", model_name.strip("/"))[-40:].strip("-._")
        # Another passage prefix gives other vectors; without one the key is the model's
        # name alone, as it was before prefixes were settings.
        key = f"{model_name}\n{passage_prefix}" if passage_prefix else model_name
        digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
        self.collection = _collection(client, f"vectors-{slug}-{digest}")
        self.max_batch = client.get_max_batch_size()

    def count(self) -> int:
        return self.collection.count()

    def ids(self) -> set[str]:
        """Every chunk id that has a vector."""
        found: set[str] = set()
        offset = 0
        while page := self.collection.get(include=[], limit=_PAGE, offset=offset)["ids"]:
            found.update(page)
            offset += len(page)
        return found

    def missing(self, ids: list[str]) -> list[str]:
        present: set[str] = set()
        for batch in _batches(ids, self.max_batch):
            present.update(self.collection.get(ids=batch, include=[])["ids"])
        return [i for i in ids if i not in present]

    def add(self, chunks: Iterable[Chunk], vectors: list[list[float]]) -> None:
        chunks = list(chunks)
        for start in range(0, len(chunks), self.max_batch):
            batch = chunks[start : start + self.max_batch]
            self.collection.upsert(
                ids=[chunk.id for chunk in batch],
                embeddings=vectors[start : start + self.max_batch],
                metadatas=[{"source": c.source, "day": _day_number(c.date)} for c in batch],
            )

    def delete(self, ids: list[str]) -> None:
        for batch in _batches(ids, self.max_batch):
            self.collection.delete(ids=batch)

    def similarities(self, vector: list[float], ids: list[str]) -> dict[str, float]:
        """Cosine similarity of `vector` with the stored vectors of `ids` (those without
        one, not yet embedded, are left out)."""
        if not ids:
            return {}
        found = self.collection.get(ids=ids, include=["embeddings"])
        if not found["ids"]:
            return {}
        matrix = np.asarray(found["embeddings"], dtype=np.float32)
        query = np.asarray(vector, dtype=np.float32)
        cosines = matrix @ query / (np.linalg.norm(matrix, axis=1) * np.linalg.norm(query) + 1e-12)
        return dict(zip(found["ids"], cosines.tolist()))

    def search(self, vector: list[float], k: int, filters: Filters) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) pairs, best first."""
        if self.count() == 0:
            return []
        result = self.collection.query(
            query_embeddings=[vector],
            n_results=min(k, self.count()),
            where=filters.where(),
            include=["distances"],
        )
        return [(i, 1.0 - d) for i, d in zip(result["ids"][0], result["distances"][0])]
