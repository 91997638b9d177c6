"""Number words, scale words and currency tables used by the figure extractor.

Pure data plus small parsing helpers:

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

from monitors.nlp.lexicon import word_set

ONES: dict[str, int] = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS: dict[str, int] = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}

SCALES: dict[str, float] = {
    "hundred": 1e2,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "k": 1e3,
    "m": 1e6,
    "mm": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "mio": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "bln": 1e9,
    "t": 1e12,
    "tn": 1e12,
    "trn": 1e12,
    "trln": 1e12,
    "tr": 1e12,
    "dozen": 12.0,
    "lakh": 1e5,
    "crore": 1e7,
}

# Vague quantity words: the lower bound of the quantity they name.
VAGUE: dict[str, float] = {
    "tens": 10.0,
    "dozens": 12.0,
    "hundreds": 1e2,
    "thousands": 1e3,
    "millions": 1e6,
    "billions": 1e9,
    "trillions": 1e12,
    "several": 1.0,
    "a few": 1.0,
    "few": 1.0,
    "many": 1.0,
    "multiple": 1.0,
}

# Currency written before the amount.  Longest first when building a regex.
CURRENCY_PREFIX: dict[str, str] = {
    "US$": "USD",
    "U.S.$": "USD",
    "USD$": "USD",
    "A$": "AUD",
    "AU$": "AUD",
    "AUD$": "AUD",
    "C$": "CAD",
    "CA$": "CAD",
    "Can$": "CAD",
    "CAD$": "CAD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "R$": "BRL",
    "MX$": "MXN",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₴": "UAH",
    "₽": "RUB",
    "₹": "INR",
    "₩": "KRW",
    "₺": "TRY",
    "₪": "ILS",
    "zł": "PLN",
    "Rs.": "INR",
    "Rs": "INR",
}


ISO_CODES: frozenset[str] = word_set(
    "USD EUR GBP JPY CNY RMB UAH RUB INR CAD AUD NZD CHF SEK NOK DKK PLN CZK HUF RON TRY ILS "
    "KRW HKD SGD BRL MXN ZAR SAR AED BGN TWD"
)

# Currency written after the amount (lower-case keys; the regex is case-insensitive).
# value: (ISO code, divisor for minor units)
CURRENCY_WORDS: dict[str, tuple[str, float]] = {
    "us dollars": ("USD", 1),
    "u.s. dollars": ("USD", 1),
    "american dollars": ("USD", 1),
    "canadian dollars": ("CAD", 1),
    "australian dollars": ("AUD", 1),
    "new zealand dollars": ("NZD", 1),
    "hong kong dollars": ("HKD", 1),
    "singapore dollars": ("SGD", 1),
    "taiwan dollars": ("TWD", 1),
    "dollars": ("USD", 1),
    "dollar": ("USD", 1),
    "euros": ("EUR", 1),
    "euro": ("EUR", 1),
    "pounds sterling": ("GBP", 1),
    "pounds": ("GBP", 1),
    "pound": ("GBP", 1),
    "sterling": ("GBP", 1),
    "yen": ("JPY", 1),
    "yuan": ("CNY", 1),
    "renminbi": ("CNY", 1),
    "rubles": ("RUB", 1),
    "roubles": ("RUB", 1),
    "ruble": ("RUB", 1),
    "rouble": ("RUB", 1),
    "hryvnias": ("UAH", 1),
    "hryvnia": ("UAH", 1),
    "hryvnas": ("UAH", 1),
    "hryvna": ("UAH", 1),
    "zlotys": ("PLN", 1),
    "zloty": ("PLN", 1),
    "swiss francs": ("CHF", 1),
    "francs": ("CHF", 1),
    "kronor": ("SEK", 1),
    "swedish kronor": ("SEK", 1),
    "norwegian kroner": ("NOK", 1),
    "danish kroner": ("DKK", 1),
    "kroner": ("NOK", 1),
    "czech crowns": ("CZK", 1),
    "forints": ("HUF", 1),
    "danish crowns": ("DKK", 1),
    "swedish crowns": ("SEK", 1),
    "norwegian crowns": ("NOK", 1),
    "swedish krona": ("SEK", 1),
    "czech korunas": ("CZK", 1),
    "korunas": ("CZK", 1),
    "forint": ("HUF", 1),
    "lei": ("RON", 1),
    "romanian lei": ("RON", 1),
    "leva": ("BGN", 1),
    "south korean won": ("KRW", 1),
    "korean won": ("KRW", 1),
    "rupees": ("INR", 1),
    "rupee": ("INR", 1),
    "shekels": ("ILS", 1),
    "lira": ("TRY", 1),
    "liras": ("TRY", 1),
    "pesos": ("MXN", 1),
    "rand": ("ZAR", 1),
    "riyals": ("SAR", 1),
    "bucks": ("USD", 1),
    "dlrs": ("USD", 1),
    "dlr": ("USD", 1),
    "stg": ("GBP", 1),
    "pence": ("GBP", 100),
    "cents": ("USD", 100),
    "euro cents": ("EUR", 100),
    "kopecks": ("RUB", 100),
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
