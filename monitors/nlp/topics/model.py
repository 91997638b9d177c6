"""The learned topic scorer beside the rules: per topic, a logistic regression over an article's
words and word pairs, trained by ``eval/train_topics.py`` (``python3.11 tasks.py train``) with
scikit-learn and exported to ``monitors/nlp/data/topic_model.json``.  Inference is pure Python
(no numpy): the rules explain, the model ranks.

Features: the distinct lower-cased tokens (runs of letters/digits and ``% $ € £``) of the body
and their adjacent pairs, and the headline's tokens prefixed ``t:``; each present feature counts
``1/sqrt(n)``, ``n`` the number of distinct features of the article (so a long transcript does
not score high by size alone).  The raw probability goes through an isotonic map fitted on
out-of-fold scores (``calibration``), and a topic is kept by the model when the calibrated
probability reaches the file's ``threshold`` for that topic (chosen in grouped cross-validation
for precision).  Pure apart from reading the model file once.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

from monitors.model import TopicMatch
from monitors.nlp.lexicon import DATA
from monitors.nlp.passages import Passage, paragraphs
from monitors.nlp.sentences import split_sentences

__all__ = [
    "MODEL_FILE",
    "TopicModel",
    "features",
    "load_model",
    "model_from_json",
    "model_match",
]

MODEL_FILE = "topic_model.json"
MAX_CHARS = 60_000  # only the first this many characters of a body are read
_TOKEN = re.compile(r"[^\W_]+|[%$€£]")


def features(title: str, text: str) -> set[str]:
    """The distinct features of an article (see the module docstring)."""
    toks = _TOKEN.findall(text[:MAX_CHARS].lower())
    out = set(toks)
    out.update(map(" ".join, pairwise(toks)))
    out.update("t:" + t for t in _TOKEN.findall(title.lower()))
    return out


@dataclass(frozen=True)
class TopicModel:
    """One topic's exported model."""

    topic: str
    weights: dict[str, float]
    intercept: float
    cal_x: tuple[float, ...]
    cal_y: tuple[float, ...]
    threshold: float

    def raw(self, feats: Iterable[str], n: int) -> float:
        """The uncalibrated probability of features ``feats`` of an article with ``n``."""
        w = self.weights
        z = self.intercept + sum(w.get(f, 0.0) for f in feats) / math.sqrt(max(1, n))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def calibrated(self, raw: float) -> float:
        """The isotonic map of ``raw`` (linear between its knots, clipped at the ends)."""
        xs, ys = self.cal_x, self.cal_y
        if not xs:
            return raw
        if raw <= xs[0]:
            return ys[0]
        if raw >= xs[-1]:
            return ys[-1]
        k = bisect_right(xs, raw)
        x0, x1, y0, y1 = xs[k - 1], xs[k], ys[k - 1], ys[k]
        return y0 + (y1 - y0) * (raw - x0) / (x1 - x0) if x1 > x0 else y1

    def probability(self, title: str, text: str) -> float:
        """The calibrated probability that the article is about the topic."""
        feats = features(title, text)
        return self.calibrated(self.raw(feats, len(feats)))

    def best_passage(self, paras: Sequence[str], spans: Sequence[tuple[int, int]]) -> int:
        """The index of the span (first, last paragraph) with the highest linear score."""
        w = self.weights
        best, best_i = -math.inf, 0
        for i, (a, b) in enumerate(spans):
            feats = features("", "\n\n".join(paras[a : b + 1]))
            s = sum(w.get(f, 0.0) for f in feats) / math.sqrt(max(1, len(feats)))
            if s > best:
                best, best_i = s, i
        return best_i


def model_from_json(data: dict) -> dict[str, TopicModel]:
    """The per-topic models of a parsed model file."""
    out = {}
    for topic, m in data["topics"].items():
        out[topic] = TopicModel(
            topic,
            dict(m["weights"]),
            float(m["intercept"]),
            tuple(m["calibration"]["x"]),
            tuple(m["calibration"]["y"]),
            float(m["threshold"]),
        )
    return out


@cache
def load_model(path: Path | None = None) -> dict[str, TopicModel]:
    """The shipped models by topic (``{}`` when the file is absent)."""
    p = path or DATA / MODEL_FILE
    if not p.is_file():
        return {}
    return model_from_json(json.loads(p.read_text(encoding="utf-8")))


def model_match(
    title: str, text: str, topic: str, passages: Sequence[Passage] = ()
) -> TopicMatch | None:
    """A TopicMatch when the shipped model keeps ``topic`` for the article the rules dropped:
    its evidence names the passage the model scores highest (long texts) and its first
    sentences."""
    m = load_model().get(topic)
    if m is None:
        return None
    p = m.probability(title, text)
    if p < m.threshold:
        return None
    paras = paragraphs(text)
    where, chosen = "", paras[:2]
    if passages:
        ps = passages[m.best_passage(paras, [(x.first, x.last) for x in passages])]
        where, chosen = f"; in {ps.label()}", paras[ps.first : ps.last + 1]
    sents: list[str] = []
    for para in chosen:
        sents.extend(" ".join(para[a:b].split()) for a, b in split_sentences(para))
    return TopicMatch(
        topic=topic,
        score=round(p, 3),
        rule=f"{topic}: model p {p:.3f} >= {m.threshold:.3f} (rules: not kept){where}",
        terms=(),
        sentences=tuple(sents[:3]),
    )
