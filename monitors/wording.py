"""Counted nouns in what newswatch prints: ``1 figure``, ``2 figures``, ``1 story``."""

from __future__ import annotations


def plural(n: int, noun: str, many: str | None = None) -> str:
    """``n`` and ``noun``, in the plural unless ``n`` is 1: ``plural(1, "new figure")`` is
    "1 new figure", ``plural(0, "new figure")`` "0 new figures"; ``many`` gives an irregular
    plural (``plural(3, "story", "stories")``)."""
    if n == 1:
        return f"{n} {noun}"
    return f"{n} {many or noun + 's'}"
