"""Hostile content end to end: XSS vectors in feed items -> poll -> digest HTML and e-mail.

Vectors (tests/data/xss/*.txt, and every sanitiser case of the feedparser corpus under
../shared/corpus/hostile/kurtmckee-feedparser/tests/wellformed/sanitize, its raw payloads taken
with feedparser's sanitiser off) go into item titles, summaries, quotes, links and feed names
of RSS feeds served on 127.0.0.1.  The real flows poll them and write the digest, which is also
e-mailed to a local SMTP sink.  Both HTML documents must hold no <script>, no on* attribute, no
javascript:/vbscript:/data: URL, and only http(s)/mailto links (plus "#", and the e-mail's
cid: charts, the archive's chart files beside it).  Then headless Chromium loads them: every
vector would set document.title to PWNED if it ran, and the title must stay the one the page
declares (a control page proves that script does run in that browser).  CR/LF in titles,
config or SMTP settings never adds a header.
"""

from __future__ import annotations

import html
import importlib.machinery
import importlib.util
import json
import re
import tempfile
import time
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import flows  # noqa: F401
from flows.demo.feedserver import FeedServer
from flows.demo.smtpsink import SmtpSink
from monitors.parallel import stop_workers

ROOT = Path(__file__).resolve().parent.parent
XSS = ROOT / "tests" / "data" / "xss"
NOW = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)
PUB = "Mon, 23 Nov 2026 10:00:00 +0000"
SANITIZE = Path("hostile/kurtmckee-feedparser/tests/wellformed/sanitize")
PWNED = "PWNED"
URL_ATTRS = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "background",
    "poster",
    "data",
    "srcset",
    "lowsrc",
    "dynsrc",
    "codebase",
    "cite",
    "longdesc",
    "usemap",
    "manifest",
    "ping",
    "srcdoc",
}
FORBIDDEN = {
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "form",
    "svg",
    "math",
    "video",
    "audio",
    "source",
    "link",
    "template",
    "noscript",
    "input",
    "button",
    "textarea",
    "details",
    "marquee",
}
CHART_FILE = re.compile(r"[\w-]+-chart-[a-z0-9-]+\.png")  # the archive's charts, beside it
DANGEROUS = re.compile(r"(?:java|vb)script\s*:|data\s*:|expression\s*\(", re.I)

pytestmark = pytest.mark.slow


def vectors(name: str) -> list[str]:
    lines = (XSS / name).read_text(encoding="utf-8").splitlines()
    return [v for v in lines if v.strip() and not v.startswith("# ")]


# -- feeds carrying the vectors -------------------------------------------------------------


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def item(i: int, payload: str, link: str | None = None, title_payload: str | None = None) -> str:
    """An on-topic RSS item (kept by the topic rules, with a figure and a quote) carrying
    ``payload`` in its summary HTML, its title, its quote, and a marker XSSM<i>."""
    tp = payload if title_payload is None else title_payload
    title = f"NATO allies agree to raise defence spending to 3.{i % 10}% of GDP XSSM{i} {tp}"
    summary = (
        f"<p>{payload}</p><p>NATO allies agreed on Monday to raise defence spending to "
        f"{i + 2} billion euros a year XSSM{i}, officials said. &quot;We will spend "
        f"more on defence {payload} XSSQ{i},&quot; said Mark Rutte, NATO Secretary "
        f"General. Allies must invest in defence budgets and meet the spending target "
        f"of 3.5% of GDP for defence, XSSM{i}.</p>"
    )
    url = link if link is not None else f"https://news.example.org/xss/{i}"
    return (
        f"<item><title>{esc(title)}</title><link>{esc(url)}</link>"
        f'<guid isPermaLink="false">xss-{i}</guid><pubDate>{PUB}</pubDate>'
        f"<description>{esc(summary)}</description></item>\n"
    )


def rss(title: str, items: list[str], link: str = "https://news.example.org/") -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{esc(title)}</title><link>{esc(link)}</link>"
        f"<description>xss test feed</description>\n{''.join(items)}</channel></rss>\n"
    )


def write_feeds(root: Path, payloads: list[str], links: list[str], per_feed: int = 60) -> list[str]:
    """Feeds under root/feeds; returns their file names."""
    (root / "feeds").mkdir(parents=True, exist_ok=True)
    items = [item(i, p) for i, p in enumerate(payloads)]
    base = len(items)
    items += [item(base + j, "link vector", link=u) for j, u in enumerate(links)]
    names = []
    for n in range(0, len(items), per_feed):
        name = f"xss{n // per_feed:03d}.xml"
        vector = payloads[(n // per_feed) % len(payloads)] if payloads else ""
        channel_link = links[(n // per_feed) % len(links)] if links else "https://x.example/"
        (root / "feeds" / name).write_text(
            rss(f"Feed {vector}", items[n : n + per_feed], channel_link), encoding="utf-8"
        )
        names.append(name)
    return names


def write_config(path: Path, title: str = "newswatch XSS") -> Path:
    """monitors.toml with room for every item in the digest, and ``title`` as its title."""
    text = (ROOT / "monitors.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^title = .*$", lambda _: "title = " + json.dumps(title), text, count=1)
    for key in ("max_new_figures", "max_new_quotes", "max_stories_per_topic"):
        text = re.sub(rf"(?m)^{key} = \d+", f"{key} = 5000", text)
    path.write_text(text, encoding="utf-8")
    return path


def poll_and_digest(
    tmp: Path,
    payloads: list[str],
    links: list[str],
    monkeypatch: pytest.MonkeyPatch,
    title: str = "newswatch XSS",
) -> tuple[str, str, dict]:
    """Serve the feeds, poll them, write and e-mail the digest; (html, e-mail html, result)."""
    from flows.digest import daily_digest
    from flows.poll import poll_feeds

    names = write_feeds(tmp, payloads, links)
    config = str(write_config(tmp / "monitors.toml", title))
    db = str(tmp / "xss.duckdb")
    with FeedServer(tmp) as srv:
        feeds = [
            {"url": srv.url(f"feeds/{n}"), "name": payloads[k % len(payloads)]}
            for k, n in enumerate(names)
        ]
        feeds.append({"url": srv.url("feeds/missing.xml"), "name": payloads[0]})  # fails
        summary = poll_feeds(config=config, db=db, now=NOW, feeds=feeds, force=True)
    assert summary["kept_new"] >= len(payloads) // 2, summary
    with SmtpSink() as sink:
        for k, v in sink.env().items():
            monkeypatch.setenv(k, v)
        result = daily_digest(config=config, db=db, now=NOW, out=str(tmp / "out"))
        deadline = time.monotonic() + 5
        while not sink.received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(sink.received) == 1
        msg = BytesParser(policy=policy.default).parsebytes(sink.received[0].data)
    assert result["delivery"] == "sent"
    email_html = msg.get_body(("html",)).get_content()
    return Path(result["html"]).read_text(encoding="utf-8"), email_html, result


# -- what the HTML may contain --------------------------------------------------------------


class Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.links: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        own = tag == "details" and dict(attrs) == {"class": "topic", "open": None}
        if tag in FORBIDDEN and not own:  # the archive's own collapsible topic groups
            self.problems.append(f"<{tag}> element")
        if tag == "meta" and any(
            k == "http-equiv" and (v or "").lower() == "refresh" for k, v in attrs
        ):
            self.problems.append("<meta http-equiv=refresh>")
        self.in_style = tag == "style"
        for name, value in attrs:
            v = value or ""
            bare = re.sub(r"[\x00-\x20]", "", v)
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            if name in URL_ATTRS:
                scheme = urlsplit(bare).scheme.lower()
                if tag == "a" and name == "href":
                    self.links.append(v)
                ok = (
                    v == "#"
                    or scheme in ("http", "https", "mailto")
                    or (tag == "img" and name == "src" and scheme == "cid")
                    or (tag == "img" and name == "src" and CHART_FILE.fullmatch(v))
                )
                if not ok:
                    self.problems.append(f"<{tag} {name}={v[:60]!r}>")
            if DANGEROUS.search(bare) and name != "title":
                self.problems.append(f"<{tag} {name}={v[:60]!r}>: script or data URL")

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.in_style and DANGEROUS.search(data):
            self.problems.append(f"<style> with {DANGEROUS.search(data).group(0)!r}")


def assert_clean(doc: str, what: str) -> Audit:
    audit = Audit()
    audit.feed(doc)
    audit.close()
    # no "<script" outside attribute values (css-inline re-serialises the e-mail HTML and,
    # as HTML5 allows, leaves "<" unescaped inside a quoted attribute value: inert there)
    outside = re.sub(r'="[^"]*"', '=""', doc)
    assert not re.search(r"<\s*script", outside, re.I), f"{what}: <script> in the HTML"
    assert not audit.problems, f"{what}: {audit.problems[:10]}"
    return audit


def declared_title(doc: str) -> str:
    m = re.search(r"<title>(.*?)</title>", doc, re.S | re.I)
    assert m, "no <title>"
    return " ".join(html.unescape(m.group(1)).split())


# -- headless Chromium ----------------------------------------------------------------------


def _screenshot_module():
    path = ROOT / "scripts" / "screenshot_digest"
    loader = importlib.machinery.SourceFileLoader("screenshot_digest", str(path))
    spec = importlib.util.spec_from_loader("screenshot_digest", loader)
    assert spec is not None
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def titles_after_load(pages: list[Path], settle: float = 1.0) -> list[str]:
    """document.title of each page after it loaded (and ``settle`` seconds more), read with
    DevTools Runtime.evaluate in headless Chromium."""
    sd = _screenshot_module()
    exe = sd.find_chromium()
    if exe is None:
        pytest.skip("chromium is not installed")
    out = []
    with tempfile.TemporaryDirectory(prefix="xss-chromium-") as tmp:
        browser = sd.Browser(exe, Path(tmp), time.monotonic() + 120)
        try:
            browser.attach_page()
            for page in pages:
                browser._events.clear()
                browser.send("Page.navigate", {"url": page.as_uri()})
                browser.wait_event("Page.loadEventFired")
                time.sleep(settle)
                got = browser.send(
                    "Runtime.evaluate", {"expression": "document.title", "returnByValue": True}
                )
                out.append(got["result"]["value"])
        finally:
            browser.close()
    return out


def check_in_browser(tmp: Path, documents: dict[str, str]) -> None:
    control = tmp / "control.html"
    control.write_text(
        "<!DOCTYPE html><title>control</title><img src=x onerror=\"document.title='PWNED'\">",
        encoding="utf-8",
    )
    paths = []
    for name, doc in documents.items():
        p = tmp / f"{name}.html"
        p.write_text(doc, encoding="utf-8")
        paths.append(p)
    titles = titles_after_load([control, *paths])
    assert titles[0] == PWNED, "control: script does not run in this browser; test is void"
    for (name, doc), title in zip(documents.items(), titles[1:], strict=True):
        assert title != PWNED, f"{name}: a vector ran in Chromium"
        assert " ".join(title.split()) == declared_title(doc), name


# -- the tests ------------------------------------------------------------------------------


def test_own_vectors_are_inert_in_digest_and_email(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    # the quotes must reach the page to be checked: the rules' speakers, without the ranker's
    # abstentions (pool workers started after it inherit the switch)
    monkeypatch.setenv("NEWSWATCH_SPEAKER_RANKER", "off")
    stop_workers()  # a pool an earlier test started would not see it
    request.addfinalizer(stop_workers)  # nor may ours outlive the switch
    payloads, links = vectors("vectors.txt"), vectors("links.txt")
    title = "newswatch </title><script>document.title='PWNED'</script> digest"
    page, mail, _ = poll_and_digest(tmp_path, payloads, links, monkeypatch, title=title)
    for name, doc in (("digest", page), ("e-mail", mail)):
        audit = assert_clean(doc, name)
        assert all(
            h == "#" or urlsplit(h).scheme in ("http", "https", "mailto") for h in audit.links
        )
    # the vectors did reach the page (as text): markers of most items are there
    shown = {int(m) for m in re.findall(r"XSSM(\d+)", page)}
    assert len(shown) >= 0.8 * len(payloads), f"only {len(shown)} items in the digest"
    assert "XSSQ" in page  # quotes carrying vectors are shown too
    assert "&lt;script&gt;" in page  # a vector shown as text, escaped
    check_in_browser(tmp_path, {"digest": page, "email": mail})


@pytest.mark.corpus
def test_feedparser_sanitiser_cases_are_inert(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import feedparser

    cases = sorted((corpus / SANITIZE).glob("*.xml"))
    assert len(cases) > 700, f"{len(cases)} sanitiser cases under {corpus / SANITIZE}"
    payloads: list[str] = []
    for case in cases:
        # the raw payload, as it stands in the file (feedparser's own sanitiser off)
        parsed = feedparser.parse(case.read_bytes(), sanitize_html=False)
        found = [parsed.feed.get(k) for k in ("title", "subtitle", "info", "rights")]
        for e in parsed.entries:
            found += [e.get("title"), e.get("summary")]
            found += [c.get("value") for c in e.get("content") or []]
        found = [f for f in found if isinstance(f, str) and f.strip()]
        assert found, f"{case.name}: no payload found"
        payloads.append(max(found, key=len))
    assert sum("<script" in p.lower() for p in payloads) >= 3
    assert sum(re.search(r"\son\w+\s*=", p, re.I) is not None for p in payloads) >= 100
    page, mail, _ = poll_and_digest(tmp_path, payloads, [], monkeypatch)
    for name, doc in (("digest", page), ("e-mail", mail)):
        assert_clean(doc, name)
    shown = {int(m) for m in re.findall(r"XSSM(\d+)", page)}
    assert len(shown) >= 0.8 * len(payloads), f"only {len(shown)} of {len(payloads)} shown"
    check_in_browser(tmp_path, {"digest": page, "email": mail})


def test_crlf_in_titles_feed_names_and_settings_never_adds_a_header(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.digest import daily_digest
    from flows.poll import poll_feeds
    from monitors.config import load_config
    from monitors.errors import ConfigError, NewswatchError

    inject = "\r\nBcc: victim@example.org\r\nX-Injected: yes"
    (tmp_path / "feeds").mkdir()
    items = [item(i, f"payload{inject}", title_payload=f"title{inject}") for i in range(3)]
    (tmp_path / "feeds" / "crlf.xml").write_text(
        rss(f"Feed{inject}", items).replace("\r\n", "&#13;&#10;"), encoding="utf-8"
    )
    config = write_config(tmp_path / "monitors.toml")
    db = str(tmp_path / "crlf.duckdb")
    with FeedServer(tmp_path) as srv:
        poll_feeds(
            config=str(config),
            db=db,
            now=NOW,
            force=True,
            feeds=[{"url": srv.url("feeds/crlf.xml"), "name": f"Wire{inject}"}],
        )
    with SmtpSink() as sink:
        for k, v in sink.env().items():
            monkeypatch.setenv(k, v)
        result = daily_digest(config=str(config), db=db, now=NOW, out=str(tmp_path / "out"))
        assert result["delivery"] == "sent" and len(sink.received) == 1
        got = sink.received[0]
        assert got.recipients == ["analysts@example.org"]
        msg = got.message
        assert "title" in Path(result["html"]).read_text(encoding="utf-8")
        assert msg["Bcc"] is None and msg["X-Injected"] is None
        assert set(msg.keys()) <= {
            "Subject",
            "From",
            "To",
            "Date",
            "Message-ID",
            "List-Id",
            "Auto-Submitted",
            "Content-Type",
            "MIME-Version",
            "Content-Transfer-Encoding",
        }
        assert all("\n" not in str(v) and "\r" not in str(v) for v in msg.values())

        # CR/LF in the config's title is refused when the config loads, naming the field
        bad = write_config(tmp_path / "bad.toml", title=f"newswatch{inject}")
        with pytest.raises(ConfigError, match=r"digest\.title"):
            load_config(bad)
        # ... and in SMTP settings from the environment, before anything is sent
        for var, value in (
            ("NEWSWATCH_SMTP_TO", f"a@example.org{inject}"),
            ("NEWSWATCH_SMTP_FROM", f"nw@localhost{inject}"),
        ):
            with monkeypatch.context() as mp:
                mp.setenv(var, value)
                later = datetime(2026, 11, 24, 21, 0, tzinfo=UTC)
                with pytest.raises(NewswatchError):
                    daily_digest(config=str(config), db=db, now=later, out=str(tmp_path / "out"))
        time.sleep(0.3)
        assert len(sink.received) == 1
