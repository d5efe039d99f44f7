"""The Gradio chat: a thin layer over `Assistant.ask`.

Each answer streams into the chat, followed by one collapsible message per
citation (headline · date · file, then the passage with the quoted part marked),
so every claim can be checked without leaving the conversation.
"""

from __future__ import annotations

import html
from collections.abc import Iterator

import gradio as gr

from .core import Assistant, QuestionError, Response
from .retrieve import Turn
from .store import Filters

_STREAM_STEP = 6  # characters per streamed update: the extractive answer is ready at once


def _history_turns(messages: list[dict]) -> list[Turn]:
    """Question/answer turns only; citation messages carry metadata and are skipped."""
    turns: list[Turn] = []
    for message in messages:
        if message.get("metadata"):
            continue
        content = message.get("content")
        if isinstance(content, list):  # Gradio may hand content back as parts
            content = " ".join(part.get("text", "") for part in content if isinstance(part, dict))
        if message.get("role") in ("user", "assistant") and isinstance(content, str):
            turns.append({"role": message["role"], "content": content})
    return turns


def citation_messages(response: Response) -> list[dict]:
    messages = []
    for citation in response.answer.citations:
        chunk = citation.chunk
        passage = html.escape(chunk.text, quote=False)
        for part in citation.quote.split("……"):
            escaped = html.escape(part, quote=False)
            if escaped and escaped in passage:
                passage = passage.replace(escaped, f"**{escaped}**", 1)
        byline = f" · 记者 {html.escape(chunk.byline, quote=False)}" if chunk.byline else ""
        messages.append(
            {
                "role": "assistant",
                "content": f"{passage}\n\n<small>{html.escape(chunk.source, quote=False)}{byline}</small>",
                "metadata": {
                    "title": f"[{citation.n}] {chunk.title} · {chunk.date or '日期不详'} · {chunk.source}",
                    "status": "done",
                },
            }
        )
    return messages


def status_line(assistant: Assistant) -> str:
    facts = assistant.stats()
    line = (
        f"检索模式 retrieval: **{facts['retrieval_mode']}** · 向量模型 embedding: `{facts['embedding_model']}` · "
        f"回答 backend: **{facts['backend']}** · {facts['sources']} 期 issues / {facts['articles']} 篇 articles / "
        f"{facts['chunks']} 段 chunks"
    )
    if facts["notice"]:
        line += f"\n\n⚠️ {html.escape(facts['notice'], quote=False)}"
    return line


def build(assistant: Assistant) -> gr.Blocks:
    sources = assistant.source_names()
    with gr.Blocks(title="青岛日报问答 · Newspaper Q&A", analytics_enabled=False) as demo:
        gr.Markdown("## 青岛日报问答 · Ask the newspaper\n回答只来自已收录的文章，并标注引用 [n]。")
        status = gr.Markdown(status_line(assistant), elem_id="status")
        chatbot = gr.Chatbot(label="对话", height=520, buttons=["copy", "copy_all"], elem_id="chat")
        with gr.Row():
            question = gr.Textbox(placeholder="输入问题，回车发送 / Ask a question", show_label=False, scale=8, elem_id="question")
            send = gr.Button("发送 Send", variant="primary", scale=1, min_width=80)
        with gr.Accordion("检索设置 Settings", open=False):
            top_k = gr.Slider(1, 30, value=assistant.settings.retrieval.top_k, step=1, label="检索段落数 passages")
            files = gr.Dropdown(sources, multiselect=True, label="只看这些期 issues", value=[])
            with gr.Row():
                date_from = gr.Textbox(label="起始日期 from (YYYY-MM-DD)")
                date_to = gr.Textbox(label="截止日期 to (YYYY-MM-DD)")
        gr.Examples(assistant.settings.ui.examples, inputs=question, label="示例问题 Examples")
        clear = gr.ClearButton([chatbot, question], value="清空对话 Clear")

        def respond(
            message: str, messages: list[dict], k: int, chosen: list[str], start: str, end: str
        ) -> Iterator[tuple[list[dict], str]]:
            messages = list(messages or [])
            turns = _history_turns(messages)
            messages.append({"role": "user", "content": message})
            try:
                filters = Filters(tuple(chosen or ()), (start or "").strip() or None, (end or "").strip() or None)
                response = assistant.ask(message, turns, filters, int(k))
            except (QuestionError, ValueError) as error:
                messages.append({"role": "assistant", "content": str(error)})
                yield messages, ""
                return
            text = response.answer.text
            messages.append({"role": "assistant", "content": ""})
            for end_at in range(_STREAM_STEP, len(text) + _STREAM_STEP, _STREAM_STEP):
                messages[-1] = {"role": "assistant", "content": text[:end_at]}
                yield messages, ""
            # The retrieval-mode notice is on the status line already; repeat only per-question ones.
            notices = [n for n in (response.answer.notice, *response.notices) if n and n != assistant.mode_notice]
            if notices:
                messages.append({"role": "assistant", "content": "ℹ️ " + " ".join(notices), "metadata": {"title": "说明 notice"}})
            yield messages + citation_messages(response), ""

        inputs = [question, chatbot, top_k, files, date_from, date_to]
        question.submit(respond, inputs, [chatbot, question], api_name="ask")
        send.click(respond, inputs, [chatbot, question], api_visibility="private")
        clear.click(lambda: status_line(assistant), None, status, api_visibility="private")
    return demo


def launch(assistant: Assistant, host: str | None = None, port: int | None = None) -> None:
    demo = build(assistant)
    demo.queue(default_concurrency_limit=4)
    demo.launch(
        server_name=host or assistant.settings.ui.host,
        server_port=port or assistant.settings.ui.port,
        share=False,
        footer_links=["api"],
    )
