"""Number words, scale words and currency tables used by the figure extractor.

The tables are data (numbers and scales in data/figures_numbers.toml, currencies in
data/figures_currency.toml); this module reads them and holds small parsing helpers:

* :func:`parse_number` reads one number as printed -- ``12,000``, ``3.5``, ``twenty-five``,
  ``a``, ``half a``, ``one and a half``, ``two dozen`` -- into a float;
* :func:`scale_value` maps ``thousand``/``k``, ``million``/``m``/``mn``/``mln``,
  ``billion``/``bn``/``b``, ``trillion``/``tn``/``trn`` (and ``hundred``, ``dozen``, the
  Indian ``lakh``/``crore``) to factors;
* the currency tables map prefixes (``$``, ``US$``, ``C$``, ``A$``, ``€``, ``£``, ``¥``, ``₴``,
  ISO codes) and words after the number (``euros``, ``yen``, ``Canadian dollars``, ``pence``) to
  ISO 4217 codes, with a divisor for minor units (pence, cents, kopecks).
"""

from __future__ import annotations

import re

from monitors.nlp.lexicon import table, word_set

_NUMBERS = table("figures_numbers")
_CURRENCY = table("figures_currency")

ONES: dict[str, int] = dict(_NUMBERS["ones"])
TENS: dict[str, int] = dict(_NUMBERS["tens"])
SCALES: dict[str, float] = dict(_NUMBERS["scales"])
VAGUE: dict[str, float] = dict(_NUMBERS["vague"])
SPELLED_SCALES: tuple[str, ...] = tuple(_NUMBERS["spelled_scales"].split())
CURRENCY_PREFIX: dict[str, str] = dict(_CURRENCY["prefix"])
ISO_CODES: frozenset[str] = word_set(_CURRENCY["iso_codes"])
# value: (ISO code, divisor for minor units)
CURRENCY_WORDS: dict[str, tuple[str, float]] = {
    word: (code, float(divisor)) for word, (code, divisor) in _CURRENCY["words"].items()
}

_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?|\.\d+")
_WORD_TOKEN = re.compile(r"[a-z]+")


def scale_value(word: str) -> float:
    """Factor of a scale word or abbreviation (``bn`` -> 1e9); 1.0 when unknown."""
    w = word.lower().rstrip(".")
    if w.endswith("s") and w[:-1] in SCALES:
        w = w[:-1]
    return SCALES.get(w, 1.0)


def word_number(text: str) -> float | None:
    """Value of a spelled number: ``twenty-five``, ``a``, ``half a``, ``one and a half``."""
    words = _WORD_TOKEN.findall(text.lower())
    if not words:
        return None
    total = 0.0
    seen = False
    i = 0
    while i < len(words):
        w = words[i]
        if w in ONES:
            total += ONES[w]
            seen = True
        elif w in TENS:
            total += TENS[w]
            seen = True
        elif w == "a" or w == "an":
            if i + 1 < len(words) and words[i + 1] == "half":
                total += 0.5
                i += 1
            elif not seen:
                total += 1
            seen = True
        elif w == "half":
            total += 0.5
            seen = True
        elif w == "quarter":
            total += 0.25
            seen = True
        elif w == "hundred":
            total = (total or 1) * 100
            seen = True
        elif w != "and":
            return None
        i += 1
    if not seen:
        return None
    if words[0] == "half" and len(words) >= 2 and words[1] in ("a", "an"):
        return 0.5
    return total


def parse_number(text: str) -> float | None:
    """Value of one printed number (digits or words); None when it is not a number."""
    m = _DIGITS.search(text)
    if m:
        try:
            return float(m.group(0).replace(",", ""))
        except ValueError:
            return None
    return word_number(text)


def currency_for_word(word: str) -> tuple[str, float] | None:
    """(ISO code, minor-unit divisor) for a currency word after the number."""
    w = re.sub(r"\s+", " ", word.lower()).strip()
    if w in CURRENCY_WORDS:
        return CURRENCY_WORDS[w]
    if w.upper() in ISO_CODES:
        code = w.upper()
        return ("CNY" if code == "RMB" else code, 1)
    return None


def currency_for_prefix(prefix: str) -> str | None:
    """ISO code for a currency written before the amount (``US$``, ``€``, ``EUR``)."""
    p = prefix.strip()
    if p in CURRENCY_PREFIX:
        return CURRENCY_PREFIX[p]
    if p.upper() in ISO_CODES:
        return "CNY" if p.upper() == "RMB" else p.upper()
    return None
