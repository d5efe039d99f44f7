"""The Gradio chat: a thin layer over `Assistant`.

Everything a reader needs to trust an answer stays in the conversation: the
answer streams in with [n] markers, and one collapsible message per citation
shows where the quote comes from (headline, date, issue file, byline) with the
quoted words highlighted inside the surrounding article text. Clicking an [n]
in the answer opens its citation.

Article text and answers are shown as text, never as markup: every string that
comes from a file or a model goes through `as_text` first, so a `<script>` or a
Markdown link in an article is displayed, not executed.
"""

from __future__ import annotations

import filecmp
import html
import re
import shutil
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import count, zip_longest
from pathlib import Path

import gradio as gr

from .answer import Citation
from .chunk import Chunk
from .core import Assistant, IngestReport, QuestionError, Response
from .parse import NotTextError, detect_encoding
from .retrieve import Turn
from .settings import SettingsError
from .store import Filters, StoreUnavailable, server_errors

UPLOAD_SUFFIXES = (".txt", ".md", ".jsonl")
MAX_UPLOAD_MB = 20  # also Gradio's own upload limit, so larger files never reach the disk
CONTEXT_CHARS = 200  # article text shown on each side of a quote, widened to whole paragraphs
MAX_EXAMPLES = 6
CLOSEST_PASSAGES = 2  # shown under a refusal or a partial answer, so a reader can check
MAX_ARTICLE_ROWS = 1000  # the articles table is for browsing, not an export
STATUS_REFRESH_S = 3.0  # how often the status line shows embedding progress while it runs
_HEADLINE_CHARS = (6, 24)  # headlines that make a readable example question
_HEADLINES_TRIED = 8  # articles per issue looked at for such a headline

# Markdown that would turn text into formatting: inline markers, a "[" that could open
# a link (but not the answer's own [n] markers), and block markers at a line start.
_INLINE_MARKUP = re.compile(r"([\\`*~|]|(?<!\w)_|_(?!\w)|\[(?!\d+\]))")
_LINE_START = re.compile(r"^[ \t]*([#+=-])?", re.MULTILINE)
# Private-use characters stand for <mark> and </mark> while the text is escaped.
_OPEN, _CLOSE = "\ue000", "\ue001"
_QUOTE_JOINER = "……"  # how answer.py joins several quotes from one passage
_MIN_QUOTE_PART = 2  # shorter pieces of a split quote (a lone "”") would mark noise
UNVERIFIED_LABEL = "未核实"  # in a citation's title; the page script styles its [n] by it

FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Zen Hei", "system-ui", "sans-serif"]
MONO_FONTS = ["Noto Sans Mono CJK SC", "WenQuanYi Zen Hei Mono", "ui-monospace", "monospace"]

CSS = """
#chat mark { background: #ffe98a; color: inherit; padding: 0 .1em; border-radius: 2px; }
#chat mark.unverified { background: #ffd6d6; text-decoration: underline wavy #c0392b; }
#chat mark.closest { background: none; border-bottom: 1px dashed #888; }
#chat a.cite-ref { text-decoration: none; font-weight: 600; cursor: pointer; color: var(--color-accent); background: var(--color-accent-soft); border-radius: 4px; padding: 0 2px; }
#chat a.cite-ref.unverified { color: #c0392b; }
.dark #chat mark { background: #7a6400; }
#status { font-size: var(--text-sm); }
@media (max-width: 640px) {
  .gradio-container .main.app { padding-left: 6px !important; padding-right: 6px !important; }
}
"""

# Turns every [n] in an answer into a link that opens (and scrolls to) citation n below
# it. It only rewrites rendered text nodes, so the message value (what "copy" copies)
# keeps the plain [n].
JS = r"""
() => {
  const REF = /(\[\d+\])/;
  const UNVERIFIED = 'UNVERIFIED_LABEL';
  const citationRow = (ref) => {
    let row = ref.closest('.message-row');
    for (row = row && row.nextElementSibling; row; row = row.nextElementSibling) {
      if (row.classList.contains('user-row')) return null;
      const title = row.querySelector('.thought-group .title');
      if (title && title.textContent.trim().startsWith(ref.textContent)) return title;
    }
    return null;
  };
  const link = () => {
    const chat = document.querySelector('#chat');
    if (!chat) return;
    const walker = document.createTreeWalker(chat, NodeFilter.SHOW_TEXT);
    const found = [];
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const el = node.parentElement;
      if (REF.test(node.nodeValue) && el.closest('.bot-row .message-content') && !el.closest('.thought-group, a')) found.push(node);
    }
    for (const node of found) {
      const parts = node.nodeValue.split(REF);
      const fragment = document.createDocumentFragment();
      parts.forEach((part, i) => {
        if (i % 2 === 0) { if (part) fragment.append(part); return; }
        const a = document.createElement('a');
        a.href = '#'; a.className = 'cite-ref'; a.textContent = part; a.title = '查看出处 show the source';
        fragment.append(a);
      });
      node.replaceWith(fragment);
    }
    for (const a of chat.querySelectorAll('a.cite-ref')) {
      const title = citationRow(a);
      a.classList.toggle('unverified', !!title && title.textContent.includes(UNVERIFIED));
    }
  };
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; link(); });
  }).observe(document.body, { childList: true, subtree: true, characterData: true });
  document.addEventListener('click', (event) => {
    const ref = event.target.closest && event.target.closest('#chat a.cite-ref');
    if (!ref) return;
    event.preventDefault();
    const title = citationRow(ref);
    if (!title) return;
    const group = title.closest('.thought-group');
    if (!group.querySelector('mark')) title.click();
    setTimeout(() => (group.querySelector('mark') || title).scrollIntoView({ block: 'center', behavior: 'smooth' }), 100);
  });
}
""".replace("UNVERIFIED_LABEL", UNVERIFIED_LABEL)


# ----- text ------------------------------------------------------------------


def as_text(text: str) -> str:
    """Markdown that displays `text` literally: HTML is escaped and Markdown markers
    neutralised. Ordinary Chinese prose comes out unchanged, so "copy" stays clean."""
    escaped = _INLINE_MARKUP.sub(r"\\\1", html.escape(text, quote=False))
    return _LINE_START.sub(lambda m: "\\" + m.group(1) if m.group(1) else "", escaped)


def article_text(chunks: Sequence[Chunk]) -> tuple[str, int]:
    """An article's text rebuilt from its (overlapping) chunks, and the article offset
    it starts at. Gaps between chunks held only whitespace (chunks are trimmed
    sentences); they become line breaks so paragraphs stay apart."""
    first = min(chunk.start for chunk in chunks)
    chars = [" "] * (max(chunk.end for chunk in chunks) - first)
    covered = [False] * len(chars)
    for chunk in chunks:
        at = chunk.start - first
        chars[at : at + len(chunk.text)] = chunk.text
        covered[at : at + len(chunk.text)] = [True] * len(chunk.text)
    for i in range(len(chars)):
        if not covered[i] and (i == 0 or covered[i - 1]):
            chars[i] = "\n"
    return "".join(chars), first


def quote_spans(citation: Citation) -> list[tuple[int, int]]:
    """Article offsets of the quoted words. A quote that cannot be found in its passage
    (a model misquoting) marks the whole passage, which is what it claims to cite."""
    chunk = citation.chunk
    spans = []
    for part in citation.quote.split(_QUOTE_JOINER):
        part = part.strip()
        at = chunk.text.find(part) if len(part) >= _MIN_QUOTE_PART else -1
        if at >= 0:
            spans.append((chunk.start + at, chunk.start + at + len(part)))
    return sorted(spans) or [(chunk.start, chunk.end)]


def highlighted(text: str, spans: Sequence[tuple[int, int]], mark_class: str = "") -> str:
    """Escaped `text` with `<mark>` around `spans` (offsets into `text`), cut down to the
    paragraphs within CONTEXT_CHARS of them. Marks never cross a line break, because a
    Markdown paragraph break inside a <mark> would tear it apart."""
    start = text.rfind("\n", 0, max(0, spans[0][0] - CONTEXT_CHARS)) + 1
    end = text.find("\n", min(len(text), spans[-1][1] + CONTEXT_CHARS))
    end = len(text) if end < 0 else end
    marked = [False] * len(text)
    for a, b in spans:
        marked[a:b] = [True] * (b - a)
    out: list[str] = []
    inside = False
    for i in range(start, end):
        char = text[i].replace(_OPEN, "").replace(_CLOSE, "")
        if marked[i] and char != "\n" and not inside:
            out.append(_OPEN)
        elif inside and (not marked[i] or char == "\n"):
            out.append(_CLOSE)
        inside = marked[i] and char != "\n"
        out.append(char)
    if inside:
        out.append(_CLOSE)
    body = as_text("".join(out).strip("\n")).replace("\n", "\n\n")
    attribute = f' class="{mark_class}"' if mark_class else ""
    body = body.replace(_OPEN, f"<mark{attribute}>").replace(_CLOSE, "</mark>")
    return ("⋯⋯\n\n" if start > 0 else "") + body + ("\n\n⋯⋯" if end < len(text) else "")


# ----- chat messages -----------------------------------------------------------


def citation_message(citation: Citation, article: list[Chunk]) -> dict:
    """One collapsible chat message: title "[n] headline · date · file", then the byline
    line and the quote highlighted inside its surrounding article text (`article`: the
    cited chunk's article, its chunks in reading order)."""
    chunk = citation.chunk
    unverified = not citation.verified
    note = "⚠️ **未核实 unverified**：回答中引用这段的句子没能在原文中核实，请以原文为准。" if unverified else ""
    flag = f"⚠️ {UNVERIFIED_LABEL} · " if unverified else ""
    return _passage_message(chunk, article, quote_spans(citation), f"[{citation.n}] {flag}", note, "unverified" if unverified else "")


def closest_messages(response: Response, article_chunks: Callable[[list[str]], dict[str, list[Chunk]]]) -> list[dict]:
    """After a refusal or a partial answer, the passages that came closest, so a reader
    can check for themselves that the articles do not say it: each shown in its article,
    titled as not being an answer."""
    if not response.answer.refused:
        return []
    cited = {c.chunk.id for c in response.answer.citations}
    closest = [hit.chunk for hit in response.hits if hit.chunk.id not in cited][:CLOSEST_PASSAGES]
    articles = article_chunks(list(dict.fromkeys(c.article_id for c in closest))) if closest else {}
    note = "文章没有直接回答这个问题；这是检索到的最接近的段落，供核对。 Not an answer: the closest passage found, for checking."
    return [_passage_message(c, articles.get(c.article_id, []), [(c.start, c.end)], "🔎 最接近 closest · ", note, "closest")
            for c in closest]


def _passage_message(chunk: Chunk, article: list[Chunk], spans: list[tuple[int, int]], prefix: str, note: str,
                     mark_class: str = "") -> dict:
    text, offset = article_text(article or [chunk])
    facts = [f"日期 {chunk.date or '不详'}", f"期 {chunk.source}"]
    if chunk.byline:
        facts.append(f"记者 {chunk.byline}")
    if chunk.section:
        facts.append(f"栏目 {chunk.section}")
    lines = [as_text(" · ".join(facts)), *([note] if note else [])]
    lines.append(highlighted(text, [(a - offset, b - offset) for a, b in spans], mark_class))
    title = f"{prefix}{chunk.title} · {chunk.date or '日期不详'} · {chunk.source}"
    return {"role": "assistant", "content": "\n\n".join(lines), "metadata": {"title": as_text(title), "status": "done"}}


def citation_messages(response: Response, article_chunks: Callable[[list[str]], dict[str, list[Chunk]]]) -> list[dict]:
    citations = response.answer.citations
    articles = article_chunks(list(dict.fromkeys(c.chunk.article_id for c in citations))) if citations else {}
    return [citation_message(citation, articles.get(citation.chunk.article_id, [])) for citation in citations]


def notice_lines(response: Response, shown_elsewhere: str) -> list[str]:
    """Per-question notices; the retrieval-mode notice is on the status line already."""
    answer = response.answer
    lines = [n for n in (answer.notice, *response.notices) if n and n != shown_elsewhere]
    if not answer.verified:
        lines.append("有的句子没能在引文中核实 Some sentences could not be verified against the cited passages:")
        lines += [f"- {problem}" for problem in answer.problems]
    return lines


# ----- facts about the loaded articles ---------------------------------------------


def status_line(assistant: Assistant) -> str:
    facts = assistant.stats()
    line = (
        f"检索模式 retrieval: **{facts['retrieval_mode']}** · 向量模型 embedding: {as_text(str(facts['embedding_model']))} · "
        f"回答 backend: **{as_text(str(facts['backend']))}** · 索引 index: {facts['sources']} 期 issues / "
        f"{facts['articles']} 篇 articles / {facts['chunks']} 段 chunks"
    )
    if facts["retrieval_mode"] == "hybrid" and facts["chunks"]:
        # Text is searched lexically at once; this says how much the dense leg sees yet.
        line += f" · 已向量化 embedded: {facts['embedded']}/{facts['chunks']} ({facts['embedded'] / facts['chunks']:.0%})"
    if facts["notice"]:
        line += f"\n\n⚠️ {as_text(facts['notice'])}"
    return line


def _natural(text: str) -> list:
    """Sort key that puts "x#10" after "x#9"."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


@dataclass
class _Article:
    id: str
    date: str
    first_chunk: str  # its chunk id; the chunk carries the headline
    chunks: int = 0


def _articles(assistant: Assistant) -> dict[str, list[_Article]]:
    """Loaded articles by issue file, both in reading order, from the lexical catalog
    (one entry per chunk), so listing them costs no store query."""
    entries = assistant.lexical.catalog
    by_id: dict[str, _Article] = {}
    sources: dict[str, list[_Article]] = {}
    for chunk_id, source, article_id, date in zip(entries.ids, entries.sources, entries.article_ids, entries.dates):
        if article_id not in by_id:
            by_id[article_id] = _Article(article_id, date, chunk_id)
            sources.setdefault(source, []).append(by_id[article_id])
        by_id[article_id].chunks += 1
    return {source: sorted(articles, key=lambda a: _natural(a.id)) for source, articles in sorted(sources.items())}


def _titles(assistant: Assistant, articles: Sequence[_Article]) -> list[str]:
    found = {chunk.id: chunk.title for chunk in assistant.chunks.get([a.first_chunk for a in articles])}
    return [found.get(article.first_chunk, "") for article in articles]


def catalog(assistant: Assistant) -> tuple[list[list], list[list]]:
    """Rows of the issues table and of the articles table (the first MAX_ARTICLE_ROWS)."""
    by_source = _articles(assistant)
    issue_rows = []
    for source, articles in by_source.items():
        dates = sorted(a.date for a in articles if a.date)
        span = " – ".join(dict.fromkeys([dates[0], dates[-1]])) if dates else "—"
        issue_rows.append([source, span, len(articles), sum(a.chunks for a in articles)])
    listed = [(source, a) for source, articles in by_source.items() for a in articles][:MAX_ARTICLE_ROWS]
    titles = _titles(assistant, [a for _, a in listed])
    article_rows = [[source, a.date or "—", title, a.chunks] for (source, a), title in zip(listed, titles)]
    return issue_rows, article_rows


def example_questions(assistant: Assistant, prefer: Sequence[str] = ()) -> list[str]:
    """Questions a newcomer can click, all answerable from the loaded articles: "what is
    《headline》 about" for the preferred (just uploaded) issues first, then configured
    examples alternating with headline questions from other issues. Each is asked once
    with the extractive backend, which is local and quick, and kept if answered."""
    by_source = _articles(assistant)
    sources = [s for s in prefer if s in by_source] + [s for s in by_source if s not in prefer][:MAX_EXAMPLES]
    headlines: dict[str, str] = {}
    for source in sources:
        articles = by_source[source][:_HEADLINES_TRIED]
        fitting = [t for t in _titles(assistant, articles) if _HEADLINE_CHARS[0] <= len(t) <= _HEADLINE_CHARS[1]]
        if fitting:
            headlines[source] = f"《{fitting[0]}》主要讲了什么？"
    first = [headlines.pop(source) for source in prefer if source in headlines]
    mixed = zip_longest(assistant.settings.ui.examples, headlines.values())
    candidates = [*first, *(question for pair in mixed for question in pair if question)]
    chosen: list[str] = []
    for question in dict.fromkeys(candidates):
        if len(chosen) >= MAX_EXAMPLES:
            break
        if not assistant.ask(question, backend="extractive").answer.refused:
            chosen.append(question)
    return chosen


# ----- uploads ----------------------------------------------------------------------


def safe_name(name: str) -> str:
    """A file name without directories or characters that mean something to a shell or
    a file system; letters of every script (Chinese included) are kept."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    path = Path(base)
    stem = re.sub(r"[^\w\-()（）]+", "_", path.stem).strip("._-")[:80] or "upload"
    return stem + path.suffix.lower()


def store_upload(upload: Path, folder: Path, taken: set[str]) -> Path:
    """Copy an uploaded file into `folder` under a safe name. An identical copy already
    there is reused (re-uploading is a no-op); a name already used by different content,
    in the folder or by an indexed source, gets a numbered suffix instead of replacing it."""
    name = Path(safe_name(upload.name))
    folder.mkdir(parents=True, exist_ok=True)
    for n in count(1):
        target = folder / (name.name if n == 1 else f"{name.stem}-{n}{name.suffix}")
        if target.exists():
            if filecmp.cmp(target, upload, shallow=False):
                return target
        elif target.name not in taken:
            shutil.copyfile(upload, target)
            return target
    raise AssertionError("unreachable")


def ingest_uploads(
    assistant: Assistant, uploads: Sequence[str | Path], progress: Callable[[int, int, str], None] | None = None
) -> tuple[IngestReport, list[tuple[str, str]], list[str]]:
    """Check, store and ingest uploaded files. Returns the ingest report, the files
    skipped before ingesting (name, why) and notes about renamed files."""
    folder = assistant.index_dir.parent / "uploads"
    taken = set(assistant.source_names())
    stored: list[Path] = []
    skipped: list[tuple[str, str]] = []
    notes: list[str] = []
    for upload in map(Path, uploads):
        suffix = upload.suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            skipped.append((upload.name, f"不支持的文件类型 unsupported type {suffix or '(none)'}; use {', '.join(UPLOAD_SUFFIXES)}"))
        elif upload.stat().st_size > MAX_UPLOAD_MB * 1024 * 1024:
            skipped.append((upload.name, f"文件太大 larger than {MAX_UPLOAD_MB} MB"))
        elif not_text := _not_text(upload):  # a binary renamed .txt never reaches the data directory
            skipped.append((upload.name, f"不是文本 {not_text}"))
        else:
            target = store_upload(upload, folder, taken)
            taken.add(target.name)
            stored.append(target)
            if target.name != upload.name:
                notes.append(f"{upload.name} → {target.name}")
    report = assistant.ingest(stored, progress, embed=False) if stored else IngestReport()
    assistant.embed_in_background()  # answerable now (lexically); vectors follow
    return report, skipped, notes


def _not_text(upload: Path) -> str:
    """Why the file is not text (empty when it is), judged as the ingester will read it."""
    try:
        detect_encoding(upload)
    except NotTextError as error:
        return str(error)
    return ""


def report_text(report: IngestReport, skipped: Sequence[tuple[str, str]], notes: Sequence[str]) -> str:
    """What an upload did, with every skipped file and the reason, in Markdown."""
    blocks = [
        f"**导入完成 Import finished** · {report.sources} 个文件 files · {report.articles} 篇文章 articles · "
        f"新增 {report.chunks_added} 段 chunks added · {report.chunks_unchanged} 段未变 unchanged · "
        f"{report.chunks_removed} 段删除 removed"
    ]
    if notes:
        blocks.append("改名保存（名称含特殊字符，或已有同名的不同文件） saved under another name (unsafe characters, or the name was taken):")
        blocks.append("\n".join(f"- {as_text(note)}" for note in notes))
    problems = [*skipped, *((Path(path).name, reason) for path, reason in report.skipped)]
    if problems:
        blocks.append(f"⚠️ 跳过 {len(problems)} 个文件 skipped {len(problems)} file(s):")
        blocks.append("\n".join(f"- {as_text(name)}：{as_text(reason)}" for name, reason in problems))
    return "\n\n".join(blocks)


# ----- the app ----------------------------------------------------------------------


ISSUE_HEADERS = ["期 issue file", "日期 dates", "文章 articles", "段落 chunks"]
ARTICLE_HEADERS = ["期 issue file", "日期 date", "标题 headline", "段落 chunks"]


def build(assistant: Assistant) -> gr.Blocks:
    stats = assistant.stats()
    backends = assistant.backends()
    default_backend = stats["backend"] if stats["backend"] in backends else backends[0]
    default_k = assistant.settings.retrieval.top_k
    issue_rows, article_rows = catalog(assistant)
    with gr.Blocks(title="青岛日报问答 · Newspaper Q&A", analytics_enabled=False) as demo:
        gr.Markdown("## 青岛日报问答 · Ask the newspaper\n回答只来自已收录的文章；点开 [n] 查看出处。 Answers come only from the loaded articles; open [n] to see the source.")
        status = gr.Markdown(status_line(assistant), elem_id="status")
        # Refreshes the status line while vectors are being computed, then rests.
        ticker = gr.Timer(STATUS_REFRESH_S, active=assistant.embedding)
        turns = gr.State([])
        with gr.Tab("对话 Chat", elem_id="chat-tab"):
            with gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=300):
                    chatbot = gr.Chatbot(
                        show_label=False,
                        height="62vh",
                        buttons=["copy", "copy_all"],
                        elem_id="chat",
                        latex_delimiters=[],
                        group_consecutive_messages=False,
                        feedback_options=None,
                        examples=[{"text": q} for q in example_questions(assistant)],
                        placeholder="问一个关于已收录文章的问题，或点一个示例。 Ask about the loaded articles, or pick an example.",
                    )
                    with gr.Row():
                        question = gr.Textbox(
                            placeholder="输入问题，回车发送 / Ask a question, Enter sends",
                            show_label=False,
                            scale=8,
                            min_width=160,
                            elem_id="question",
                        )
                        send = gr.Button("发送 Send", variant="primary", scale=1, min_width=80, elem_id="send")
                    clear = gr.ClearButton([chatbot, question], value="清空对话 Clear", elem_id="clear")
                with gr.Column(scale=1, min_width=260):
                    with gr.Accordion("检索与回答设置 Settings", open=True, elem_id="settings"):
                        gr.Markdown("下一个问题起生效 Applies to the next question.")
                        backend = gr.Dropdown(backends, value=default_backend, label="回答方式 answer backend", elem_id="backend")
                        top_k = gr.Slider(1, max(30, default_k), value=default_k, step=1, label="检索段落数 passages")
                        issues = gr.Dropdown(assistant.source_names(), multiselect=True, value=[], label="只看这些期 only these issues", elem_id="issues")
                        date_from = gr.DateTime(include_time=False, type="string", label="起始日期 from", elem_id="date-from")
                        date_to = gr.DateTime(include_time=False, type="string", label="截止日期 to", elem_id="date-to")
        with gr.Tab("文章 Articles", elem_id="articles-tab"):
            uploads = gr.File(
                label=f"上传文章 Upload articles (.txt, .md, .jsonl; ≤ {MAX_UPLOAD_MB} MB each)",
                file_count="multiple",
                file_types=list(UPLOAD_SUFFIXES),
                elem_id="upload",
            )
            report = gr.Markdown(elem_id="upload-report")
            issue_table = gr.Dataframe(issue_rows, headers=ISSUE_HEADERS, label="已收录的期 Loaded issues", interactive=False, elem_id="issue-table")
            article_table = gr.Dataframe(article_rows, headers=ARTICLE_HEADERS, label="文章 Articles", interactive=False, elem_id="article-table", max_height=480, show_search="search")

        def respond(
            message: str, messages: list[dict], history: list[Turn], chosen_backend: str, k: int, chosen: list[str], start: str | None, end: str | None
        ) -> Iterator[tuple[list[dict], str, list[Turn]]]:
            messages = [*(messages or []), {"role": "user", "content": as_text(message)}]
            history = list(history or [])
            messages.append({"role": "assistant", "content": ""})
            written = ""
            try:
                filters = Filters(tuple(chosen or ()), (start or "").strip() or None, (end or "").strip() or None)
                for item in assistant.ask_stream(message, history, filters, int(k), chosen_backend):
                    if isinstance(item, Response):
                        response = item
                    else:
                        written += item
                        messages[-1] = {"role": "assistant", "content": as_text(written)}
                        yield messages, "", history
            except (QuestionError, ValueError, StoreUnavailable) as error:
                messages[-1] = {"role": "assistant", "content": as_text(str(error))}
                yield messages, "", history
                return
            messages[-1] = {"role": "assistant", "content": as_text(response.answer.text)}
            if notices := notice_lines(response, assistant.mode_notice):
                messages.append({"role": "assistant", "content": "\n".join(map(as_text, notices)), "metadata": {"title": "ℹ️ 说明 notice"}})
            history += [{"role": "user", "content": response.question}, {"role": "assistant", "content": response.answer.text}]
            try:
                with server_errors(assistant.settings.store):
                    sources = citation_messages(response, assistant.chunks.article_chunks)
                    sources += closest_messages(response, assistant.chunks.article_chunks)
            except StoreUnavailable as error:  # the answer stands; its articles cannot be shown now
                sources = [{"role": "assistant", "content": as_text(str(error)), "metadata": {"title": "⚠️ 出处暂不可用 sources unavailable"}}]
            yield messages + sources, "", history

        def ingest(files: list[str] | None, chosen: list[str], progress: gr.Progress = gr.Progress()) -> tuple:
            before = set(assistant.source_names())

            def step(done: int, total: int, label: str) -> None:
                progress((done, total), desc=f"导入 ingesting: {label}")

            progress(0, desc="保存文件 saving files")
            try:
                result = ingest_uploads(assistant, files or [], step)
            except StoreUnavailable as error:  # saved uploads stay; uploading again resumes
                return (f"⚠️ {as_text(str(error))}", *[gr.skip()] * 7)
            sources = assistant.source_names()
            issue_rows, article_rows = catalog(assistant)
            return (
                report_text(*result) if files else "没有选择文件 No files chosen.",
                issue_rows,
                article_rows,
                gr.Dropdown(choices=sources, value=[s for s in chosen or [] if s in sources]),
                status_line(assistant),
                gr.Chatbot(examples=[{"text": q} for q in example_questions(assistant, sorted(set(sources) - before))]),
                None,
                gr.Timer(active=assistant.embedding),
            )

        def refresh() -> tuple[str, gr.Timer]:
            return status_line(assistant), gr.Timer(active=assistant.embedding)

        ticker.tick(refresh, None, [status, ticker], api_visibility="private", queue=False)

        inputs = [question, chatbot, turns, backend, top_k, issues, date_from, date_to]
        outputs = [chatbot, question, turns]
        question.submit(respond, inputs, outputs, api_name="ask", concurrency_id="answer")
        send.click(respond, inputs, outputs, api_visibility="private", concurrency_id="answer")
        chatbot.example_select(_example_text, None, question, api_visibility="private").then(
            respond, inputs, outputs, api_visibility="private", concurrency_id="answer"
        )
        for cleared in (clear.click, chatbot.clear):  # the chat's own trash icon clears it too
            cleared(lambda: [], None, turns, api_visibility="private")
        uploads.upload(
            ingest,
            [uploads, issues],
            [report, issue_table, article_table, issues, status, chatbot, uploads, ticker],
            show_progress_on=[report],
            concurrency_limit=1,
            api_visibility="private",
        )
    return demo


def _example_text(event: gr.SelectData) -> str:
    """The question of the example the user clicked (Gradio passes it as event data)."""
    return event.value["text"]


def parse_auth(value: str) -> tuple[str, str]:
    """"user:password" for Gradio's login page. The error never repeats the value,
    which holds a password."""
    user, colon, password = value.partition(":")
    if not (colon and user.strip() and password):
        raise SettingsError("ui.auth [ASSISTANT_UI__AUTH] / --auth: must look like user:password")
    return user.strip(), password


def launch(
    assistant: Assistant, host: str | None = None, port: int | None = None, auth: str | None = None, *, block: bool = True
) -> gr.Blocks:
    """Serve the chat on loopback by default, with no share link and no analytics. A
    login page appears when `auth` (or settings.ui.auth) is given."""
    configured = assistant.settings.ui.auth
    credentials = auth or (configured.get_secret_value() if configured else None)
    login = parse_auth(credentials) if credentials else None
    assistant.embed_in_background()  # what an interrupted ingest or embed left; the chat answers meanwhile
    demo = build(assistant)
    # One queue for every way of asking (Enter, Send, an example), so ui.concurrency caps
    # the answers computed at once; the upload has its own queue of one. See README, Load.
    ui = assistant.settings.ui
    demo.queue(default_concurrency_limit=ui.concurrency, max_size=ui.queue_size)
    demo.launch(
        server_name=host or assistant.settings.ui.host,
        server_port=port or assistant.settings.ui.port,
        share=False,
        auth=login,
        auth_message="青岛日报问答 · 请登录 Please log in" if login else None,
        footer_links=["api"],
        max_file_size=f"{MAX_UPLOAD_MB}mb",
        prevent_thread_lock=not block,
        theme=gr.themes.Default(font=FONTS, font_mono=MONO_FONTS),
        css=CSS,
        js=JS,
    )
    return demo
