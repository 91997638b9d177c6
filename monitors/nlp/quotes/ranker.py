"""The learned speaker ranker: scores each quote's candidates and abstains when unsure.

The model (``monitors/nlp/data/speaker_model.json``, written by ``eval/train_speakers.py``) is a
small gradient-boosted tree ensemble (or, ``"kind": "logistic"``, a logistic regression) over the
named features of :mod:`monitors.nlp.quotes.candidates`, then an isotonic calibration fitted on
out-of-fold scores, then a threshold: the lowest calibrated
probability at which the out-of-fold emitted speakers were right at least 98% of the time.  The
top candidate is emitted when its probability reaches the threshold; otherwise the quote stays
unattributed (a wrong speaker is worse than a missing one).

Fallbacks: without a model file (or with an unreadable one) the rules' speaker is emitted as the
rules chose it, with no probability.  A quote whose only candidate is the rules' pick is scored
like any other (its features say it stands alone), so it can still be withheld.

Inference is pure Python (no numpy): tree walks (or a dot product), a sigmoid and a
piecewise-linear map.
"""

from __future__ import annotations

import bisect
import json
import math
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from monitors.nlp.lexicon import DATA
from monitors.nlp.quotes.candidates import Candidate

MODEL_PATH = DATA / "speaker_model.json"


@dataclass(frozen=True)
class Tree:
    """One regression tree as parallel arrays (scikit-learn's layout): node ``k`` tests
    ``feature[k] <= threshold[k]`` and goes to ``left[k]`` or ``right[k]``; a leaf has
    ``left[k] == -1`` and adds ``value[k]``."""

    feature: tuple[str, ...]
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]

    def predict(self, features: dict[str, float]) -> float:
        k = 0
        while self.left[k] != -1:
            x = features.get(self.feature[k], 0.0)
            k = self.left[k] if x <= self.threshold[k] else self.right[k]
        return self.value[k]


@dataclass(frozen=True)
class Model:
    weights: dict[str, float]  # logistic weights (empty for trees)
    intercept: float  # the logit before any tree or weight
    cal_x: tuple[float, ...]
    cal_y: tuple[float, ...]
    threshold: float
    trees: tuple[Tree, ...] = ()
    rate: float = 1.0  # each tree's share (the boosting learning rate)

    def raw(self, features: dict[str, float]) -> float:
        """The uncalibrated score: the model's probability before calibration."""
        z = self.intercept + sum(self.weights.get(k, 0.0) * v for k, v in features.items())
        z += self.rate * sum(t.predict(features) for t in self.trees)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def probability(self, features: dict[str, float]) -> float:
        """The calibrated probability that this candidate is the quote's speaker."""
        return calibrate(self.raw(features), self.cal_x, self.cal_y)


@dataclass(frozen=True)
class Choice:
    """The ranker's reading of one quote."""

    speaker: str | None  # the top candidate (emitted only when ``emitted``)
    role: str | None
    p: float | None  # its calibrated probability (None: no model, the rules decided)
    emitted: bool
    ranked: tuple[tuple[str, float], ...] = ()  # every candidate with its probability, best first
    from_rules: bool = False  # the top candidate is the rules' pick


def calibrate(score: float, xs: tuple[float, ...], ys: tuple[float, ...]) -> float:
    """Piecewise-linear interpolation of ``score`` through the points ``(xs, ys)``, flat
    outside them (how scikit-learn's isotonic regression predicts)."""
    if not xs:
        return score
    if score <= xs[0]:
        return ys[0]
    if score >= xs[-1]:
        return ys[-1]
    k = bisect.bisect_right(xs, score)
    x0, x1, y0, y1 = xs[k - 1], xs[k], ys[k - 1], ys[k]
    return y0 if x1 == x0 else y0 + (y1 - y0) * (score - x0) / (x1 - x0)


def model_from_json(data: dict[str, Any]) -> Model:
    """A :class:`Model` from the parsed model file."""
    names = data["features"]
    trees = tuple(
        Tree(
            tuple(names[f] if f >= 0 else "" for f in t["feature"]),
            tuple(t["threshold"]),
            tuple(t["left"]),
            tuple(t["right"]),
            tuple(t["value"]),
        )
        for t in data.get("trees", ())
    )
    return Model(
        weights=dict(zip(names, data.get("weights") or [0.0] * len(names), strict=True)),
        intercept=float(data["intercept"]),
        cal_x=tuple(data["calibration"]["x"]),
        cal_y=tuple(data["calibration"]["y"]),
        threshold=float(data["threshold"]),
        trees=trees,
        rate=float(data.get("rate", 1.0)),
    )


RANKER_ENV = "NEWSWATCH_SPEAKER_RANKER"  # "off": the rules' speakers, no abstention


def load_model(path: Path = MODEL_PATH) -> Model | None:
    """The fitted model, or None when the file is missing or unreadable, or when the
    environment turns the ranker off (``NEWSWATCH_SPEAKER_RANKER=off``: an operator who
    prefers more attributed quotes over fewer wrong ones); then the rules' speaker is emitted.
    The switch is read on every call (the file only once), so it holds in a running process."""
    if os.environ.get(RANKER_ENV, "").strip().lower() in ("off", "0", "false", "no"):
        return None
    return read_model(path)


@cache
def read_model(path: Path = MODEL_PATH) -> Model | None:
    """The model file, parsed once per process (None when missing or unreadable)."""
    try:
        return model_from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def choose(cands: list[Candidate], model: Model | None = None) -> Choice:
    """The speaker to emit for one quote's candidates (see the module docstring)."""
    model = model if model is not None else load_model()
    if model is None:
        rules = next((c for c in cands if c.rules is not None), None)
        if rules is None:
            return Choice(None, None, None, False)
        return Choice(rules.speaker, rules.role, None, True, from_rules=True)
    if not cands:
        return Choice(None, None, None, False)
    # ranked by the raw score (the calibration is monotone but flat in steps: the raw score
    # breaks its ties the way training did), earlier candidates first among equals
    scored = sorted(
        ((model.raw(c.features), -k, c) for k, c in enumerate(cands)),
        key=lambda t: (t[0], t[1]),
        reverse=True,
    )
    probs = [calibrate(r, model.cal_x, model.cal_y) for r, _, _ in scored]
    top = scored[0][2]
    ranked = tuple((c.speaker, round(q, 4)) for q, (_, _, c) in zip(probs, scored, strict=True))
    emitted = probs[0] >= model.threshold
    return Choice(top.speaker, top.role, probs[0], emitted, ranked, top.rules is not None)
