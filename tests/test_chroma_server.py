"""Server mode: a real `chroma run` on a free loopback port, used with
ASSISTANT_STORE__MODE=http exactly as the embedded store is used."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import SettingsError, load_settings
from assistant.store import StoreUnavailable

from conftest import HEATING_FILE, SEEDS, ChromaServer, free_port, make_assistant

SLICE = Path(__file__).resolve().parent / "data" / "crud_slice.jsonl"
QUESTION = "今冬青岛全市供热面积是多少？"


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """`chroma run` in its own directory, shared by this module's tests."""
    directory = tmp_path_factory.mktemp("chroma-server")
    server = ChromaServer(directory / "data", directory / "server.log").start()
    yield server.port
    server.stop()


def http_assistant(index_dir: Path, port: int, **overrides: object):
    return make_assistant(index_dir, store={"mode": "http", "host": "127.0.0.1", "port": port},
                          retrieval={"mode": "lexical"}, **overrides)


def test_ingest_and_ask_through_the_server(chroma_server: int, tmp_path: Path) -> None:
    assistant = http_assistant(tmp_path / "index", chroma_server)
    report = assistant.ingest([SEEDS / HEATING_FILE, SLICE])
    assert report.sources == 201 and report.chunks_added > 0
    assert not (tmp_path / "index" / "chroma").exists()  # the chunks live in the server
    assert assistant.chunks.count() == assistant.stats()["chunks"] == report.chunks_added

    response = assistant.ask(QUESTION)
    assert not response.answer.refused
    assert response.answer.citations[0].chunk.source == HEATING_FILE
    assert any("3.35亿平方米" in hit.chunk.text for hit in response.hits[:3])

    # A second replica with its own (empty) index directory shares the server: it
    # rebuilds its BM25 index from the server's chunks and answers the same way.
    replica = http_assistant(tmp_path / "replica", chroma_server)
    assert set(replica.lexical.ids) == set(assistant.lexical.ids)
    assert [h.chunk.id for h in replica.ask(QUESTION).hits] == [h.chunk.id for h in response.hits]

    removed = assistant.remove(HEATING_FILE)
    assert removed.chunks_removed > 0
    assert assistant.chunks.count() == assistant.stats()["chunks"]
    assert HEATING_FILE not in assistant.source_names()

    # The replica's own BM25 index no longer matches the server: on restart it is rebuilt.
    restarted = http_assistant(tmp_path / "replica", chroma_server)
    assert set(restarted.lexical.ids) == set(assistant.lexical.ids)
    assert HEATING_FILE not in restarted.source_names()


def test_server_mode_needs_a_server(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable, match="chroma run"):
        http_assistant(tmp_path / "index", free_port())


def test_store_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_STORE__MODE", "http")
    monkeypatch.setenv("ASSISTANT_STORE__PORT", "8123")
    settings = load_settings()
    assert (settings.store.mode, settings.store.host, settings.store.port) == ("http", "127.0.0.1", 8123)
    monkeypatch.setenv("ASSISTANT_STORE__MODE", "cloud")
    with pytest.raises(SettingsError, match="ASSISTANT_STORE__MODE"):
        load_settings()
