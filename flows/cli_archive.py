"""``newswatch search`` and ``newswatch export``: the archive read back (the store opened
read-only; a missing, foreign or outdated store is refused, exit 2, as by ``feeds``).

    newswatch search QUERY [--speaker NAME] [--topic T] [--since DATE] [--kind K] [--limit N]
                     [--json] [--config F] [--db F]
    newswatch export DIR [--parquet|--csv] [--since DATE] [--force] [--config F] [--db F]

``export`` also writes the ledgers (:mod:`monitors.decide.ledgers`, flattened by
:mod:`reports.ledger_tables`) built from the figures of the same window.

The parsers are added to the main parser by :func:`add_parsers`; the commands are in
:data:`COMMANDS`.  Ranking is in :mod:`monitors.store.search`, the printed blocks in
:mod:`reports.search`, the COPY in :mod:`monitors.store.export`.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from flows.common import resolve_config
from monitors.errors import ConfigError

KINDS = ("article", "quote", "figure")


def parse_since(value: str, timezone: str = "UTC") -> datetime:
    """``--since``: a date (the start of that day in ``timezone``) or an ISO 8601 timestamp."""
    text = value.strip()
    try:
        if len(text) == 10:
            d = date.fromisoformat(text)
            return datetime.combine(d, time(0, 0), ZoneInfo(timezone)).astimezone(UTC)
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as e:
        raise ConfigError(f"--since: not an ISO 8601 date or timestamp: {value!r}") from e
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _limit(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {value!r}")
    return n


def add_parsers(
    sub: argparse._SubParsersAction, store_options: Callable[[argparse.ArgumentParser], None]
) -> None:
    """Add ``search`` and ``export`` to the main parser's subcommands."""
    since_help = "only articles published (else first seen) since DATE (YYYY-MM-DD) or an ISO time"
    sp = sub.add_parser(
        "search",
        help="search the archive (BM25 ranking) for articles, quotes and figures",
        description="Rank the kept articles, their quotes and their figures against QUERY "
        "(BM25 over the store's word index; any word may match, rarer words count more) and "
        "print for each hit its source, date, kind, speaker and the matching sentence with the "
        "query's words marked **like this**. Reads the store only.",
    )
    sp.add_argument("query", metavar="QUERY", help="words to look for, e.g. 'Hegseth Europe'")
    sp.add_argument("--speaker", metavar="NAME", help="only quotes whose speaker contains NAME")
    sp.add_argument("--topic", metavar="T", help="only articles kept for topic T (and theirs)")
    sp.add_argument("--since", metavar="DATE", help=since_help)
    sp.add_argument("--kind", choices=KINDS, help="only this kind of hit")
    sp.add_argument("--limit", type=_limit, default=10, metavar="N", help="at most N hits (10)")
    sp.add_argument("--json", action="store_true", help="print one JSON object instead")
    store_options(sp)
    sp = sub.add_parser(
        "export",
        help="write articles, topics, figures, quotes and the ledgers as Parquet or CSV files",
        description="Write the archive's tables (articles, article_topics, figures, quotes) "
        "and the two ledgers (spending: a row per ally's latest share of GDP or amount; aid: a "
        "row per donor's reported amount) into DIR with DuckDB COPY, and schema.md / "
        "schema.json describing every column; one line per file written. Reads the store only.",
    )
    sp.add_argument("dir", metavar="DIR", help="a new or empty directory")
    fmt = sp.add_mutually_exclusive_group()
    fmt.add_argument(
        "--parquet",
        dest="fmt",
        action="store_const",
        const="parquet",
        help="write Parquet files (the default)",
    )
    fmt.add_argument(
        "--csv",
        dest="fmt",
        action="store_const",
        const="csv",
        help="write CSV files with a header row",
    )
    sp.add_argument("--since", metavar="DATE", help=since_help)
    sp.add_argument("--force", action="store_true", help="write into DIR even if not empty")
    store_options(sp)


def cmd_search(args: argparse.Namespace) -> int:
    from monitors.store import search
    from monitors.store.db import Store
    from reports.search import result_json, result_text

    cfg = resolve_config(args.config)
    since = parse_since(args.since, cfg.digest.timezone) if args.since else None
    topics = {t.name for t in cfg.topics}
    if args.topic and args.topic not in topics:
        raise ConfigError(f"--topic: no topic {args.topic!r} in {cfg.source} ({', '.join(topics)})")
    kind = "quote" if args.speaker and not args.kind else args.kind
    if args.speaker and kind != "quote":
        raise ConfigError("--speaker: only quotes have a speaker; drop --kind or use --kind quote")
    flt = search.SearchFilter(kind=kind, speaker=args.speaker, topic=args.topic, since=since)
    with Store(args.db or cfg.store_path, read_only=True) as store:
        terms = search.query_terms(store.con, args.query)
        hits = search.search(store.con, terms, flt, args.limit)
    if args.json:
        print(json.dumps(result_json(args.query, terms, hits), ensure_ascii=False, indent=1))
    else:
        print(result_text(terms, hits))
    return 0


def _check_out_dir(path: Path, force: bool) -> None:
    if path.exists() and not path.is_dir():
        raise ConfigError(f"export: {path} exists and is not a directory")
    if path.is_dir() and any(path.iterdir()) and not force:
        raise ConfigError(f"export: {path} is not empty; choose a new directory or pass --force")
    if not path.parent.is_dir():
        raise ConfigError(f"export: no such directory {str(path.parent)!r}")


def cmd_export(args: argparse.Namespace) -> int:
    from monitors.decide.ledgers import aid_ledger, spending_ledger
    from monitors.store.db import Store
    from monitors.store.export import export_rows, export_tables
    from monitors.store.ledgers import ledger_figures
    from reports.exportdoc import schema_json, schema_md
    from reports.ledger_tables import LEDGER_TABLES, aid_table, spending_table

    cfg = resolve_config(args.config)
    since = parse_since(args.since, cfg.digest.timezone) if args.since else None
    fmt = args.fmt or "parquet"
    out = Path(args.dir)
    _check_out_dir(out, args.force)
    with Store(args.db or cfg.store_path, read_only=True) as store:
        out.mkdir(exist_ok=True)
        written = export_tables(store.con, out, fmt, since)
        figures = ledger_figures(store.con, since)
        ledgers = {
            "spending": spending_table(spending_ledger(figures)),
            "aid": aid_table(aid_ledger(figures)),
        }
        for name, (row_is, columns) in LEDGER_TABLES.items():
            written.append(export_rows(store.con, out, fmt, name, row_is, columns, ledgers[name]))
    (out / "schema.md").write_text(schema_md(written, fmt, since), encoding="utf-8")
    (out / "schema.json").write_text(schema_json(written, fmt, since), encoding="utf-8")
    for w in written:
        print(f"{w.path}: {w.rows} rows")
    print(f"{out / 'schema.md'}\n{out / 'schema.json'}")
    return 0


COMMANDS = {"search": cmd_search, "export": cmd_export}
