"""Topic relevance: a small rule language loaded from ``[topics.<name>]`` TOML tables.

An article is kept for a topic when it is *substantially about* it (shared/EXTRACTION.md), so a
rule does not fire on one keyword: it adds up weighted *cues*, subtracts negative cues, and keeps
the topic when the score reaches a threshold and the evidence comes from enough sentences.

Rule language
=============

Terms
    A term is a word or a phrase, matched case-insensitively on whole words.  Text and terms are
    cut into tokens the same way: runs of letters/digits, and the symbols ``% $ € £``; everything
    else (spaces, hyphens, apostrophes, dots) only separates tokens.  So ``"defence spending"``
    also matches "defence-spending", ``"% of gdp"`` matches "3.5% of GDP" and ``"s&p"`` matches
    "S&P".  Inside a word, ``*`` matches any (possibly empty) run of letters/digits (``spend*``
    matches spend, spends, spending; ``**`` is rejected as a typo), ``?`` matches exactly one
    (``defen?e`` matches defence and defense), and a word that is just ``#`` matches any number
    (``"# %"`` matches "5%" and the "5 %" of "3.5%").

Term lists
    ``[topics.<name>.terms]`` names reusable lists: ``nato = ["nato", "allies", ...]``.  Anywhere a
    term is expected, ``"@nato"`` stands for the whole list.

Cues (``[[topics.<name>.cues]]``), each with exactly one of
    ``any = [terms]``            one hit per occurrence of any term (OR);
    ``all = [group, group, ...]`` one hit per sentence (or ``scope = "paragraph"``) containing at
                                 least one term of every group (AND); a group is a term, an
                                 ``@list`` or a list of those;
    ``near = [group, group, ...]`` + ``within = N``: one hit per occurrence of the first group that
                                 has a term of every other group within N words, in the same
                                 paragraph (proximity); the headline and the first paragraph
                                 count as one passage here, as a reader takes them (a feed
                                 summary often names its subject only in the headline);
    and optionally
    ``none = [terms]``           NOT: a hit is dropped when its sentence contains any of these;
    ``weight = w``               value of one hit (negative = a cue that subtracts);
    ``max_hits = k``             only the k best hits count (default 3): frequency helps, but
                                 saturates;
    ``zones = ["title", "lead", "body"]`` where the cue may fire (default everywhere);
    ``name = "..."``             shown in the explanation (default ``cue<i>``);
    ``passage_only = true``      counted only when a passage is scored (the topic needs
                                 ``passages = true``), never in the whole text's score: wording
                                 that is on topic inside one Q&A answer but, summed over a long
                                 transcript, would add up mentions in passing.

Layout
    Runs of table rules left by converted HTML tables (``| --- | --- |``, ``| |``) end a sentence,
    so a newsletter's table does not merge separate items into one sentence.

Where a term falls
    A hit's value is ``weight`` times the zone multiplier: ``title_weight`` (default 3) in the
    headline, ``lead_weight`` (default 1.5) in the first ``lead_paragraphs`` (default 2)
    paragraphs, ``body_weight`` (default 1) elsewhere.

Topic table keys
    ``threshold`` (required) score needed to keep the topic; ``require = [terms]`` the article
    must contain at least one of these at all (a cheap gate); ``min_sentences`` (default 2)
    positive hits must come from at least this many distinct sentences (the headline counts as
    one); ``sentence_cap`` caps the cue weights one sentence can add up, summed over all positive
    cues, before its zone multiplier (default 0 = no cap): a single sentence that happens to fire
    every cue is still one mention, and a headline still counts ``title_weight`` times more;
    ``short_article = N`` (default 0 = off): for a text of fewer than N sentences (headline not
    counted) the threshold shrinks in proportion to its length, down to half, and for a text of
    fewer than 12 sentences ``min_sentences`` shrinks in proportion to 12, down to 1 (with 3:
    one sentence up to 4, two up to 8) -- a feed item of a headline and a two-sentence summary
    that are on topic is substantially about it, while a live blog's seven lines with one
    on-topic line, or a page of a dozen bullets with one or two on-topic bullets, is not;
    ``title_alone = w`` (default 0 = off): a headline whose positive cues add up to ``w`` (cue
    weights, no multiplier) keeps the article on its own, unless the negative cues of the whole
    text subtract more than ``title_veto`` (default 0) or the text is long (``short_article``
    sentences or more) and has no positive sentence of its own;
    ``window = N`` (default 0 = off): for a text of more than N sentences, only the best passage
    of N consecutive sentences counts (plus the headline), so mentions spread thinly over a long
    transcript or newsletter do not add up to a topic; ``description``; ``max_sentences``
    evidence sentences to report (default 3);
    ``passages = true`` (default false): a text of 8 paragraphs or more that the whole-text rule
    drops is tried passage by passage (:mod:`monitors.nlp.passages`: Q&A turns, headed sections,
    blocks of 4-6 paragraphs): a passage keeps it when its own hits (each cue's best
    ``max_hits`` inside it, body weight, ``sentence_cap``) minus its own negatives reach
    ``passage_threshold`` (default: ``threshold``) from ``min_sentences`` sentences, and the
    explanation names the passage; ``passage_merge = N`` (default 0 = off) also scores each Q&A
    turn or headed section that was cut into blocks as one passage when it spans at most N
    paragraphs (one long answer is read as a whole);
    ``model = true`` (default false): an article the rules drop is also kept when the learned
    scorer (:mod:`monitors.nlp.topics.model`) gives it a calibrated probability at or above the
    threshold in its model file; the explanation says so and names its best passage.

Decision
    Kept when ``score >= threshold`` (after the ``short_article`` scaling) with positive hits in
    at least ``min_sentences`` sentences, or when the headline rule (``title_alone``) holds.  The
    explanation says which, and gives the headline and text parts of the score, the number of
    evidence sentences and every cue that fired.

Example::

    [topics.nato-spending]
    threshold = 6.0
    [topics.nato-spending.terms]
    nato = ["nato", "allies"]
    [[topics.nato-spending.cues]]
    name = "target"
    near = ["@nato", ["spend*", "budget*", "gdp", "target*"]]
    within = 15
    weight = 3.0

The matcher is pure: :func:`match_topics` takes strings and compiled rules and returns
:class:`~monitors.model.TopicMatch` values explaining each kept topic.

Modules: ``rules`` holds the rules' compiled form and their parser, ``doc`` the article's
tokens, sentences and term index, ``match`` finds each cue's hits and scores them; the names
callers use are re-exported here.
"""

from monitors.nlp.topics.match import match_topics
from monitors.nlp.topics.rules import Cue, Term, TopicRule, parse_topics

__all__ = ["Cue", "Term", "TopicRule", "match_topics", "parse_topics"]
