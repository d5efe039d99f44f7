"""The Gradio chat: its pieces on real articles, and the app launched for real on a
loopback port and queried over HTTP. (tests/test_browser.py drives it in chromium.)"""

from __future__ import annotations

import dataclasses
import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import HEATING_FILE, UNDATED_FILE, free_port, make_assistant

QUESTION = "今冬青岛全市供热面积是多少？"


def text_of(message: dict) -> str:
    content = message.get("content")
    if isinstance(content, list):  # Gradio 6 may return content as typed parts
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content if isinstance(content, str) else ""


def titles(messages: list[dict]) -> list[str]:
    return [(m.get("metadata") or {}).get("title", "") for m in messages if m.get("metadata")]


def sentences_around(assistant, chunk) -> list[str]:
    """Sentences of the chunk's article that the chunk itself does not contain."""
    from assistant.chunk import sentence_spans

    others = [c.text for c in assistant.chunks.article_chunks([chunk.article_id])[chunk.article_id] if c.id != chunk.id]
    found = [text[a:b] for text in others for a, b in sentence_spans(text)]
    return [sentence for sentence in dict.fromkeys(found) if sentence not in chunk.text]


def serve(assistant, **options):
    """Launch the chat exactly as `assistant serve` does, but without blocking."""
    from assistant.ui import launch

    port = free_port()
    return launch(assistant, port=port, block=False, **options), f"http://127.0.0.1:{port}/"


class Streaming:
    """The lexical assistant answering in small pieces, as a model backend streams,
    and recording the backend each question asked for."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.asked_backends: list[str | None] = []

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def backends(self) -> list[str]:
        return ["extractive", "fake-model"]

    def ask_stream(self, question, history=None, filters=None, top_k=None, backend=None) -> Iterator:
        from assistant import Filters

        self.asked_backends.append(backend)
        response = self.inner.ask(question, history, filters or Filters(), top_k)
        text = response.answer.text
        yield from (text[i : i + 5] for i in range(0, len(text), 5))
        yield response


# ----- pieces ---------------------------------------------------------------------


def test_as_text_shows_markup_literally() -> None:
    from assistant.ui import as_text

    plain = "今冬全市供热面积3.35亿平方米，居民用户304万户。[1]"
    assert as_text(plain) == plain  # ordinary prose and [n] markers are untouched
    assert as_text("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert as_text("[点我](javascript:alert(1)) **粗** `码` a_b _c_") == r"\[点我](javascript:alert(1)) \*\*粗\*\* \`码\` a_b \_c\_"
    assert as_text("# 标题\n    - 条目\n+ x") == "\\# 标题\n\\- 条目\n\\+ x"


def test_article_text_is_rebuilt_from_overlapping_chunks(parsed_seeds) -> None:
    from assistant.chunk import chunk_article
    from assistant.ui import article_text

    squash = lambda text: re.sub(r"\s+", " ", text).strip()
    for articles in parsed_seeds.values():
        for article in articles:
            chunks = chunk_article(article, 400, 80)
            text, offset = article_text(chunks[::-1])  # order does not matter
            assert squash(text) == squash(article.text[offset:])
            for chunk in chunks:
                assert text[chunk.start - offset : chunk.end - offset] == chunk.text


def test_quote_spans_find_every_part_or_mark_the_whole_passage(lexical_assistant) -> None:
    from assistant.answer import Citation
    from assistant.ui import quote_spans

    chunk = lexical_assistant.ask(QUESTION).answer.citations[0].chunk
    first, second = chunk.text[5:20], chunk.text[40:60]
    spans = quote_spans(Citation(1, chunk, f"{second}……{first}"))
    assert spans == [(chunk.start + 5, chunk.start + 20), (chunk.start + 40, chunk.start + 60)]
    assert quote_spans(Citation(1, chunk, "这句话不在文章里")) == [(chunk.start, chunk.end)]


def test_highlighted_marks_within_lines_and_cuts_long_articles() -> None:
    from assistant.ui import CONTEXT_CHARS, highlighted

    near, far = "近" * CONTEXT_CHARS, "远" * 10  # paragraphs within reach are shown whole
    text = f"{far}\n{near}\n前文<b>。引用第一行\n引用第二行。后文\n{near}\n{far}"
    start = text.index("引用")
    view = highlighted(text, [(start, text.index("。后文") + 1)])
    assert view.startswith("⋯⋯\n\n近") and view.endswith("近\n\n⋯⋯") and "远" not in view
    assert "<mark>引用第一行</mark>\n\n<mark>引用第二行。</mark>后文" in view
    assert "前文&lt;b&gt;。" in view
    assert highlighted("甲乙丙", [(1, 2)], "unverified") == '甲<mark class="unverified">乙</mark>丙'


def test_citation_message_shows_the_source_in_its_article(lexical_assistant) -> None:
    from assistant.ui import citation_message

    citation = lexical_assistant.ask(QUESTION).answer.citations[0]
    chunk = citation.chunk
    article = lexical_assistant.chunks.article_chunks([chunk.article_id])[chunk.article_id]
    message = citation_message(citation, article)
    title, content = message["metadata"]["title"], message["content"]
    assert title == f"[1] {chunk.title} · {chunk.date} · {HEATING_FILE}"
    assert f"记者 {chunk.byline}" in content and f"日期 {chunk.date}" in content
    assert f"<mark>{citation.quote}</mark>" in content
    assert any(sentence in content for sentence in sentences_around(lexical_assistant, chunk))

    unverified = citation_message(dataclasses.replace(citation, verified=False), article)
    assert unverified["metadata"]["title"].startswith("[1] ⚠️ 未核实")
    assert '<mark class="unverified">' in unverified["content"] and "未核实 unverified" in unverified["content"]


def test_notice_lines_explain_unverified_answers(lexical_assistant) -> None:
    from assistant.ui import notice_lines

    response = lexical_assistant.ask(QUESTION)
    assert notice_lines(response, lexical_assistant.mode_notice) == []
    response.answer = dataclasses.replace(response.answer, verified=False, problems=["句子2没有引用"])
    lines = notice_lines(response, lexical_assistant.mode_notice)
    assert "could not be verified" in lines[0] and lines[1] == "- 句子2没有引用"


def test_catalog_counts_every_issue_and_article(lexical_assistant) -> None:
    from assistant.ui import catalog

    issues, articles = catalog(lexical_assistant)
    facts = lexical_assistant.stats()
    assert [row[0] for row in issues] == lexical_assistant.source_names()
    assert sum(row[2] for row in issues) == facts["articles"] == len(articles)
    assert sum(row[3] for row in issues) == facts["chunks"] == sum(row[3] for row in articles)
    assert [HEATING_FILE, "2022-12-06"] == issues[0][:2]
    assert all(row[2] for row in articles)  # every article has its headline


def test_example_questions_are_answerable_and_drawn_from_articles(lexical_assistant) -> None:
    from assistant.ui import MAX_EXAMPLES, catalog, example_questions

    examples = example_questions(lexical_assistant)
    assert 0 < len(examples) <= MAX_EXAMPLES
    assert any(q.startswith("《") for q in examples)  # headline questions of loaded articles
    assert all(not lexical_assistant.ask(q).answer.refused for q in examples)
    preferred = example_questions(lexical_assistant, [UNDATED_FILE])  # e.g. a file just uploaded
    headlines = [row[2] for row in catalog(lexical_assistant)[1] if row[0] == UNDATED_FILE]
    assert preferred[0] in [f"《{headline}》主要讲了什么？" for headline in headlines]


# ----- uploads ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\evil.MD", "evil.md"),
        ("崂山 海洋科普节 (二).txt", "崂山_海洋科普节_(二).txt"),
        ("a;rm -rf ~.txt", "a_rm_-rf.txt"),
        (".hidden.jsonl", "hidden.jsonl"),
        ("...txt", "upload.txt"),
    ],
)
def test_safe_name(given: str, safe: str) -> None:
    from assistant.ui import safe_name

    assert safe_name(given) == safe


def test_store_upload_reuses_identical_files_and_never_overwrites(tmp_path: Path) -> None:
    from assistant.ui import store_upload

    folder, incoming = tmp_path / "uploads", tmp_path / "incoming"
    incoming.mkdir()
    first = incoming / "新闻.txt"
    first.write_text("第一版", encoding="utf-8")
    assert store_upload(first, folder, set()) == folder / "新闻.txt"
    assert store_upload(first, folder, set()) == folder / "新闻.txt"  # same bytes: same file
    first.write_text("第二版", encoding="utf-8")
    assert store_upload(first, folder, set()) == folder / "新闻-2.txt"
    assert (folder / "新闻.txt").read_text(encoding="utf-8") == "第一版"
    seed = incoming / "000_57c203a4d156ad1d.txt"  # an indexed source stored elsewhere
    seed.write_text("同名", encoding="utf-8")
    assert store_upload(seed, folder, {seed.name}) == folder / "000_57c203a4d156ad1d-2.txt"


def test_ingest_uploads_reports_what_it_skipped_and_why(tmp_path: Path) -> None:
    from assistant.ui import MAX_UPLOAD_MB, ingest_uploads, report_text

    assistant = make_assistant(tmp_path / "index", retrieval={"mode": "lexical"})
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    good = incoming / "海洋 节.txt"
    good.write_text("崂山区举办首届海洋科普节\n\n本报12月8日讯 崂山区首届海洋科普节共设置27项活动。\n", encoding="utf-8")
    (incoming / "scan.pdf").write_bytes(b"%PDF-1.4")
    (incoming / "empty.md").write_text("", encoding="utf-8")
    (incoming / "corpus.jsonl").write_text('{"title": "标题", "text": "正文。"}\n', encoding="utf-8")
    with open(incoming / "huge.txt", "wb") as huge:
        huge.truncate(MAX_UPLOAD_MB * 1024 * 1024 + 1)
    names = ["海洋 节.txt", "scan.pdf", "empty.md", "corpus.jsonl", "huge.txt"]
    steps: list[tuple[int, int, str]] = []

    report, skipped, notes = ingest_uploads(assistant, [incoming / n for n in names], lambda *step: steps.append(step))

    uploads = tmp_path / "uploads"
    assert sorted(p.name for p in uploads.iterdir()) == ["corpus.jsonl", "empty.md", "海洋_节.txt"]
    assert "海洋_节.txt" in assistant.source_names() and report.articles >= 1
    assert steps and steps[0][1] == 3  # progress counts the three files handed to the ingester
    assert [name for name, _ in skipped] == ["scan.pdf", "huge.txt"]
    assert notes == ["海洋 节.txt → 海洋_节.txt"]
    # .jsonl reaches the ingester, which either reads it or says why not
    assert report.sources + len(report.skipped) == 3
    assert "empty.md" in [Path(path).name for path, _ in report.skipped]
    text = report_text(report, skipped, notes)
    assert "unsupported type .pdf" in text and f"larger than {MAX_UPLOAD_MB} MB" in text
    assert "empty.md" in text and "海洋 节.txt → 海洋_节.txt" in text


# ----- the app over HTTP -------------------------------------------------------------


@pytest.fixture(scope="module")
def server(lexical_assistant):
    demo, url = serve(lexical_assistant)
    try:
        yield demo, url
    finally:
        demo.close()


@pytest.fixture
def client(server):
    """A fresh client per test: each has its own session, so its own conversation."""
    from gradio_client import Client

    return Client(server[1], verbose=False)


def ask(client, **given):
    values = {"message": QUESTION, "messages": [], "chosen_backend": "extractive", "k": 10, "chosen": [], "start": None, "end": None}
    values.update(given)
    params = [p["parameter_name"] for p in client.view_api(print_info=False, return_format="dict")["named_endpoints"]["/ask"]["parameters"]]
    assert params == list(values), params
    return client.predict(*values.values(), api_name="/ask")


def config(url: str) -> dict:
    with urllib.request.urlopen(url + "config", timeout=30) as reply:
        return json.load(reply)


def props(url: str, elem_id: str) -> dict:
    (component,) = [c for c in config(url)["components"] if c.get("props", {}).get("elem_id") == elem_id]
    return component["props"]


def test_only_ask_is_public(client) -> None:
    api = client.view_api(print_info=False, return_format="dict")
    assert list(api["named_endpoints"]) == ["/ask"]
    assert api["unnamed_endpoints"] == {}


def test_served_on_loopback_without_share_or_analytics(server) -> None:
    demo, url = server
    assert url.startswith("http://127.0.0.1:") and demo.server_name == "127.0.0.1"
    assert not demo.share and not demo.analytics_enabled
    assert config(url)["analytics_enabled"] is False


def test_ask_endpoint_answers_with_citations(client, lexical_assistant) -> None:
    messages, textbox = ask(client)
    assert textbox == ""
    assert messages[0]["role"] == "user" and text_of(messages[0]) == QUESTION
    plain = [m for m in messages if m["role"] == "assistant" and not m.get("metadata")]
    assert len(plain) == 1
    answer = text_of(plain[0])
    assert "[1]" in answer and "3.35亿平方米" in answer
    assert answer == lexical_assistant.ask(QUESTION).answer.text
    cited = [m for m in messages if (m.get("metadata") or {}).get("title", "").startswith("[")]
    assert cited[0]["metadata"]["title"].startswith("[1]") and HEATING_FILE in cited[0]["metadata"]["title"]
    assert "<mark>" in text_of(cited[0]) and "3.35亿平方米" in text_of(cited[0])
    # the retrieval-mode notice lives on the status line, not in every answer
    assert not any(lexical_assistant.mode_notice in text_of(m) for m in messages)


def test_streamed_answer_arrives_in_pieces_with_the_chosen_backend(lexical_assistant) -> None:
    from gradio_client import Client

    streaming = Streaming(lexical_assistant)
    demo, url = serve(streaming)
    try:
        assert props(url, "backend")["choices"] == [["extractive", "extractive"], ["fake-model", "fake-model"]]
        client = Client(url, verbose=False)
        job = client.submit(QUESTION, [], "fake-model", 10, [], None, None, api_name="/ask")
        final, _ = job.result()
        answers = [text_of(messages[1]) for messages, _ in job.outputs() if len(messages) > 1]
    finally:
        demo.close()
    full = lexical_assistant.ask(QUESTION).answer.text
    assert len(answers) > 2 and answers[-1] == full
    assert all(full.startswith(a) for a in answers) and answers == sorted(answers, key=len)
    assert streaming.asked_backends == ["fake-model"]
    assert any(t.startswith("[1]") for t in titles(final))


def test_per_question_notice_is_shown(client) -> None:
    messages, _ = ask(client, message=QUESTION * 200)
    notices = [m for m in messages if (m.get("metadata") or {}).get("title") == "ℹ️ 说明 notice"]
    assert len(notices) == 1
    assert "2000" in text_of(notices[0])


def test_follow_up_uses_the_conversation(client) -> None:
    first, _ = ask(client, message="今冬青岛全市是从什么时候开始正式供热的？")
    messages, _ = ask(client, message="那开通了多少条服务热线？", messages=first)
    new = messages[len(first) :]
    assert text_of(new[0]) == "那开通了多少条服务热线？"
    assert any(t.startswith("[1]") and HEATING_FILE in t for t in titles(new)), titles(new)


def test_empty_question_and_bad_date_in_chat(client) -> None:
    messages, textbox = ask(client, message="   ")
    assert textbox == "" and messages[-1]["role"] == "assistant"
    assert "问题为空" in text_of(messages[-1])
    messages, _ = ask(client, start="12/01/2022")
    assert "date_from must look like 2023-01-31" in text_of(messages[-1])


def test_file_filter_through_the_chat(client) -> None:
    # Unfiltered, this question is answered from another issue; filtered, from this one.
    messages, _ = ask(client, message="项目总投资多少亿元？", chosen=[UNDATED_FILE])
    cited = [t for t in titles(messages) if t.startswith("[")]
    assert cited and all(UNDATED_FILE in t for t in cited), cited


def test_status_line_and_settings(server, lexical_assistant) -> None:
    _, url = server
    value = props(url, "status")["value"]
    facts = lexical_assistant.stats()
    assert "retrieval: **lexical**" in value and f"backend: **{facts['backend']}**" in value
    assert f"{facts['chunks']} 段 chunks" in value and f"{facts['sources']} 期 issues" in value
    assert "⚠️" in value  # the fallback notice
    assert [c[0] for c in props(url, "issues")["choices"]] == lexical_assistant.source_names()
    assert [c[0] for c in props(url, "backend")["choices"]] == lexical_assistant.backends()
    examples = props(url, "chat")["examples"]
    assert examples and all(e["text"] for e in examples)


def test_default_status_line_shows_the_share_embedded_and_no_warning(hybrid_assistant) -> None:
    demo, url = serve(hybrid_assistant)
    try:
        value = props(url, "status")["value"]
    finally:
        demo.close()
    facts = hybrid_assistant.stats()
    assert "retrieval: **hybrid**" in value and "multilingual-e5-small-q4" in value
    assert f"已向量化 embedded: {facts['chunks']}/{facts['chunks']} (100%)" in value
    assert "⚠️" not in value


# ----- login ----------------------------------------------------------------------


def test_auth_turns_on_the_login_page(lexical_assistant) -> None:
    from gradio_client import Client

    demo, url = serve(lexical_assistant, auth="reader:s3cret")
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            config(url)
        assert refused.value.code == 401
        client = Client(url, auth=("reader", "s3cret"), verbose=False)
        assert "3.35亿平方米" in text_of(client.predict(QUESTION, [], "extractive", 10, [], None, None, api_name="/ask")[0][1])
    finally:
        demo.close()


def test_auth_from_the_environment(lexical_assistant, monkeypatch) -> None:
    from assistant import load_settings

    monkeypatch.setenv("ASSISTANT_UI__AUTH", "env-user:env-pass")
    auth = load_settings().ui.auth
    assert auth.get_secret_value() == "env-user:env-pass" and "env-pass" not in repr(load_settings())
    proxy = Streaming(lexical_assistant)
    proxy.settings = lexical_assistant.settings.model_copy(update={"ui": load_settings().ui})
    demo, url = serve(proxy)
    try:
        with pytest.raises(urllib.error.HTTPError):
            config(url)
    finally:
        demo.close()


def test_bad_auth_is_refused_without_echoing_it(lexical_assistant) -> None:
    from assistant import SettingsError
    from assistant.ui import launch, parse_auth

    assert parse_auth("ann:pa:ss") == ("ann", "pa:ss")  # only the first colon separates
    for bad in ("justapassword", "ann:", ":secret-word"):
        with pytest.raises(SettingsError) as error:
            launch(lexical_assistant, auth=bad, block=False)
        assert bad.strip(":") not in str(error.value)


def test_cli_serve_passes_auth(monkeypatch) -> None:
    from typer.testing import CliRunner

    import assistant.ui
    from assistant.cli import app

    launched: list[dict] = []
    monkeypatch.setattr(assistant.ui, "launch", lambda _assistant, **options: launched.append(options))
    result = CliRunner().invoke(app, ["serve", "--port", "7999", "--auth", "ann:hunter2"])
    assert result.exit_code == 0, result.output
    assert launched == [{"host": None, "port": 7999, "auth": "ann:hunter2"}]
    assert "hunter2" not in result.output


def test_refusal_and_partial_answer_show_the_closest_passages(lexical_assistant) -> None:
    from assistant.ui import closest_messages

    article_chunks = lexical_assistant.chunks.article_chunks
    answered = lexical_assistant.ask(QUESTION)
    assert closest_messages(answered, article_chunks) == []
    refused = lexical_assistant.ask("青岛2030年的火星基地建设计划投资多少？")
    assert refused.answer.refused and not refused.answer.partial
    shown = closest_messages(refused, article_chunks)
    assert [m["metadata"]["title"] for m in shown] == [
        f"🔎 最接近 closest · {h.chunk.title} · {h.chunk.date or '日期不详'} · {h.chunk.source}" for h in refused.hits[:2]
    ]
    assert all("不是答案" in m["content"] or "Not an answer" in m["content"] for m in shown)
    partial = lexical_assistant.ask("市南区2023年力争引进多少个亿元项目？")
    assert partial.answer.partial and partial.answer.citations
    cited = {c.chunk.id for c in partial.answer.citations}
    uncited = [h.chunk for h in partial.hits if h.chunk.id not in cited][:2]
    shown = closest_messages(partial, article_chunks)
    assert [m["metadata"]["title"] for m in shown] == [
        f"🔎 最接近 closest · {c.title} · {c.date or '日期不详'} · {c.source}" for c in uncited
    ]
    assert all(c.text[:20] in m["content"] for c, m in zip(uncited, shown))
