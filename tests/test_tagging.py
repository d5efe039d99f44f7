"""The part-of-speech tagger's faster search gives jieba's own tags."""

from __future__ import annotations

from pathlib import Path

import jieba.posseg
import pytest
from jieba.posseg import char_state_tab_P, emit_P, start_P, trans_P
from jieba.posseg.viterbi import viterbi as jiebas_viterbi

from assistant.tagging import tagged, viterbi

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))


def _pairs(text: str) -> list[tuple[str, str]]:
    return [(pair.word, pair.flag) for pair in jieba.posseg.cut(text)]


@pytest.mark.parametrize(
    "unknown",
    ["乔智明", "滕军红陪同刘升勤", "阿尔卡特朗讯", "峇株巴辖", "Zhongtianrun", "。", "姜涛和乔智明分别在浮山供热中心站工作"],
)
def test_the_search_returns_jiebas_route_and_score(unknown: str) -> None:
    assert viterbi(unknown, char_state_tab_P, start_P, trans_P, emit_P) == jiebas_viterbi(
        unknown, char_state_tab_P, start_P, trans_P, emit_P
    )


def test_the_seed_newspapers_are_tagged_as_jieba_tags_them(monkeypatch: pytest.MonkeyPatch) -> None:
    assert SEEDS, "the seed newspapers are missing"
    text = "".join(path.read_text(encoding="utf-8") for path in SEEDS)
    ours = [(word, flag) for word, flag, _ in tagged(text)]  # installs the faster search
    assert jieba.posseg.viterbi is viterbi
    monkeypatch.setattr(jieba.posseg, "viterbi", jiebas_viterbi)
    assert ours == _pairs(text)
    assert len(ours) > 10_000 and any(flag == "nr" for _, flag in ours)
