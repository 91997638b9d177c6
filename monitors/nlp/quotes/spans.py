"""The records the stages pass along: a quotation span, a speech mention, and reaches."""

from __future__ import annotations

from dataclasses import dataclass

HEADING_MAX_WORDS = 20
PRONOUN_REACH = 12  # paragraphs searched back for the speaker of "he said"
ORG_REACH = 5  # … and for the organisation of "the bank said"


@dataclass
class Span:
    start: int  # first character of the quoted words
    end: int  # one past the last
    open_pos: int  # index of the opening mark, -1 when lost
    close_pos: int  # index of the closing mark, -1 when lost
    para: int
    chain: int = -1
    speaker: str | None = None
    role: str | None = None
    attributed: bool = False
    standalone: bool = False
    keep: bool = True
    heading: bool = False
    sentence: tuple[int, int] = (0, 0)
    strategy: str | None = None  # the rule that chose the speaker (``--explain``)


@dataclass
class Mention:
    pos: int
    speaker: str
    role: str | None
    person: bool
    verb: bool = True  # from a speech verb (not just a sentence's subject)
