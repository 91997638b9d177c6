"""Digest building and rendering: pure functions over store-shaped rows."""

from __future__ import annotations

from datetime import timedelta

from reports.digest import build_digest, format_value
from reports.render import render_html, render_text, safe_url
from tests.factories import T0


def fig_row(
    key: str,
    feed: str,
    url: str,
    text: str = "3.5% of GDP",
    subject: str | None = "NATO",
    value: float = 3.5,
    unit: str = "percent_gdp",
):
    return {
        "fact_key": key,
        "article": url,
        "text": text,
        "value": value,
        "low": value,
        "high": value,
        "unit": unit,
        "of": None,
        "qualifier": None,
        "approx": False,
        "subject": subject,
        "sentence": f"Allies agreed to spend {text}.",
        "url": url,
        "article_title": "t",
        "feed": feed,
        "feed_name": feed,
        "cluster_id": url,
        "published_at": T0,
    }


def quote_row(
    key: str,
    feed: str,
    url: str,
    text: str = "We must spend more",
    speaker: str | None = "Mark Rutte",
):
    return {
        "quote_key": key,
        "article": url,
        "text": text,
        "speaker": speaker,
        "role": "NATO Secretary General",
        "sentence": "s",
        "url": url,
        "article_title": "t",
        "feed": feed,
        "feed_name": feed,
        "cluster_id": url,
    }


def art_row(aid: str, feed: str, cluster: str, title: str = "Allies agree"):
    return {
        "id": aid,
        "url": f"https://n.test/{aid}",
        "title": title,
        "feed": feed,
        "feed_name": feed,
        "published_at": T0,
        "fetched_at": T0,
        "updated_at": T0,
        "cluster_id": cluster,
        "topic": "nato-spending",
        "score": 9.0,
        "rule": "r",
        "terms": '["nato", "gdp"]',
        "evidence": "[]",
    }


def build(**kw):
    args = dict(
        title="W",
        digest_date="2026-11-23",
        window_start=T0 - timedelta(days=1),
        window_end=T0,
        topics=["nato-spending", "ukraine-aid"],
        articles=[],
        figures=[],
        quotes=[],
        reported_figures=set(),
        reported_quotes=set(),
        feed_health=[],
    )
    args.update(kw)
    return build_digest(**args)


def test_same_fact_from_three_outlets_is_one_new_figure() -> None:
    rows = [fig_row("k1", f"Outlet {i}", f"https://n.test/{i}") for i in range(3)]
    rows.append(fig_row("k2", "Outlet 0", "https://n.test/0", "$1.5bn", value=1.5e9, unit="USD"))
    d = build(figures=rows)
    assert [f.key for f in d.new_figures] == ["k1", "k2"]
    assert len(d.new_figures[0].sources) == 3
    assert ("figure", "k1") in d.ledger and ("figure", "k2") in d.ledger


def test_reported_facts_are_not_new_again() -> None:
    d = build(
        figures=[fig_row("k1", "A", "https://n.test/a")],
        quotes=[quote_row("q1", "A", "https://n.test/a")],
        reported_figures={"k1"},
        reported_quotes={"q1"},
    )
    assert d.new_figures == () and d.new_quotes == ()
    assert d.repeated_figures == 1 and d.repeated_quotes == 1
    assert d.ledger == ()


def test_one_line_per_cluster_with_other_outlets() -> None:
    arts = [art_row("a", "Wire", "c1"), art_row("b", "Post", "c1"), art_row("c", "Wire", "c2")]
    d = build(articles=arts)
    nato = d.sections[0]
    assert len(nato.stories) == 2
    story = next(s for s in nato.stories if s.cluster == "c1")
    assert [a.name for a in story.also] == ["Post"]


def test_failing_feeds_are_listed() -> None:
    health = [
        {
            "url": "https://x.test/f",
            "name": "X",
            "last_status": "error",
            "last_error": "HTTP 503",
            "failures": 3,
            "last_ok_at": None,
        },
        {
            "url": "https://y.test/f",
            "name": "Y",
            "last_status": "new",
            "last_error": None,
            "failures": 0,
            "last_ok_at": T0,
        },
    ]
    d = build(feed_health=health)
    assert [(p.name, p.error) for p in d.failing_feeds] == [("X", "HTTP 503")]
    assert "X" in render_html(d) and "HTTP 503" in render_text(d)


def test_render_escapes_html_and_drops_unsafe_links() -> None:
    evil = fig_row("k", "<b>Evil</b>", "javascript:alert(1)", subject="<script>x</script>")
    d = build(figures=[evil], articles=[art_row("a", "F", "c", title="<img src=x onerror=1>")])
    html = render_html(d)
    assert "<script>x" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html
    assert "javascript:" not in html
    assert safe_url("data:text/html,hi") == "#" and safe_url("https://ok.test/") != "#"


def test_new_items_come_before_topic_sections() -> None:
    d = build(
        figures=[fig_row("k1", "A", "https://n.test/a")],
        quotes=[quote_row("q1", "A", "https://n.test/a")],
        articles=[art_row("a", "A", "c1", title="Summit story")],
    )
    html = render_html(d, "Europe/Brussels")
    assert html.index("3.5% of GDP") < html.index("We must spend more") < html.index("Summit story")
    text = render_text(d)
    assert text.index("NEW 3.5% of GDP") < text.index("NATO DEFENCE SPENDING")


def test_format_value() -> None:
    d = build(figures=[fig_row("k1", "A", "https://n.test/a")])
    assert format_value(d.new_figures[0]) == "3.5 % of GDP"


def test_one_fact_told_with_and_without_a_subject_is_one_item() -> None:
    rows = [
        fig_row("k1", "A", "https://n.test/a", "€7bn", "the EU", 7e9),
        fig_row("k2", "A", "https://n.test/a", "€7bn", "Ukraine", 7e9),  # same article
        fig_row("k3", "B", "https://n.test/b", "7 billion euros", None, 7e9),
        fig_row("k4", "C", "https://n.test/c", "€7bn", "Poland", 7e9),
    ]
    d = build(figures=rows)
    groups = sorted(sorted(f.keys) for f in d.new_figures)
    # k1/k2 share an article; k3 has no subject but two named facts exist, so it stays apart
    assert groups == [["k1", "k2"], ["k3"], ["k4"]]
    assert set(d.ledger) == {("figure", k) for k in ("k1", "k2", "k3", "k4")}


def test_unattributed_copy_of_a_quote_joins_the_attributed_one() -> None:
    rows = [
        quote_row("q1", "A", "https://n.test/a"),
        quote_row("q2", "B", "https://n.test/b", speaker=None),
    ]
    d = build(quotes=rows)
    assert len(d.new_quotes) == 1
    q = d.new_quotes[0]
    assert q.speaker == "Mark Rutte" and len(q.sources) == 2
    again = build(quotes=rows, reported_quotes={"q2"})
    assert again.new_quotes == ()  # part of the fact was already reported


def test_changed_figures_and_coverage_gaps_are_shown() -> None:
    change = {
        "old_text": "$1.5bn",
        "new_text": "$2bn",
        "subject": "Norway",
        "url": "https://n.test/a",
        "article_title": "Norway lifts pledge",
        "feed_name": "W",
    }
    health = [
        {
            "url": "https://q.test/f",
            "name": "Quiet Wire",
            "last_status": "not_modified",
            "last_error": None,
            "failures": 0,
            "last_ok_at": T0,
            "quiet": True,
        }
    ]
    d = build(figure_changes=[change], feed_health=health)
    assert not d.empty
    html, text = render_html(d), render_text(d)
    assert "now says <strong>$2bn</strong> (was $1.5bn)" in html
    assert "now says $2bn (was $1.5bn)" in text
    assert "Coverage gap" in html and "Quiet Wire" in text


def test_every_ledgered_fact_is_on_the_archive_page_and_the_email_links_the_rest() -> None:
    """60 new figures and 40 new quotes: the archive page shows all of them (each ledgered key
    is on it), the e-mail the top ones per topic and says where the rest are."""
    import re

    from reports.digest import Limits, email_view
    from reports.render import render_email_html

    figs = [
        fig_row(
            f"k{i}",
            f"Outlet {i % 7}",
            f"https://n.test/{i}",
            f"${i + 1}bn",
            value=(i + 1) * 1e9,
            unit="USD",
            subject=None,
        )
        for i in range(60)
    ]
    quotes = [
        quote_row(
            f"q{i}",
            f"Outlet {i % 7}",
            f"https://n.test/{i}",
            text=f"We will spend more on defence, year {i}",
        )
        for i in range(40)
    ]
    d = build(figures=figs, quotes=quotes)
    assert len(d.new_figures) == 60 and len(d.new_quotes) == 40
    page = render_html(d)
    shown = {k for keys in re.findall(r'data-key="([^"]*)"', page) for k in keys.split()}
    ledgered = {k for _, k in d.ledger}
    assert len(ledgered) == 100 and ledgered == shown
    mail = render_email_html(email_view(d, Limits(25, 15)), archive_file="/srv/d/2026.html")
    assert mail.count('class="badge">NEW') == 25
    assert "35 more new figures and 25 more new quotes" in mail and "/srv/d/2026.html" in mail
    # the next day: every one of them was reported, none is new again, none was skipped
    again = build(figures=figs, quotes=quotes, reported_figures=ledgered, reported_quotes=ledgered)
    assert again.new_figures == () and again.new_quotes == ()
    assert again.repeated_figures == 60 and again.repeated_quotes == 40


def test_a_figure_off_topic_is_not_highlighted_nor_ledgered() -> None:
    off = fig_row(
        "jobs", "A", "https://n.test/a", "hundreds of jobs", value=100, unit="count", subject=None
    )
    off["sentence"] = "The plant is expected to create hundreds of jobs."
    d = build(figures=[off, fig_row("k1", "A", "https://n.test/a")])
    assert [f.key for f in d.new_figures] == ["k1"] and ("figure", "jobs") not in d.ledger
    assert d.not_highlighted == 1


def test_highlights_are_ordered_by_topic_then_kind_then_size() -> None:
    rows = [
        fig_row(
            "small",
            "A",
            "https://n.test/a",
            "$12.8 million",
            value=12.8e6,
            unit="USD",
            subject=None,
        ),
        fig_row("big", "B", "https://n.test/b", "$3 billion", value=3e9, unit="USD", subject=None),
        fig_row("eur", "C", "https://n.test/c", "€5bn", value=5e9, unit="EUR", subject=None),
        fig_row("gdp", "D", "https://n.test/d", "2% of GDP", value=2.0),
    ]
    d = build(figures=rows)
    assert [f.key for f in d.new_figures] == ["gdp", "eur", "big", "small"]
    assert all(f.published_at is not None for f in d.new_figures)


def test_unattributed_quotes_and_fragments_stay_out_of_the_highlights() -> None:
    d = build(
        quotes=[
            quote_row("q1", "A", "https://n.test/a", speaker=None),
            quote_row("q2", "A", "https://n.test/a", text="rapid close"),
        ]
    )
    assert d.new_quotes == () and d.ledger == () and d.not_highlighted == 2


def test_an_amount_for_the_beneficiary_joins_the_one_named_donors_amount() -> None:
    us = fig_row(
        "k-us", "A", "https://n.test/a", "$61 billion", subject="US", value=61e9, unit="USD"
    )
    us["sentence"] = "Congress approved $61 billion in aid for Ukraine."
    ua = fig_row(
        "k-ua", "B", "https://n.test/b", "$61 billion", subject="Ukraine", value=61e9, unit="USD"
    )
    ua["sentence"] = "He would not send more aid to Kyiv, after the $61 billion package."
    d = build(figures=[us, ua])
    assert len(d.new_figures) == 1 and set(d.new_figures[0].keys) == {"k-us", "k-ua"}
    assert d.new_figures[0].subject == "US" and len(d.new_figures[0].sources) == 2
    de = fig_row(
        "k-de", "C", "https://n.test/c", "$61 billion", subject="Germany", value=61e9, unit="USD"
    )
    de["sentence"] = "Germany pledged $61 billion in aid for Ukraine."
    assert len(build(figures=[us, de]).new_figures) == 2  # two donors: two packages


def test_the_text_digest_marks_the_figure_in_its_indented_snippet() -> None:
    d = build(figures=[fig_row("k1", "A", "https://n.test/a")])
    text = render_text(d)
    assert (
        "* NEW 3.5% of GDP  [3.5 % of GDP] — NATO\n  Allies agreed to spend [3.5% of GDP].\n"
        "  A, 23 Nov 2026: https://n.test/a\n" in text
    )
