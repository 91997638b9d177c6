"""`newswatch topics test`: what a topic rule would keep and drop among stored articles. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from monitors.model import TopicMatch
from monitors.nlp.topics import TopicRule, match_topics
from monitors.nlp.topics.model import load_model


@dataclass(frozen=True)
class Verdict:
    id: str
    title: str
    url: str
    kept_now: bool
    kept_by_rule: bool
    match: TopicMatch | None
    probability: float | None = None  # the learned scorer's calibrated p (None: no model)


@dataclass(frozen=True)
class DryRun:
    topic: str
    total: int
    verdicts: tuple[Verdict, ...]
    threshold: float | None = None  # the learned scorer's threshold (None: no model)

    def near_misses(self, k: int = 3) -> tuple[list[Verdict], list[Verdict]]:
        """The ``k`` kept articles with the lowest model score and the ``k`` dropped ones with
        the highest: the articles a small change would flip."""
        scored = [v for v in self.verdicts if v.probability is not None]
        kept = sorted((v for v in scored if v.kept_by_rule), key=lambda v: v.probability or 0)
        dropped = sorted(
            (v for v in scored if not v.kept_by_rule), key=lambda v: -(v.probability or 0)
        )
        return kept[:k], dropped[:k]

    @property
    def kept(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.kept_by_rule]

    @property
    def newly_kept(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.kept_by_rule and not v.kept_now]

    @property
    def newly_dropped(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.kept_now and not v.kept_by_rule]


def dry_run(rule: TopicRule, articles: Sequence[dict[str, Any]]) -> DryRun:
    """Run ``rule`` over stored articles (dicts with id, title, url, text, topics)."""
    verdicts = []
    model = load_model().get(rule.name)
    for a in articles:
        matches = match_topics(a.get("title") or "", a.get("text") or "", [rule])
        p = model.probability(a.get("title") or "", a.get("text") or "") if model else None
        verdicts.append(
            Verdict(
                a["id"],
                a.get("title") or "",
                a.get("url") or "",
                rule.name in (a.get("topics") or []),
                bool(matches),
                matches[0] if matches else None,
                p,
            )
        )
    return DryRun(rule.name, len(articles), tuple(verdicts), model.threshold if model else None)
