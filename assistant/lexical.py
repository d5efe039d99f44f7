"""Chinese lexical retrieval: jieba tokens scored by BM25 (bm25s).

Dense retrieval needs a Chinese embedding model that may be absent; BM25 over
jieba tokens always works offline and is strong on names and numbers, which is
what newspaper questions mostly ask about.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from functools import cached_property, lru_cache
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
ABBREVIATIONS = Path(__file__).with_name("abbreviations_zh.tsv")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_KEEP = re.compile(r"[\w.%％]+")
_CHINESE = re.compile(r"[\u4e00-\u9fff]+")
# How a token the index lacks is stretched (characters added on the left, on the right;
# -1 drops one) to find the word the articles were cut into.
_REJOINS = ((0, 1), (0, 2), (1, 0), (2, 0), (1, 1), (-1, 0), (0, -1))
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


_SEEN_WORDS = 200_000  # lookups remembered (~30 MB at most) before starting afresh


class _MappedFrequencies(Mapping):
    """jieba's prefix dictionary (word -> frequency, ~500,000 entries) as two
    memory-mapped arrays: 64-bit word hashes, sorted, and their frequencies.

    jieba unmarshals the whole dictionary into a dict before its first cut: about
    0.5 s on an idle core and 2 s on a busy one, as long as importing chromadb, jieba
    and numpy together, for a question of twenty characters. Opened this way it
    takes a millisecond and gives the same tokens (tests/test_embed.py);
    a lookup costs microseconds instead of nanoseconds, so bulk tokenising (ingest)
    loads the real dictionary instead (`full_dictionary`)."""

    def __init__(self, hashes: np.ndarray, frequencies: np.ndarray) -> None:
        self.hashes = hashes
        self.frequencies = frequencies
        # A question's candidate sentences come back question after question, and
        # jieba looks up every prefix of every word in them: remembering the
        # answers takes a question's lookups from ~15 ms to ~1.
        self._seen: dict[str, int] = {}

    @staticmethod
    def hash(word: str) -> int:
        return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")

    def _find(self, word: str) -> int:
        at = self._seen.get(word)
        if at is None:
            key = np.uint64(self.hash(word))
            at = int(np.searchsorted(self.hashes, key))
            at = at if at < len(self.hashes) and self.hashes[at] == key else -1
            if len(self._seen) >= _SEEN_WORDS:
                self._seen.clear()
            self._seen[word] = at
        return at

    def get(self, word: str, default: int | None = None) -> int | None:  # type: ignore[override]
        at = self._find(word)
        return int(self.frequencies[at]) if at >= 0 else default

    def __getitem__(self, word: str) -> int:
        at = self._find(word)
        if at < 0:
            raise KeyError(word)
        return int(self.frequencies[at])

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._find(word) >= 0

    def __len__(self) -> int:
        return len(self.hashes)

    def __iter__(self) -> Iterator[str]:
        raise TypeError("the mapped dictionary holds hashes, not words")


_dictionary_lock = threading.Lock()
# Characters beyond which loading jieba's whole dictionary (~0.5 s) beats the mapped
# one's slower lookups (~70 µs a character on a busy core).
_BULK_CHARS = 20_000


def _dictionary_files() -> tuple[Path, Path]:
    """Where the mapped dictionary lives: beside jieba's own cache, named after the
    dictionary file it was made from, so another jieba dictionary makes another one."""
    source = Path(jieba.dt.dictionary or Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME))
    stat = source.stat()
    stamp = hashlib.sha1(f"{source}:{stat.st_size}:{stat.st_mtime_ns}:{jieba.__version__}".encode()).hexdigest()[:12]
    folder = Path(jieba.dt.tmp_dir or tempfile.gettempdir())
    return folder / f"jieba-mapped-{stamp}.hashes.npy", folder / f"jieba-mapped-{stamp}.freq.npy"


def _open_dictionary() -> None:
    """Give jieba its dictionary before its first cut: mapped (written from the real
    one the first time, for the next start) or, failing that, loaded whole."""
    if jieba.dt.initialized:
        return
    with _dictionary_lock:
        if jieba.dt.initialized:
            return
        if (mapped := mapped_dictionary()) is not None:
            jieba.dt.FREQ, jieba.dt.total = mapped
            jieba.dt.initialized = True


def mapped_dictionary() -> tuple[_MappedFrequencies, int] | None:
    """The mapped dictionary and jieba's total frequency; None when it cannot be
    written (jieba's own dictionary is then loaded whole)."""
    hashes_file, frequencies_file = _dictionary_files()
    for attempt in range(2):
        try:
            hashes = np.load(hashes_file, mmap_mode="r")
            frequencies = np.load(frequencies_file, mmap_mode="r")
            return _MappedFrequencies(hashes, frequencies[1:]), int(frequencies[0])
        except (OSError, ValueError):  # not written yet, or damaged: (re)build it from the real one
            if attempt == 0:
                full_dictionary()
                _write_mapped(hashes_file, frequencies_file)
    return None


def _write_mapped(hashes_file: Path, frequencies_file: Path) -> None:
    words = jieba.dt.FREQ
    hashes = np.fromiter(map(_MappedFrequencies.hash, words), dtype=np.uint64, count=len(words))
    order = np.argsort(hashes)
    if len(np.unique(hashes)) != len(hashes):  # two words, one hash: keep jieba's own dictionary
        return
    frequencies = np.fromiter(words.values(), dtype=np.int64, count=len(words))[order]
    try:
        for path, array in ((frequencies_file, np.concatenate([[jieba.dt.total], frequencies])), (hashes_file, hashes[order])):
            fresh = path.with_name(path.name + f".{os.getpid()}.tmp")
            with fresh.open("wb") as handle:
                np.save(handle, array)
            fresh.replace(path)  # the hashes last: both files exist once it does
    except OSError:  # a read-only temp directory only costs the fast start
        pass


def full_dictionary() -> None:
    """Load jieba's dictionary whole, for bulk tokenising (the mapped one is ~10× slower
    per character). Swapped in at once, so a question being tokenised meanwhile
    keeps working with the mapped one."""
    if jieba.dt.initialized and isinstance(jieba.dt.FREQ, dict):
        return
    loaded = jieba.Tokenizer()
    loaded.initialize()
    jieba.dt.FREQ, jieba.dt.total = loaded.FREQ, loaded.total
    jieba.dt.initialized = True


def in_dictionary(word: str) -> bool:
    """Whether jieba's dictionary has the word, rather than jieba making it up from
    characters it could not place (an unknown name, with whatever clings to it)."""
    _open_dictionary()
    return bool(jieba.dt.FREQ.get(word))


@lru_cache(maxsize=4096)
def _cut(text: str) -> tuple[str, ...]:
    _open_dictionary()
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


def _pairs(path: Path) -> list[tuple[str, str]]:
    """The tab-separated pairs of one of the package's word tables, comments skipped."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            left, right = line.split("\t")
            pairs.append((left.strip(), right.strip()))
    return pairs


@lru_cache(maxsize=1)
def _glossary() -> list[tuple[str, str]]:
    pairs = [(english.lower(), chinese) for english, chinese in _pairs(GLOSSARY)]
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


@lru_cache(maxsize=1)
def abbreviations() -> tuple[dict[str, tuple[str, ...]], re.Pattern[str]]:
    """Abbreviation -> its full forms, and a pattern finding any abbreviation (longest first)."""
    full: dict[str, tuple[str, ...]] = {}
    for short, spelt in _pairs(ABBREVIATIONS):
        full[short] = (*full.get(short, ()), spelt)
    return full, re.compile("|".join(map(re.escape, sorted(full, key=len, reverse=True))))


def spelt_out(text: str) -> str:
    """The text with each abbreviation (人社局) replaced by the full name the paper writes."""
    full, pattern = abbreviations()
    return pattern.sub(lambda match: full[match.group(0)][0], text)


def expand_abbreviations(text: str) -> str:
    """The text with every full form of its abbreviations added, for BM25: the paper
    writes 发展改革委 or 发展和改革委员会 where a reader writes 发改委."""
    full, pattern = abbreviations()
    found = [form for match in pattern.finditer(text) for form in full[match.group(0)]]
    return " ".join([text, *found])


def is_english(text: str) -> bool:
    """A question in English, also when it quotes the paper's Chinese term ("How many
    'one-stop' (一事全办) scenarios…"): it has more English words than Chinese
    characters. "MIT OpenCourseWare指什么？" is Chinese about an English name."""
    chinese = len(_CJK.findall(text))
    return not chinese or len(_LATIN_WORD.findall(text)) > chinese


_LATIN_WORD = re.compile(r"[A-Za-z]+(?:['-][A-Za-z]+)*")


def foreign_share(text: str) -> float:
    """The share of letters that are neither Chinese nor Latin (kana, Hangul, Cyrillic,
    Arabic...): questions in those scripts match nothing in Chinese articles."""
    letters = [ch for ch in text if ch.isalpha()]
    foreign = sum(1 for ch in letters if not (_CJK.match(ch) or ch.isascii() or "LATIN" in unicodedata.name(ch, "")))
    return foreign / len(letters) if letters else 0.0


_NOT_A_WORD = re.compile(r"[^a-z0-9%.]+|\.(?!\d)")


def english_equivalents(text: str) -> list[tuple[str, ...]]:
    """The Chinese words the glossary gives for the text's English words and phrases:
    one tuple of alternatives per phrase found ("complete" -> 完成, 建成, 竣工)."""
    # A decimal point stays ("3.35"); a full stop does not ("…its strategic partner.").
    lowered = f" {_NOT_A_WORD.sub(' ', text.lower())} "
    found = []
    for english, chinese in _glossary():
        if f" {english} " in lowered:
            found.append(tuple(chinese.split()))
            lowered = lowered.replace(f" {english} ", " ")
    return found


def expand_english(text: str) -> str:
    """Add Chinese equivalents of known English words and phrases, so an English
    question can match Chinese articles without a translation model."""
    return " ".join([ungrouped(text), *(" ".join(alternatives) for alternatives in english_equivalents(text))])


_DIGIT_GROUP = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def ungrouped(text: str) -> str:
    """"13,600" -> "13600": an English question groups digits, the paper writes 13600余名."""
    return _DIGIT_GROUP.sub("", text)


@dataclass
class Catalog:
    ids: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)

    def select(self, rows: np.ndarray) -> "Catalog":
        """The entries at `rows` (indices), in that order."""
        return Catalog(*([column[i] for i in rows] for column in self._columns()))

    def extend(self, other: "Catalog") -> None:
        for mine, theirs in zip(self._columns(), other._columns()):
            mine.extend(theirs)

    def _columns(self) -> tuple[list[str], ...]:
        return self.ids, self.sources, self.article_ids, self.dates


class TokenTable:
    """Every chunk's tokens as term ids, row i belonging to catalog entry i.

    Kept beside the BM25 index so that adding or removing a few sources rebuilds
    BM25 from stored ids instead of re-running jieba over the whole collection.
    Rows are one flat int32 array plus offsets: millions of tokens as Python
    lists would cost gigabytes. Appended batches are joined once, on first read."""

    def __init__(self, vocab: dict[str, int] | None = None, flat: np.ndarray | None = None,
                 offsets: np.ndarray | None = None) -> None:
        self.vocab: dict[str, int] = vocab if vocab is not None else {}
        self._flat = [flat if flat is not None else np.zeros(0, dtype=np.int32)]
        self._lengths = [np.diff(offsets) if offsets is not None else np.zeros(0, dtype=np.int64)]

    def __len__(self) -> int:
        return sum(len(lengths) for lengths in self._lengths)

    @property
    def flat(self) -> np.ndarray:
        if len(self._flat) > 1:
            self._flat = [np.concatenate(self._flat)]
        return self._flat[0]

    @property
    def offsets(self) -> np.ndarray:
        if len(self._lengths) > 1:
            self._lengths = [np.concatenate(self._lengths)]
        return np.concatenate([[0], np.cumsum(self._lengths[0], dtype=np.int64)])

    def append(self, batch: "TokenBatch") -> None:
        """Add a worker's batch, translating its local term ids into this table's vocabulary."""
        terms, local, lengths = batch
        vocab = self.vocab
        remap = np.array([vocab.setdefault(term, len(vocab)) for term in terms], dtype=np.int32)
        self._flat.append(remap[local] if len(local) else np.zeros(0, dtype=np.int32))
        self._lengths.append(lengths)

    def extend(self, other: "TokenTable") -> None:
        """Append `other`'s rows. Its vocabulary must extend this one's, as it does when
        `other` was started from a copy of it; it becomes this table's vocabulary."""
        self.vocab = other.vocab
        self._flat.append(other.flat)
        self._lengths.append(np.diff(other.offsets))

    def select(self, rows: np.ndarray) -> "TokenTable":
        """The rows at `rows` (indices), in that order (the vocabulary is shared)."""
        offsets = self.offsets
        lengths = np.diff(offsets)[rows]
        starts = offsets[:-1][rows]
        # Position of every kept token in `flat`: each row's start plus 0..length-1.
        within = np.arange(lengths.sum(), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        flat = np.asarray(self.flat)[np.repeat(starts, lengths) + within]
        return TokenTable(self.vocab, flat, np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)]))

    def compacted(self) -> "TokenTable":
        """Drop terms no row uses, so the vocabulary is exactly the indexed terms."""
        flat = self.flat
        used = np.zeros(len(self.vocab), dtype=bool)
        used[flat] = True
        if used.all():
            return self
        new_ids = np.cumsum(used, dtype=np.int64) - 1
        vocab = {term: int(new_ids[i]) for term, i in self.vocab.items() if used[i]}
        return TokenTable(vocab, new_ids[flat].astype(np.int32), self.offsets)


TokenBatch = tuple[list[str], np.ndarray, np.ndarray]  # (terms, term index per token, tokens per text)


def tokenize_batch(texts: list[str]) -> TokenBatch:
    """Tokenise texts in a worker process; the result is compact to send back
    (each distinct term once, tokens as small integers)."""
    if sum(map(len, texts)) > _BULK_CHARS:
        full_dictionary()
    local: dict[str, int] = {}
    ids: list[int] = []
    lengths: list[int] = []
    for text in texts:
        tokens = tokenize(text)
        ids.extend(local.setdefault(token, len(local)) for token in tokens)
        lengths.append(len(tokens))
    return list(local), np.array(ids, dtype=np.int32), np.array(lengths, dtype=np.int64)


@dataclass(frozen=True)
class LexicalHit:
    chunk_id: str
    score: float


_TOKENS, _OFFSETS, _CATALOG = "tokens.npy", "offsets.npy", "catalog.json"
_CHECKSUMS = "checksums.json"  # written last: without it (or with a mismatch) the index is not trusted


class DamagedIndex(RuntimeError):
    """A persisted BM25 index is incomplete or altered; it must be rebuilt from the store."""


class LexicalIndex:
    """BM25 over chunk search texts, persisted in a directory (bm25s files,
    catalog.json and the token table).

    The catalog (chunk id, source, article id, date per document) doubles as a cheap
    summary of the index for filters and stats, with no scan of the chunk store."""

    def __init__(self, bm25: bm25s.BM25 | None, catalog: Catalog, tokens: TokenTable | None = None,
                 directory: Path | None = None) -> None:
        self.bm25 = bm25
        self.ids = catalog.ids
        self.catalog = catalog
        self.sources = np.array(catalog.sources, dtype=object)
        self.dates = np.array(catalog.dates, dtype=object)
        self._tokens = tokens
        self._directory = directory
        # Documents per term, straight from the CSC column lengths: no per-term dict at start-up.
        self._doc_freq = np.diff(np.asarray(bm25.scores["indptr"])) if bm25 is not None else np.zeros(0, dtype=np.int64)

    @classmethod
    def empty(cls) -> "LexicalIndex":
        return cls(None, Catalog(), TokenTable())

    @classmethod
    def from_tokens(cls, catalog: Catalog, tokens: TokenTable) -> "LexicalIndex":
        if len(catalog) != len(tokens):
            raise ValueError(f"catalog has {len(catalog)} entries but the token table {len(tokens)} rows")
        if not catalog.ids:
            return cls.empty()
        tokens = tokens.compacted()
        return cls(_bm25(tokens), catalog, tokens)

    @property
    def tokens(self) -> TokenTable:
        """The token table, read (memory-mapped) on first use."""
        if self._tokens is None and self._directory is not None:
            self._tokens = TokenTable(
                self.bm25.vocab_dict,
                np.load(self._directory / _TOKENS, mmap_mode="r"),
                np.load(self._directory / _OFFSETS),
            )
        return self._tokens

    def save(self, directory: Path, attachments: dict[str, str] | None = None) -> None:
        """Write beside the live index, then swap: a crash mid-write leaves the old one.
        `attachments` (file name -> text) are written into the same directory, so they
        change together with the index they describe."""
        fresh = directory.with_name(directory.name + ".new")
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        if self.bm25 is not None:
            self.bm25.save(str(fresh))
        np.save(fresh / _TOKENS, np.asarray(self.tokens.flat))
        np.save(fresh / _OFFSETS, np.asarray(self.tokens.offsets))
        (fresh / _CATALOG).write_text(json.dumps(asdict(self.catalog), ensure_ascii=False), encoding="utf-8")
        sums = {path.name: _checksum(path) for path in sorted(fresh.iterdir())}
        (fresh / _CHECKSUMS).write_text(json.dumps(sums), encoding="utf-8")
        for name, text in (attachments or {}).items():  # not checksummed: they are replaced on their own
            (fresh / name).write_text(text, encoding="utf-8")
        retired = directory.with_name(directory.name + ".old")
        shutil.rmtree(retired, ignore_errors=True)
        if directory.exists():
            directory.rename(retired)
        fresh.rename(directory)
        shutil.rmtree(retired, ignore_errors=True)
        self._directory = directory

    @classmethod
    def load(cls, directory: Path) -> "LexicalIndex":
        """Open a saved index: the score matrix is memory-mapped, nothing is recomputed.
        Every file is first checked against the checksums written with it (a fraction
        of a second per 100 MB), because a truncated or altered score matrix would not
        fail to load: it would silently rank the wrong articles."""
        try:
            expected = json.loads((directory / _CHECKSUMS).read_text(encoding="utf-8"))
            for name, checksum in expected.items():
                if not (directory / name).is_file():
                    raise DamagedIndex(f"{name} is missing")
                if _checksum(directory / name) != checksum:
                    raise DamagedIndex(f"{name} does not match its checksum")
            catalog = Catalog(**json.loads((directory / _CATALOG).read_text(encoding="utf-8")))
            if not catalog.ids:
                return cls.empty()
            bm25 = bm25s.BM25.load(str(directory), mmap=True, show_progress=False)
        except DamagedIndex:
            raise
        except (OSError, ValueError, TypeError, KeyError) as error:  # missing file, bad JSON, bad array
            raise DamagedIndex(f"{type(error).__name__}: {error}") from None
        return cls(bm25, catalog, None, directory)

    @staticmethod
    def exists(directory: Path) -> bool:
        return (directory / _CATALOG).exists()

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[LexicalHit]:
        terms = [term for term in tokenize(query) + self.rejoined(query) if term in self.bm25.vocab_dict] if self.bm25 else []
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

    def article_of(self, chunk_id: str) -> str:
        """The article a chunk of the index belongs to."""
        return self.catalog.article_ids[self._positions[chunk_id]]

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {chunk_id: at for at, chunk_id in enumerate(self.ids)}

    def rejoined(self, text: str) -> list[str]:
        """The collection's words that jieba cut otherwise in `text`. An unknown name is
        segmented by its context ("锦地罗（学名" is one word, "锦地罗的全长" is 锦地/罗), so
        a Chinese token the index lacks is tried with a character or two more at either
        end, or one less: the forms the index has are returned."""
        vocab = self.bm25.vocab_dict if self.bm25 is not None else {}
        lowered = text.lower()
        tokens = tokenize(text)
        found: list[str] = []
        for token in tokens:
            if token in vocab or not _CHINESE.fullmatch(token):
                continue
            for match in re.finditer(re.escape(token), lowered):
                for left, right in _REJOINS:
                    start, end = match.start() - left, match.end() + right
                    form = lowered[max(start, 0) : end]
                    if start >= 0 and len(form) >= 2 and _CHINESE.fullmatch(form) and form in vocab and form not in tokens + found:
                        found.append(form)
        return found

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
        index = self.bm25.vocab_dict.get(term) if self.bm25 is not None else None
        return int(self._doc_freq[index]) if index is not None and index < len(self._doc_freq) else 0

    def share(self, term: str) -> float:
        """The fraction of chunks containing the term: near 1 means it tells nothing apart."""
        return self.frequency(term) / max(len(self.ids), 1)

    def idf(self, term: str) -> float:
        """Inverse document frequency of a term; unseen terms get the rarest weight."""
        count = self.frequency(term)
        total = max(len(self.ids), 1)
        return float(np.log(1 + (total - count + 0.5) / (count + 0.5)))


def _checksum(path: Path) -> str:
    with path.open("rb") as handle:
        return f"{path.stat().st_size}:{hashlib.file_digest(handle, 'sha1').hexdigest()}"


def _bm25(tokens: TokenTable) -> bm25s.BM25:
    bm25 = _TableBM25()
    bm25.index(bm25s.tokenization.Tokenized(ids=tokens, vocab=dict(tokens.vocab)), create_empty_token=False,
               show_progress=False)
    return bm25


class _TableBM25(bm25s.BM25):
    """bm25s (Lucene variant, its defaults) built from a `TokenTable` with vectorised
    numpy. bm25s's own builder loops over documents in Python, which at 100,000+
    chunks costs many seconds and over a gigabyte of lists; bm25s documents
    `build_index_from_ids` as the method to override. The result is bm25s's own
    layout (CSC of shape documents x terms), saved and loaded by bm25s."""

    def build_index_from_ids(self, unique_token_ids: list[int], corpus_token_ids: TokenTable, **_: object) -> dict:
        self.nonoccurrence_array = None  # only the BM25L/BM25+ variants use it
        flat = np.asarray(corpus_token_ids.flat, dtype=np.int64)
        lengths = np.diff(corpus_token_ids.offsets)
        n_docs, n_terms = len(lengths), len(unique_token_ids)
        docs = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
        # One key per (term, document) pair, sorted term-major: exactly CSC order.
        keys, tf = np.unique(flat * n_docs + docs, return_counts=True)
        terms, rows = np.divmod(keys, n_docs)
        df = np.bincount(terms, minlength=n_terms)
        idf = np.log(1 + (n_docs - df + 0.5) / (df + 0.5)).astype(self.dtype)
        tf = tf.astype(self.dtype)
        tfc = tf / (self.k1 * ((1 - self.b) + self.b * lengths[rows] / max(lengths.mean(), 1e-9)) + tf)
        return {
            "data": (idf[terms] * tfc).astype(self.dtype),
            "indices": rows.astype(self.int_dtype),
            "indptr": np.concatenate([[0], np.cumsum(df)]).astype(self.int_dtype),
            "num_docs": n_docs,
        }
