"""`newswatch topics test`: what a topic rule would keep and drop among stored articles. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from monitors.model import TopicMatch
from monitors.nlp.topics import TopicRule, match_topics


@dataclass(frozen=True)
class Verdict:
    id: str
    title: str
    url: str
    kept_now: bool
    kept_by_rule: bool
    match: TopicMatch | None


@dataclass(frozen=True)
class DryRun:
    topic: str
    total: int
    verdicts: tuple[Verdict, ...]

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
    for a in articles:
        matches = match_topics(a.get("title") or "", a.get("text") or "", [rule])
        verdicts.append(
            Verdict(
                a["id"],
                a.get("title") or "",
                a.get("url") or "",
                rule.name in (a.get("topics") or []),
                bool(matches),
                matches[0] if matches else None,
            )
        )
    return DryRun(rule.name, len(articles), tuple(verdicts))
