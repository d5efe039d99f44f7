"""The `llamacpp` backend: the real Gemma 3 270M GGUF in a supervised child process
(assistant/llm_worker.py), reached over OpenAI-compatible HTTP on 127.0.0.1.

Faults are real: the model process is sent SIGSEGV, SIGKILL, SIGSTOP or SIGILL while
it answers or loads, its file is not a model, or its parent is killed with kill -9.
Every fault must end in the extractive answer with a notice, within the deadlines,
and the next question must be answered by a fresh model process. Prompts and
answers are kept short (one passage of 300 characters, at most 48 tokens: reading
the prompt is most of the time) and the model uses one thread, which keeps its
speed predictable on a shared two-core machine, so the file runs in a couple of
minutes.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest

from assistant import Assistant, Response, load_settings
from assistant.llm import PING_TIMEOUT, WORKER, ModelProcess

from conftest import ROOT, free_port
from test_ui import text_of
from test_llm import HEATING_QUESTION, _assert_checked, _collect, gemma_path, seed_index  # noqa: F401

ANSWER = "3.35亿平方米"  # in the seed article, so in the extractive answer and the model's
# Several times what an answer takes on a busy two-core machine (~5 s), to stay clear of
# the deadlines in normal answers; the hang test waits TIMEOUT.
TIMEOUT, FIRST_TOKEN = 20.0, 15.0
SHORT = {"passages": 1, "passage_chars": 300, "max_tokens": 48, "threads": 1, "context_size": 1024}


def workers(parent: int | None = None) -> list[psutil.Process]:
    """The running model processes under a process (default: this one)."""
    found = []
    for process in psutil.Process(parent or os.getpid()).children(recursive=True):
        try:
            if any(part.endswith("llm_worker.py") for part in process.cmdline()) and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process)
        except psutil.NoSuchProcess:
            pass
    return found


def strays(since: float) -> list[psutil.Process]:
    """Model processes of this checkout started since then that are no child of this
    process: left behind by a process that ended."""
    mine = {p.pid for p in workers()}
    found = []
    for process in psutil.process_iter(["cmdline", "create_time"]):
        if str(WORKER) in (process.info["cmdline"] or []) and process.info["create_time"] >= since and process.pid not in mine:
            found.append(process)
    return [p for p in found if not gone(p.pid, within=5.0)]


def only_worker(parent: int | None = None) -> psutil.Process:
    found = workers(parent)
    assert len(found) == 1, found
    return found[0]


def wait_for_request(parent: int | None = None, timeout: float = 60.0) -> psutil.Process:
    """The model process as soon as a question is being sent to it (a connection to
    its port is open): the moment to hurt it mid-answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for worker in workers(parent):
            try:
                connections = worker.net_connections("tcp")
            except psutil.NoSuchProcess:
                continue
            ports = {c.laddr.port for c in connections if c.status == psutil.CONN_LISTEN}
            if any(c.status == psutil.CONN_ESTABLISHED and c.laddr.port in ports for c in connections):
                return worker
        time.sleep(0.01)
    raise AssertionError("no question reached a model process")


def gone(pid: int, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.1)
    return False


def make_local(index: Path, model: Path, **llm: object) -> Assistant:
    options = {"backend": "llamacpp", "model_path": model, "timeout": TIMEOUT, "first_token_timeout": FIRST_TOKEN, **SHORT, **llm}
    return Assistant(load_settings(index={"dir": index}, retrieval={"mode": "lexical"}, llm=options))


@pytest.fixture
def local(seed_index: Path, gemma_path: Path) -> Iterator[Callable[..., Assistant]]:  # noqa: F811
    """Assistants on the llamacpp backend; when the test drops them, their model
    processes must end with them."""
    made: list[Assistant] = []

    def make(**llm: object) -> Assistant:
        made.append(make_local(seed_index, gemma_path, **llm))
        return made[-1]

    yield make
    running = [w.pid for w in workers()]
    made.clear()
    gc.collect()
    assert all(gone(pid) for pid in running), "a dropped Assistant left its model process running"


def test_model_process_answers_a_seed_question(local) -> None:
    assistant = local()
    streamed, response = _collect(assistant, HEATING_QUESTION)
    assert response.answer.backend == "llamacpp", response.answer.notice
    assert not response.answer.notice
    assert ANSWER in response.answer.text
    assert streamed.strip() == response.answer.text
    _assert_checked(response)
    worker = only_worker()
    listening = [c for c in worker.net_connections("tcp") if c.status == psutil.CONN_LISTEN]
    assert listening and all(c.laddr.ip == "127.0.0.1" for c in listening), listening
    # Two chats at once: the one model process answers them in turn, and both get the
    # model's (deterministic) answer, not a truncated or a fallback one.
    with ThreadPoolExecutor(2) as pool:
        both = list(pool.map(lambda _: assistant.ask(HEATING_QUESTION), range(2)))
    assert [r.answer.backend for r in both] == ["llamacpp"] * 2, [r.answer.notice for r in both]
    # (The same text for both; it may differ from the first answer's, which was computed
    # without llama.cpp's prompt cache.)
    assert both[0].answer.text == both[1].answer.text and both[0].answer.text.strip()
    assert only_worker().pid == worker.pid


def test_the_worker_serves_loopback_only_with_a_key(gemma_path: Path) -> None:  # noqa: F811
    settings = load_settings(llm={"backend": "llamacpp", "model_path": gemma_path, **SHORT}).llm
    process = ModelProcess(settings)
    try:
        assert process.chat is False  # Gemma 3 270M is a base model: no chat template in the GGUF
        assert process.url.startswith("http://127.0.0.1:")
        assert process.answers_ping()
        with pytest.raises(urllib.error.HTTPError) as refused:  # the model API needs the process's key
            urllib.request.urlopen(process.url + "/models", timeout=10)
        assert refused.value.code == 401
        request = urllib.request.Request(process.url + "/models", headers={"Authorization": f"Bearer {process.key}"})
        with urllib.request.urlopen(request, timeout=10) as reply:
            assert json.load(reply)["data"][0]["id"] == "local"
    finally:
        process.stop()
    assert process.ended() == "the model process died of SIGKILL (killed: out of memory, or by hand)"


def _hurt_mid_answer(assistant: Assistant, signum: signal.Signals) -> tuple[Response, float, int]:
    """Ask, and send the model process `signum` as soon as the first text arrives."""
    started, victim, response = time.monotonic(), 0, None
    for item in assistant.ask_stream(HEATING_QUESTION):
        if isinstance(item, Response):
            response = item
        elif not victim and item.strip():
            victim = only_worker().pid
            os.kill(victim, signum)
    assert response is not None
    assert victim, f"no text before the answer ended: {response.answer.notice}"
    return response, time.monotonic() - started, victim


def test_crash_kill_and_hang_mid_answer_fall_back_then_a_fresh_model_answers(local) -> None:
    assistant = local()
    first = assistant.ask(HEATING_QUESTION)
    assert first.answer.backend == "llamacpp", first.answer.notice
    seen = [only_worker().pid]
    faults = [
        (signal.SIGSEGV, "the model process died of SIGSEGV", 10.0),
        (signal.SIGKILL, "the model process died of SIGKILL", 10.0),
        # Stopped: the answer's deadline passes, the process does not answer a ping, and
        # it is killed rather than left hung.
        (signal.SIGSTOP, f"did not answer within {PING_TIMEOUT:g} s and was killed", TIMEOUT + PING_TIMEOUT + 5),
    ]
    for signum, says, limit in faults:
        response, elapsed, victim = _hurt_mid_answer(assistant, signum)
        data = response.to_json()
        assert data["backend"] == "extractive", signum
        assert "The llamacpp backend failed" in data["notice"] and says in data["notice"], data["notice"]
        assert ANSWER in data["answer"]
        assert elapsed < limit, (signum, elapsed)
        assert gone(victim), f"the model process survived {signum.name}"
        again = assistant.ask(HEATING_QUESTION)
        assert (again.answer.backend, again.answer.text) == ("llamacpp", first.answer.text), again.answer.notice
        seen.append(only_worker().pid)
        assert seen[-1] not in seen[:-1], "the answer after the fault came from the old process"


def test_model_that_dies_while_loading_falls_back_with_the_reason(local) -> None:
    """SIGILL while loading is what a CPU without AVX2 would do to this build."""
    assistant = local()
    result: list[Response] = []
    asking = threading.Thread(target=lambda: result.append(assistant.ask(HEATING_QUESTION)))
    asking.start()
    deadline = time.monotonic() + 30
    while not workers() and time.monotonic() < deadline:
        time.sleep(0.005)
    os.kill(only_worker().pid, signal.SIGILL)
    asking.join(timeout=30)
    (response,) = result
    data = response.to_json()
    assert data["backend"] == "extractive" and ANSWER in data["answer"]
    assert "the model process died of SIGILL (this CPU lacks an instruction the build uses" in data["notice"]


def test_a_model_that_never_loads_is_killed_at_start_timeout(local) -> None:
    assistant = local(start_timeout=0.5)  # far less than it takes to load llama-cpp-python
    started = time.monotonic()
    data = assistant.ask(HEATING_QUESTION).to_json()
    assert data["backend"] == "extractive" and ANSWER in data["answer"]
    assert "the model did not load within llm.start_timeout (0.5 s)" in data["notice"]
    assert time.monotonic() - started < 5
    assert not workers()


def test_a_model_that_keeps_failing_is_restarted_with_back_off(local, tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_text("not a model\n" * 100)  # named like one; llama.cpp rejects it
    assistant = local(model_path=broken, restart_backoff=60)
    notices = [assistant.ask(HEATING_QUESTION).to_json()["notice"] for _ in range(2)]
    # The reason is the worker's last line of output.
    assert all("the model process exited with code 1: ValueError: Failed to load model" in n for n in notices), notices
    started = time.monotonic()
    data = assistant.ask(HEATING_QUESTION).to_json()
    assert time.monotonic() - started < 3  # no third start: the fallback is immediate
    assert data["backend"] == "extractive" and ANSWER in data["answer"]
    assert "after 2 failures in a row the model process is started again at" in data["notice"]
    assert "(in 60 s)" in data["notice"] or "(in 59 s)" in data["notice"], data["notice"]
    assert not workers()


def test_parent_killed_with_sigkill_leaves_no_model_process(gemma_path: Path) -> None:  # noqa: F811
    parent = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "llm_parent.py"), str(gemma_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        pid = int(parent.stdout.readline())
        time.sleep(1.0)
        # The thread that started it has ended (PR_SET_PDEATHSIG would have fired here).
        assert psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        assert only_worker(parent.pid).pid == pid
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        assert gone(pid), "the model process outlived its parent"
    finally:
        parent.kill()


def _cli(index: Path, model: Path, *extra: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "ASSISTANT_INDEX__DIR": str(index),
        "ASSISTANT_RETRIEVAL__MODE": "lexical",
        "ASSISTANT_LLM__BACKEND": "llamacpp",
        "ASSISTANT_LLM__MODEL_PATH": str(model),
        **{f"ASSISTANT_LLM__{key.upper()}": str(value) for key, value in SHORT.items()},
    }
    command = [sys.executable, "-m", "assistant.cli", "ask", "--json", HEATING_QUESTION, *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_cli_answers_with_the_local_model(seed_index: Path, gemma_path: Path) -> None:  # noqa: F811
    since = time.time() - 1
    cli = _cli(seed_index, gemma_path)
    out, err = cli.communicate(timeout=180)
    assert cli.returncode == 0, err
    data = json.loads(out)
    assert data["backend"] == "llamacpp", data.get("notice")
    assert ANSWER in data["answer"]
    assert not strays(since), "the CLI left its model process running"


def test_cli_with_the_model_killed_mid_answer_answers_extractively(seed_index: Path, gemma_path: Path) -> None:  # noqa: F811
    cli = _cli(seed_index, gemma_path)
    try:
        os.kill(wait_for_request(cli.pid).pid, signal.SIGSEGV)
        out, err = cli.communicate(timeout=120)
    finally:
        cli.kill()
    assert cli.returncode == 0, err
    data = json.loads(out)
    assert data["backend"] == "extractive" and ANSWER in data["answer"]
    assert "The llamacpp backend failed (the model process died of SIGSEGV" in data["notice"]


def test_chat_keeps_answering_after_the_model_process_is_killed(seed_index: Path, gemma_path: Path) -> None:  # noqa: F811
    from gradio_client import Client

    from assistant.ui import launch

    assistant = make_local(seed_index, gemma_path)
    port = free_port()
    demo = launch(assistant, port=port, block=False)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)

        def ask() -> list[str]:
            messages, _ = client.predict(HEATING_QUESTION, [], "llamacpp", 10, [], None, None, api_name="/ask")
            return [text_of(m) for m in messages]

        with ThreadPoolExecutor(1) as pool:
            asked = pool.submit(ask)
            os.kill(wait_for_request().pid, signal.SIGKILL)
            hurt = asked.result(timeout=120)
        assert ANSWER in hurt[1]
        assert any("The llamacpp backend failed (the model process died of SIGKILL" in text for text in hurt), hurt
        healthy = ask()
        assert healthy[1].strip() and not any("backend failed" in text for text in healthy), healthy
        assert len(workers()) == 1
    finally:
        demo.close()
        # Gradio keeps the app's Assistant (and so its model process) for the life of
        # the process, here pytest: end it for the tests that follow.
        for worker in workers():
            worker.kill()
