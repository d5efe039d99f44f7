"""`assistant` command line: a thin layer over `Assistant`."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.markup import escape
from rich.text import Text

from .core import Assistant, QuestionError, Response
from .ingest import EmbedReport
from .evaluate import EvalFileError
from .settings import SettingsError, load_settings
from .store import Filters, StoreUnavailable

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Cited answers from Chinese newspaper articles.")
console = Console(stderr=True, soft_wrap=True)  # a path cut across lines cannot be copied
out = Console(soft_wrap=True)


def _open() -> Assistant:
    try:
        assistant = Assistant(load_settings())
    except (SettingsError, StoreUnavailable) as error:
        _say(error, "red")
        raise typer.Exit(2) from None
    if assistant.index_notice:  # a repair at start-up is worth saying once, whatever the command
        _say(assistant.index_notice)
    return assistant


def _say(message: object, style: str = "yellow") -> None:
    """Messages carry file names, titles and values the user typed: never read as markup."""
    console.print(escape(str(message)), style=style)


def _notice(assistant: Assistant) -> None:
    if assistant.mode_notice:
        _say(assistant.mode_notice)


class _RateColumn(ProgressColumn):
    """Items per second of a stage (documents, chunks embedded)."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:,.0f}/s" if task.speed else "", style="progress.data.speed")


def _bar() -> Progress:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), _RateColumn(), TimeRemainingColumn())
    return Progress(*columns, console=console, transient=True)


def _tracker(bar: Progress) -> Callable[[int, int, str], None]:
    """The progress callback: one bar per stage (documents, tokenising, embedding...)."""
    tasks: dict[str, TaskID] = {}

    def progress(done: int, total: int, stage: str) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
            if stage == "embedding":
                _say(f"Embedding {total:,} chunks (Ctrl-C stops after the batch in flight; `assistant embed` resumes)…", "default")
        bar.update(tasks[stage], completed=done, total=total)

    return progress


def _embed(assistant: Assistant) -> None:
    """Embed what has no vector yet, with a bar and the time left. Ctrl-C stops after
    the batch in flight and keeps everything embedded so far (exit 130); a failed
    embedding server exits 1. Either way the text stays searchable lexically."""
    if assistant.embedder is None:
        return
    stop = threading.Event()
    interrupted = False
    with _bar() as bar:
        worker = _Embedding(assistant, _tracker(bar), stop)
        worker.start()
        try:
            while not worker.finished.wait(0.2):
                pass
        except KeyboardInterrupt:
            interrupted = True
            stop.set()
            _say("Stopping after the batch being embedded (Ctrl-C again quits at once)…")
            worker.finished.wait()
    report = worker.report
    if report is None:  # the worker failed: its exception says why
        raise worker.error
    out.print(f"embedded: {report.embedded}  without vectors: {report.missing}  seconds: {report.seconds:.1f}")
    if report.error:
        _say(report.error, "red")
    if report.missing:
        _say(f"{report.missing} chunks have no vector yet; they are searched lexically. `assistant embed` (or `assistant serve`) resumes.")
    if interrupted:
        raise typer.Exit(130)
    if report.error:
        raise typer.Exit(1)


class _Embedding(threading.Thread):
    """Embedding runs off the main thread, so Ctrl-C reaches the CLI at once instead of
    after the model's current call returns. The CLI waits on `finished`, not `join`:
    a join interrupted by Ctrl-C marks the thread as ended on Python 3.11 (bpo-45274)."""

    def __init__(self, assistant: Assistant, progress: Callable[[int, int, str], None], stop: threading.Event) -> None:
        super().__init__(daemon=True, name="embed")
        self.assistant, self.progress, self.stop = assistant, progress, stop
        self.report: EmbedReport | None = None
        self.error: BaseException | None = None
        self.finished = threading.Event()

    def run(self) -> None:
        try:
            self.report = self.assistant.embed(self.progress, self.stop)
        except BaseException as error:  # re-raised on the main thread
            self.error = error
        finally:
            self.finished.set()


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories (.txt/.md), or JSONL corpora (.jsonl)")],
    no_embed: Annotated[bool, typer.Option("--no-embed", help="Store and index the text only; `assistant embed` adds the vectors later")] = False,
) -> None:
    """Add articles to the index (unchanged files are skipped without being read), then embed them."""
    assistant = _open()
    with _bar() as bar:
        report = assistant.ingest(paths, _tracker(bar), embed=False)
    out.print(
        f"sources: {report.sources}  articles: {report.articles}  chunks added: {report.chunks_added}  "
        f"unchanged: {report.chunks_unchanged}  removed: {report.chunks_removed}  skipped files: {len(report.skipped)}"
    )
    rate = report.sources / report.seconds if report.seconds else 0.0
    out.print(f"files unchanged: {report.files_unchanged}  seconds: {report.seconds:.1f}  docs per second: {rate:,.0f}")
    for path, reason in report.skipped:
        _say(f"skipped {path}: {reason}")
    _notice(assistant)
    if no_embed:
        if assistant.embedder is not None and (missing := len(assistant.lexical) - assistant.embedded()):
            _say(f"{missing} chunks have no vector yet; `assistant embed` adds them.")
        return
    if report.changed or assistant.embedded() != len(assistant.lexical):
        _embed(assistant)
    elif assistant.embedder is not None:  # every chunk has its vector: no need to look for missing ones
        out.print("embedded: 0  without vectors: 0")


@app.command()
def embed() -> None:
    """Embed every chunk that has no vector yet (after `ingest --no-embed`, Ctrl-C or a failure)."""
    assistant = _open()
    _notice(assistant)
    if assistant.embedder is None:
        _say("Nothing to embed: the dense leg is off.", "red")
        raise typer.Exit(1)
    _embed(assistant)


@app.command()
def remove(
    source: Annotated[str, typer.Argument(help="An ingested file (path or name; a .jsonl removes all its records) or one source id")],
) -> None:
    """Delete a file's or a source's chunks from both indexes."""
    assistant = _open()
    try:
        report = assistant.remove(source)
    except KeyError as error:
        _say(error.args[0], "red")
        raise typer.Exit(1) from None
    out.print(f"sources removed: {len(report.sources)}  chunks removed: {report.chunks_removed}")


@app.command()
def ask(
    question: str,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
    top_k: Annotated[Optional[int], typer.Option(help="Chunks to retrieve")] = None,
    file: Annotated[Optional[list[str]], typer.Option(help="Only this issue file (repeatable)")] = None,
    date_from: Annotated[Optional[str], typer.Option(help="Earliest date, YYYY-MM-DD")] = None,
    date_to: Annotated[Optional[str], typer.Option(help="Latest date, YYYY-MM-DD")] = None,
    backend: Annotated[Optional[str], typer.Option(help="extractive, openai or llamacpp (default from settings)")] = None,
) -> None:
    """Answer a question with numbered citations (streamed as it is written)."""
    assistant = _open()
    streamed = ""
    try:
        filters = Filters(tuple(file or ()), date_from, date_to)
        for item in assistant.ask_stream(question, filters=filters, top_k=top_k, backend=backend):
            if isinstance(item, Response):
                response = item
            elif not as_json:
                streamed += item
                sys.stdout.write(item)
                sys.stdout.flush()
    except (QuestionError, ValueError) as error:
        _say(error, "red")
        raise typer.Exit(2) from None
    if as_json:
        sys.stdout.write(json.dumps(response.to_json(), ensure_ascii=False) + "\n")
        return
    _print_answer(response, streamed)


def _print_answer(response: Response, streamed: str) -> None:
    if streamed.strip() != response.answer.text.strip():
        # The model failed part-way (or nothing streamed): the final answer replaces it.
        sys.stdout.write("\n" if streamed else "")
        out.print(response.answer.text, highlight=False, markup=False)
    else:
        sys.stdout.write("\n")
    if not response.answer.verified:
        console.print("[yellow]Some sentences could not be verified against the cited passages:[/yellow]")
        for problem in response.answer.problems:
            _say(f"  - {problem}")
    for citation in response.answer.citations:
        chunk = citation.chunk
        mark = "" if citation.verified else " [yellow](unverified)[/yellow]"
        where = f"{chunk.title} · {chunk.date or '日期不详'} · {chunk.source}"
        out.print(f"\n[bold]\\[{citation.n}][/bold]{mark} {escape(where)}", highlight=False)
        out.print(f"    {citation.quote}", style="dim", highlight=False, markup=False)
    for notice in [response.answer.notice, *response.notices]:
        if notice:
            _say(notice)


@app.command("eval")
def evaluate(
    qa_file: Annotated[Path, typer.Argument(help="Questions in the dev_qa.jsonl schema")],
    out_dir: Annotated[Path, typer.Option("--out", help="Directory for results.jsonl, metrics.json, report.md")] = Path(
        "eval-out"
    ),
    backend: Annotated[Optional[str], typer.Option(help="extractive, openai or llamacpp (default from settings)")] = None,
) -> None:
    """Run a question set and write a report with metrics and a chart. A line that is
    not a question, or a question ask refuses (e.g. empty), is recorded as an error and
    the run goes on."""
    assistant = _open()
    _notice(assistant)
    try:
        metrics = assistant.evaluate(qa_file, out_dir, backend)
    except (EvalFileError, FileNotFoundError) as error:
        _say(error, "red")
        raise typer.Exit(2) from None
    for key, value in metrics.items():
        if key != "by_type":
            out.print(f"{key}: {value}", highlight=False)
    if metrics["errors"]:
        _say(f"{metrics['errors']} item(s) could not be asked; they are listed under Errors in the report.")
    out.print(f"report: {out_dir / 'report.md'}")


@app.command()
def stats(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Counts of sources, articles and chunks, and the active retrieval mode."""
    assistant = _open()
    facts = assistant.stats()
    if as_json:
        sys.stdout.write(json.dumps(facts, ensure_ascii=False) + "\n")
        return
    for key, value in facts.items():
        out.print(f"{key}: {value}", highlight=False)


@app.command()
def serve(
    host: Annotated[Optional[str], typer.Option(help="Default from settings: 127.0.0.1")] = None,
    port: Annotated[Optional[int], typer.Option(help="Default from settings: 7860")] = None,
    auth: Annotated[
        Optional[str], typer.Option(help="user:password turns on the login page (or ASSISTANT_UI__AUTH)", show_default=False)
    ] = None,
) -> None:
    """Launch the web chat (the same app as app.py); chunks without vectors are embedded in the background."""
    from .ui import launch

    try:
        launch(_open(), host=host, port=port, auth=auth)
    except SettingsError as error:
        _say(error, "red")
        raise typer.Exit(2) from None


def main() -> None:
    try:
        app()
    except StoreUnavailable as error:  # the Chroma server went away during a command
        _say(error, "red")
        sys.exit(2)


if __name__ == "__main__":
    main()
