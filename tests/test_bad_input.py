"""Bad input, one test each: a clear message, notice or exit status, and nothing else
changed. Questions go through the `Assistant` and the CLI; files through a real ingest
into an embedded Chroma store.

Covered elsewhere, listed here so the catalogue is complete: malformed evaluation
lines (test_evaluate.py, test_cli.py::test_eval_malformed_line), unknown settings keys
and wrong types (test_settings.py), an unreachable Chroma server
(test_chroma_server.py, test_faults.py), an unreachable or slow model (test_llm.py),
uploads of the wrong type or size (test_ui.py, test_security.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.core import MAX_QUESTION_CHARS, QuestionError
from assistant.parse import iter_articles, parse_issue, read_text

from conftest import HEATING_FILE, SEEDS, make_assistant

QUESTION = "全市供热面积是多少？"
ANSWER = "3.35亿平方米"


# ----- questions -------------------------------------------------------------------


@pytest.mark.parametrize("question", ["", "   ", "\n\t \u3000", "\x00\x07\x1b"])
def test_empty_question_is_refused_with_a_message(lexical_assistant, question: str) -> None:
    with pytest.raises(QuestionError, match="empty"):
        lexical_assistant.ask(question)


@pytest.mark.parametrize("question", ["？？？！！", "……——", "😀🎉👍", "?!.,;:()", "★☆→←"])
def test_punctuation_or_emoji_only_is_refused_with_a_message(lexical_assistant, question: str) -> None:
    with pytest.raises(QuestionError, match="only punctuation or symbols"):
        lexical_assistant.ask(question)


def test_hundred_thousand_characters_are_cut_with_a_notice(lexical_assistant) -> None:
    response = lexical_assistant.ask(QUESTION + "啊" * 100_000)
    assert len(response.question) == MAX_QUESTION_CHARS
    assert any(f"first {MAX_QUESTION_CHARS} characters" in notice for notice in response.notices)
    assert ANSWER in response.answer.text  # the question's start still counts


def test_control_characters_are_dropped(lexical_assistant) -> None:
    clean = lexical_assistant.ask(QUESTION)
    dirty = lexical_assistant.ask("全市\x00供热\x07面积\x1b是多少\u200b？")
    assert "\x00" not in dirty.question and "\x07" not in dirty.question
    assert dirty.answer.text == clean.answer.text


def test_emoji_around_words_are_ignored(lexical_assistant) -> None:
    assert ANSWER in lexical_assistant.ask("🔥全市供热面积🔥是多少？").answer.text


@pytest.mark.parametrize(
    "question",
    ["青島の暖房面積はどれくらいですか？", "Какова площадь отопления в Циндао?", "ما هي مساحة التدفئة في تشينغداو؟", "칭다오 난방 면적은?"],
)
def test_other_languages_get_a_notice_and_no_invented_answer(lexical_assistant, question: str) -> None:
    response = lexical_assistant.ask(question)
    assert any("请用中文或英文提问" in notice for notice in response.notices)
    assert response.answer.refused or all(c.verified for c in response.answer.citations)


def test_chinese_and_english_get_no_language_notice(lexical_assistant) -> None:
    for question in (QUESTION, "How large is the heated area in Qingdao?", "Qingdao地铁几号线开通了？"):
        assert not any("请用中文或英文提问" in n for n in lexical_assistant.ask(question).notices)


@pytest.mark.parametrize("question", ["", "？？？", "😀"])
def test_cli_bad_question_exits_2_with_the_message(question: str, tmp_path: Path) -> None:
    env = {**os.environ, "ASSISTANT_INDEX__DIR": str(tmp_path / "index"), "ASSISTANT_RETRIEVAL__MODE": "lexical"}
    run = subprocess.run([sys.executable, "-m", "assistant.cli", "ask", question], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and run.stdout == ""
    assert "问题" in run.stderr and "Traceback" not in run.stderr


# ----- files -----------------------------------------------------------------------


def texts(assistant, source: str) -> list[str]:
    return sorted(chunk.text for chunk in assistant.chunks.all() if chunk.source == source)


@pytest.fixture(scope="module")
def heating_texts(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    assistant = make_assistant(tmp_path_factory.mktemp("utf8"), retrieval={"mode": "lexical"})
    assistant.ingest([SEEDS / HEATING_FILE])
    return texts(assistant, HEATING_FILE)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-16-be", "utf-8-sig"])
def test_other_encodings_are_ingested_as_the_same_text(encoding: str, heating_texts: list[str], tmp_path: Path) -> None:
    text = (SEEDS / HEATING_FILE).read_text(encoding="utf-8")
    path = tmp_path / f"heating-{encoding}.txt"
    data = text.encode(encoding)
    path.write_bytes(b"\xfe\xff" + data if encoding == "utf-16-be" else data)  # a BE file carries its BOM
    assistant = make_assistant(tmp_path / "index", retrieval={"mode": "lexical"})
    report = assistant.ingest([path])
    assert not report.skipped
    assert texts(assistant, path.name) == heating_texts
    assert ANSWER in assistant.ask(QUESTION).answer.text


def test_windows_line_ends_read_like_unix_ones(heating_texts: list[str], tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes((SEEDS / HEATING_FILE).read_bytes().replace(b"\n", b"\r\n"))
    assistant = make_assistant(tmp_path / "index", retrieval={"mode": "lexical"})
    assistant.ingest([path])
    assert texts(assistant, path.name) == heating_texts


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("photo.txt", bytes(range(256)) * 40, "not text"),
        ("image.txt", b"\x89PNG\r\n\x1a\n" + os.urandom(4000), "not text"),
        ("utf16-no-bom.txt", "供热面积3.35亿平方米。\n".encode("utf-16-le") * 50, "NUL bytes"),
        ("empty.txt", b"", "no article text found"),
        ("blank.md", b"\n \n\t\n", "no article text found"),
        ("cut.txt", "供热面积3.35亿平方米".encode()[:-1], "not text"),
    ],
)
def test_bad_files_are_skipped_with_a_reason_and_change_nothing(
    name: str, data: bytes, reason: str, lexical_assistant, tmp_path: Path
) -> None:
    index = tmp_path / "index"
    assistant = make_assistant(index, retrieval={"mode": "lexical"})
    assistant.ingest([SEEDS / HEATING_FILE])
    before = assistant.stats()
    path = tmp_path / name
    path.write_bytes(data)
    report = assistant.ingest([path])
    assert [(Path(p).name, r) for p, r in report.skipped if reason in r] == [(name, report.skipped[0][1])]
    assert report.chunks_added == report.chunks_removed == 0
    assert assistant.stats() == before


def test_a_good_file_turned_bad_keeps_its_articles(tmp_path: Path) -> None:
    """A file replaced by garbage under the same name: skipped, its old chunks stay."""
    path = tmp_path / "issue.txt"
    shutil.copyfile(SEEDS / HEATING_FILE, path)
    assistant = make_assistant(tmp_path / "index", retrieval={"mode": "lexical"})
    assistant.ingest([path])
    before = assistant.stats()
    path.write_bytes(os.urandom(5000).replace(b"\x00", b"\x01") + b"\x00")
    report = assistant.ingest([path])
    assert report.skipped and report.chunks_removed == 0
    assert assistant.stats() == before and ANSWER in assistant.ask(QUESTION).answer.text


def test_names_with_spaces_and_chinese_are_ingested_cited_and_removable(tmp_path: Path) -> None:
    folder = tmp_path / "青岛 日报 archive"
    folder.mkdir()
    path = folder / "2022年 12月 供热 (第1期).txt"
    shutil.copyfile(SEEDS / HEATING_FILE, path)
    env = {**os.environ, "ASSISTANT_INDEX__DIR": str(tmp_path / "index"), "ASSISTANT_RETRIEVAL__MODE": "lexical"}

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "assistant.cli", *args], env=env, capture_output=True, text=True, timeout=120)

    assert cli("ingest", str(path)).returncode == 0
    data = json.loads(cli("ask", "--json", QUESTION).stdout)
    assert data["citations"][0]["file"] == path.name
    removed = cli("remove", path.name)
    assert removed.returncode == 0 and "sources removed: 1" in removed.stdout
    assert json.loads(cli("stats", "--json").stdout)["chunks"] == 0


def test_the_same_file_twice(tmp_path: Path) -> None:
    assistant = make_assistant(tmp_path / "index", retrieval={"mode": "lexical"})
    first = assistant.ingest([SEEDS / HEATING_FILE, SEEDS / HEATING_FILE, SEEDS])  # named twice, and in its folder
    assert first.sources == 5 and not first.skipped
    chunks = assistant.stats()["chunks"]
    assert assistant.ingest([SEEDS / HEATING_FILE]).chunks_added == 0  # and again later
    copy = tmp_path / "elsewhere" / HEATING_FILE  # the same name from another folder
    copy.parent.mkdir()
    copy.write_text((SEEDS / HEATING_FILE).read_text(encoding="utf-8") + "\n补记：本文另有一份副本。\n", encoding="utf-8")
    both = assistant.ingest([SEEDS / HEATING_FILE, copy])
    assert [reason for _, reason in both.skipped] == [f"duplicate source {HEATING_FILE!r}, already read from {SEEDS / HEATING_FILE}"]
    assert assistant.stats()["chunks"] == chunks


def test_mixed_directory_ingests_the_good_and_lists_the_bad(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    (folder / "nested").mkdir(parents=True)
    shutil.copyfile(SEEDS / HEATING_FILE, folder / "issue.txt")
    (folder / "nested" / "note.md").write_text("# 一篇短文\n\n青岛市今天发布了一条测试新闻，内容关于港口集装箱吞吐量。\n", encoding="utf-8")
    (folder / "records.jsonl").write_text(
        json.dumps({"id": "r1", "title": "记录一", "text": "这是一条完整的新闻记录，说明海洋科技馆开放时间。"}, ensure_ascii=False)
        + "\n{broken json\n",
        encoding="utf-8",
    )
    (folder / "scan.pdf").write_bytes(b"%PDF-1.7 binary")
    (folder / "tool.exe").write_bytes(b"MZ\x00\x00")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "empty.txt").write_bytes(b"")
    (folder / ".hidden").write_text("ignored", encoding="utf-8")
    env = {**os.environ, "ASSISTANT_INDEX__DIR": str(tmp_path / "index"), "ASSISTANT_RETRIEVAL__MODE": "lexical"}
    run = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(folder)], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "sources: 3" in run.stdout  # issue.txt, note.md and record r1
    skipped = [line for line in run.stderr.splitlines() if line.startswith("skipped")]
    for name, reason in [
        ("scan.pdf", "unsupported file type .pdf"),
        ("tool.exe", "unsupported file type .exe"),
        ("binary.txt", "not text"),
        ("empty.txt", "no article text found"),
        ("records.jsonl:2", "not valid JSON"),
    ]:
        assert any(name in line and reason in line for line in skipped), (name, skipped)
    assert not any(".hidden" in line for line in skipped)


def test_fifty_megabyte_file_is_streamed_in_bounded_memory(tmp_path: Path) -> None:
    """A 50 MB export (the same issue printed 2,500 times) is read a window at a time:
    the ingest's peak memory barely moves from a one-issue ingest, and the repeated
    articles are stored once."""
    issue = (SEEDS / HEATING_FILE).read_text(encoding="utf-8")
    big = tmp_path / "合订本 2022.txt"
    with big.open("w", encoding="utf-8") as handle:
        for _ in range(50 * 2**20 // len(issue.encode()) + 1):
            handle.write(issue + "\n\n")
    assert big.stat().st_size > 50 * 2**20
    small = tmp_path / "one issue.txt"
    small.write_text(issue, encoding="utf-8")
    measure = (
        "import resource, sys; sys.path.insert(0, {root!r}); from conftest import make_assistant; "
        "from pathlib import Path; a = make_assistant(Path(sys.argv[1]), retrieval={{'mode': 'lexical'}}); "
        "r = a.ingest([Path(sys.argv[2])]); "
        "print(r.articles, r.chunks_added, len(r.skipped), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    ).format(root=str(Path(__file__).parent))

    def ingest(path: Path) -> list[int]:
        run = subprocess.run(
            [sys.executable, "-c", measure, str(tmp_path / f"index-{path.stem}"), str(path)],
            capture_output=True, text=True, timeout=600,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        return [int(value) for value in run.stdout.split()]

    articles, chunks, skipped, small_kb = ingest(small)
    big_articles, big_chunks, big_skipped, big_kb = ingest(big)
    assert (big_articles, big_chunks, big_skipped) == (articles, chunks, 0)
    assert big_kb - small_kb < 60_000, f"peak memory grew by {(big_kb - small_kb) / 1024:.0f} MB for a 50 MB file"


def test_windowed_parse_equals_the_whole_text_parse(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Windows end where an article starts, so no article is cut at a window's edge."""
    issues = "\n\n".join(read_text(path) for path in sorted(SEEDS.glob("*.txt")))
    path = tmp_path / "five issues.txt"
    path.write_text(issues, encoding="utf-8")
    monkeypatch.setattr("assistant.parse._WINDOW", 2000)
    windowed = list(iter_articles(path))
    whole = parse_issue(issues, path.name)
    assert len(issues) > 15 * 2000
    assert [(a.index, a.title, a.text, a.byline) for a in windowed] == [(a.index, a.title, a.text, a.byline) for a in whole]


# ----- settings ----------------------------------------------------------------------


def _stats(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ASSISTANT_INDEX__DIR": str(tmp_path / "index"), **env}
    return subprocess.run([sys.executable, "-m", "assistant.cli", "stats"], env=env, capture_output=True, text=True, timeout=120)


def test_misspelt_section_in_the_environment_is_an_error(tmp_path: Path) -> None:
    run = _stats(tmp_path, ASSISTANT_RETRIVAL__TOP_K="5")
    assert run.returncode == 2
    assert "Unknown setting ASSISTANT_RETRIVAL__TOP_K: there is no [retrival] section" in run.stderr


def test_misspelt_key_is_named_without_echoing_its_value(tmp_path: Path) -> None:
    run = _stats(tmp_path, ASSISTANT_LLM__APIKEY="sk-do-not-print-4711")
    assert run.returncode == 2 and "llm.apikey [ASSISTANT_LLM__APIKEY]" in run.stderr
    assert "sk-do-not-print-4711" not in run.stderr + run.stdout


def test_wrong_type_names_the_setting_and_its_value(tmp_path: Path) -> None:
    run = _stats(tmp_path, ASSISTANT_RETRIEVAL__TOP_K="many")
    assert run.returncode == 2 and "retrieval.top_k [ASSISTANT_RETRIEVAL__TOP_K]" in run.stderr and "'many'" in run.stderr


def test_unreachable_model_names_the_settings_to_check(tmp_path: Path) -> None:
    from conftest import free_port

    llm = {"base_url": f"http://127.0.0.1:{free_port()}/v1", "timeout": 5, "model_path": tmp_path / "missing.gguf"}
    assistant = make_assistant(tmp_path / "index", retrieval={"mode": "lexical"}, llm=llm)
    assistant.ingest([SEEDS / HEATING_FILE])
    response = assistant.ask(QUESTION, backend="openai")
    assert response.answer.backend == "extractive" and ANSWER in response.answer.text
    assert "llm.base_url [ASSISTANT_LLM__BASE_URL]" in response.answer.notice
    response = assistant.ask(QUESTION, backend="llamacpp")
    assert response.answer.backend == "extractive" and "llm.model_path [ASSISTANT_LLM__MODEL_PATH]" in response.answer.notice


def test_a_whole_section_given_one_value_is_an_error_not_a_crash(tmp_path: Path) -> None:
    run = _stats(tmp_path, ASSISTANT_UI="reader:hunter2-secret")
    assert run.returncode == 2 and "set single keys such as ASSISTANT_UI__PORT" in run.stderr
    assert "Traceback" not in run.stderr and "hunter2-secret" not in run.stderr
