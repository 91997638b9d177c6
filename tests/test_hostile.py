"""Poll every file of the hostile corpus (../shared/corpus/hostile, ~2,800 ill-formed, mis-encoded,
entity-laden and adversarial feeds) from a local HTTP server, read in place.

No exception may escape; every file ends either as a feed whose articles are stored (status
"new") or as an error with a non-empty reason.  A summary (outcomes, top reasons) is printed; run
with ``-s`` to see it.
"""

from __future__ import annotations

import mimetypes
import re
import threading
import time
import traceback
from collections import Counter
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest

from monitors.config import PollSettings, load_config
from monitors.ingest.fetch import FetchRequest, fetch_all
from monitors.model import FeedConfig, FeedOutcome
from monitors.store.db import Store

try:
    from monitors.pipeline import analyse_articles, read_feed
except ImportError:  # before read_feed moved out of monitors.decide.schedule
    from monitors.decide.schedule import analyse_articles, read_feed  # type: ignore[attr-defined, no-redef]

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SETTINGS = PollSettings(timeout_seconds=10, max_concurrency=16)
TYPES = {".xml": "application/xml", ".json": "application/json", ".html": "text/html"}


class CorpusServer:
    """Serve the files under ``root`` read in place, as they are (no charset in the header, so
    the document's own declaration decides, as it would on most servers)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                rel = unquote(urlsplit(self.path).path).lstrip("/")
                target = (server.root / rel).resolve()
                if not target.is_relative_to(server.root) or not target.is_file():
                    self.send_error(404)
                    return
                body = target.read_bytes()
                ctype = TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0]
                self.send_response(200)
                self.send_header("Content-Type", ctype or "application/octet-stream")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.request_queue_size = 128
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: Path) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/" + quote(path.relative_to(self.root).as_posix())

    def __enter__(self) -> CorpusServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def reason_kind(reason: str) -> str:
    """A reason without its file-specific details (numbers, quoted text), for counting."""
    kind = re.sub(r"<unknown>:\d+:\d+: ", "", reason)
    kind = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", kind)
    kind = re.sub(r"\d+", "N", kind)
    return kind[:110]


def test_every_hostile_file_is_stored_or_refused_with_a_reason(
    corpus: Path, tmp_path: Path
) -> None:
    root = (corpus / "hostile").resolve()
    files = sorted(p for p in root.rglob("*") if p.is_file())
    assert len(files) > 2000
    cfg = load_config(ROOT / "monitors.toml")
    started = time.monotonic()
    with CorpusServer(root) as srv:
        feeds = [FeedConfig(name=p.relative_to(root).as_posix(), url=srv.url(p)) for p in files]
        results = fetch_all([FetchRequest(f.url) for f in feeds], SETTINGS)
    fetched = time.monotonic() - started

    outcomes: list[FeedOutcome] = []
    articles = []
    escaped: list[str] = []
    for feed, result in zip(feeds, results, strict=True):
        try:
            outcome, items = read_feed(feed, result, NOW)
        except Exception:  # the point of the test: record every escape, fail at the end
            escaped.append(f"{feed.name}:\n{traceback.format_exc(limit=3)}")
            continue
        outcomes.append(outcome)
        articles.extend(items)
    read = time.monotonic() - started - fetched

    processed = analyse_articles(articles, cfg.topics)
    with Store(tmp_path / "hostile.duckdb") as store:
        counts = store.upsert_articles(processed, NOW)
        store.record_feed_outcomes(outcomes, NOW, {}, {})
        stored = store.con.execute("SELECT count(*) FROM articles").fetchone()[0]
        feed_rows = store.con.execute("SELECT count(*) FROM feeds").fetchone()[0]
    total = time.monotonic() - started

    by_status = Counter(o.status for o in outcomes)
    reasons = Counter(reason_kind(o.error or "") for o in outcomes if o.status == "error")
    warnings = Counter(reason_kind(o.error) for o in outcomes if o.status == "new" and o.error)
    by_source = Counter((o.name.split("/")[0], o.status) for o in outcomes)
    print(
        f"\nhostile corpus: {len(files)} files; fetched in {fetched:.1f} s, read in "
        f"{read:.1f} s, {total:.1f} s in all"
    )
    print(f"outcomes: {dict(by_status)}; escaped exceptions: {len(escaped)}")
    print(
        f"articles: {len(articles)} read, {counts.new} new rows ({stored} in the store), "
        f"{sum(p.kept for p in processed)} kept; {feed_rows} feed rows"
    )
    print("per source:", dict(sorted(by_source.items())))
    print("top error reasons:")
    for reason, n in reasons.most_common(15):
        print(f"  {n:5d}  {reason}")
    print("top warnings on accepted feeds:")
    for reason, n in warnings.most_common(8):
        print(f"  {n:5d}  {reason}")

    assert not escaped, f"{len(escaped)} exceptions escaped, first:\n{escaped[0]}"
    assert len(outcomes) == len(files)
    assert set(by_status) <= {"new", "error"}, by_status
    empty = [o.name for o in outcomes if o.status == "error" and not (o.error or "").strip()]
    assert not empty, f"errors without a reason: {empty[:10]}"
    assert not [r for r in results if r.status == "error"], "the local server failed a file"
    assert feed_rows == len(files)
    assert stored == counts.new and stored > 0
