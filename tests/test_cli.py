"""The `assistant` command line, run for real in subprocesses."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import HEATING_FILE, QA_FILE, ROOT, SEED_FILES, SEEDS

QUESTION = "今冬青岛全市供热面积是多少？"


def cli_env(index_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(
        ASSISTANT_INDEX__DIR=str(index_dir),
        # The CLI must run the code under test, whatever the venv's editable install points at.
        PYTHONPATH=str(ROOT),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        COLUMNS="400",  # keep rich from wrapping messages we match on
        NO_COLOR="1",
    )
    env.update(extra)
    return env


def run(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli-index")


@pytest.fixture(scope="module")
def env(index_dir: Path) -> dict[str, str]:
    # Lexical mode: these tests are about the CLI, not the dense leg. The default
    # (hybrid) mode is exercised by test_stats_json_default_mode and tests/test_embed.py.
    return cli_env(index_dir, ASSISTANT_RETRIEVAL__MODE="lexical")


@pytest.fixture(scope="module")
def ingested(env: dict[str, str]) -> subprocess.CompletedProcess:
    return run(env, "ingest", str(SEEDS))


def counts(output: str) -> dict[str, int]:
    return {key.strip(): int(value) for key, value in re.findall(r"([a-z ]+):\s*(\d+)", output)}


def test_ingest_prints_counts(ingested, parsed_seeds) -> None:
    assert ingested.returncode == 0, ingested.stderr
    found = counts(ingested.stdout)
    assert found["sources"] == len(SEED_FILES)
    assert found["articles"] == sum(len(a) for a in parsed_seeds.values())
    assert found["chunks added"] > 0
    assert found["removed"] == 0
    assert found["skipped files"] == 0


def test_ingest_again_adds_nothing(ingested, env) -> None:
    again = run(env, "ingest", str(SEEDS))
    assert again.returncode == 0, again.stderr
    first, second = counts(ingested.stdout), counts(again.stdout)
    assert second["chunks added"] == 0
    assert second["unchanged"] == first["chunks added"]


def test_stats_json(ingested, env) -> None:
    done = run(env, "stats", "--json")
    assert done.returncode == 0, done.stderr
    facts = json.loads(done.stdout)
    for key in ("sources", "articles", "chunks"):
        assert isinstance(facts[key], int) and not isinstance(facts[key], bool), key
    assert facts["sources"] == 5
    assert facts["chunks"] == counts(ingested.stdout)["chunks added"]
    assert facts["articles"] == counts(ingested.stdout)["articles"]
    assert facts["retrieval_mode"] == "lexical"


def test_stats_json_default_mode(ingested, index_dir) -> None:
    """Default settings: the bundled model, hybrid retrieval and no notice. This index was
    filled in lexical mode, so no chunk has a vector yet (the dense leg finds nothing)."""
    done = run(cli_env(index_dir), "stats", "--json")
    assert done.returncode == 0, done.stderr
    facts = json.loads(done.stdout)
    assert facts["retrieval_mode"] == "hybrid"
    assert facts["embedding_model"] == "multilingual-e5-small-q4"
    assert facts["notice"] == ""
    assert facts["chunks"] > 0 and facts["embedded"] == 0


def test_ask_json(ingested, env) -> None:
    done = run(env, "ask", "--json", QUESTION)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert {"question", "answer", "refused", "backend", "retrieval_mode", "citations", "retrieved", "latency_ms"} <= set(data)
    assert data["question"] == QUESTION
    assert data["refused"] is False
    assert "[1]" in data["answer"]
    assert data["citations"][0]["file"] == HEATING_FILE
    assert "3.35亿平方米" in data["citations"][0]["text"]
    assert [r["rank"] for r in data["retrieved"]] == list(range(1, len(data["retrieved"]) + 1))
    assert len(data["retrieved"]) >= 10


def test_ask_json_with_filter_and_top_k(ingested, env) -> None:
    other = SEED_FILES[3].name
    done = run(env, "ask", "--json", "--top-k", "4", "--file", other, QUESTION)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert len(data["retrieved"]) == 4
    assert {r["file"] for r in data["retrieved"]} == {other}


def test_ask_plain_text(ingested, env) -> None:
    done = run(env, "ask", QUESTION)
    assert done.returncode == 0, done.stderr
    assert "3.35亿平方米" in done.stdout
    assert "[1]" in done.stdout
    assert HEATING_FILE in done.stdout


@pytest.mark.parametrize("question", ["", "   "])
def test_ask_empty_fails_clearly(ingested, env, question: str) -> None:
    done = run(env, "ask", question)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "empty" in done.stderr.lower() or "问题为空" in done.stderr
    assert done.stdout.strip() == ""


def test_eval_malformed_line(ingested, env, tmp_path: Path) -> None:
    """A broken line is recorded as an error and every other line is still asked."""
    lines = QA_FILE.read_text(encoding="utf-8").splitlines()[:2]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines + ['{"id": "s999", "question": "broken"', lines[0]]) + "\n", encoding="utf-8")
    done = run(env, "eval", str(bad), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "errors: 1" in done.stdout and "1 item(s) could not be asked" in done.stderr
    records = [json.loads(line) for line in (tmp_path / "out" / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r.get("error") is None for r in records] == [True, True, False, True]
    assert records[2]["line"] == 3 and "not valid JSON" in records[2]["error"]
    assert json.loads((tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))["errors"] == 1


def test_eval_missing_file(ingested, env, tmp_path: Path) -> None:
    done = run(env, "eval", str(tmp_path / "absent.jsonl"), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "absent.jsonl" in done.stderr


def test_bad_setting_exits_with_named_variable(index_dir) -> None:
    done = run(cli_env(index_dir, ASSISTANT_RETRIEVAL__TOP_K="abc"), "stats")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "ASSISTANT_RETRIEVAL__TOP_K" in done.stderr
