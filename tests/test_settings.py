"""Settings: TOML defaults, env overrides, and readable errors."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from assistant.settings import DEFAULT_CONFIG, Settings, SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in list(os.environ):
        if name.startswith("ASSISTANT_"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_defaults_come_from_config_default_toml() -> None:
    toml = tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    settings = load_settings()
    assert isinstance(settings, Settings)
    for section, values in toml.items():
        loaded = getattr(settings, section)
        for key, value in values.items():
            got = getattr(loaded, key)
            assert (str(got) if isinstance(got, Path) else got) == value, f"{section}.{key}"
    # ui.examples has no default in code: only the TOML file can have filled it.
    assert settings.ui.examples and settings.ui.examples == toml["ui"]["examples"]
    assert settings.index.dir == Path("data/index")
    assert settings.ui.host == "127.0.0.1"


def test_env_override_top_k(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("ASSISTANT_RETRIEVAL__TOP_K", "7")
    settings = load_settings()
    assert settings.retrieval.top_k == 7
    # the rest of the section still comes from the TOML file
    assert settings.retrieval.candidates == 50


def test_env_override_index_dir(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv("ASSISTANT_INDEX__DIR", str(tmp_path))
    assert load_settings().index.dir == tmp_path


def test_init_overrides_beat_env(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("ASSISTANT_RETRIEVAL__TOP_K", "7")
    assert load_settings(retrieval={"top_k": 3}).retrieval.top_k == 3


def test_bad_env_value_names_setting_and_variable(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("ASSISTANT_RETRIEVAL__TOP_K", "abc")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert "retrieval.top_k" in message
    assert "ASSISTANT_RETRIEVAL__TOP_K" in message
    assert "abc" in message


def test_out_of_range_value(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("ASSISTANT_RETRIEVAL__TOP_K", "0")
    with pytest.raises(SettingsError, match="ASSISTANT_RETRIEVAL__TOP_K"):
        load_settings()


def test_bad_mode_literal(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("ASSISTANT_RETRIEVAL__MODE", "psychic")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "retrieval.mode" in str(caught.value)
    assert "ASSISTANT_RETRIEVAL__MODE" in str(caught.value)


def test_overlap_not_below_size(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("ASSISTANT_CHUNKING__SIZE", "100")
    clean_env.setenv("ASSISTANT_CHUNKING__OVERLAP", "100")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert "chunking" in message
    assert "ASSISTANT_CHUNKING" in message
    assert "overlap" in message


def test_overlap_via_overrides(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(SettingsError, match="overlap"):
        load_settings(chunking={"size": 200, "overlap": 500})
    assert load_settings(chunking={"size": 200, "overlap": 199}).chunking.overlap == 199


def test_extra_toml_layers_on_top(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    extra = tmp_path / "extra.toml"
    extra.write_text('[retrieval]\ntop_k = 12\n[answer]\nmax_sentences = 2\n', encoding="utf-8")
    clean_env.setenv("ASSISTANT_CONFIG", str(extra))
    settings = load_settings()
    assert settings.retrieval.top_k == 12
    assert settings.answer.max_sentences == 2
    assert settings.retrieval.candidates == 50  # untouched keys keep the defaults
    clean_env.setenv("ASSISTANT_RETRIEVAL__TOP_K", "5")
    assert load_settings().retrieval.top_k == 5  # env beats the extra file


def test_unknown_key_in_extra_toml(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    extra = tmp_path / "extra.toml"
    extra.write_text("[retrieval]\ntop_kk = 12\n", encoding="utf-8")
    clean_env.setenv("ASSISTANT_CONFIG", str(extra))
    with pytest.raises(SettingsError, match="top_kk"):
        load_settings()


def test_unknown_section_in_extra_toml(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    extra = tmp_path / "extra.toml"
    extra.write_text("[retreival]\ntop_k = 12\n", encoding="utf-8")
    clean_env.setenv("ASSISTANT_CONFIG", str(extra))
    with pytest.raises(SettingsError, match="retreival"):
        load_settings()


def test_missing_config_file(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    clean_env.setenv("ASSISTANT_CONFIG", str(missing))
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "ASSISTANT_CONFIG" in str(caught.value)
    assert str(missing) in str(caught.value)


def test_settings_error_is_value_error() -> None:
    assert issubclass(SettingsError, ValueError)
