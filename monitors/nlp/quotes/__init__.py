"""Direct quotations and their speakers, as shared/EXTRACTION.md ("Quotes") defines them.

The algorithm runs in one linear pass per stage over ``title\\n\\nbody`` text:

1. **Pairing marks.**  The text is cut into paragraphs (blank lines).  In each paragraph every
   double mark (``" “ ” « » „``) is classified as opening or closing from its glyph and its
   neighbours (space before and a letter after opens; a letter or punctuation before and space
   after closes); an ambiguous straight ``"`` takes whichever role the pairing needs.  Openers and
   closers are paired left to right.  A closer with no opener starts its quote at the paragraph
   start; an opener with no closer ends at the paragraph end when the next paragraph opens with a
   mark (a quotation continued over paragraphs), otherwise before the first following sentence
   that carries a speech verb.  So an odd number of marks never stops the rest of the paragraph
   from being read.  Single marks (``‘ ’ '``) are paired only outside double-quoted spans, and an
   apostrophe (``don't``, ``Ukraine's``, ``'90s``, ``Flamin’``) can never open one.
2. **Masking.**  A copy of the text has every quoted span's words blanked, so that sentence
   boundaries and speech verbs inside quotations do not confuse attribution.
3. **Attribution.**  For each span, in its (masked) sentence: first the right context
   (``"…," X said``, ``"…," said X``, ``"…," according to X``), then the left context: the last
   speech verb before the opening mark and the noun phrase before it (``X said: "…"``,
   ``X told reporters that she was "proud"``); a participle (``saying``, ``adding``,
   ``calling it``) takes the subject of the sentence (``X quoted Y as saying`` takes Y); up
   to three verbs are tried right to left (``said he does not believe … is "x"``), and a verb
   after ``and`` takes the sentence's subject.  Failing that, a reporting clause closing the
   sentence (``…, he says.``, ``…, Kyiv officials said, adding``) or ``in X's words`` attributes
   it.  A news outlet (``according to NBC News``) is never the speaker: the left context is
   used, else the speaker stays ``None``.  A quote with no attribution of its own
   takes the speaker of a neighbouring quote in the same paragraph (``"…," he said. "…"``), of
   the previous paragraph's quote (continuations), or of the same words quoted elsewhere
   (headlines); a standalone quote after ``Unity matters, he said.`` takes that speaker.  A
   text that is one quotation over several paragraphs (one opening mark at the start, one
   closing mark at the end) is one quote, spoken by the authors in a ``Statement from X``
   title.  ``“…,” according to X`` yields to a named person speaking left of the quote
   (``X told Y that … “…,” according to the ministry``); ``according to a statement from X``
   names X; ``X’s claim that … “…”`` names X; an epigraph's credit line (``– President X,
   date``) names X; ``X, along with the …, Y, announced`` names both.
4. **Resolution** (:mod:`monitors.nlp.speakers`).  Names become the fullest name the article gives,
   titles alone become the one person holding that title, ``he``/``she`` the last named person
   reported as speaking or opening a sentence (also after an intro clause or a description:
   ``Speaking in Kyiv, Ukrainian President X was blunt``, ``when X was in Geneva, she said``),
   ``they``/``it`` the last unnamed source or organisation.  A definite description
   (``the analysts``, ``the Cabinet official``, ``the president``) takes the fuller description
   the article just used (``analysts at Barclays``) or the person just quoted, when every
   title/nationality word fits that person's role; unresolvable speakers stay ``None``
   (a bare ``the analysts``/``the lawmakers`` with no antecedent too).  ``the analysts`` after
   ``UBS says`` in the same item is UBS; ``the lawmakers`` / ``40 European lawmakers`` take the
   fuller group name the article gives nearby (``the Members of <a> Parliament``);
   ``the statement said`` takes whoever spoke ``in a statement``.  A pronoun inside a sentence
   refers to that sentence's named subject (``Orban – an ally of Trump – has … what he
   called``) unless another name of the same kind stands between; a subject that cannot be
   resolved leaves ``it`` unnamed rather than taking an earlier source.
5. **Filtering.**  Unattributed short spans, title-case names (``"America First"``), spans
   after ``so-called``/``dubbed``/book or operation nouns, and headline fragments nobody in the
   article said are dropped.
6. **Ranking** (:mod:`~.candidates`, :mod:`~.ranker`; issue 14).  Each kept quote's candidate
   speakers -- the rules' pick, the previous quote's speaker, the names and speech-verb subjects
   of its paragraph and the two before -- are scored by a learned model
   (``data/speaker_model.json``, ``eval/train_speakers.py``).  The top candidate, in the
   fullest spelling the article gives, is emitted when its calibrated probability reaches the
   model's threshold (out-of-fold emitted precision 0.98); otherwise the quote is kept with
   speaker ``None``.  Without a model file the rules' speaker is emitted.
"""

from monitors.nlp.quotes.pipeline import explain_quotes, extract_quotes, how_chosen, rank_quotes
from monitors.nlp.quotes.strategies import STRATEGY_NAMES

__all__ = ["STRATEGY_NAMES", "explain_quotes", "extract_quotes", "how_chosen", "rank_quotes"]
