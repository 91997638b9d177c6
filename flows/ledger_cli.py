"""``newswatch ledger [spending|aid] [--since DATE] [--csv|--json] [--db F] [--config F]``.

Wiring only: open the store read-only (a missing or foreign store is refused, exit 2, as
``feeds`` does), read the candidate figures (:mod:`monitors.store.ledgers`), build the ledgers
(:mod:`monitors.decide.ledgers`) and print them (:mod:`reports.ledgers`).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flows.common import resolve_config
from monitors.errors import ConfigError

LEDGERS = ("spending", "aid")


def add_ledger_parser(sub: Any, store_options: Callable) -> None:
    """Register the ``ledger`` command (``store_options`` adds --config and --db)."""
    sp = sub.add_parser(
        "ledger",
        help="print the spending-by-ally and aid-by-donor ledgers",
        description="Defence spending by ally (latest share of GDP and latest amount, with the "
        "previous value when it changed) and aid to Ukraine by donor (each reported amount, its "
        "kind, and a total where the sources allow one), each figure with its source article "
        "and sentence. Without a ledger name both are printed. Reads the store only.",
    )
    sp.add_argument("ledger", nargs="?", choices=LEDGERS, help="one ledger (default: both)")
    sp.add_argument(
        "--since",
        metavar="DATE",
        help="only figures reported on or after DATE (YYYY-MM-DD, in the digest time zone)",
    )
    fmt = sp.add_mutually_exclusive_group()
    fmt.add_argument("--csv", action="store_true", help="CSV (needs one ledger name)")
    fmt.add_argument("--json", action="store_true", help="JSON")
    store_options(sp)


def parse_since(value: str | None, timezone: str) -> datetime | None:
    """``--since DATE``: the start of that day in the digest time zone."""
    if value is None:
        return None
    try:
        d = date.fromisoformat(value.strip())
    except ValueError as e:
        raise ConfigError(f"--since: not a date (YYYY-MM-DD): {value!r}") from e
    return datetime.combine(d, time.min, ZoneInfo(timezone))


def cmd_ledger(args: argparse.Namespace) -> int:
    from monitors.decide.ledgers import aid_ledger, spending_ledger
    from monitors.store.db import Store
    from monitors.store.ledgers import ledger_figures
    from reports import ledgers as out

    cfg = resolve_config(args.config)
    if args.csv and not args.ledger:
        raise ConfigError("ledger --csv: name one ledger (spending or aid); CSV holds one table")
    since = parse_since(args.since, cfg.digest.timezone)
    names = [args.ledger] if args.ledger else list(LEDGERS)
    with Store(args.db or cfg.store_path, read_only=True) as store:
        rows = ledger_figures(store.con, since)
    built = {
        "spending": lambda: spending_ledger(rows),
        "aid": lambda: aid_ledger(rows),
    }
    ledgers = {n: built[n]() for n in names}
    if args.json:
        data = {n: getattr(out, f"{n}_data")(ledgers[n]) for n in names}
        print(out.to_json(data[names[0]] if len(names) == 1 else data))
    elif args.csv:
        print(getattr(out, f"{names[0]}_csv")(ledgers[names[0]]), end="")
    else:
        for i, n in enumerate(names):
            title = "Defence spending by ally" if n == "spending" else "Aid to Ukraine by donor"
            print(("\n" if i else "") + f"== {title} ==")
            print(getattr(out, f"{n}_text")(ledgers[n]))
    return 0
