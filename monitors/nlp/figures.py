"""Extract figures -- money, percentages, counts -- from article text (shared/EXTRACTION.md).

``extract_figures(text)`` scans the text once for places where a figure can start (a hedge
word, a currency sign, a digit, a number or vague-quantity word) and tries these grammars in
order at each place, keeping the first that matches and validates:

1. **money, currency first** -- ``$1.5bn``, ``US$300m``, ``C$2 billion``, ``€7bn``,
   ``EUR 50m``, ``Rs 24,888 crore`` (lakh 1e5, crore 1e7), ranges ``$3-5 billion``,
   ``between $2 billion and $3 billion``;
2. **money, currency after** -- ``50 billion euros``, ``1.5 trillion yen``, ``3.76 pence``,
   ``a 1 billion-euro buyback`` (not ``a billion-dollar company``: a kind, not an amount);
3. **vague money** -- ``tens of billions of dollars``, ``many billions of dollars``, ``several
   billion euros``, ``billions in military aid`` and ``save taxpayers billions`` (USD);
4. **percentage points** -- ``0.5 percentage points``, ``28 basis points``/``2 bps`` (as pp),
   ``half a percentage point``;
5. **percent** -- ``5%``, ``3.5 per cent``, ``two percent``, ``half a percent``, ``the
   two-percent level``, ranges ``between 2.5% and 3%``/``2.5-3%``, with ``of (their) GDP``
   and ``or more`` tails; a percent is ``percent_gdp`` when tied to GDP or to a
   defence-spending target in its sentence;
6. **X of Y** -- ``23 of NATO's 32 members``;
7. **counts with a scale word** -- ``twenty million rounds``, ``half a million``,
   ``101.7 million``, ``two dozen detainees``;
8. **vague counts** -- ``tens of thousands of troops``, ``dozens of companies``, ``hundreds of
   air-defence systems``, ``several hundred soldiers``;
9. **counts in digits** -- ``12,000 troops``, ``100 tanks``: a plural noun must follow, taken
   with coordinated nouns or modifiers (``32 allies and partners``, ``31 Reaper and Predator
   drones``) and an activity (``80 lines of flying``); also compounds (``the 720-seat
   parliament``, ``a 10,000-strong force``) and vote tallies (``401 votes in favour and 284
   against``).

Also: signed changes as market copy prints them (``EUR/USD +0.27%``, ``-0.03%``, ``+26.3bp``:
the sign is in the span and the value); pence as ``p`` (``129.09 p/therm``, ``fell 3p``);
casualty counts that leave out "people" (``killing 298``, ``at least 12 were killed``);
``4,000-plus drones``/``50+ countries`` (more_than); a currency as the counted noun makes
money (``hundreds of dollars``, ``50 million taxpayer dollars``); a suspended hyphen shares the
second number's scale (``$1- to $1.5 billion``, ``25- to 50,000 civilians``: one range), as does
``between X to Y``; a part of a group is a count (``25 of its drones``, ``10 of Russia's banks``);
market copy's ``$2T``, ``$50mm``, signed ``(+$3.6B)`` and rates ``Euro/$0.99``.  In a flattened
financial table a number after another cell is no count of the next row's label.

Every grammar takes an optional hedge before the number (``more than``, ``north of``, ``at
least``, ``under``, ``up to``, ``about``/``nearly``/``some`` ..., or the key-points symbols
``>1%``, ``~0.6%``, ``<$5bn``), kept in the span.  The wire footer ``($1 = 0.9643 euros)`` is
an editorial note, not a figure.  Not
figures: years, dates, times, durations and ages, ordinals, numbers glued to letters (``F-16``,
``G7``), index names and labels (``S&P 500``, ``Article 5``), phone numbers, small number words.
A range written ``from X to Y`` is a change, so it yields two figures.  An amount that leaves
out its unit takes it from the amount before (``to 1.1 million barrels per day from 0.87
million``: a measure, so neither is a figure); bare rates (``1,200 per day``) and display
formats (``4K TVs``) are not counts; nor is the base of a proportion (``seven in 10
voters``), a measure (``17 kilos``, ``9.2 million b/d``, ``23,110 levels``) or a table's unit note
(``Expressed in thousands of US dollars``).  A range never runs downwards nor across a sign
(``CAC 40 -0.4%`` is a name, then a change).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import replace

from monitors.model import Figure
from monitors.nlp.lexicon import word_set
from monitors.nlp.numbers import (
    CURRENCY_PREFIX,
    CURRENCY_WORDS,
    ISO_CODES,
    ONES,
    TENS,
    VAGUE,
    currency_for_prefix,
    currency_for_word,
    parse_number,
    scale_value,
    word_number,
)
from monitors.nlp.sentences import sentence_at, split_sentences
from monitors.nlp.subjects import document_actor, figure_subject, orphan

__all__ = ["extract_figures"]

# --------------------------------------------------------------------------- lexical pieces

_D = r"(?:\d{1,3}(?:,\d{3})+(?![\d,]*\d)(?:\.\d+)?|\d+(?:\.\d+)?)"
_UNIT_WORDS = "|".join(sorted((w for w in ONES if w != "zero"), key=len, reverse=True))
_TENS_WORDS = "|".join(TENS)
_NUMWORD = (
    rf"(?:(?:{_TENS_WORDS})(?:[-\s](?:{_UNIT_WORDS}))?|{_UNIT_WORDS})"
    rf"(?:\s+and\s+a\s+half)?"
)
# A spelled number that may stand before a scale word ("a million", "half a billion").
_NUMWORD_SCALED = rf"(?:{_NUMWORD}(?:\s+hundred(?:\s+and\s+{_NUMWORD})?)?|half\s+an?|an?)"
_SCALE_WORD = r"(?:\s+(?:hundred\s+)?(?:thousand|million|billion|trillion)\b)"
# After digits the scale word may be glued on, as British copy prints it ("£71.6million").
# Indian copy counts in lakh (1e5) and crore (1e7): "Rs 24,888 crore", "Rs 1.2 lakh crore".
_SCALE_WORD_D = (
    r"(?:\s*(?:(?:hundred\s+)?(?:thousand|million|billion|trillion)|(?:lakh\s+)?crores?|lakhs?)\b)"
)
_SCALE_STRICT = r"(?:\s?(?:bn|bln|mn|mln|tn|trn|trln)\b)"
# US market copy: "$2T" (trillion, a capital T only) and "$50mm" (million).
_SCALE_LOOSE = r"(?:(?:m|b|k|tr|mm|(?-i:T))\b)"
_SCALE_MONEY = rf"(?:{_SCALE_STRICT}|{_SCALE_WORD_D}|{_SCALE_LOOSE})"
_SCALE_COUNT = rf"(?:{_SCALE_STRICT}|k\b|{_SCALE_WORD_D})"


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_CUR_PRE = (
    rf"(?:{_alt([p for p in CURRENCY_PREFIX if not p[0].isalpha()])}"
    rf"|(?-i:{_alt([p for p in CURRENCY_PREFIX if p[0].isalpha()])})"
    rf"|(?-i:(?:{'|'.join(sorted(ISO_CODES))})(?=\s?\d)))"
)
_CUR_WORD = (
    r"(?:"
    + "|".join(
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(CURRENCY_WORDS, key=len, reverse=True)
    )
    + rf")\b|(?-i:(?:{'|'.join(sorted(ISO_CODES))})\b)"
)

_QUALIFIERS: dict[str, str] = {
    "more than": "more_than",
    "over": "more_than",
    "north of": "more_than",
    "above": "more_than",
    "in excess of": "more_than",
    "upwards of": "more_than",
    "just over": "more_than",
    "well over": "more_than",
    "well above": "more_than",
    "exceeding": "more_than",
    "at least": "at_least",
    "no less than": "at_least",
    "no fewer than": "at_least",
    "a minimum of": "at_least",
    "under": "less_than",
    "below": "less_than",
    "less than": "less_than",
    "fewer than": "less_than",
    "just under": "less_than",
    "well under": "less_than",
    "well below": "less_than",
    "up to": "up_to",
    "as much as": "up_to",
    "as many as": "up_to",
    "at most": "up_to",
    "no more than": "up_to",
    "about": "about",
    "around": "about",
    "some": "about",
    "roughly": "about",
    "nearly": "about",
    "almost": "about",
    "approximately": "about",
    "close to": "about",
    "approx.": "about",
    "circa": "about",
    "upward of": "more_than",
    "nearing": "about",
    "approaching": "about",
    # Symbol hedges of Reuters key points, glued to the number: ">1%", "~0.6%", "<$5bn".
    ">": "more_than",
    "~": "about",
    "<": "less_than",
    "≈": "about",
}
_SYMBOL_QUALIFIERS = frozenset(q for q in _QUALIFIERS if not q[0].isalpha())
_QUAL_ALT = (
    r"(?:"
    + "|".join(
        re.escape(q).replace(r"\ ", r"\s+").replace("north", r"[\"“']?north[\"”']?")
        for q in sorted(_QUALIFIERS, key=len, reverse=True)
        if q not in _SYMBOL_QUALIFIERS
    )
    + r")"
)
_SYM_QUAL = r"[~><≈](?=[\d$€£¥])"
_QUAL = rf"(?P<q>{_QUAL_ALT}(?=\s)|{_SYM_QUAL})\s*"
_Q = rf"(?:{_QUAL})?"
# A suspended hyphen ("$1- to $1.5 billion", "25- to 50,000 civilians") shares the second
# number's scale with the first: one range, even with "and" and no "between".
_SEP = r"(?P<sep>[-–]\s+(?:to|and)\s+|\s*[-–]\s*|\s+to\s+|\s+and\s+)"
_PCT = r"(?:\s?%|[\s-]?per[\s-]?cent\b|\s+pct\b|\s?(?-i:pc)\b(?![-'’]))"
_PCT_WORD_NUM = rf"(?:{_D}|{_NUMWORD}|half\s+an?)"
_GDP_TAIL = (
    r"(?P<gdp>\s+of\s+(?:(?:their|its|the|our|his|her|your|national|each\s+\w+['’]s|"
    r"the\s+\w+['’]s|[A-Z][\w.]*['’]s?)\s+)?(?:annual\s+)?(?:GDP|gross\s+domestic\s+product|"
    r"economic\s+output|national\s+(?:income|output))\b"
    r"|\s+of\s+(?:their|its|our)\s+(?:national\s+)?econom(?:y|ies)\b)?"
)
_OR_MORE = r"(?P<more>\s+or\s+(?:more|higher|above))?"
_VAGUE_BIG = (
    r"(?:(?:tens|hundreds)\s+of\s+(?:thousands|millions|billions|trillions)"
    r"|(?:several|a\s+few|many)\s+(?:hundred\s+)?(?:thousand|million|billion|trillion)"
    r"|(?:many\s+)?(?:thousands|millions|billions|trillions))"
)

_F = re.I
_RX_MONEY_PRE = re.compile(
    rf"{_Q}(?P<btw>between\s+)?(?P<cur>{_CUR_PRE})\s?(?P<n1>{_D})"
    rf"(?P<s1>{_SCALE_MONEY}|-(?:thousand|million|billion|trillion)\b)?"
    rf"(?:{_SEP}(?:{_CUR_PRE})?\s?(?P<n2>{_D})(?P<s2>{_SCALE_MONEY})?)?",
    _F,
)
_RX_MONEY_POST = re.compile(
    rf"{_Q}(?P<btw>between\s+)?(?P<n1>{_D}|{_NUMWORD_SCALED})"
    rf"(?P<s1>{_SCALE_MONEY}|-(?:thousand|million|billion|trillion)(?=-))?"
    rf"(?:{_SEP}(?P<n2>{_D}|{_NUMWORD_SCALED})(?P<s2>{_SCALE_MONEY})?)?"
    rf"(?P<cwsep>\s+|(?<=[a-z])-)(?P<cw>{_CUR_WORD})",
    _F,
)
_RX_MONEY_VAGUE = re.compile(rf"{_Q}(?P<v>{_VAGUE_BIG})(?:\s+of)?\s+(?P<cw>{_CUR_WORD})", _F)
_RX_MONEY_BARE = re.compile(
    r"(?P<v>(?:tens|hundreds)\s+of\s+(?:millions|billions)|billions|trillions)"
    r"(?=\s+(?:of\s+dollars\s+)?(?:more\s+)?in\s+(?:\w+\s+){0,2}?(?:aid|assistance|funding|"
    r"support|weapons|loans|spending|investments?|contracts|sales|revenue|damages?|"
    r"reconstruction|assets|subsidies|grants|deals|exports|savings|profits|losses|cuts|"
    r"debts?|revenues|taxes|fees)\b)",
    _F,
)
# Or bare after a verb of money, with no "of" after ("could save taxpayers billions").
_RX_MONEY_BARE_AFTER_VERB = re.compile(
    r"(?P<v>(?:tens|hundreds)\s+of\s+(?:billions|trillions)|billions|trillions)\b(?!\s+of\b|-)",
    _F,
)
_RX_MONEY_VERB_BEFORE = re.compile(
    r"\b(?:save[sd]?|saving|costs?|costing|spen[dt]s?|spending|pa(?:y|ys|id|ying)|los(?:e|es|t|ing)|"
    r"earn(?:s|ed|ing)?|owe[sd]?|owing|rais(?:e|es|ed|ing)|invest(?:s|ed|ing)?|pour(?:s|ed|ing)?|"
    r"funnel(?:s|ed|led|ing)?|worth|waste[sd]?|wasting)\s+(?:(?!of\s)[a-z]+\s+){0,2}$",
    re.I,
)
_RX_PP = re.compile(
    rf"{_Q}(?P<btw>between\s+)?(?P<n1>{_PCT_WORD_NUM})(?:{_SEP}(?P<n2>{_PCT_WORD_NUM}))?"
    r"(?P<u>\s+(?:percentage|per\s?cent(?:age)?)[\s-]+points?\b|\s?(?:pps?|ppts?)\b"
    r"|(?P<bp>\s+basis[\s-]+points?\b|\s?bps?\b))",
    _F,
)
_RX_PCT = re.compile(
    rf"{_Q}(?P<btw>between\s+)?(?P<n1>{_PCT_WORD_NUM})"
    rf"(?:(?P<u1>{_PCT})(?:{_SEP}(?P<n2>{_PCT_WORD_NUM})(?P<u2>{_PCT}))?"
    rf"|(?P<sep2>\s*[-–]\s*|\s+to\s+|\s+and\s+)(?P<n2b>{_PCT_WORD_NUM})(?P<u2b>{_PCT}))"
    rf"{_GDP_TAIL}{_OR_MORE}",
    _F,
)
_RX_XOFY = re.compile(
    rf"{_Q}(?P<n1>{_D})\s+(?:out\s+)?of\s+(?:(?:the|its|their|our|all)\s+)?"
    r"(?:(?:[A-Z][\w.&-]*\s+){0,2}[A-Z][\w.&-]*['’]s?\s+|remaining\s+)?"
    rf"(?P<n2>{_D})(?![\w.,%-]*\d)(?![%\w-])",
    _F,
)
_RX_COUNT_SCALE = re.compile(
    rf"{_Q}(?P<btw>between\s+)?(?:(?P<n1>{_D})(?P<s1>{_SCALE_COUNT}|(?P<m1>m)\b(?!['’]|-(?!\d)))"
    rf"|(?P<w1>{_NUMWORD_SCALED})(?P<ws1>{_SCALE_WORD}(?P<ah>\s+and\s+a\s+half\b)?"
    rf"(?!\s+(?:and\s+)?(?:{_TENS_WORDS}|{_UNIT_WORDS})\b)"
    rf"|(?P<h1>\s+hundred)\b(?![-'’])(?!\s+(?:and\s+)?(?:thousand|million|billion|trillion|"
    rf"{_TENS_WORDS}|{_UNIT_WORDS})\b))"
    rf"|(?P<dz>(?:(?:{_NUMWORD}|a)\s+)?dozen)\b)"
    rf"(?:{_SEP}(?P<n2>{_D})(?P<s2>{_SCALE_COUNT}|(?<=\d)m\b(?!['’-])))?",
    _F,
)
_RX_COUNT_VAGUE = re.compile(
    rf"{_Q}(?P<v>(?:tens|hundreds)\s+of\s+(?:thousands|millions)"
    r"|(?:several|a\s+few|many)\s+(?:dozen|hundred|thousand|million)(?:\s+thousand)?"
    r"|(?:many\s+)?(?:dozens|hundreds|thousands|millions))\b(?P<of>\s+of)?",
    _F,
)
_RX_COUNT_DIGITS = re.compile(
    rf"{_Q}(?P<btw>between\s+)?(?P<n1>{_D})(?:{_SEP}(?P<n2>{_D}))?(?=\s)", _F
)

# Where a figure can start: a hedge, a currency sign or code, a digit, a number word.
_AFTER_WORD_NUMBER = (
    r"(?=(?:\s+and\s+a\s+half)?[\s-]*(?:hundred|thousand|million|billion|trillion|dozen|"
    r"per[\s-]?cent|percent|percentage|%|basis)\b"
    r"|\s(?:euros?|dollars?|pounds?|pence|cents|yen|yuan|roubles?|rubles?|hryvnias?)\b)"
)
_NUMBER_AHEAD = (
    rf"(?=[\"“”']?(?:[\d$€£¥₴₽₹₩₺₪]|[A-Z]{{1,3}}\$|Rs|(?-i:[A-Z]{{3}}\s?\d)|(?:{_NUMWORD}|half|an?|tens|hundreds|"
    r"dozens?|thousands|millions|billions|trillions|several|a\s+few|many)\b))"
)
_RX_START = re.compile(
    # An exchange rate quoted against a currency name: "Euro/$0.99", "EUR/$1.05".
    r"(?<=[A-Za-z]/)[$€£](?=\d)|"
    rf"(?<![\w.,:/+#-])(?:(?:{_QUAL_ALT}|between)\s+{_NUMBER_AHEAD}|{_SYM_QUAL}|[$€£¥₴₽₹₩₺₪]|{_CUR_PRE}|\d"
    rf"|(?:{_NUMWORD}|half\s+an?){_AFTER_WORD_NUMBER}"
    r"|an?\s+(?=(?:dozen|hundred|thousand|million|billion|trillion|few)\b)"
    r"|(?:tens|hundreds|dozens?|thousands|millions|billions|trillions)\b"
    r"|(?:several|a\s+few|many)(?=\s+(?:dozen|hundred|thousand|million|billion|trillion)s?\b))",
    _F,
)


# Cheap pre-filter: a digit, a currency sign, or a word that can open a figure.
# Whole qualifier phrases (a space stands for any whitespace), so that common words such as
# "in", "as" or "at" are candidates only in "in excess of", "as much as", "at least".
_TRIGGERS = frozenset(
    {
        q.rstrip(".")
        for q in _QUALIFIERS
        if not q.startswith(("a ", "an ")) and q not in _SYMBOL_QUALIFIERS
    }
    | {"north"}
    | set(ONES)
    | set(TENS)
    | {
        "between",
        "half",
        "tens",
        "hundreds",
        "dozen",
        "dozens",
        "thousands",
        "millions",
        "billions",
        "trillions",
        "several",
        "many",
    }
    | {p.lower() for p in CURRENCY_PREFIX if p[0].isalpha() and "$" not in p and "." not in p}
) - {"a", "an", ""}


def _trie_regex(words: frozenset[str]) -> str:
    """A regex alternation of ``words`` factored on shared prefixes (fast to reject)."""
    trie: dict[str, dict] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        alts = [
            (r"\s+" if ch == " " else re.escape(ch)) + build(child)
            for ch, child in sorted(node.items())
            if ch
        ]
        optional = "" in node
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if optional else body

    return build(trie)


# Cheap pre-filter: a digit, a currency sign, or a word that can open a figure.
_RX_CANDIDATE = re.compile(
    rf"\d[\d.,]*|[$€£¥₴₽₹₩₺₪]|{_SYM_QUAL}|(?<![A-Za-z])(?=[A-Za-z])(?:{_trie_regex(_TRIGGERS)}"
    rf"|[A-Za-z]{{1,3}}(?=\$)|U\.S\.(?=\$)|(?-i:{'|'.join(sorted(ISO_CODES))})"
    r"|an?(?=\s+(?:dozen|hundred|thousand|million|billion|trillion|few|estimated|minimum)\b))"
    r"(?![A-Za-z])",
    _F,
)

# ------------------------------------------------------------------------ context filters

_MONTHS = word_set(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
_LABEL_WORDS = word_set(
    "no nos number page pages p pp article articles section chapter paragraph clause "
    "resolution flight room route highway road model type mark block phase level class tier "
    "group stage season episode vol volume issue item line platform gate terminal"
    " title proclamation note"
    " s&p nasdaq nikkei stoxx eurostoxx ftse dax cac russell dow topix kospi sensex nifty "
    "msci ibex aex smi hang seng ase ise"
)
_TIME_AND_MEASURE = word_set(
    """
    second seconds minute minutes hour hours day days night nights week weeks weekend weekends
    month months year years decade decades century centuries quarter quarters
    morning mornings evening evenings times point points pts page pages article articles
    paragraph paragraphs chapter chapters percent km kms kilometres kilometers kilometre
    kilometer miles mile metres meters metre meter feet foot inches inch yards yard mm cm
    tonnes tons tonne ton kilograms kg kgs grams pounds lbs litres liters gallons degrees
    hectares acres knots mph kph calories steps years-old am pm a.m. p.m. gmt et bst cet utc
    edt est yr yrs hr hrs mins secs mos wks sq barrel barrels bpd bps bp pp pps ppts
    kilos kilo kilogrammes kilogram kilogramme ounces oz lb megawatts gigawatts terawatts mw gw
    kw kwh mwh gwh twh bcm mcm cubic square acre sqm sq.m meters-long litre liter
    level levels tick ticks pip pips megabytes gigabytes terabytes kilobytes bytes mb gb tb
    joules petajoules terajoules gigajoules curies picocuries light-years
    """
)
_IRREGULAR_PLURALS = word_set(
    "people children men women personnel staff police aircraft spacecraft crew infantry "
    "cattle sheep livestock militia militants israelis iraqis pakistanis afghanis nepalis "
    "somalis yemenis kuwaitis saudis emiratis qataris omanis bahrainis bangladeshis "
    "azerbaijanis punjabis bengalis rabbis taxis"
)
_NOT_PLURAL = word_set(
    "news series species means us is was has this thus its his hers theirs ours yours whereas "
    "various previous famous serious dangerous numerous analysis crisis basis chess kansas texas "
    "paris marcus thomas lewis davis james jones abrams pls plus minus bonus status campus "
    "virus census corpus consensus nexus focus gas atlas alias bias canvas christmas"
)
_NP_STOP = word_set(
    """
    a an the this that these those of in on at to for from by with without into onto over under
    about above below between among across after before during since until than as per via
    and or but nor yet so if while because although though whether which who whom whose what
    where when how why is are was were be been being am has have had do does did will would
    shall should can could may might must not no also just only still already even each every
    all any some most many much few several such their its his her our
    your my them they he she it we you i there here said says say told according including
    includes include like worth up down out off now then ago last next
    """
)
_MONEY_NOUNS = word_set(
    "package deal plan fund loan budget contract program programme aid tranche facility "
    "investment deficit bill grant payment funding bond bonds"
)
_CHANGE_WORDS = word_set(
    "from rose fell climbed jumped increased decreased dropped slipped gained lost up down raised "
    "lifted cut rising falling rise fall grew grow growing shrank declined dipped surged soared "
    "slid eased edged added shed by increase decrease raise raising lift lifting boost boosted "
    "boosting"
)
# Phrasal verbs of movement ("went up", "ticked up"): the "up" belongs to the verb, so "up to"
# is where a value went, not the hedge "up to" ("raise up to $12.9bn" keeps its hedge).
_MOVE_VERBS = word_set(
    "went go goes going gone moved move moves moving ticked ticks ticking edged edges edging "
    "crept creeps creeping inched inches inching shot shoots stepped ramped scaled revised "
    "bumped pushed picked marked"
)
_RX_UP_TO = re.compile(r"up\s+to\s+", re.I)
# "About" before a vague quantity is the preposition of "talk about", "care about": nobody
# hedges "tens of thousands" with "approximately".
_RX_ABOUT_VAGUE = re.compile(
    r"about\s+(?=(?:tens|hundreds|thousands|millions|billions|trillions|dozens)\b)", re.I
)
# "Over" after a verb of flying or shooting down names where, not a hedge ("drones were
# destroyed over 12 regions", "jets flew over 3 towns").
_RX_OVER = re.compile(r"over\s+(?=\d)", re.I)
_RX_OVER_REGIONS = re.compile(
    r"\d[\d,]*\s+(?:\w+\s+)?(?:regions|oblasts|districts|provinces)\b", re.I
)
_RX_SHOOT_DOWN_BEFORE = re.compile(
    r"\b(?:shot\s+down|destroyed|intercepted|downed|neutrali[sz]ed)\b[^.;:!?]*$", re.I
)
_OVER_PLACE_BEFORE = word_set(
    "destroyed intercepted downed neutralised neutralized flew fly flying flown flies "
    "spotted detected hovered circled crashed"
)
_GROWTH_BEFORE = word_set(
    "by rose fell climbed jumped increased decreased dropped slipped gained lost up down grew "
    "shrank declined dipped surged soared slid eased edged added shed rising falling growth "
    "increase rise jump drop decline gain"
)
_GROWTH_AFTER = re.compile(
    r"\s+(?:increase|rise|jump|hike|boost|cut|drop|decline|fall|gain|growth|more|higher|lower|"
    r"annual|year-on-year|yoy|stake|share|tariff|tax|rate|chance|probability|interest)",
    re.I,
)
_TARGET_AFTER = re.compile(
    r"[\s-]+(?:(?:GDP|NATO|Nato|spending|defen[cs]e|military|alliance|core|benchmark)[\s-]+){0,3}"
    r"(?:target|goal|threshold|benchmark|guideline|level|mark|commitment|pledge|floor|bar|"
    r"requirement|minimum|objective|norm)s?\b",
    re.I,
)
_GDP_CONTEXT = re.compile(
    r"\b(?:GDP|gross\s+domestic\s+product|economic\s+output|national\s+income)\b", re.I
)
_DEFENCE_TARGET_CONTEXT = re.compile(
    r"\b(?:defen[cs]e|military)\s+(?:spending|budgets?|expenditures?|outlays?|investment)\b"
    r"|\bspending\s+(?:target|goal|pledge|commitment)|\b(?:NATO|Nato|alliance)['’]?s?\s+"
    r"(?:(?:new|current|old|existing|agreed|official|headline|core)\s+)?"
    r"(?:target|goal|benchmark|guideline)",
    re.I,
)
_DEFENCE_CONTEXT = re.compile(
    r"\b(?:defen[cs]e|military|NATO|Nato|alliance|allies|armed\s+forces|security\s+spending)",
    re.I,
)
_NOT_GDP_CONTEXT = re.compile(
    r"\b(?:inflation|central\s+bank|Federal\s+Reserve|Fed|interest\s+rates?|yields?|"
    r"GDP\s+(?:growth|grew|fell|rose|expanded|contracted)|economy\s+(?:grew|shrank|expanded)|"
    r"tariffs?|parliament|votes?|polls?|approval)\b",
    re.I,
)
_GROWTH_OF = re.compile(
    r"(?:increase|rise|growth|jump|hike|expansion|decline|drop|fall|cut|gain)s?\s+of\s+$", re.I
)
_PREV_TOKEN = re.compile(r"([\w&.'’]+)[\s(]*$")
_NP_TOKEN = re.compile(r"(?:[ \t]*\n?[ \t]*)([A-Za-z][A-Za-z0-9'’-]*(?:\.[A-Za-z]\.?)*)")
_AFTER_NUMBER_BAD = re.compile(r"[\w%$€£]|[-/:]\d|-(?:year|month|week|day|hour|minute)|\.\d")

# ---------------------------------------------------------------------------- the scanner

_Match = tuple[int, int, dict[str, object]]


# The exchange-rate notes at the foot of wire copy, "($1 = 0.9643 euros)", "(1 euro = $1.08)":
# editorial conversions, not facts of the story.
_RX_RATE_NOTE = re.compile(
    rf"\(\s*(?:{_CUR_PRE})?\s?1\s*(?:{_CUR_WORD})?\s*=\s*(?:{_CUR_PRE})?\s?{_D}"
    rf"(?:\s*(?:{_CUR_WORD}))?\s*\)",
    _F,
)


def extract_figures(text: str) -> list[Figure]:
    """All figures in ``text`` (title + body), in order, with offsets into ``text``."""
    if not text:
        return []
    notes = [(m.start(), m.end()) for m in _RX_RATE_NOTE.finditer(text)] if "=" in text else []
    try:
        sentences = split_sentences(text)
    except Exception:  # pragma: no cover - defensive: never fail the pipeline
        sentences = [(0, len(text))]
    figures: list[Figure] = []
    pos = 0
    for cm in _RX_CANDIDATE.finditer(text):
        start = cm.start()
        if start < pos:
            continue
        if notes and any(a <= start < b for a, b in notes):
            continue
        if start and text[start - 1] in "\"“'" and cm.group(0).lower() == "north":
            start -= 1
        um = _RX_UP_TO.match(text, start)
        if um and _prev_word(text, start) in _MOVE_VERBS:
            start = um.end()  # "went up to $462 billion": a movement, not the hedge "up to"
        am = _RX_ABOUT_VAGUE.match(text, start)
        if am:
            start = am.end()  # "talking about thousands of families": a preposition
        om = _RX_OVER.match(text, start)
        if om and (
            _prev_word(text, start) in _OVER_PLACE_BEFORE
            or (
                _RX_OVER_REGIONS.match(text, om.end())
                and _RX_SHOOT_DOWN_BEFORE.search(text, max(0, start - 60), start)
            )
        ):
            start = om.end()  # "drones shot down over 12 regions": a place, not "more than"
        signed = _signed_change(text, start)
        if signed:
            figures.append(_make_figure(text, sentences, *signed))
            pos = signed[1]
            continue
        if not _RX_START.match(text, start):
            continue
        try:
            found = _match_at(text, start)
        except Exception:  # pragma: no cover - defensive
            found = []
        if not found:
            continue
        for s, e, fields in found:
            figures.append(_make_figure(text, sentences, s, e, fields))
        pos = found[-1][1]
    figures = _resolve_by_context(text, _repeated_gdp_levels(text, sentences, figures))
    return _document_subjects(text, figures)


def _document_subjects(text: str, figures: list[Figure]) -> list[Figure]:
    """A figure whose paragraph names no actor takes the article's own actor, when it has
    one (see :func:`monitors.nlp.subjects.document_actor`)."""
    if not any(f.subject is None for f in figures):
        return figures
    actor = document_actor(text)
    if actor is None:
        return figures
    return [
        replace(f, subject=actor)
        if f.subject is None
        and f.sentence_start >= 0
        and orphan(text, f.sentence_start, f.sentence_start + len(f.sentence))
        else f
        for f in figures
    ]


# A change printed with its sign, as market copy lists it ("EUR/USD +0.27%, GBP/USD -0.03%",
# "the curve at +26.3bp"): the sign is part of the span and of the value.  Only a sign that
# stands alone (after a space, "(", "=" or ":", or at the start) -- not the hyphen of a range
# ("3-5%") or of a name ("F-16").
_RX_SIGN_BEFORE = re.compile(r"(?:^|(?<=[\s(=:]))[+\-−]$")


def _signed_change(text: str, start: int) -> _Match | None:
    if (
        not start
        or text[start - 1] not in "+-−"
        or not (text[start].isdigit() or text[start] in "$€£")
    ):
        return None
    if not _RX_SIGN_BEFORE.search(text, max(0, start - 2), start):
        return None
    # "-$0.57", "(+$3.6B)": a signed money change, as market copy prints flows and spreads.
    parsers = (_parse_money_pre,) if text[start] in "$€£" else (_parse_pp, _parse_pct)
    for parser in parsers:
        found = parser(text, start)
        if found:
            break
    else:
        return None
    if len(found) != 1:
        return None
    s, e, fields = found[0]
    if s != start or fields.get("qualifier") or fields["unit"] == "percent_gdp":
        return None
    if fields.get("low", fields["value"]) != fields.get("high", fields["value"]):
        return None
    if text[start - 1] != "+":
        v = -float(fields["value"])  # type: ignore[arg-type]
        fields = fields | {"value": v, "low": v, "high": v}
    return (start - 1, e, fields)


# --------------------------------------------------------- units given by neighbouring figures

_BARE_MONEY = "money?"  # an amount with a scale word and no currency, resolved from context
# The words that chain figures of one series in a sentence: "1.9% of GDP, up from 1.6% in 2022
# and 1.8% in 2023"; "$2.46 trillion in 2024, up from 2.24 trillion in 2023".
_RX_CHAIN_NOISE = re.compile(
    r"\b(?:in|for|during|by|since)\s+(?:(?:fiscal|calendar|the)\s+)?(?:year\s+)?"
    r"(?:FY)?\d{4}(?:/\d{2,4})?\b|\(\s*\d{4}\s*\)|\b(?:a|one)\s+year\s+(?:earlier|ago|before)\b"
    r"|\b(?:last|this|previous|the\s+previous|the\s+prior)\s+year\b|[,;]",
    re.I,
)
_RX_CHAIN = re.compile(
    r"\s*(?:(?:(?:up|down)\s+)?from|to|and|or|(?:compared|against)\s+(?:with|to)|versus|vs\.?|"
    r"against)\s*",
    re.I,
)
_MONEY_UNITS_EXCLUDED = frozenset({"percent", "percent_gdp", "pp", "count", _BARE_MONEY})


_REPEAT_WINDOW = 600


def _repeated_gdp_levels(
    text: str, sentences: list[tuple[int, int]], figures: list[Figure]
) -> list[Figure]:
    """A bare percent that repeats the value of a percent of GDP just before it, in a sentence
    about allies or defence, is that level again: "committing 2 percent of their GDP ... allies
    were not pulling their weight, insisting that 2 percent should only be the start"."""
    out = list(figures)
    levels = [(g.end, g.value) for g in figures if g.unit == "percent_gdp"]
    if not levels:
        return out
    for i, f in enumerate(out):
        if f.unit != "percent" or f.low != f.high:
            continue
        if not any(v == f.value and 0 <= f.start - end <= _REPEAT_WINDOW for end, v in levels):
            continue
        ss, se = sentence_at(text, sentences, f.start)
        if (
            _DEFENCE_CONTEXT.search(text, ss, se)
            and not _RX_SHARE_OF_OTHER.match(text, f.end)
            and _may_be_gdp_percent(text, f.start, f.end, ss, se)
        ):
            out[i] = replace(f, unit="percent_gdp")
    return out


def _chained(text: str, a: Figure, b: Figure) -> bool:
    """Whether figures ``a`` then ``b`` are one series in one sentence ("X, up from Y")."""
    if a.sentence != b.sentence or b.start - a.end > 60:
        return False
    gap = _RX_CHAIN_NOISE.sub(" ", text[a.end : b.start])
    return bool(_RX_CHAIN.fullmatch(gap))


def _resolve_by_context(text: str, figures: list[Figure]) -> list[Figure]:
    """A percent chained to a percent of GDP is of GDP too; an amount with no currency takes
    the currency of the amount it is chained to, else the single currency of the amounts
    around it (``€22 billion ... 80 billion will be needed``), else it is dropped."""
    if not figures:
        return figures
    figs = list(figures)
    for order in (range(1, len(figs)), range(len(figs) - 2, -1, -1)):
        for i in order:
            j = i - 1 if order.step > 0 else i + 1
            cur, other = figs[i], figs[j]
            a, b = (other, cur) if j < i else (cur, other)
            if (
                cur.unit == "percent"
                and other.unit == "percent_gdp"
                and _chained(text, a, b)
                and not _RX_OF_OTHER.match(text, cur.end)
            ):
                figs[i] = replace(cur, unit="percent_gdp")
            elif (
                cur.unit == _BARE_MONEY
                and other.unit not in _MONEY_UNITS_EXCLUDED
                and _chained(text, a, b)
            ):
                figs[i] = replace(cur, unit=other.unit)
    for i in range(1, len(figs)):  # one series, one subject: "to 4% of GDP from 2%"
        a, b = figs[i - 1], figs[i]
        if a.unit == b.unit and a.subject != b.subject and _chained(text, a, b):
            figs[i] = replace(b, subject=a.subject)
    out = []
    for f in figs:
        if f.unit == _BARE_MONEY:
            if not (_RX_BARE_MONEY_OK.match(f.text) and _RX_MONEY_CUE.search(f.sentence)):
                continue
            near = {
                g.unit
                for g in figs
                if g.unit not in _MONEY_UNITS_EXCLUDED
                and abs(g.start - f.start) <= _CURRENCY_WINDOW
            }
            n_near = sum(
                1 for g in figs if g.unit in near and abs(g.start - f.start) <= _CURRENCY_WINDOW
            )
            if len(near) != 1 or n_near < 2:
                continue
            f = replace(f, unit=near.pop())
        out.append(f)
    return out


_CURRENCY_WINDOW = 1500
# A percent "of" something else is a share of that, not of GDP ("30% of exports").
_RX_OF_OTHER = re.compile(r"\s+of\s+(?!GDP|gross|economic)", re.I)
# The amounts that may take the surrounding currency: digits with billion/trillion, in a
# sentence about money ("80 billion will be needed for defense").
_RX_BARE_MONEY_OK = re.compile(
    rf"(?:{_QUAL_ALT}\s+)?\d[\d.,]*\s*(?:billion|trillion|bn|tn)\b", re.I
)
_RX_MONEY_CUE = re.compile(
    r"\b(?:spen[dt]\w*|budget\w*|costs?|costing|fund\w*|financ\w*|needed|paid|pay\w*|aid|"
    r"given|revenues?|profits?|loss(?:es)?|earn\w*|sales|worth|prices?|debts?|deficits?|"
    r"invest\w*|loans?|allocat\w*|money|cash|budgets?|income|turnover)\b",
    re.I,
)


def _match_at(text: str, start: int) -> list[_Match]:
    for parser in _PARSERS:
        result = parser(text, start)
        if result:
            return result
    return []


def _make_figure(
    text: str, sentences: list[tuple[int, int]], s: int, e: int, f: dict[str, object]
) -> Figure:
    ss, se = sentence_at(text, sentences, s)
    sentence = text[ss:se] if se > ss else text[s:e]
    value = float(f["value"])  # type: ignore[arg-type]
    low = float(f.get("low", value))  # type: ignore[arg-type]
    high = float(f.get("high", value))  # type: ignore[arg-type]
    unit = str(f["unit"])
    if unit == "percent" and _is_gdp_percent(text, s, e, ss, se):
        unit = "percent_gdp"
    of = f.get("of")
    return Figure(
        text=text[s:e],
        value=value,
        low=low,
        high=high,
        unit=unit,
        of=float(of) if of is not None else None,  # type: ignore[arg-type]
        qualifier=f.get("qualifier"),  # type: ignore[arg-type]
        approx=bool(f.get("approx", False)),
        subject=figure_subject(
            text,
            ss,
            se,
            s,
            e,
            count=unit == "count",
            target_after=bool(_TARGET_AFTER.match(text, e)),
            prev=_previous_sentence(sentences, ss),
        ),
        sentence=sentence,
        start=s,
        end=e,
        sentence_start=ss if se > ss else s,
        question=in_question(text, s),
    )


def _previous_sentence(sentences: list[tuple[int, int]], ss: int) -> tuple[int, int] | None:
    i = bisect_left(sentences, (ss, -1))
    return sentences[i - 1] if i > 0 else None


# A reporter's question in a transcript: a paragraph opening "Q", "Q:", "Q.", "QUESTION:" or
# "Q (to the Secretary):".  A figure there is what was asked, not a statement of fact.
_RX_QUESTION_PARA = re.compile(
    r"(?:\*\*)?(?:Q|QUESTION)(?:\*\*)?(?:\s*\([^)\n]{0,60}\))?\s*[:.]?\s"
)


def in_question(text: str, pos: int) -> bool:
    """Whether ``pos`` lies in a paragraph that is a reporter's question."""
    ps = text.rfind("\n", 0, pos) + 1
    return bool(_RX_QUESTION_PARA.match(text, ps))


# ------------------------------------------------------------------------- shared helpers


def _qualifier(m: re.Match[str]) -> str | None:
    q = m.group("q")
    if not q:
        return None
    key = re.sub(r"[\s\"“”']+", " ", q.lower()).strip()
    return _QUALIFIERS.get(key)


def _prev_word(text: str, start: int) -> str:
    pm = _PREV_TOKEN.search(text, max(0, start - 30), start)
    return pm.group(1).lower().strip(".'’") if pm else ""


def _prev_raw(text: str, start: int) -> str:
    pm = _PREV_TOKEN.search(text, max(0, start - 30), start)
    return pm.group(1) if pm else ""


def _bad_after(text: str, end: int) -> bool:
    return bool(_AFTER_NUMBER_BAD.match(text, end))


def _amount(num: str | None, scale: str | None) -> float | None:
    if num is None:
        return None
    v = parse_number(num)
    if v is None:
        return None
    if scale:
        for part in scale.replace("-", " ").split():
            v *= scale_value(part)
    return float(f"{v:.12g}")


def _range_ok(text: str, start: int, m: re.Match[str], sep_group: str = "sep") -> bool:
    """Whether a second number makes a range: not for 'from X to Y', 'rose X to Y', 'X and Y'."""
    sep = (m.group(sep_group) or "").strip().lower()
    if not sep or _is_suspended(sep):
        return True
    has_between = bool(m.groupdict().get("btw"))
    if sep == "and" or has_between:
        return has_between  # "between $1 trillion to $2 trillion", "between 150-300": a range
    return not (sep == "to" and _prev_word(text, start) in _CHANGE_WORDS)


def _is_suspended(sep: str | None) -> bool:
    """A suspended hyphen before "to"/"and": "$1- to $1.5 billion", "20- and 50,000 troops"."""
    sep = (sep or "").strip()
    return len(sep) > 1 and sep[0] in "-–"


def _is_label_context(text: str, start: int) -> bool:
    """Number preceded by a month, a label (Article, No., page) or an index name (S&P, FTSE)."""
    raw = _prev_raw(text, start)
    word = raw.lower().strip(".'’")
    if word in _MONTHS or word in _LABEL_WORDS:
        return True
    if word in _INDEX_REGIONS and _RX_INDEX_BEFORE.search(text, max(0, start - 40), start):
        return True  # "Stoxx Europe 600", "MSCI World 1,500": an index name
    core = raw.strip(".")
    if core.endswith(("'s", "’s")):
        return False
    return (
        len(core) >= 2
        and core.isupper()
        and core not in _ALLOWED_CAPS
        and not _in_capitals_line(text, start)
    )


# A headline or wire alert set in capitals ("EU AGREES 50 BILLION EURO FACILITY"): a word in
# capitals before a number there is an ordinary word, not a label like "CAC 40".
_RX_LOWER_WORD = re.compile(r"\b[a-z]{3,}")
_RX_UPPER_WORD = re.compile(r"\b[A-Z]{3,}\b")


def _in_capitals_line(text: str, start: int) -> bool:
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", start)
    line = text[ls : le if le >= 0 else len(text)]
    return not _RX_LOWER_WORD.search(line) and len(_RX_UPPER_WORD.findall(line)) >= 3


_ALLOWED_CAPS = frozenset({"NATO", "EU", "US", "UK", "IMF", "UN"})
# An index name with a region word between it and its number: "Stoxx Europe 600".
_INDEX_REGIONS = word_set("europe eurozone euro world all-world asia markets global developed")
_RX_INDEX_BEFORE = re.compile(
    r"\b(?:Stoxx|STOXX|FTSE|MSCI|S&P|Russell)\s+(?:Europe|Eurozone|Euro|World|All[\s-]World|"
    r"Asia|Emerging\s+Markets|Global|Developed)\s+$"
)


_EXCLUDED = -1
# A number right after another, as in the rows of a flattened table ("Inventories 1,939 1,960").
_RX_TABLE_NUMBER = re.compile(r"(?<![\w.,])\(?\d[\d,.]*\)?[ \t]+\(?\d[\d,.]*\)?$")


# "121 gas and three ... rigs": a second number starts a figure of its own.
_RX_NUMBER_NEXT = re.compile(rf"\s+(?:\d|(?:{_NUMWORD})\b)", re.I)


def _noun_phrase_end(text: str, pos: int) -> int | None:
    """End of a noun phrase with a plural head right after ``pos`` (at most 6 words).

    None when no plural head follows; ``_EXCLUDED`` when the phrase is a time, a duration or a
    measurement (``years``, ``metric tons``, ``barrel``), so the number is not a figure at all.
    """
    tokens: list[tuple[str, int]] = []
    p = pos
    while len(tokens) < 6:
        m = _NP_TOKEN.match(text, p)
        if not m or text[p : m.start(1)].strip() != "" or (p == pos and m.start(1) == p):
            break
        gap = text[p : m.start(1)]
        if gap.count("\n") > 1 or not gap:
            break
        word = m.group(1)
        if word.lower() in _NP_STOP:
            if (
                word in ("and", "or")
                and tokens
                and not any(_is_plural(w) for w, _ in tokens)
                and not _RX_TABLE_NUMBER.search(text, max(0, pos - 40), pos)
                and not _RX_NUMBER_NEXT.match(text, m.end(1))
            ):
                p = m.end(1)  # "31 Reaper and Predator drones": modifiers joined by and/or
                continue
            break
        tokens.append((word, m.end(1)))
        p = m.end(1)
    for i, (word, end) in enumerate(tokens):
        low = word.lower()
        if low in _TIME_AND_MEASURE or low in _MONTHS:
            return _EXCLUDED
        if _is_plural(word):
            if i + 1 < len(tokens) and _is_plural(tokens[i + 1][0]) and tokens[i + 1][0].islower():
                if tokens[i + 1][0].lower() in _TIME_AND_MEASURE:
                    return _EXCLUDED
                word, end = tokens[i + 1]
            return _noun_phrase_tail(text, word, end)
    return None


# Compound heads that take an "of" phrase: "heads of state or government", "prisoners of war".
_OF_IDIOMS = {
    "heads": "state|government",
    "prisoners": "war",
    "chiefs": "staff|defen[cs]e|mission",
    "members": "parliament|congress",
    "ministers": "state|defen[cs]e|finance",
    "weapons": "mass destruction",
}
_RX_OF_IDIOM = {
    head: re.compile(rf"\s+of\s+(?:{alts})(?:\s+(?:or|and)\s+(?:{alts}))?\b", re.I)
    for head, alts in _OF_IDIOMS.items()
}
# A second plural noun joined by and/or: "100 locomotives and rail cars".
_RX_COORD = re.compile(r"\s+(?:and|or)\s+(?:([a-z][a-z-]*)\s+)?([a-z][a-z-]*)\b(?![-'’])")
# One word after and/or, not followed by what a verb takes ("15 countries and employs around").
_RX_COORD_ONE = re.compile(
    r"\s+(?:and|or)\s+([a-z][a-z-]*)\b(?![-'’])"
    r"(?!\s+(?:a|an|the|its|their|his|her|around|about|some|nearly|more|over|almost|roughly)\b"
    r"|\s+\d)"
)
# An activity counted in units: "80 lines of flying", "40 hours of testing" (hours are excluded).
_RX_OF_GERUND = re.compile(r"\s+of\s+[a-z]{2,}ing\b(?![-'’])(?!\s+[a-z]+s\b)")


def _noun_phrase_tail(text: str, head: str, end: int) -> int:
    """Extend a counted noun over an idiomatic ``of`` phrase or a coordinated plural noun."""
    idiom = _RX_OF_IDIOM.get(head.lower())
    if idiom:
        m = idiom.match(text, end)
        if m:
            return m.end()
    m = _RX_OF_GERUND.match(text, end)
    if m and "\n" not in m.group(0):
        return m.end()
    for rx in (_RX_COORD, _RX_COORD_ONE):
        m = rx.match(text, end)
        if m and "\n" not in m.group(0):
            words = [w for w in m.groups() if w]
            last = words[-1]
            if _is_plural(last) and not any(_is_not_noun(w) for w in words):
                return m.end()
    return end


_RX_COORD_NOT_NOUN = re.compile(
    rf"(?:.*(?:ss|ous|ed|ing)|is|was|has|does|goes|says|{_NUMWORD}|dozens?|hundreds|thousands|"
    r"millions|billions|tens|scores|several|many|more|other|others)$"
)


def _is_not_noun(word: str) -> bool:
    return word in _NP_STOP or word in _TIME_AND_MEASURE or bool(_RX_COORD_NOT_NOUN.match(word))


def _is_plural(word: str) -> bool:
    w = word.lower().rstrip("'’")
    if w in _IRREGULAR_PLURALS:
        return True
    if word.isupper() or w in _NOT_PLURAL or "." in w:
        return False
    return len(w) > 2 and w.endswith("s") and not w.endswith(("ss", "us", "is", "'s", "’s"))


def _first_part_end(m: re.Match[str], *groups: str) -> int:
    for g in groups:
        if m.group(g):
            return m.end(g)
    return m.end()


# ------------------------------------------------------------------------------ parsers


def _parse_money_pre(text: str, start: int) -> list[_Match]:
    m = _RX_MONEY_PRE.match(text, start)
    if not m:
        return []
    code = currency_for_prefix(m.group("cur"))
    if code is None:
        return []
    end = m.end()
    v1 = _amount(m.group("n1"), m.group("s1"))
    v2 = _amount(m.group("n2"), m.group("s2"))
    if v2 is not None and not _range_ok(text, start, m):
        v2 = None
        end = _first_part_end(m, "s1", "n1")
    if v2 is not None and not m.group("s1") and m.group("s2"):
        v1 = _amount(m.group("n1"), m.group("s2"))
    if v1 is None or _bad_after(text, end):
        return []
    s = start if not m.group("btw") or v2 is not None else m.start("cur")
    if m.group("btw") and v2 is None:
        s = m.start("cur")
    q = _qualifier(m) if s == start else None
    if q is None and m.group("q") and s == start:
        s = m.start("btw") if m.group("btw") else m.start("cur")
    low, high = v1, (v2 if v2 is not None else v1)
    return [(s, end, {"value": low, "low": low, "high": high, "unit": code, "qualifier": q})]


def _parse_money_post(text: str, start: int) -> list[_Match]:
    m = _RX_MONEY_POST.match(text, start)
    if not m:
        return []
    cur = currency_for_word(m.group("cw"))
    if cur is None:
        return []
    code, divisor = cur
    after = text[m.end() : m.end() + 4].lower()
    if code == "GBP" and m.group("cw").lower().startswith("pound") and after.startswith(" of"):
        return []  # pounds of explosives
    n1, s1 = m.group("n1"), m.group("s1")
    if (
        not re.match(r"\d", n1)
        and not s1
        and (
            not _RX_NUMWORD_ONLY.fullmatch(n1)
            or m.group("n2")
            or m.group("cwsep") != " "
            or _RX_CURRENCY_AS_NOUN.match(text, m.end())
        )
    ):
        return []  # "a dollar", "the one-euro coin", "one euro zone": not an amount
    if m.group("cwsep") == "-" and not (s1 and re.match(r"\d", n1)):
        return []  # "a billion-dollar company" is a kind of company; "1 billion-euro" an amount
    if re.match(r"\d", n1) and not s1 and _looks_like_year(n1):
        return []
    v1 = _amount(n1, s1)
    v2 = _amount(m.group("n2"), m.group("s2"))
    if v2 is not None:
        if not _range_ok(text, start, m):
            return []  # let the first amount be found on its own
        if not s1 and m.group("s2"):
            v1 = _amount(n1, m.group("s2"))
    if v1 is None or _is_label_context(text, m.start("n1")):
        return []
    high = v2 if v2 is not None else v1
    return [
        (
            start,
            m.end(),
            {
                "value": v1 / divisor,
                "low": v1 / divisor,
                "high": high / divisor,
                "unit": code,
                "qualifier": _qualifier(m),
            },
        )
    ]


# "for one euro", "two dollars a day": a spelled number with its currency is an amount (only a
# count spelled as a small number word is not a figure).
_RX_NUMWORD_ONLY = re.compile(rf"(?:{_NUMWORD})(?:\s+hundred)?", re.I)
_RX_CURRENCY_AS_NOUN = re.compile(
    r"[\s-]+(?:zone|area|bloc|countries|members?|coins?|notes?|bills?|stores?|shops?|"
    r"currency|denominated|sign|symbol)\b",
    re.I,
)


def _vague_value(v: str) -> float:
    words = v.lower().split()
    value = 1.0
    for w in words:
        if w in VAGUE:
            value *= VAGUE[w]
        elif w in ("thousand", "million", "billion", "trillion", "hundred", "dozen"):
            value *= scale_value(w)
    return value


def _parse_money_vague(text: str, start: int) -> list[_Match]:
    m = _RX_MONEY_VAGUE.match(text, start)
    if not m or _RX_UNIT_NOTE_BEFORE.search(text, max(0, start - 20), start):
        return []
    cur = currency_for_word(m.group("cw"))
    if cur is None:
        return []
    value = _vague_value(m.group("v")) / cur[1]
    return [
        (
            start,
            m.end(),
            {"value": value, "unit": cur[0], "approx": True, "qualifier": _qualifier(m)},
        )
    ]


def _parse_money_bare(text: str, start: int) -> list[_Match]:
    m = _RX_MONEY_BARE.match(text, start)
    if not m:
        m = _RX_MONEY_BARE_AFTER_VERB.match(text, start)
        if not m or not _RX_MONEY_VERB_BEFORE.search(text, max(0, start - 40), start):
            return []
    return [(start, m.end(), {"value": _vague_value(m.group("v")), "unit": "USD", "approx": True})]


def _parse_pp(text: str, start: int) -> list[_Match]:
    m = _RX_PP.match(text, start)
    if not m or _bad_after(text, m.end()):
        return []
    div = 100.0 if m.group("bp") else 1.0
    v1 = parse_number(m.group("n1"))
    v2 = parse_number(m.group("n2")) if m.group("n2") else None
    if v1 is None or (
        v2 is not None
        and not _range_ok(text, start, m)
        and not _bare_change_range(text, start, m, v1, v2)
    ):
        return []
    if v1 <= 0 or (v2 is not None and _not_a_range(m.group("sep"), v1, v2)):
        return []
    high = v2 if v2 is not None else v1
    return [
        (
            start,
            m.end(),
            {
                "value": v1 / div,
                "low": v1 / div,
                "high": high / div,
                "unit": "pp",
                "qualifier": _qualifier(m),
            },
        )
    ]


def _bare_change_range(text: str, start: int, m: re.Match[str], v1: float, v2: float) -> bool:
    """ "Yields rose 7 to 10 basis points": after a verb of change, a first number with no unit
    of its own and a close second one make a range of the change, not a change to a level
    (which would print the unit twice: "fell 5 basis points to 120 basis points").  Not after
    "from": "from 7 to 10 basis points" is a change."""
    return (
        (m.group("sep") or "").strip().lower() == "to"
        and 0 < v1 < v2 <= 3 * v1
        and not m.group("btw")
        and _prev_word(text, start) != "from"
    )


_RX_SIGN_SEP = re.compile(r"\s+[-−]")


def _not_a_range(sep: str | None, v1: float, v2: float) -> bool:
    """A hyphen with a space before it and none after is the sign of the next number
    ("+1.2% -0.4%"), and a range never runs downwards ("40 -0.4%")."""
    return v2 < v1 or bool(sep and _RX_SIGN_SEP.fullmatch(sep))


def _parse_pct(text: str, start: int) -> list[_Match]:
    m = _RX_PCT.match(text, start)
    if not m:
        return []
    n2 = m.group("n2") or m.group("n2b")
    sep_group = "sep" if m.group("n2") else "sep2"
    v1 = parse_number(m.group("n1"))
    if v1 is None:
        return []
    if (
        _looks_like_year(m.group("n1"))
        and m.group("u1")
        and m.group("u1")[:1].isspace()
        and m.group("u1").strip() == "%"
    ):
        return []  # a table header "2024 2023 % Change": a year, then a column name
    bare_first = not m.group("u1")  # "15 to 20 percent": the first number needs the second's unit
    if bare_first and _looks_like_year(m.group("n1")):
        return []  # "in 2021 to 21.7 percent": a year, then the figure
    if n2 is not None and bare_first and (m.group("sep2") or "").strip().lower() == "and":
        if not m.group("btw"):
            return []
    elif n2 is not None and not bare_first and not _range_ok(text, start, m, sep_group):
        if m.group("u1"):
            end = m.end("u1")
            return [
                (
                    start if not m.group("btw") else m.start("n1"),
                    end,
                    {
                        "value": v1,
                        "unit": "percent",
                        "qualifier": _qualifier(m) if not m.group("btw") else None,
                    },
                )
            ]
        return []
    v2 = parse_number(n2) if n2 is not None else None
    if v2 is not None and _not_a_range(m.group(sep_group), v1, v2):
        if not m.group("u1") or m.group("btw"):
            return []  # "CAC 40 -0.4%": a name, then a signed change
        return [(start, m.end("u1"), {"value": v1, "unit": "percent", "qualifier": _qualifier(m)})]
    end = m.end()
    q = _qualifier(m)
    if m.group("more"):
        q = "at_least"
    if _bad_after(text, end) and not m.group("gdp") and text[end : end + 1] != "-":
        return []
    high = v2 if v2 is not None else v1
    return [
        (
            start,
            end,
            {
                "value": v1,
                "low": v1,
                "high": high,
                "unit": "percent_gdp" if m.group("gdp") else "percent",
                "qualifier": q,
            },
        )
    ]


def _parse_xofy(text: str, start: int) -> list[_Match]:
    m = _RX_XOFY.match(text, start)
    if not m:
        return []
    n1, n2 = m.group("n1"), m.group("n2")
    if _looks_like_year(n2) or _looks_like_year(n1) or _is_label_context(text, m.start("n1")):
        return []
    v1, v2 = parse_number(n1), parse_number(n2)
    if v1 is None or v2 is None or v1 > v2:
        return []
    end = m.end()
    np_end = _noun_phrase_end(text, end)
    if np_end == _EXCLUDED:
        return []
    if np_end is not None:
        end = np_end
    return [(start, end, {"value": v1, "unit": "count", "of": v2, "qualifier": _qualifier(m)})]


def _next_word(text: str, pos: int) -> str:
    nm = re.compile(r"\s+([A-Za-z][\w-]*)").match(text, pos)
    return nm.group(1).lower() if nm else ""


def _parse_count_scale(text: str, start: int) -> list[_Match]:
    m = _RX_COUNT_SCALE.match(text, start)
    if not m:
        return []
    if m.group("dz"):
        return _dozen_count(text, start, m)
    if m.group("n1"):
        if _is_label_context(text, m.start("n1")):
            return []
        v1, s1_end, scale = _amount(m.group("n1"), m.group("s1")), m.end("s1"), m.group("s1")
    else:
        ws1 = m.group("ws1")
        scale = ws1[: m.start("ah") - m.start("ws1")] if m.group("ah") else ws1
        v1, s1_end = _amount(m.group("w1"), scale), m.end("ws1")
        if v1 is not None and m.group("ah"):  # "a million and a half refugees"
            v1 += 0.5 * (_amount("1", scale) or 0.0)
    v2 = _amount(m.group("n2"), m.group("s2"))
    if v1 is None:
        return []
    end = m.end()
    if v2 is not None and not _range_ok(text, start, m):
        v2, end = None, s1_end
    if _bad_after(text, end) or re.match(r"-[A-Za-z]", text[end : end + 2]):
        return []
    if scale == "K" and re.fullmatch(r"\d", m.group("n1") or ""):
        return []  # "4K TVs", "8K video": a display format, not four thousand things
    if m.group("m1") or m.group("h1"):
        # "1.2m refugees", "two hundred soldiers": only with the counted noun ("100m sprint",
        # "300m tall" are lengths; "a hundred" alone is too vague to read)
        np_end = _noun_phrase_end(text, end)
        if (
            np_end is None
            or np_end == _EXCLUDED
            or _next_word(text, end) in _MONEY_NOUNS
            or _RX_CUR_WORD_AHEAD.match(text, end)
        ):
            return []
        return [
            (
                start,
                np_end,
                {
                    "value": v1,
                    "low": v1,
                    "high": v2 if v2 is not None else v1,
                    "unit": "count",
                    "qualifier": _qualifier(m),
                },
            )
        ]
    high = v2 if v2 is not None else v1
    if _next_word(text, end) in _MONEY_NOUNS:
        # "a 1.5 billion package": money whose currency only the context can give
        return [
            (
                start,
                end,
                {
                    "value": v1,
                    "low": v1,
                    "high": high,
                    "unit": _BARE_MONEY,
                    "qualifier": _qualifier(m),
                },
            )
        ]
    np_end = _noun_phrase_end(text, end)
    if np_end == _EXCLUDED:
        return []
    if np_end is None:
        if scale.strip().lower() == "k":
            return []  # "4K"
        if (
            _elided_measure(text, start)
            or _RX_RATE_AFTER.match(text, end)
            or _RX_UNIT_ABBR_AFTER.match(text, end)
        ):
            return []  # "9.2 million b/d", "1.8 million DWT": a measure
        if v1 >= 1e9:  # "80 billion will be needed": an amount, not a count of things
            return [
                (
                    start,
                    end,
                    {
                        "value": v1,
                        "low": v1,
                        "high": high,
                        "unit": _BARE_MONEY,
                        "qualifier": _qualifier(m),
                    },
                )
            ]
    else:
        money = _currency_head(text, end, np_end)
        if money:  # "50 million taxpayer dollars"
            return [
                (
                    start,
                    np_end,
                    {
                        "value": v1 / money[1],
                        "low": v1 / money[1],
                        "high": high / money[1],
                        "unit": money[0],
                        "qualifier": _qualifier(m),
                    },
                )
            ]
        end = np_end
    return [
        (
            start,
            end,
            {"value": v1, "low": v1, "high": high, "unit": "count", "qualifier": _qualifier(m)},
        )
    ]


_RX_CUR_WORD_AHEAD = re.compile(rf"\s+(?:[A-Z][a-z]+\s+)?(?:{_CUR_WORD})", _F)


# Unit abbreviations that follow an amount of a physical quantity.
_RX_UNIT_ABBR_AFTER = re.compile(
    r"\s*(?:b/d|bbl/d|boe/d|mb/d|t/d|bbls?\b|boe\b|(?-i:DWT|TEU|BTU|MMBtu|mmBtu|MW|GW|GWh|MWh|"
    r"TWh|bcm|km|kg|mt|Mt|t)\b)",
    re.I,
)


def _dozen_count(text: str, start: int, m: re.Match[str]) -> list[_Match]:
    """``a dozen``/``two dozen``/``dozen`` + a plural noun: 12 times the multiplier."""
    words = m.group("dz").lower().split()
    mult = word_number(" ".join(words[:-1])) if len(words) > 1 else 1.0
    np_end = _noun_phrase_end(text, m.end("dz"))
    if np_end is None or np_end == _EXCLUDED:
        return []
    s = start if m.group("q") else m.start("dz")
    value = (mult or 1.0) * 12
    return [(s, np_end, {"value": value, "unit": "count", "qualifier": _qualifier(m)})]


# Not "thousands more in fees" (money) nor "hundreds more than ..." (a comparison).
_RX_VAGUE_MORE = re.compile(r"\s+more\b(?!\s+(?:than|of|in)\b)(?![-'’])", re.I)


def _currency_head(text: str, np_start: int, np_end: int) -> tuple[str, float] | None:
    """(ISO code, divisor) when the counted noun is a currency ("50 million taxpayer dollars",
    "thousands of United States dollars"): the figure is money, not a count."""
    cm = _RX_CUR_HEAD.search(text, np_start, np_end)
    return currency_for_word(cm.group(1)) if cm else None


_RX_CUR_HEAD = re.compile(rf"\b({_CUR_WORD})$", _F)


_RX_UNIT_NOTE_BEFORE = re.compile(
    r"(?:\(|\b(?:expressed|stated|presented|amounts|figures|numbers|dollars|euros))\s*in\s+$", re.I
)


def _parse_count_vague(text: str, start: int) -> list[_Match]:
    m = _RX_COUNT_VAGUE.match(text, start)
    if not m or _RX_UNIT_NOTE_BEFORE.search(text, max(0, start - 20), start):
        return []  # "(Expressed in thousands of US dollars)": the unit of a table
    v = m.group("v").lower()
    single = re.sub(r"^many\s+", "", v) in ("dozens", "hundreds", "thousands", "millions")
    if single and not m.group("of"):
        more = _RX_VAGUE_MORE.match(text, m.end("v"))
        if more:  # "and millions more who ...": the noun is the one before, left out
            np_end = _noun_phrase_end(text, more.end())
            if np_end == _EXCLUDED:
                return []
            return [
                (
                    start,
                    np_end or more.end(),
                    {
                        "value": _vague_value(v),
                        "unit": "count",
                        "approx": True,
                        "qualifier": _qualifier(m),
                    },
                )
            ]
        return []
    if m.group("of") and _RX_PLURAL_SCALE_AFTER.match(text, m.end()):
        return []  # "hundreds of billions" with no currency: an amount, not 100 things
    np_start = m.end() if m.group("of") else m.end("v")
    np_end = _noun_phrase_end(text, np_start)
    if np_end == _EXCLUDED:
        return []
    if np_end is None:
        if single or m.group("of"):
            return []
        end = m.end("v")
    else:
        end = np_end
    money = _currency_head(text, np_start, end)
    if money:
        code, div = money  # "hundreds of dollars", "millions of taxpayer dollars"
        return [
            (
                start,
                end,
                {
                    "value": _vague_value(v) / div,
                    "unit": code,
                    "approx": True,
                    "qualifier": _qualifier(m),
                },
            )
        ]
    return [
        (
            start,
            end,
            {"value": _vague_value(v), "unit": "count", "approx": True, "qualifier": _qualifier(m)},
        )
    ]


# "Seven in 10 voters", "one out of 4 allies": a proportion, whose second number is no count
# (a round base larger than the first number; "5,000 in 12 countries" keeps its count).
_RX_PROPORTION_BEFORE = re.compile(rf"(?<![\w.,])(?P<n>\d+|{_NUMWORD})\s+(?:in|out\s+of)\s+$", re.I)
_PROPORTION_BASES = frozenset({2, 3, 4, 5, 6, 8, 10, 20, 100, 1000})


def _is_proportion_base(text: str, start: int) -> bool:
    pm = _RX_PROPORTION_BEFORE.search(text, max(0, start - 30), start)
    if not pm:
        return False
    nm = re.match(r"[\d,]+", text[start : start + 8])
    first, base = parse_number(pm.group("n")), parse_number(nm.group(0)) if nm else None
    return first is not None and base is not None and base in _PROPORTION_BASES and first < base


_RX_PLURAL_SCALE_AFTER = re.compile(
    r"\s+(?:hundreds|thousands|millions|billions|trillions|dozens)\b", re.I
)


# "4,000-plus drones", "50+ countries": more than the number, with its counted noun.
_RX_COUNT_PLUS = re.compile(rf"(?P<n1>{_D})(?:-plus\b|\+)(?=[ \t])", _F)


_RX_SCALE_OR_CURRENCY_AHEAD = re.compile(
    rf"\s+(?:(?:hundred|thousand|million|billion|trillion|dozen)s?\b|(?:[A-Z][a-z]+\s+)?"
    rf"(?:{_CUR_WORD}))",
    _F,
)


def _plus_count(text: str, start: int) -> list[_Match]:
    m = _RX_COUNT_PLUS.match(text, start)
    if not m or _looks_like_year(m.group("n1")) or _is_label_context(text, start):
        return []
    if _RX_SCALE_OR_CURRENCY_AHEAD.match(text, m.end()):
        return []  # "13-plus billion dollars": an amount whose scale we would misread
    np_end = _noun_phrase_end(text, m.end())
    v = parse_number(m.group("n1"))
    if np_end is None or np_end == _EXCLUDED or v is None:
        return []
    return [(start, np_end, {"value": v, "unit": "count", "qualifier": "more_than"})]


def _parse_count_digits(text: str, start: int) -> list[_Match]:
    if _is_proportion_base(text, start):
        return []
    plus = _plus_count(text, start)
    if plus:
        return plus
    m = _RX_COUNT_DIGITS.match(text, start)
    if not m:
        return (
            _compound_count(text, start) or _bare_count(text, start) or _casualty_count(text, start)
        )
    n1 = m.group("n1")
    if _looks_like_year(n1) or "." in n1 or _is_label_context(text, m.start("n1")):
        return []
    v1 = parse_number(n1)
    v2 = parse_number(m.group("n2")) if m.group("n2") else None
    if v1 is not None and v2 is not None and _is_suspended(m.group("sep")) and "," not in n1:
        k = m.group("n2").count(",")  # "25- to 50,000": the first number is 25,000
        if k and v1 * 1000**k <= v2:
            v1 *= 1000**k
    end = m.end()
    if v2 is not None and (not _range_ok(text, start, m) or _looks_like_year(m.group("n2"))):
        return _bare_count(text, start)  # "rose by 12,000 to 231,000": two figures
    if v1 is not None and v2 is not None and _not_a_range(m.group("sep"), v1, v2):
        return []
    if v1 is None or _bad_after(text, end):
        return []
    if _RX_PLURAL_SCALE_AFTER.match(text, end):
        return []  # "21 millions of people": a misprinted scale, its value unreadable
    np_end = _noun_phrase_end(text, end)
    if np_end is None and v2 is None:
        return (
            _partitive_count(text, start, end, v1, _qualifier(m))
            or _bare_count(text, start)
            or _vote_count(text, start)
            or _casualty_count(text, start)
        )
    if np_end is None or np_end == _EXCLUDED or _table_row_label(text, start, end):
        return []
    high = v2 if v2 is not None else v1
    money = _currency_head(text, end, np_end)
    if money:  # "300 taxpayer dollars"
        return [
            (
                start,
                np_end,
                {
                    "value": v1 / money[1],
                    "low": v1 / money[1],
                    "high": high / money[1],
                    "unit": money[0],
                    "qualifier": _qualifier(m),
                },
            )
        ]
    return [
        (
            start,
            np_end,
            {"value": v1, "low": v1, "high": high, "unit": "count", "qualifier": _qualifier(m)},
        )
    ]


# A part of a group named after "of" and a determiner: "25 of its drones", "10 of Russia's
# largest banks", "300 of those bills" (the whole is not stated; "23 of 32 members" is X of Y).
_RX_PARTITIVE = re.compile(
    r"\s+of\s+(?:(?:the|its|their|his|her|our|these|those)\s+)?(?:[A-Z][\w.&-]*['’]s\s+)?"
    r"(?=[A-Za-z])"
)


def _partitive_count(text: str, start: int, end: int, v: float, q: str | None) -> list[_Match]:
    m = _RX_PARTITIVE.match(text, end)
    if not m or m.group(0).strip().lower() == "of":
        return []  # "30 of them" has no noun; "25 of drones" is no English
    np_end = _noun_phrase_end(text, m.end() - 1)
    if np_end is None or np_end == _EXCLUDED or "\n" in text[end:np_end]:
        return []
    return [(start, np_end, {"value": v, "unit": "count", "qualifier": q})]


# A flattened financial table ("Goodwill 13,136 12,936 Other intangible assets", "-- -- 600,000
# Repayments on Senior Notes"): after another cell on its line, a number is the last cell of a
# row and the capitalised words after it are the next row's label, not a counted noun.
_RX_CELL_BEFORE = re.compile(r"(?:[(\s]\$?\d[\d,.]*\)?|\s--?)[ \t]+$")
_RX_CAPITAL_AFTER = re.compile(r"[ \t]+[A-Z]")


def _table_row_label(text: str, start: int, end: int) -> bool:
    return bool(
        _RX_CAPITAL_AFTER.match(text, end)
        and _RX_CELL_BEFORE.search(text, max(0, start - 20), start)
    )


# A thousands-grouped number with no noun after it, reached by a change or a measure
# ("claims fell to 213,000.", "troop numbers rise by 170,000,"): a count.  Not in sentences
# about index levels, points or prices, where such a number is a level.
_RX_COUNT_BARE = re.compile(
    rf"{_Q}(?P<n1>\d{{1,3}}(?:,\d{{3}})+)(?![\d,]*\d|\.\d)(?=[\s.,;:)]|$)", _F
)
_RX_RATE_AFTER = re.compile(
    r"\s+(?:per|a|an|each|every)\s+(?:day|week|month|year|hour|minute|second|night)\b", re.I
)
_BARE_COUNT_BEFORE = word_set("by to from of reached totaled totalled hit topped another")
_RX_LEVEL_CONTEXT = re.compile(
    r"\b(?:index|indices|indexes|points?|pts|level|levels|closed|close|price|prices|barrel|"
    r"ounce|shares?|stock|stocks|dollar|yen|euro|rupees?|rubles?|roubles?|yuan|bitcoin|"
    r"Dow|S&P|Nasdaq|Nikkei|Stoxx|FTSE|DAX|CAC|Russell|Hang\s+Seng|Sensex|Nifty|Kospi)\b",
    re.I,
)


def _bare_count(text: str, start: int) -> list[_Match]:
    m = _RX_COUNT_BARE.match(text, start)
    if not m or _prev_word(text, start) not in _BARE_COUNT_BEFORE or _elided_measure(text, start):
        return []
    if _RX_RATE_AFTER.match(text, m.end()):
        return []  # "losses rose to 1,200 per day": a rate with its noun left out
    nxt = re.match(r"\s*([A-Za-z][\w-]*)", text[m.end() : m.end() + 30])
    if nxt and nxt.group(1).lower() not in _NP_STOP:
        return []  # a unit or a word we cannot read ("1,500 m", "84,000 bpd", "4,580 ringgit")
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", m.end())
    line = text[ls : le if le >= 0 else len(text)]
    if _RX_LEVEL_CONTEXT.search(line) or re.search(r"[$€£¥%]", line):
        return []
    v = parse_number(m.group("n1"))
    if v is None:
        return []
    return [(start, m.end(), {"value": v, "unit": "count", "qualifier": _qualifier(m)})]


# "to 1.1 million barrels per day from 0.87 million": the second amount leaves out the unit of
# the first, so when that unit is a measure (or a time) the second is no count either.
_ELIDED_BEFORE = word_set("from to and or versus vs against than")
_RX_PREV_QUANTITY = re.compile(
    r"\d[\d.,]*(?:[\s-]*(?:hundred|thousand|million|billion|trillion|bn|mn|m|k)\b)?[\s-]+"
    r"(?:metric\s+)?([A-Za-z][\w.-]*)"
)


def _elided_measure(text: str, start: int) -> bool:
    if _prev_word(text, start) not in _ELIDED_BEFORE:
        return False
    ls = max(text.rfind("\n", 0, start) + 1, start - 120)
    found = list(_RX_PREV_QUANTITY.finditer(text, ls, start))
    return bool(found) and found[-1].group(1).lower().rstrip(".") in _TIME_AND_MEASURE


# Vote tallies leave out the noun: "401 votes in favour and 284 against".
_RX_VOTE_TALLY = re.compile(
    rf"{_Q}(?P<n1>\d{{1,3}}(?:,\d{{3}})*)(?=\s+(?:against|in\s+favou?r|abstentions?|abstain\w*)\b)",
    _F,
)
_RX_VOTE_CONTEXT = re.compile(r"\b(?:vot\w*|ballots?|abstentions?|lawmakers|MEPs)\b", re.I)


def _vote_count(text: str, start: int) -> list[_Match]:
    m = _RX_VOTE_TALLY.match(text, start)
    if not m or _looks_like_year(m.group("n1")):
        return []
    if not _RX_VOTE_CONTEXT.search(text, max(0, start - 150), min(len(text), m.end() + 80)):
        return []
    v = parse_number(m.group("n1"))
    if v is None:
        return []
    return [(start, m.end(), {"value": v, "unit": "count", "qualifier": _qualifier(m)})]


# Casualty counts leave out "people": "a strike killing 27", "killed 14 and wounded 60",
# "at least 40 were wounded".  The number stands alone (no noun, unit or hyphen after it).
_RX_CASUALTY_NUMBER = re.compile(
    rf"{_Q}(?P<n1>\d{{1,3}}(?:,\d{{3}})*)(?![\d,]*\d|\.\d)(?=[,;:)]|\.(?!\d)|\s|$)", _F
)
_RX_CASUALTY_VERB_BEFORE = re.compile(
    r"\b(?:kill(?:s|ed|ing)?|wound(?:s|ed|ing)|injur(?:es|ed|ing)|injure)\s+$", re.I
)
_RX_CASUALTY_AFTER = re.compile(
    r"\s+(?:(?:were|was|have\s+been|had\s+been|are|have|had)\s+(?:\w+\s+)?)?"
    r"(?:killed|wounded|injured|died|dead|hurt)\b",
    re.I,
)
_RX_CASUALTY_END = re.compile(
    r"(?:[,;:.)]|\s*$|\s*\n|\s+(?:and|in|on|at|when|after|as|during|while|including|"
    r"since|overnight|last|this|across|near|inside|—|–)\b)",
    re.I,
)


def _casualty_count(text: str, start: int) -> list[_Match]:
    m = _RX_CASUALTY_NUMBER.match(text, start)
    if not m or _looks_like_year(m.group("n1")) or _is_label_context(text, m.start("n1")):
        return []
    before = _RX_CASUALTY_VERB_BEFORE.search(text, max(0, start - 20), start)
    if before and _RX_CASUALTY_END.match(text, m.end()):
        pass
    elif not _RX_CASUALTY_AFTER.match(text, m.end()):
        return []
    v = parse_number(m.group("n1"))
    if v is None:
        return []
    return [(start, m.end(), {"value": v, "unit": "count", "qualifier": _qualifier(m)})]


# A count written as a compound adjective: "the 720-seat parliament", "a 32-member alliance".
_RX_COUNT_COMPOUND = re.compile(
    rf"{_Q}(?P<n1>{_D})-(?:seat|member|nation|country|strong)\b(?![-'’])", _F
)


def _compound_count(text: str, start: int) -> list[_Match]:
    m = _RX_COUNT_COMPOUND.match(text, start)
    if not m or _looks_like_year(m.group("n1")) or "." in m.group("n1"):
        return []
    if _is_label_context(text, m.start("n1")):
        return []
    v = parse_number(m.group("n1"))
    if v is None:
        return []
    return [(start, m.end(), {"value": v, "unit": "count", "qualifier": _qualifier(m)})]


def _looks_like_year(num: str) -> bool:
    return bool(re.fullmatch(r"1[89]\d\d|20\d\d|2100", num))


# Pence abbreviated to "p", as British price copy prints it: a price per unit ("129.09 p/therm",
# "85p a litre") or a move of one ("shares fell 3p").  Not "1080p" video, "p.m.", "p 12".
_RX_PENCE = re.compile(
    rf"{_Q}(?P<n1>{_D})(?:\s?p(?=/[A-Za-z]|\s+(?:a|per)\s+(?:therm|litre|liter|kwh|unit|share|"
    rf"gallon)\b)|(?P<glued>p)\b(?!['’-]|\.[a-z]))",
    _F,
)
_PENCE_MOVES = word_set("rose fell gained lost added shed up down climbed dropped slipped jumped")


def _parse_pence(text: str, start: int) -> list[_Match]:
    m = _RX_PENCE.match(text, start)
    if not m or _looks_like_year(m.group("n1")):
        return []
    if m.group("glued") and (
        _prev_word(text, m.start("n1")) not in _PENCE_MOVES or len(m.group("n1").split(".")[0]) > 3
    ):
        return []
    v = parse_number(m.group("n1"))
    if v is None:
        return []
    return [(start, m.end(), {"value": v / 100, "unit": "GBP", "qualifier": _qualifier(m)})]


_PARSERS: tuple[Callable[[str, int], list[_Match]], ...] = (
    _parse_money_pre,
    _parse_money_vague,
    _parse_money_post,
    _parse_pence,
    _parse_money_bare,
    _parse_pp,
    _parse_pct,
    _parse_xofy,
    _parse_count_scale,
    _parse_count_vague,
    _parse_count_digits,
)

# ------------------------------------------------------------------ percent of GDP, subject


def _is_gdp_percent(text: str, s: int, e: int, ss: int, se: int) -> bool:
    """A bare percent is of GDP when its sentence is about defence spending and either a target
    word follows it (``the 2% target``), or the sentence names GDP or a spending target, and the
    percent is not a rate of change or about inflation, interest rates or growth."""
    sentence = text[ss:se]
    defence = bool(_DEFENCE_CONTEXT.search(sentence))
    if not _may_be_gdp_percent(text, s, e, ss, se):
        return False
    if _TARGET_AFTER.match(text, e):
        return defence or not _NOT_GDP_CONTEXT.search(text, max(0, ss - 300), ss)
    if _RX_SHARE_OF_OTHER.match(text, e):
        return False
    if defence and (_GDP_CONTEXT.search(sentence) or _DEFENCE_TARGET_CONTEXT.search(sentence)):
        return True
    # A spoken list of levels in a paragraph about defence spending: "That begins with
    # increasing defense spending. 2 percent is a start ... Nor is 3 percent."
    # Only what the paragraph has just said, up to the figure's sentence, counts.
    ps = max(text.rfind("\n", 0, s) + 1, ss - _PARA_WINDOW)
    if (
        _DEFENCE_TARGET_CONTEXT.search(text, ps, se)
        and not _RX_MARKET_CONTEXT.search(sentence)
        and not _NOT_GDP_CONTEXT.search(text, ps, se)
    ):
        return True
    # A level restated after the article has tied it to GDP nearby: "a 5% spending deal",
    # "the 3.5% and 1.5% split", "at least 2 percent" a few sentences after "2% of GDP".
    return (
        bool(_RX_SPENDING_LEVEL.search(sentence))
        and (defence or bool(_DEFENCE_CONTEXT.search(text, max(0, ss - _GDP_TIE_WINDOW), ss)))
        and not _RX_MARKET_CONTEXT.search(sentence)
        and bool(
            _RX_GDP_TIE.search(
                text, max(0, s - _GDP_TIE_WINDOW), min(len(text), e + _GDP_TIE_WINDOW)
            )
        )
    )


_GDP_TIE_WINDOW = 800
_RX_GDP_TIE = re.compile(
    r"(?:%|\bper\s*cent|\bpercent)\s+of\s+(?:their\s+|its\s+|our\s+|national\s+)?"
    r"(?:GDP|gross\s+domestic\s+product|economic\s+output)",
    re.I,
)
_RX_SPENDING_LEVEL = re.compile(
    r"\b(?:spend\w*|spent|deal|split|pledge[ds]?|target|goal|commitment|commit\w*|"
    r"benchmark|guideline|threshold|total\s+of|level)\b",
    re.I,
)


_PARA_WINDOW = 250
# A percent in a sentence about markets, prices, growth or a survey is not a spending level.
_RX_MARKET_CONTEXT = re.compile(
    r"\b(?:shares?|stocks?|markets?|index|indices|prices?|CAGR|growth|grew|grow|growing|"
    r"increases?|uplift|real[\s-]terms|budgets?|revenues?|sales|earnings|margins?|"
    r"surveys?|surveyed|respondents|expect\w*|experts|voters|population)\b",
    re.I,
)


_RX_SHARE_OF_OTHER = re.compile(
    r"\s+(?:of|in)\s+(?!GDP|gross|economic|their\s+GDP|its\s+GDP)", re.I
)


def _may_be_gdp_percent(text: str, s: int, e: int, ss: int, se: int) -> bool:
    """Not a rate of change, nor in a sentence about inflation, rates, polls or tariffs."""
    if _NOT_GDP_CONTEXT.search(text, ss, se):
        return False
    if _prev_word(text, s) in _GROWTH_BEFORE or _GROWTH_AFTER.match(text, e):
        return False
    return not _GROWTH_OF.search(text, max(ss, s - 30), s)
