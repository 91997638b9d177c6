"""Extract figures -- money, percentages, counts -- from article text (shared/EXTRACTION.md).

``extract_figures(text)`` scans the text once for places where a figure can start (a hedge
word, a currency sign, a digit, a number or vague-quantity word) and tries these grammars in
order at each place, keeping the first that matches and validates:

1. **money, currency first** -- ``$1.5bn``, ``US$300m``, ``C$2 billion``, ``€7bn``,
   ``EUR 50m``, ``Rs 12,500 crore`` (lakh 1e5, crore 1e7), ranges ``$3-5 billion``,
   ``between $2 billion and $3 billion``;
2. **money, currency after** -- ``50 billion euros``, ``1.5 trillion yen``, ``4.25 pence``,
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
7. **counts with a scale word** -- ``ten million rounds``, ``half a million``,
   ``12.4 million``, ``two dozen soldiers``;
8. **vague counts** -- ``tens of thousands of troops``, ``dozens of companies``, ``hundreds of
   air-defence systems``, ``several hundred soldiers``;
9. **counts in digits** -- ``12,000 troops``, ``100 tanks``: a plural noun must follow, taken
   with coordinated nouns or modifiers (``32 allies and partners``, ``31 Reaper and Predator
   drones``) and an activity (``20 rounds of shelling``); also compounds (``the 450-seat
   parliament``, ``a 10,000-strong force``) and vote tallies (``401 votes in favour and 284
   against``).

Also: signed changes as market copy prints them (``EUR/USD +0.18%``, ``-0.05%``, ``+14.5bp``:
the sign is in the span and the value); pence as ``p`` (``98.40 p/therm``, ``fell 3p``);
casualty counts that leave out "people" (``killing 31``, ``at least 12 were killed``);
``4,000-plus drones``/``50+ countries`` (more_than); a currency as the counted noun makes
money (``hundreds of dollars``, ``40 million taxpayer dollars``); a suspended hyphen shares the
second number's scale (``$1- to $1.5 billion``, ``25- to 50,000 civilians``: one range), as does
``between X to Y``; a part of a group is a count (``25 of its drones``, ``10 of Acme's plants``);
market copy's ``$2T``, ``$50mm``, signed ``(+$2.4B)`` and rates ``Euro/$1.02``.  In a flattened
financial table a number after another cell is no count of the next row's label.

Every grammar takes an optional hedge before the number (``more than``, ``north of``, ``at
least``, ``under``, ``up to``, ``about``/``nearly``/``some`` ..., or the key-points symbols
``>1%``, ``~0.6%``, ``<$5bn``), kept in the span.  The wire footer ``($1 = 0.9200 euros)`` is
an editorial note, not a figure.  Not
figures: years, dates, times, durations and ages, ordinals, numbers glued to letters (``F-16``,
``G7``), index names and labels (``S&P 500``, ``Article 5``), phone numbers, small number words.
A range written ``from X to Y`` is a change, so it yields two figures.  An amount that leaves
out its unit takes it from the amount before (``to 2.4 million barrels a day from 1.9
million``: a measure, so neither is a figure); bare rates (``900 per day``) and display
formats (``4K TVs``) are not counts; nor is the base of a proportion (``seven in 10
voters``), a measure (``17 kilos``, ``2.5 million b/d``, ``21,500 levels``) or a table's unit note
(``Expressed in thousands of US dollars``).  A range never runs downwards nor across a sign
(``CAC 40 -0.4%`` is a name, then a change).
"""

from monitors.nlp.figures.scanner import extract_figures, in_question

__all__ = ["extract_figures", "in_question"]
