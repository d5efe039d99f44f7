"""Check a generated answer against the passages it cites.

A language model can cite [2] for a number that is only in [3], or invent a
name. Each sentence of the answer is checked on its own: its citations must
point to passages the model was given, and every number and name it states must
occur in a passage that the sentence cites. Sentences that fail are reported,
so the interface can show them as unverified instead of as sourced facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .chunk import sentence_spans
from .tagging import tagged

MARKER = re.compile(r"\[(\d+)\]")
_NUMBER = re.compile(r"\d+(?:[.,，]\d+)*")
_NAME_TAGS = {"nr", "nrt", "ns", "nt", "nz"}  # jieba tags for people, places, organisations


@dataclass(frozen=True)
class Claim:
    text: str  # the sentence without its markers
    cited: tuple[int, ...]
    problems: tuple[str, ...]

    @property
    def verified(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Verification:
    claims: tuple[Claim, ...]

    @property
    def verified(self) -> bool:
        return all(claim.verified for claim in self.claims)

    def verified_numbers(self) -> set[int]:
        """Citation numbers all of whose citing sentences passed."""
        cited = {n for claim in self.claims for n in claim.cited}
        failed = {n for claim in self.claims if not claim.verified for n in claim.cited}
        return cited - failed

    @property
    def problems(self) -> list[str]:
        return [f"{claim.text[:40]}: {problem}" for claim in self.claims for problem in claim.problems]


def split_claims(answer: str) -> list[tuple[str, tuple[int, ...]]]:
    """Sentences with the citation markers that belong to them. A marker written just
    after the full stop ("…。[1]") belongs to the sentence before it."""
    claims: list[tuple[str, list[int]]] = []
    for start, end in sentence_spans(answer):
        piece = answer[start:end]
        leading = re.match(r"(\s*\[\d+\])+", piece)
        if leading and claims:
            claims[-1][1].extend(int(n) for n in MARKER.findall(leading.group(0)))
            piece = piece[leading.end() :]
        if piece.strip():
            claims.append((piece, [int(n) for n in MARKER.findall(piece)]))
    return [(MARKER.sub("", text).strip(), tuple(dict.fromkeys(cited))) for text, cited in claims]


def verify(answer: str, passages: dict[int, str]) -> Verification:
    """`passages` maps each citation number the model was given to that passage's text."""
    normalised = {n: _normalise(text) for n, text in passages.items()}
    checked = []
    for text, cited in split_claims(answer):
        problems: list[str] = []
        unknown = [n for n in cited if n not in passages]
        if unknown:
            problems.append("cites " + ", ".join(f"[{n}]" for n in unknown) + ", which the model was not given")
        sources = " ".join(normalised[n] for n in cited if n in passages)
        facts = facts_in(text)
        if facts and not cited:
            problems.append("states facts without a citation")
        elif sources:
            missing = [fact for fact in facts if _normalise(fact) not in sources]
            if missing:
                problems.append("not in the cited passages: " + "、".join(missing))
        checked.append(Claim(text, cited, tuple(problems)))
    return Verification(tuple(checked))


def facts_in(sentence: str) -> list[str]:
    """The numbers and names a sentence asserts: what a reader would check."""
    facts = [number for number in _NUMBER.findall(sentence)]
    facts += [word for word, flag, _ in tagged(sentence) if flag in _NAME_TAGS and len(word) >= 2]
    return list(dict.fromkeys(facts))


def _normalise(text: str) -> str:
    """Ignore spacing and thousands separators, so "1,000" matches "1000"."""
    return re.sub(r"[\s,，]", "", text)
