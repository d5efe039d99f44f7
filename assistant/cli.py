"""`assistant` command line: a thin layer over `Assistant`."""

from __future__ import annotations

import json
import sys
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


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories (.txt/.md), or JSONL corpora (.jsonl)")],
) -> None:
    """Add articles to the index; unchanged files are skipped without being read."""
    assistant = _open()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), _RateColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(done: int, total: int, stage: str) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        report = assistant.ingest(paths, progress)
    out.print(
        f"sources: {report.sources}  articles: {report.articles}  chunks added: {report.chunks_added}  "
        f"unchanged: {report.chunks_unchanged}  removed: {report.chunks_removed}  skipped files: {len(report.skipped)}"
    )
    rate = report.sources / report.seconds if report.seconds else 0.0
    out.print(f"files unchanged: {report.files_unchanged}  seconds: {report.seconds:.1f}  docs per second: {rate:,.0f}")
    for path, reason in report.skipped:
        _say(f"skipped {path}: {reason}")
    _notice(assistant)


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
    """Launch the web chat (the same app as app.py)."""
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
