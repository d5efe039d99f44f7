"""Chinese lexical retrieval: jieba tokens scored by BM25 (bm25s).

Dense retrieval needs a Chinese embedding model that may be absent; BM25 over
jieba tokens always works offline and is strong on names and numbers, which is
what newspaper questions mostly ask about.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import bm25s
import jieba
import numpy as np

from .store import Filters

jieba.setLogLevel(logging.WARNING)

# Function words and question words carry no topic; matching them only adds noise.
STOPWORDS = frozenset(
    """
    的 了 和 与 及 或 是 在 有 为 对 从 把 被 将 就 都 也 还 而 并 等 之 其 中 上 下 这 那 该 此 个 各
    年 月 日 们 我 你 他 她 它 吗 呢 吧 啊 哪 哪些 哪个 哪里 哪几 几 多少 什么 怎么 怎样 如何 是否 为什么
    谁 何 何时 多久 多大 多长 多高 情况 方面 问题 报道 文章 这些 那些 其中 一些 有关 关于 相关 提出
    今年 去年 明年 目前 一个 通过 进行 以及 可以 已经 没有 不 要 会 能 到 向 以 于 由 给 让 使
    请问 介绍 一下 分别 各自 主要 具体
    a an the of to in on for and or is are was were be been by with at from as that this what which
    who whom how many much when where why did do does has have had it its their they he she his her
    """.split()
)
GLOSSARY = Path(__file__).with_name("glossary_en_zh.tsv")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_KEEP = re.compile(r"[\w.%％]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@lru_cache(maxsize=4096)
def _cut(text: str) -> tuple[str, ...]:
    return tuple(jieba.cut_for_search(text))


def tokenize(text: str) -> list[str]:
    """Search-mode jieba tokens (long words plus their parts), lower-cased, without
    punctuation or stopwords. Numbers keep their decimals so "3.35" matches "3.35"."""
    tokens: list[str] = []
    for piece in _cut(text.lower()):
        piece = piece.strip()
        if not piece or not _KEEP.fullmatch(piece) or piece in STOPWORDS:
            continue
        tokens.append(piece)
    return tokens


@lru_cache(maxsize=1)
def _glossary() -> list[tuple[str, str]]:
    pairs = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            english, chinese = line.split("\t")
            pairs.append((english.strip().lower(), chinese.strip()))
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


def is_english(text: str) -> bool:
    return not _CJK.search(text)


def expand_english(text: str) -> str:
    """Add Chinese equivalents of known English words and phrases, so an English
    question can match Chinese articles without a translation model."""
    lowered = f" {re.sub(r'[^a-z0-9%.]+', ' ', text.lower())} "
    found = []
    for english, chinese in _glossary():
        if f" {english} " in lowered:
            found.append(chinese)
            lowered = lowered.replace(f" {english} ", " ")
    return " ".join([text, *found])


@dataclass
class Catalog:
    ids: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LexicalHit:
    chunk_id: str
    score: float


class LexicalIndex:
    """BM25 over chunk search texts, persisted in a directory (bm25s files + catalog.json).

    The catalog (chunk id, source, article id, date per document) doubles as a cheap
    summary of the index for filters and stats, with no scan of the chunk store."""

    def __init__(self, bm25: bm25s.BM25 | None, catalog: Catalog) -> None:
        self.bm25 = bm25
        self.ids = catalog.ids
        self.catalog = catalog
        self.sources = np.array(catalog.sources, dtype=object)
        self.dates = np.array(catalog.dates, dtype=object)
        self._doc_freq = self._document_frequencies() if bm25 is not None else {}

    @classmethod
    def build(cls, texts: list[str], catalog: Catalog) -> "LexicalIndex":
        if not catalog.ids:
            return cls(None, catalog)
        bm25 = bm25s.BM25()
        tokens = [tokenize(text) or ["\u2205"] for text in texts]  # bm25s rejects empty documents
        bm25.index(_as_tokenized(tokens), show_progress=False)
        return cls(bm25, catalog)

    def save(self, directory: Path) -> None:
        """Write beside the live index, then swap: a crash mid-write leaves the old one."""
        fresh = directory.with_name(directory.name + ".new")
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        if self.bm25 is not None:
            self.bm25.save(str(fresh))
        (fresh / "catalog.json").write_text(json.dumps(asdict(self.catalog), ensure_ascii=False), encoding="utf-8")
        retired = directory.with_name(directory.name + ".old")
        shutil.rmtree(retired, ignore_errors=True)
        if directory.exists():
            directory.rename(retired)
        fresh.rename(directory)
        shutil.rmtree(retired, ignore_errors=True)

    @classmethod
    def load(cls, directory: Path) -> "LexicalIndex":
        catalog = Catalog(**json.loads((directory / "catalog.json").read_text(encoding="utf-8")))
        bm25 = bm25s.BM25.load(str(directory), mmap=True) if catalog.ids else None
        return cls(bm25, catalog)

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[LexicalHit]:
        terms = [term for term in tokenize(query) if term in self.bm25.vocab_dict] if self.bm25 else []
        if not terms:
            return []
        k = min(k, len(self.ids))
        results, scores = self.bm25.retrieve(
            [terms], k=k, show_progress=False, weight_mask=mask, n_threads=1
        )
        return [
            LexicalHit(self.ids[doc], float(score))
            for doc, score in zip(results[0], scores[0])
            if score > 0
        ]

    def mask(self, filters: Filters) -> np.ndarray | None:
        """A 0/1 weight per document for the filters, or None when nothing is filtered."""
        if not filters:
            return None
        keep = np.ones(len(self.ids), dtype=bool)
        if filters.sources:
            keep &= np.isin(self.sources, list(filters.sources))
        if filters.first_day:
            keep &= (self.dates != "") & (self.dates >= filters.first_day)
        if filters.last_day:
            keep &= (self.dates != "") & (self.dates <= filters.last_day)
        return keep.astype(np.float32)

    def frequency(self, term: str) -> int:
        """How many chunks contain the term."""
        return self._doc_freq.get(term, 0)

    def share(self, term: str) -> float:
        """The fraction of chunks containing the term: near 1 means it tells nothing apart."""
        return self.frequency(term) / max(len(self.ids), 1)

    def idf(self, term: str) -> float:
        """Inverse document frequency of a term; unseen terms get the rarest weight."""
        count = self._doc_freq.get(term, 0)
        total = max(len(self.ids), 1)
        return float(np.log(1 + (total - count + 0.5) / (count + 0.5)))

    def _document_frequencies(self) -> dict[str, int]:
        indptr = np.asarray(self.bm25.scores["indptr"])
        counts = np.diff(indptr)
        return {term: int(counts[index]) for term, index in self.bm25.vocab_dict.items() if index < len(counts)}


def _as_tokenized(tokens: list[list[str]]) -> bm25s.tokenization.Tokenized:
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(token, len(vocab)) for token in document] for document in tokens]
    return bm25s.tokenization.Tokenized(ids=ids, vocab=vocab)
