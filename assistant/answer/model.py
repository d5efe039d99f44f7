"""How much each candidate feature counts, and when the best candidate is too weak.

Two small learnt models over the features of `candidates.py`:
- a ranker: a linear score per candidate, fitted so that a question's spans holding
  the gold answer come first (a softmax over each question's candidates);
- a gate: the probability that a candidate is an answer at all, from its features
  and its rank score, fitted on answerable and unanswerable training questions.
The answerer quotes the best-ranked candidates whose gate probability reaches the
threshold, and refuses when none does. Weights, threshold and the margins for a
second quote and for a stand-in when the best fails verification are learnt on the training split by `eval/train_answerer.py` and
stored in weights.json, so the answerer has no hand-set scores.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

WEIGHTS_FILE = Path(__file__).with_name("weights.json")


@dataclass(frozen=True)
class Model:
    weights: dict[str, float]  # ranker
    gate: dict[str, float]  # answerability: a weight per feature it reads ("score" is the ranker's)
    threshold: float  # quote a candidate only when its gate probability reaches this
    keep: float  # a further quote must score within this margin of the best
    reach: float  # when the best fails a check, candidates within this margin may stand in

    def score(self, features: dict[str, float]) -> float:
        return sum(self.weights.get(name, 0.0) * value for name, value in features.items())

    def confidence(self, features: dict[str, float], score: float) -> float:
        z = sum(weight * (score if name == "score" else features.get(name, 0.0)) for name, weight in self.gate.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@cache
def model() -> Model:
    data = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    return Model(dict(data["weights"]), dict(data["gate"]), float(data["threshold"]), float(data["keep"]),
                 float(data["reach"]))
