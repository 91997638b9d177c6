"""The ``newswatch`` command line.

    newswatch poll     [--config F] [--db F] [--now T] [--feeds FILE]   poll feeds into the store
    newswatch digest   [--config F] [--db F] [--now T] [--out DIR]      write the digest
    newswatch run      (both of the above, in order)
    newswatch demo     [--out DIR] [--now DATE] [--smtp-sink]            offline demo
    newswatch extract  PATH...                                           JSON line per article file
    newswatch dedupe   PATH...                                           JSON line per file: cluster
    newswatch feeds    [--config F] [--db F]                             feed health table
    newswatch topics test RULE-OR-TOPIC [--db F]                         dry-run a topic rule

Exit status: 0 on success, 2 for a usage or config error (nothing is touched), 1 for any
other failure (a message names the file or feed).  Prefect is imported only by the commands
that run flows, so ``extract`` and ``dedupe`` start fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import flows  # noqa: F401  (sets Prefect environment defaults before prefect is imported)
from flows.common import default_config_path, parse_now, resolve_config
from monitors.errors import ConfigError, NewswatchError

ARTICLE_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".html.gz", ".htm.gz", ".gz")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="newswatch",
        description="Monitor news feeds for NATO defence spending and aid to Ukraine, store "
        "them in DuckDB, and write a daily digest of new figures and quotes.",
        epilog="Run `newswatch demo` for an offline tour on the bundled sample feeds.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def store_options(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "--config",
            metavar="FILE",
            help="config file (default: ./monitors.toml, else the bundled one)",
        )
        sp.add_argument(
            "--db",
            metavar="FILE",
            help="DuckDB store (default: [store].path in the config, data/newswatch.duckdb)",
        )

    def poll_options(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "--feeds",
            metavar="FILE",
            help="poll the URLs in FILE (one per line, # comments) instead of the config's",
        )
        sp.add_argument(
            "--force",
            action="store_true",
            help="poll every feed now, even those backing off or asked to wait",
        )

    def common(sp: argparse.ArgumentParser, *, out: bool = False) -> None:
        store_options(sp)
        sp.add_argument(
            "--now",
            metavar="ISO",
            help="pretend it is this time: an ISO 8601 timestamp, e.g. "
            "2025-02-13T07:00:00+00:00, or a date (= the end of that day in "
            "the digest time zone); replays a past day",
        )
        if out:
            sp.add_argument(
                "--out",
                metavar="DIR",
                help="write digests here (default: [digest].out_dir, data/digests)",
            )

    sp = sub.add_parser(
        "poll",
        help="poll the feeds into the store",
        description="Fetch every feed, keep the on-topic articles, extract "
        "figures and quotes, and store them.",
    )
    common(sp)
    poll_options(sp)
    sp = sub.add_parser(
        "digest",
        help="write the digest for the window since the last one",
        description="Build the digest of everything kept since the last digest "
        "and write it as HTML and text.",
    )
    common(sp, out=True)
    sp = sub.add_parser(
        "run",
        help="poll, then write the digest",
        description="Poll the feeds into the store (as `newswatch poll`), then write the "
        "digest for the window since the last one (as `newswatch digest`), and e-mail it "
        "when [email] is configured. What a scheduled deployment runs.",
    )
    common(sp, out=True)
    poll_options(sp)

    sp = sub.add_parser(
        "demo",
        help="offline demo: serve the sample feeds locally, replay three days of polls and digests",
        description="Serve the bundled sample feeds over HTTP on 127.0.0.1, "
        "then poll and write a digest for each sample day, into a "
        "fresh demo store. Needs no network.",
    )
    sp.add_argument(
        "--out",
        metavar="DIR",
        default="data/demo/digests",
        help="where the digests go (default: data/demo/digests)",
    )
    sp.add_argument(
        "--db",
        metavar="FILE",
        default="data/demo/newswatch.duckdb",
        help="the demo store, recreated each run (default: data/demo/newswatch.duckdb)",
    )
    sp.add_argument("--now", metavar="DATE", help="replay the sample days up to this date only")
    sp.add_argument(
        "--smtp-sink",
        action="store_true",
        help="also e-mail each digest to a local SMTP server on 127.0.0.1 and save "
        "the received message as <date>.eml beside the HTML",
    )

    sp = sub.add_parser(
        "extract",
        help="print topics, figures and quotes of article files as JSON lines",
        description="For each article file (plain text, Markdown with or "
        "without front matter, HTML, .html.gz) print one JSON line: "
        "path, title, topics, why, figures, quotes. A directory is "
        "walked for article files.",
    )
    sp.add_argument("paths", nargs="+", metavar="PATH", help="article files or directories")
    sp.add_argument("--config", metavar="FILE", help="config whose topic rules to use")
    sp.add_argument(
        "--explain",
        action="store_true",
        help="give each quote the speaker strategy that chose its speaker (a 'strategy' key), "
        "and print one line per quote, speaker and strategy, on stderr",
    )

    sp = sub.add_parser(
        "dedupe",
        help="cluster article files that are copies of the same story",
        description="Print one JSON line per file: path and cluster; files "
        "with the same cluster are copies of the same story.",
    )
    sp.add_argument("paths", nargs="+", metavar="PATH", help="article files or directories")

    sp = sub.add_parser(
        "topics",
        help="work with topic rules",
        description="Work with the topic rules of the config: `topics test` dry-runs one.",
    )
    tsub = sp.add_subparsers(dest="topics_command", required=True, metavar="ACTION")
    tp = tsub.add_parser(
        "test",
        help="dry-run a topic rule over the stored articles",
        description="Run a topic rule over every stored article and show what it would keep and "
        "drop compared with what is kept now. RULE-OR-TOPIC is a topic name from the "
        "config, or a TOML file holding a [topics.<name>] table to try out.",
    )
    tp.add_argument(
        "rule",
        metavar="RULE-OR-TOPIC",
        help="a topic name from the config, or a TOML file with a [topics.<name>] table",
    )
    store_options(tp)
    tp.add_argument(
        "--show",
        type=int,
        default=20,
        metavar="N",
        help="list at most N articles per group (default 20)",
    )

    sp = sub.add_parser(
        "feeds",
        help="show feed health as a table",
        description="One row per feed: its last status, consecutive failures, last success and "
        "name, with the last error under it. Reads the store only.",
    )
    store_options(sp)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from flows import interrupt

    if args.command in ("poll", "digest", "run", "demo"):
        interrupt.install()  # SIGINT -> exit 130, SIGTERM -> exit 143, with one line
    try:
        if args.command == "demo":  # (the others start it once their arguments are checked)
            interrupt.start_api_server()
        return COMMANDS[args.command](args)
    except ConfigError as e:
        print(f"newswatch: error: {e}", file=sys.stderr)
        return 2
    except NewswatchError as e:
        print(f"newswatch: error: {e}", file=sys.stderr)
        return 1
    except interrupt.Interrupted as e:
        print(f"newswatch: {e.line()}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("newswatch: interrupted", file=sys.stderr)
        return 130
    finally:
        interrupt.finishing()


# -- flow commands ------------------------------------------------------------------------


def _flow_args(args: argparse.Namespace) -> dict:
    cfg = resolve_config(args.config)  # validate before anything is touched
    out: dict = {"config": str(args.config or default_config_path()), "db": args.db}
    if args.now:
        out["now"] = parse_now(args.now, cfg.digest.timezone)
    if getattr(args, "feeds", None):
        from monitors.ingest.feedlist import read_feed_list

        read_feed_list(args.feeds)  # validate now (exit 2 naming file:line); the flow reads it
        out["feeds_file"] = str(Path(args.feeds).resolve())
    if getattr(args, "out", None):
        out["out"] = args.out
    if getattr(args, "force", False):
        out["force"] = True
    from monitors.store.db import Store

    Store(args.db or cfg.store_path).close()  # a foreign, corrupt or locked store fails here,
    return out  # with a clear message, before Prefect starts


def _run_flow(args: argparse.Namespace, name: str) -> dict:
    """The common part of poll, digest and run: validate the arguments and the store, then
    import the flow (Prefect starts only now) and run it."""
    kw = _flow_args(args)
    if name == "poll":
        from flows.poll import poll_feeds as run
    elif name == "digest":
        from flows.digest import daily_digest as run
    else:
        from flows.digest import run_all as run
    from flows.interrupt import start_api_server

    start_api_server()  # before the flow, so Ctrl-C reaches this process, not the server
    return run(**kw)


def cmd_poll(args: argparse.Namespace) -> int:
    _print_poll(_run_flow(args, "poll"))
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    _print_digest(_run_flow(args, "digest"))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    result = _run_flow(args, "run")
    _print_poll(result["poll"])
    _print_digest(result["digest"])
    return 0


def _print_poll(s: dict) -> None:
    skipped = f" ({s['skipped']} not due yet)" if s.get("skipped") else ""
    print(
        f"poll: {s['feeds']} feeds{skipped}: {s['new']} with items, "
        f"{s['not_modified']} not modified, "
        f"{s['failed']} failed; {s['articles_new']} new articles ({s['kept_new']} kept), "
        f"{s['figures_new']} new figures, {s['quotes_new']} new quotes"
    )
    for name, error in s.get("failures", ()):
        print(f"  failed: {name}: {error}")


def _print_digest(r: dict) -> None:
    print(f"digest {r['date']}: {r['new_figures']} new figures, {r['new_quotes']} new quotes")
    print(f"  {r['html']}\n  {r['text']}")
    if r["failing_feeds"]:
        print(f"  {len(r['failing_feeds'])} feeds could not be read (listed in the digest)")


def cmd_demo(args: argparse.Namespace) -> int:
    from flows.demo.run import run_demo

    return run_demo(out=args.out, db=args.db, until=args.now, smtp_sink=args.smtp_sink)


def cmd_feeds(args: argparse.Namespace) -> int:
    from monitors.store.db import Store

    cfg = resolve_config(args.config)
    with Store(args.db or cfg.store_path, read_only=True) as store:
        rows = store.feed_health()
    if not rows:
        print("no feeds polled yet; run `newswatch poll`")
        return 0
    print(f"{'status':<13} {'fails':>5}  {'last ok (UTC)':<16}  feed")
    for r in rows:
        ok = r.last_ok_at.strftime("%Y-%m-%d %H:%M") if r.last_ok_at else "never"
        print(f"{r.last_status or '-':<13} {r.failures:>5}  {ok:<16}  {r.name}")
        if r.last_error:
            print(f"{'':<38}{r.last_error}")
    return 0


def cmd_topics(args: argparse.Namespace) -> int:
    import tomllib
    from dataclasses import asdict

    from monitors.nlp.dryrun import dry_run
    from monitors.nlp.topics import parse_topics
    from monitors.store.db import Store

    cfg = resolve_config(args.config)
    path = Path(args.rule)
    if path.suffix == ".toml" and path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            raise ConfigError(f"{path}: cannot read rule file: {e}") from e
        rules = parse_topics(data.get("topics", {}), str(path))
        if len(rules) != 1:
            raise ConfigError(f"{path}: topics: expected exactly one [topics.<name>] table")
        rule = rules[0]
    else:
        by_name = {r.name: r for r in cfg.topics}
        if args.rule not in by_name:
            raise ConfigError(
                f"topics test: no topic {args.rule!r} in {cfg.source} (topics: "
                f"{', '.join(by_name)}); or give a .toml rule file"
            )
        rule = by_name[args.rule]
    with Store(args.db or cfg.store_path, read_only=True) as store:
        rows = [asdict(r) for r in store.all_articles()]  # dry_run reads plain mappings
    run = dry_run(rule, rows)
    print(
        f"{run.topic}: the rule keeps {len(run.kept)} of {run.total} stored articles "
        f"(kept now: {sum(v.kept_now for v in run.verdicts)}); "
        f"+{len(run.newly_kept)} newly kept, -{len(run.newly_dropped)} dropped"
    )
    for label, group in (
        ("would keep (new)", run.newly_kept),
        ("would drop (kept now)", run.newly_dropped),
        ("keeps", [v for v in run.kept if v.kept_now]),
    ):
        if not group:
            continue
        print(f"\n{label}: {len(group)}")
        for v in group[: args.show]:
            why = f"  [{', '.join(v.match.terms[:5])}]" if v.match else ""
            print(f"  {v.title[:90]}{why}\n    {v.url}")
        if len(group) > args.show:
            print(f"  … and {len(group) - args.show} more (--show N)")
    return 0


# -- file commands ------------------------------------------------------------------------


def iter_article_paths(paths: Sequence[str]) -> Iterator[Path]:
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.name.lower().endswith(ARTICLE_SUFFIXES):
                    yield f
        else:
            yield p


def _explain_quotes(title: str, text: str, quotes: list[dict]) -> None:
    """Add each quote's speaker strategy (``--explain``) and print it, one line a quote."""
    from monitors.nlp.extract import full_text
    from monitors.nlp.quotes import explain_quotes

    chosen = {(q.text, q.speaker): s for q, s in explain_quotes(full_text(title, text))}
    for q in quotes:
        q["strategy"] = chosen.get((q["text"], q["speaker"]))
        words = q["text"] if len(q["text"]) <= 60 else q["text"][:57] + "..."
        print(f"  {q['speaker'] or '-'}  [{q['strategy'] or 'none'}]  {words}", file=sys.stderr)


def cmd_extract(args: argparse.Namespace) -> int:
    from monitors.errors import ArticleLoadError
    from monitors.ingest.articles import load_article
    from monitors.nlp.extract import analyse, figure_json, quote_json, why_json

    cfg = resolve_config(args.config)
    failed = 0
    for path in iter_article_paths(args.paths):
        try:
            doc = load_article(path)
        except ArticleLoadError as e:
            failed += 1
            print(f"newswatch: {e}", file=sys.stderr)
            print(
                json.dumps(
                    {
                        "path": str(path),
                        "error": str(e),
                        "title": None,
                        "topics": [],
                        "why": {},
                        "figures": [],
                        "quotes": [],
                    }
                ),
                flush=True,
            )
            continue
        ex = analyse(doc.title, doc.text, cfg.topics, always_extract=True)
        quotes = [quote_json(q) for q in ex.quotes]
        if getattr(args, "explain", False):
            _explain_quotes(doc.title, doc.text, quotes)
        print(
            json.dumps(
                {
                    "path": str(path),
                    "title": doc.title,
                    "topics": [t.topic for t in ex.topics],
                    "why": why_json(ex.topics),
                    "figures": [figure_json(f) for f in ex.figures],
                    "quotes": quotes,
                },
                ensure_ascii=False,
            ),
            flush=True,
        )
    return 1 if failed else 0


def cmd_dedupe(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from monitors.errors import ArticleLoadError
    from monitors.ingest.articles import load_article
    from monitors.nlp.dedupe import DedupeDoc, cluster_documents

    docs: list[DedupeDoc] = []
    order: list[str] = []
    failed = 0
    for path in iter_article_paths(args.paths):
        order.append(str(path))
        try:
            doc = load_article(path)
        except ArticleLoadError as e:
            failed += 1
            print(f"newswatch: {e}", file=sys.stderr)
            continue
        published = None
        if doc.published:
            try:
                published = datetime.fromisoformat(doc.published.replace("Z", "+00:00"))
                if published.tzinfo is None:
                    published = published.replace(tzinfo=UTC)
            except ValueError:
                published = None
        docs.append(DedupeDoc(str(path), doc.title, doc.text, published))
    clusters = cluster_documents(docs)
    for path in order:
        print(json.dumps({"path": path, "cluster": clusters.get(path, path)}, ensure_ascii=False))
    return 1 if failed else 0


COMMANDS = {
    "poll": cmd_poll,
    "digest": cmd_digest,
    "run": cmd_run,
    "demo": cmd_demo,
    "extract": cmd_extract,
    "dedupe": cmd_dedupe,
    "feeds": cmd_feeds,
    "topics": cmd_topics,
}

if __name__ == "__main__":
    raise SystemExit(main())
