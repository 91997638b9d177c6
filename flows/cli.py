"""The ``newswatch`` command line.

    newswatch poll     [--config F] [--db F] [--now T] [--feeds FILE]   poll feeds into the store
    newswatch digest   [--config F] [--db F] [--now T] [--out DIR]      write the digest
    newswatch run      (both of the above, in order)
    newswatch demo     [--out DIR] [--now DATE] [--smtp-sink]            offline demo
    newswatch extract  PATH...                                           JSON line per article file
    newswatch dedupe   PATH...                                           JSON line per file: cluster
    newswatch feeds    [--config F] [--db F]                             feed health table
    newswatch ledger   [spending|aid] [--since D] [--csv|--json] [--db F]  spending/aid ledgers
    newswatch topics test RULE-OR-TOPIC [--db F]                         dry-run a topic rule

Global options (before or after the command): ``-v`` also shows Prefect's own INFO logs (the
temporary server's banner, flow and task states), ``--debug`` shows the traceback of an error.

Exit status: 0 on success; 2 for a usage or config error or a store refused (missing, foreign,
or its directory missing: nothing is touched); 1 for any other failure (a message names the file
or feed); 130/143 when interrupted.  Only ``poll``, ``run`` and ``demo`` create a store.  Prefect
is imported only by the commands that run flows, so ``extract`` and ``dedupe`` start fast.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from flows import cli_archive  # (flows sets Prefect env defaults before prefect loads)
from flows.common import default_config_path, parse_now, resolve_config
from flows.ledger_cli import add_ledger_parser, cmd_ledger
from monitors.config import DEFAULT_STORE_PATH, Config
from monitors.errors import ConfigError, NewswatchError, StoreRefused
from monitors.wording import plural

ARTICLE_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".html.gz", ".htm.gz", ".gz")


def global_options(p: argparse.ArgumentParser, *, top: bool) -> None:
    """``-v`` and ``--debug``, accepted before the command and after it (a subcommand's default
    is SUPPRESS so that it does not overwrite a value given before the command)."""
    default = False if top else argparse.SUPPRESS
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default,
        help="also show Prefect's own INFO logs (server start, flow and task states)",
    )
    p.add_argument(
        "--debug",
        action="store_true",
        default=default,
        help="show the Python traceback of an error (an expected one is otherwise one line)",
    )


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="newswatch",
        description="Monitor news feeds for NATO defence spending and aid to Ukraine, store "
        "them in DuckDB, and write a daily digest of new figures and quotes.",
        epilog="Run `newswatch demo` for an offline tour on the bundled sample feeds.",
    )
    global_options(p, top=True)
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
        sp.add_argument(
            "--create",
            action="store_true",
            help="make the store's directory when it does not exist (without it a store is "
            "created only in an existing directory, or at the default data/newswatch.duckdb)",
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
        help="give each quote the rules' speaker strategy (a 'strategy' key), and print per "
        "quote on stderr the emitted speaker and its probability, the rules' pick and strategy, "
        "and the top candidates with their probabilities",
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
    cli_archive.add_parsers(sub, store_options)  # search, export
    add_ledger_parser(sub, store_options)
    for sp in [*sub.choices.values(), *tsub.choices.values()]:
        global_options(sp, top=False)
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
    except (ConfigError, StoreRefused) as e:
        _report(e, args)
        return 2
    except NewswatchError as e:
        _report(e, args)
        return 1
    except interrupt.Interrupted as e:
        print(f"newswatch: {e.line()}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("newswatch: interrupted", file=sys.stderr)
        return 130
    finally:
        interrupt.finishing()


def _report(e: Exception, args: argparse.Namespace) -> None:
    """An expected error: one line; with ``--debug`` its traceback first."""
    if getattr(args, "debug", False):
        traceback.print_exception(e)
    print(f"newswatch: error: {e}", file=sys.stderr)


# -- flow commands ------------------------------------------------------------------------


def _open_check(args: argparse.Namespace, path: str, *, create: bool) -> None:
    """Open the store once before Prefect starts, so that a missing, foreign, corrupt or
    locked store fails with a clear message; poll and run (``create``) may create it."""
    from monitors.store.db import Store

    make_dirs = getattr(args, "create", False) or (args.db is None and path == DEFAULT_STORE_PATH)
    is_new = create and not Path(path).exists()
    Store(path, create=create, make_dirs=make_dirs).close()
    if is_new:
        print(f"newswatch: created a new store {path}", file=sys.stderr)


def _start_prefect(args: argparse.Namespace) -> None:
    """Before a flow runs: the console shows Prefect's INFO logs only with -v (flows/logs.py)."""
    from flows.logs import configure_console

    configure_console(verbose=args.verbose, debug=args.debug)


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
    if args.command in ("digest", "run"):
        _check_mail_env(cfg)
    _open_check(args, args.db or cfg.store_path, create=args.command != "digest")
    return out


def _check_mail_env(cfg: Config) -> None:
    """NEWSWATCH_SMTP_* are config too: a bad port or address is exit 2 before Prefect starts."""
    import os

    from reports.email import settings_from_env

    try:
        settings_from_env(os.environ, cfg.digest.recipients)
    except NewswatchError as e:
        raise ConfigError(str(e)) from e


def _run_flow(args: argparse.Namespace, name: str) -> dict:
    """The common part of poll, digest and run: validate the arguments and the store, then
    import the flow (Prefect starts only now) and run it."""
    kw = _flow_args(args)
    _start_prefect(args)
    if name == "poll":
        from flows.poll import poll_feeds as run
    elif name == "digest":
        from flows.digest import daily_digest as run
    else:
        from flows.digest import run_all as run
    from flows.interrupt import start_api_server
    from flows.local_runs import local_run_settings

    start_api_server()  # before the flow, so Ctrl-C reaches this process, not the server
    with local_run_settings():
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
        f"poll: {plural(s['feeds'], 'feed')}{skipped}: {s['new']} with items, "
        f"{s['not_modified']} not modified, "
        f"{s['failed']} failed; {plural(s['articles_new'], 'new article')} "
        f"({s['kept_new']} kept), {plural(s['figures_new'], 'new figure')}, "
        f"{plural(s['quotes_new'], 'new quote')}"
    )
    for name, error in s.get("failures", ()):
        print(f"  failed: {name}: {error}")


def _print_digest(r: dict) -> None:
    print(
        f"digest {r['date']}: {plural(r['new_figures'], 'new figure')}, "
        f"{plural(r['new_quotes'], 'new quote')}"
    )
    print(f"  {r['html']}\n  {r['text']}")
    if r["failing_feeds"]:
        n = plural(len(r["failing_feeds"]), "feed")
        print(f"  {n} could not be read (listed in the digest)")


def cmd_demo(args: argparse.Namespace) -> int:
    from flows.demo.run import check_demo_store, run_demo

    check_demo_store(args.db)  # before Prefect starts: a refusal is one line, exit 2
    _start_prefect(args)
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
        named = r.name if r.name in (None, r.url) else f"{r.name} ({r.url})"
        print(f"{r.last_status or '-':<13} {r.failures:>5}  {ok:<16}  {named or r.url}")
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
        f"{run.topic}: the rule keeps {len(run.kept)} of {plural(run.total, 'stored article')} "
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
            p = "" if v.probability is None else f"  p={v.probability:.3f}"
            print(f"  {v.title[:90]}{why}{p}\n    {v.url}")
        if len(group) > args.show:
            print(f"  … and {len(group) - args.show} more (--show N)")
    if run.threshold is not None:
        kept, dropped = run.near_misses()
        print(f"\nmodel threshold {run.threshold:.3f}; near misses:")
        for tag, vs in (("kept, lowest p", kept), ("dropped, highest p", dropped)):
            for v in vs:
                print(f"  {tag}: p={v.probability:.3f}  {v.title[:80]}\n    {v.url}")
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


def _ranked_quotes(title: str, text: str) -> dict[tuple[int, int], Any]:
    """The speaker ranker's reading of each quote, by the quote's offsets."""
    from monitors.nlp.extract import full_text
    from monitors.nlp.quotes.pipeline import rank_quotes

    return {(r.quote.start, r.quote.end): r for r in rank_quotes(full_text(title, text))}


def _explain_quotes(quotes: list[dict], ranked: list[Any]) -> None:
    """Add each quote's rules strategy (``--explain``) and print, one line a quote, the speaker,
    its probability, the rules' pick and strategy, then the top candidates."""
    for q, r in zip(quotes, ranked, strict=True):
        q["strategy"] = r.strategy if r is not None else None
        words = q["text"] if len(q["text"]) <= 60 else q["text"][:57] + "..."
        p = f"{r.choice.p:.3f}" if r is not None and r.choice.p is not None else "-"
        rules = (r.rules_speaker or "-") if r is not None else "-"
        print(
            f"  {q['speaker'] or '-'} (p {p})  rules: {rules} [{q['strategy'] or 'none'}]  {words}",
            file=sys.stderr,
        )
        for name, prob in r.choice.ranked[:3] if r is not None else ():
            print(f"      {prob:.3f}  {name}", file=sys.stderr)


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
            empty = {"title": None, "topics": [], "why": {}, "figures": [], "quotes": []}
            print(json.dumps({"path": str(path), "error": str(e)} | empty), flush=True)
            continue
        ex = analyse(doc.title, doc.text, cfg.topics, always_extract=True)
        by_span = _ranked_quotes(doc.title, doc.text) if ex.quotes else {}
        ranked = [by_span.get((q.start, q.end)) for q in ex.quotes]
        quotes = [
            quote_json(q) | {"speaker_p": r.choice.p if r is not None else None}
            for q, r in zip(ex.quotes, ranked, strict=True)
        ]
        if getattr(args, "explain", False):
            _explain_quotes(quotes, ranked)
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
    "ledger": cmd_ledger,
} | cli_archive.COMMANDS

if __name__ == "__main__":
    raise SystemExit(main())
