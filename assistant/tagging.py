"""Part-of-speech tags from jieba, for the answerer's names and the verifier's facts.

jieba finds the words its dictionary lacks (most people's names) with a hidden
Markov model searched in pure Python, the slow part of a question about a person.
Its search weighs, at every character, each state against each state before it,
although most pairs have no transition at all. `viterbi` below leaves those pairs
out and returns the same route: the same tags on the seeds and the CMRC corpus
(tests/test_tagging.py), in about half the time (bench/tagging.py).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from types import ModuleType

_MIN_FLOAT = -3.14e100  # jieba's emission probability of a character a state never emits
_MIN_INF = float("-inf")

# jieba's tagger cuts its input at every character outside this class and tags each
# run alone; cutting there first changes nothing.
_TAGGER_BREAK = re.compile(r"(?<=[^\u4E00-\u9FD5a-zA-Z0-9+#&._\s])")

Tags = tuple[tuple[str, str, int], ...]  # (word, tag, start offset)


def tagged(text: str) -> Tags:
    """jieba's words with their part-of-speech tags and start offsets. Tagged clause by
    clause: a long sentence's overlapping clause windows (answer/candidates.py) then
    share the tagging."""
    words, offset = [], 0
    for piece in _TAGGER_BREAK.split(text):
        words += [(word, flag, offset + at) for word, flag, at in _tagged_piece(piece)]
        offset += len(piece)
    return tuple(words)


@lru_cache(maxsize=16384)
def _tagged_piece(text: str) -> Tags:
    words, offset = [], 0
    for pair in _posseg().cut(text):
        words.append((pair.word, pair.flag, offset))
        offset += len(pair.word)
    return tuple(words)


def dictionary_tag(word: str) -> str:
    """The tag jieba's dictionary gives `word` ("n" for 关心), or "" for a word it lacks."""
    tokenizer = _posseg().dt
    if not tokenizer.word_tag_tab:  # filled with jieba's dictionary on its first use
        tokenizer.initialize()
    return tokenizer.word_tag_tab.get(word, "")


@cache
def _posseg() -> ModuleType:
    import jieba.posseg

    jieba.posseg.viterbi = viterbi  # the name its tagger calls
    return jieba.posseg


def viterbi(obs: str, states: dict, start_p: dict, trans_p: dict, emit_p: dict) -> tuple[float, list]:
    """jieba.posseg.viterbi's search with the impossible transitions left out. The
    scores are summed in jieba's order and ties broken as it breaks them (by state),
    so the route is the same. Every state kept at a step follows some state of the
    step before (jieba's own rule), so a state with no way in occurs only when jieba
    falls back to all states; it then scores -inf, as in jieba."""
    everything = trans_p.keys()
    scores = {state: start_p[state] + emit_p[state].get(obs[0], _MIN_FLOAT) for state in states.get(obs[0], everything)}
    paths: list[dict] = [dict.fromkeys(scores, "")]
    for char in obs[1:]:
        before = [(scores[state], trans_p[state], state) for state in paths[-1] if trans_p[state]]
        following = {state for _, nexts, _ in before for state in nexts}
        here = set(states.get(char, everything)) & following or following or everything
        scores, came = {}, {}
        for state in here:
            emit = emit_p[state].get(char, _MIN_FLOAT)
            ways = [(score + nexts[state] + emit, prior) for score, nexts, prior in before if state in nexts]
            scores[state], came[state] = max(ways or [(score + _MIN_INF + emit, prior) for score, _, prior in before])
        paths.append(came)
    best, state = max((scores[state], state) for state in paths[-1])
    route = [None] * len(obs)
    for at in range(len(obs) - 1, -1, -1):
        route[at] = state
        state = paths[at][state]
    return best, route
