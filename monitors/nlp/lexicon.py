"""The understanding code's vocabulary and text conventions, in one place.

Word lists and grammar tables live in ``monitors/nlp/data/<name>.toml`` and are read here, once,
by :func:`table`; a module never opens a data file of its own.  This module also holds how
paragraphs are separated and how a word list is written, so no stage keeps a private copy.  Pure
(the data files are read at first use and cached).
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data")

# a blank line (spaces or tabs allowed on it) ends a paragraph; the whitespace after it too
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def data_path(name: str) -> Path:
    """The file of the table ``name`` (for error messages that name the file)."""
    return DATA / f"{name}.toml"


@cache
def table(name: str) -> dict[str, Any]:
    """The parsed TOML table ``data/<name>.toml``; a broken file raises ValueError naming it."""
    path = data_path(name)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ValueError(f"{path}: {e}") from e


def word_set(spec: str | list[str]) -> frozenset[str]:
    """A word list written as one whitespace-separated string (or a TOML list), as a set."""
    return frozenset(spec.split() if isinstance(spec, str) else spec)
