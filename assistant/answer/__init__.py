"""The answer step: the extractive answerer and what every answer backend shares.

    question.py    what a question asks for (type, focus, conditions)
    candidates.py  sentences and clauses judged in their article (features)
    model.py       the learnt weights that rank candidates and decide refusals
    checks.py      the question's conditions against the chosen span
    points.py      enumerated items of an article
    metadata.py    questions about the paper (bylines)
    compose.py     the cited text
    extractive.py  the answerer that wires them together
"""

from .base import REFUSAL_EN, REFUSAL_ZH, Answer, Answerer, Citation, refusal_for
from .extractive import ExtractiveAnswerer
from .question import resolve_follow_up

__all__ = ["REFUSAL_EN", "REFUSAL_ZH", "Answer", "Answerer", "Citation", "ExtractiveAnswerer", "refusal_for", "resolve_follow_up"]
