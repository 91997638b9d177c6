"""Digest building and rendering, over rows read back from a real (in-memory) store: a column
renamed in the store's SQL breaks these tests, not only production."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta
from urllib.parse import quote as urlquote
from urllib.parse import unquote

from monitors.decide.keys import figure_key, quote_key
from monitors.model import FeedOutcome, Figure, Processed, Quote
from monitors.store.db import Store
from reports.digest import Digest, Limits, build_digest, email_view, format_value
from reports.render import render_email_html, render_html, render_text, safe_url
from tests.factories import T0, art_row, fig, fig_row, processed, quote, quote_row

__all__ = ["art_row", "build", "fig_row", "quote_row"]  # tests/test_email.py builds from these

START = T0 - timedelta(days=1)
FEEDS = "http://feeds.test/"


def gdp(
    text: str = "3.5% of GDP",
    subject: str | None = "NATO",
    value: float = 3.5,
    unit: str = "percent_gdp",
    sentence: str | None = None,
) -> Figure:
    """A figure stated in a sentence about spending (so it is on topic)."""
    return fig(text, value, unit, subject, sentence or f"Allies agreed to spend {text}.")


def money(text: str, value: float, unit: str = "USD", subject: str | None = None) -> Figure:
    return gdp(text, subject, value, unit)


def said(text: str = "We must spend more", speaker: str | None = "Mark Rutte") -> Quote:
    return quote(text, speaker, role="NATO Secretary General")


def story(
    url: str,
    outlet: str,
    figures: Sequence[Figure] = (),
    quotes: Sequence[Quote] = (),
    title: str | None = None,
    text: str = "Body text.",
) -> Processed:
    """One kept article at ``url`` from the feed named ``outlet``."""
    feed = FEEDS + urlquote(outlet, safe="")
    return processed(
        url, figures=figures, quotes=quotes, feed=feed, title=title, url=url, text=text
    )


def build(**rows: object) -> Digest:
    """The digest of hand-built rows (``articles``, ``figures``, ``quotes`` ...; see
    tests/factories.py), for tests/test_email.py, which needs thousands of them."""
    args: dict = dict(
        title="W",
        digest_date="2026-11-23",
        window_start=START,
        window_end=T0,
        topics=["nato-spending", "ukraine-aid"],
        articles=[],
        figures=[],
        quotes=[],
        reported_figures=set(),
        reported_quotes=set(),
        feed_health=[],
    )
    return build_digest(**(args | rows))


def stored(
    *batch: Processed,
    before: Sequence[Processed] = (),
    health: Sequence[FeedOutcome] = (),
    clusters: dict[str, str] | None = None,
    reported_figures: Sequence[str] = (),
    reported_quotes: Sequence[str] = (),
) -> Digest:
    """Store ``before`` (an earlier poll), then ``batch`` (each outlet's feed polled fine) and
    the ``health`` outcomes, then build the digest of the window from what the store reads
    back."""
    with Store(":memory:") as s:
        s.upsert_articles(list(before), T0 - timedelta(hours=2))
        s.upsert_articles(list(batch), T0)
        feeds = dict.fromkeys(p.article.feed_url for p in batch)
        polled = [FeedOutcome(u, unquote(u.removeprefix(FEEDS)), "new", items=1) for u in feeds]
        s.record_feed_outcomes([*polled, *health], T0, {}, {})
        by_url = {p.article.url: p.article.id for p in batch}
        s.set_clusters({by_url[u]: c for u, c in (clusters or {}).items()})
        return build_digest(
            title="W",
            digest_date="2026-11-23",
            window_start=START,
            window_end=T0,
            topics=["nato-spending", "ukraine-aid"],
            articles=s.window_articles(START, T0),
            figures=s.window_figures(START, T0),
            quotes=s.window_quotes(START, T0),
            reported_figures=set(reported_figures),
            reported_quotes=set(reported_quotes),
            feed_health=s.feed_health(),
            figure_changes=s.window_figure_changes(START, T0),
        )


def texts(d: Digest) -> list[str]:
    return [f.text for f in d.new_figures]


def test_same_fact_from_three_outlets_is_one_new_figure() -> None:
    batch = [story(f"https://n.test/{i}", f"Outlet {i}", [gdp()]) for i in range(3)]
    batch[0] = story("https://n.test/0", "Outlet 0", [gdp(), money("$1.5bn", 1.5e9)])
    d = stored(*batch)
    assert texts(d) == ["3.5% of GDP", "$1.5bn"]
    assert len(d.new_figures[0].sources) == 3
    assert {("figure", figure_key(gdp())), ("figure", figure_key(money("$1.5bn", 1.5e9)))} <= set(
        d.ledger
    )


def test_reported_facts_are_not_new_again() -> None:
    d = stored(
        story("https://n.test/a", "A", [gdp()], [said()]),
        reported_figures=[figure_key(gdp())],
        reported_quotes=[quote_key(said())],
    )
    assert d.new_figures == () and d.new_quotes == ()
    assert d.repeated_figures == 1 and d.repeated_quotes == 1
    assert d.ledger == ()


def test_one_line_per_cluster_with_other_outlets() -> None:
    d = stored(
        story("https://n.test/a", "Wire", title="Allies agree"),
        story("https://n.test/b", "Post", title="Allies agree"),
        story("https://n.test/c", "Wire", title="Allies agree"),
        clusters={"https://n.test/a": "c1", "https://n.test/b": "c1", "https://n.test/c": "c2"},
    )
    nato = d.sections[0]
    assert len(nato.stories) == 2
    s = next(s for s in nato.stories if s.cluster == "c1")
    assert [a.name for a in s.also] == ["Post"]


def test_failing_feeds_are_listed() -> None:
    health = [
        FeedOutcome("https://x.test/f", "X", "error", error="HTTP 503"),
        FeedOutcome("https://y.test/f", "Y", "new", items=3),
    ]
    d = stored(health=health)
    assert [(p.name, p.error, p.failures) for p in d.failing_feeds] == [("X", "HTTP 503", 1)]
    assert "X" in render_html(d) and "HTTP 503" in render_text(d)


def test_render_escapes_html_and_drops_unsafe_links() -> None:
    evil = story("javascript:alert(1)", "<b>Evil</b>", [gdp(subject="<script>x</script>")])
    d = stored(evil, story("https://n.test/a", "F", title="<img src=x onerror=1>"))
    html = render_html(d)
    assert "<script>x" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html
    assert "javascript:" not in html
    assert safe_url("data:text/html,hi") == "#" and safe_url("https://ok.test/") != "#"


def test_new_items_come_before_topic_sections() -> None:
    d = stored(story("https://n.test/a", "A", [gdp()], [said()], title="Summit story"))
    html = render_html(d, "Europe/Brussels")
    assert html.index("3.5% of GDP") < html.index("We must spend more") < html.index("Summit story")
    text = render_text(d)
    assert text.index("NEW 3.5% of GDP") < text.index("NATO DEFENCE SPENDING")


def test_format_value() -> None:
    d = stored(story("https://n.test/a", "A", [gdp()]))
    assert format_value(d.new_figures[0]) == "3.5 % of GDP"


def test_one_fact_told_with_and_without_a_subject_is_one_item() -> None:
    eu, ua = gdp("€7bn", "the EU", 7e9), gdp("€7bn", "Ukraine", 7e9)
    bare, pl = gdp("7 billion euros", None, 7e9), gdp("€7bn", "Poland", 7e9)
    d = stored(
        story("https://n.test/a", "A", [eu, ua]),  # same article
        story("https://n.test/b", "B", [bare]),
        story("https://n.test/c", "C", [pl]),
    )
    name = {figure_key(eu): "eu", figure_key(ua): "ua", figure_key(bare): "bare"}
    name[figure_key(pl)] = "pl"
    groups = sorted(sorted(name[k] for k in f.keys) for f in d.new_figures)
    # eu/ua share an article; bare has no subject but two named facts exist, so it stays apart
    assert groups == [["bare"], ["eu", "ua"], ["pl"]]
    assert set(d.ledger) == {("figure", k) for k in name}


def test_unattributed_copy_of_a_quote_joins_the_attributed_one() -> None:
    batch = [
        story("https://n.test/a", "A", quotes=[said()]),
        story("https://n.test/b", "B", quotes=[said(speaker=None)]),
    ]
    d = stored(*batch)
    assert len(d.new_quotes) == 1
    q = d.new_quotes[0]
    assert q.speaker == "Mark Rutte" and len(q.sources) == 2
    again = stored(*batch, reported_quotes=[quote_key(said(speaker=None))])
    assert again.new_quotes == ()  # part of the fact was already reported


def test_changed_figures_and_coverage_gaps_are_shown() -> None:
    def norway(figure: Figure, text: str) -> Processed:
        return story("https://n.test/a", "W", [figure], title="Norway lifts pledge", text=text)

    d = stored(
        norway(money("$2bn", 2e9, subject="Norway"), "v2"),
        before=[norway(money("$1.5bn", 1.5e9, subject="Norway"), "v1")],
        health=[FeedOutcome("https://q.test/f", "Quiet Wire", "not_modified")],
    )
    assert [(c.old_text, c.new_text, c.subject) for c in d.changed_figures] == [
        ("$1.5bn", "$2bn", "Norway")
    ]
    assert not d.empty
    html, text = render_html(d), render_text(d)
    assert "now says <strong>$2bn</strong> (was $1.5bn)" in html
    assert "now says $2bn (was $1.5bn)" in text
    assert "Coverage gap" in html and "Quiet Wire" in text


def test_every_ledgered_fact_is_on_the_archive_page_and_the_email_links_the_rest() -> None:
    """60 new figures and 40 new quotes: the archive page shows all of them (each ledgered key
    is on it), the e-mail the top ones per topic and says where the rest are."""
    batch = [
        story(
            f"https://n.test/{i}",
            f"Outlet {i % 7}",
            [money(f"${i + 1}bn", (i + 1) * 1e9)],
            [said(f"We will spend more on defence, year {i}")] if i < 40 else [],
        )
        for i in range(60)
    ]
    d = stored(*batch)
    assert len(d.new_figures) == 60 and len(d.new_quotes) == 40
    page = render_html(d)
    shown = {k for keys in re.findall(r'data-key="([^"]*)"', page) for k in keys.split()}
    ledgered = {k for _, k in d.ledger}
    assert len(ledgered) == 100 and ledgered == shown
    mail = render_email_html(email_view(d, Limits(25, 15)), archive_file="/srv/d/2026.html")
    assert mail.count('class="badge">NEW') == 25
    assert "35 more new figures and 25 more new quotes" in mail and "/srv/d/2026.html" in mail
    # the next day: every one of them was reported, none is new again, none was skipped
    again = stored(*batch, reported_figures=list(ledgered), reported_quotes=list(ledgered))
    assert again.new_figures == () and again.new_quotes == ()
    assert again.repeated_figures == 60 and again.repeated_quotes == 40


def test_a_figure_off_topic_is_not_highlighted_nor_ledgered() -> None:
    jobs = gdp(
        "hundreds of jobs", None, 100, "count", "The plant is expected to create hundreds of jobs."
    )
    d = stored(story("https://n.test/a", "A", [jobs, gdp()]))
    assert texts(d) == ["3.5% of GDP"] and ("figure", figure_key(jobs)) not in d.ledger
    assert d.not_highlighted == 1


def test_highlights_are_ordered_by_topic_then_kind_then_size() -> None:
    d = stored(
        story("https://n.test/a", "A", [money("$12.8 million", 12.8e6)]),
        story("https://n.test/b", "B", [money("$3 billion", 3e9)]),
        story("https://n.test/c", "C", [money("€5bn", 5e9, "EUR")]),
        story("https://n.test/d", "D", [gdp("2% of GDP", value=2.0)]),
    )
    assert texts(d) == ["2% of GDP", "€5bn", "$3 billion", "$12.8 million"]
    assert all(f.published_at is not None for f in d.new_figures)


def test_unattributed_quotes_and_fragments_stay_out_of_the_highlights() -> None:
    d = stored(story("https://n.test/a", "A", quotes=[said(speaker=None), said("rapid close")]))
    assert d.new_quotes == () and d.ledger == () and d.not_highlighted == 2


def test_an_amount_for_the_beneficiary_joins_the_one_named_donors_amount() -> None:
    """A recipient-only copy of an amount joins the one donor's; two donors stay two."""
    us = gdp("$61 billion", "US", 61e9, "USD", "Congress approved $61 billion in aid for Ukraine.")
    ua = gdp("$61 billion", "Ukraine", 61e9, "USD", "Kyiv got the $61 billion aid package late.")
    de = gdp("$61 billion", "Germany", 61e9, "USD", "Germany pledged $61 billion in aid.")
    d = stored(story("https://n.test/a", "A", [us]), story("https://n.test/b", "B", [ua]))
    assert len(d.new_figures) == 1 and set(d.new_figures[0].keys) == {
        figure_key(us),
        figure_key(ua),
    }
    assert d.new_figures[0].subject == "US" and len(d.new_figures[0].sources) == 2
    two = stored(story("https://n.test/a", "A", [us]), story("https://n.test/c", "C", [de]))
    assert len(two.new_figures) == 2  # two donors: two packages


def test_the_text_digest_marks_the_figure_in_its_indented_snippet() -> None:
    text = render_text(stored(story("https://n.test/a", "A", [gdp()])))
    assert (
        "* NEW 3.5% of GDP  [3.5 % of GDP] — NATO\n  Allies agreed to spend [3.5% of GDP].\n"
        "  A, 23 Nov 2026: https://n.test/a\n" in text
    )


def test_a_renamed_store_column_breaks_the_rows() -> None:
    """The rows are built by column name: a query whose columns do not match its row class
    fails loudly instead of handing the digest a row without the field."""
    import pytest

    from monitors.store.rows import FigureChangeRow, rows_from

    with Store(":memory:") as s:
        cur = s.con.execute("SELECT 'a' AS article, now() AS changed_on")
        with pytest.raises(TypeError):
            rows_from(FigureChangeRow, cur)
