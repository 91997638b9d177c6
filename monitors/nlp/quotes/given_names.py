"""Given names and the gender they are mostly given to, from the US Census 1990 name lists.

The lists ship with the ``names`` package (MIT licence, ``dist.male.first`` and
``dist.female.first``: 1,219 and 4,275 names with their share of the population;
``dist.all.last``: 88,799 surnames); they are read in place, once.  A name in both lists takes
the gender whose share is at least ``DOMINANT`` times the other's, else none ("Jordan").
Without the package every name is unknown and the names stage completes none.  Pure after the
first read.
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from functools import cache
from importlib.resources import files

DOMINANT = 4.0  # a name given this many times more often to one gender is that gender's


def _lines(name: str) -> Iterator[list[str]]:
    """The list's lines, split, read line by line (the surname list is 3 MB: reading it whole
    and keeping a share per name cost each worker process ~20 MB it never gave back)."""
    try:
        with (files("names") / name).open(encoding="ascii") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2:
                    yield parts
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return


def _read(name: str) -> dict[str, float]:
    return {parts[0].lower(): float(parts[1]) for parts in _lines(name)}


@cache
def genders() -> dict[str, str]:
    """Lower-case given name -> ``"m"``, ``"f"`` or ``""`` (given to both)."""
    male, female = _read("dist.male.first"), _read("dist.female.first")
    out: dict[str, str] = {}
    for n in male.keys() | female.keys():
        m, f = male.get(n, 0.0), female.get(n, 0.0)
        out[n] = "m" if m >= DOMINANT * f else "f" if f >= DOMINANT * m else ""
    return out


def _key(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big")


@cache
def _surname_keys() -> array[int]:
    """The Census surnames (``dist.all.last``, 88,799 names), lower-cased, as sorted 64-bit
    digests: 0.7 MB in every process that extracts quotes, where a set of the strings took
    9 MB (two names share a digest with odds of about 1 in 10^14)."""
    return array("Q", sorted({_key(parts[0].lower()) for parts in _lines("dist.all.last")}))


def known_surname(name: str) -> bool:
    """Is the last word of ``name`` a surname the Census list knows?"""
    toks = name.split()
    if not toks:
        return False
    keys, key = _surname_keys(), _key(toks[-1].lower().strip(".,"))
    i = bisect_left(keys, key)
    return i < len(keys) and keys[i] == key


def given_gender(name: str) -> str | None:
    """The gender of a person's first name (``"m"``/``"f"``), ``""`` for a given name of both,
    None when the first word is no given name the lists know."""
    toks = name.split()
    if not toks:
        return None
    return genders().get(toks[0].lower().strip(".,"))
