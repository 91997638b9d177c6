"""Checks on flow parameters that types alone cannot express.

Prefect already casts and type-checks every parameter against the flow's signature before a
run starts (a deployment also checks them against its schema when the run is created); the
checks here cover what a type cannot say, and fail with a message that names the parameter.
"""

from __future__ import annotations

from datetime import date, timedelta

MAX_BACKFILL_DAYS = 366


def check_date_range(
    start: date, end: date, today: date | None = None, max_days: int = MAX_BACKFILL_DAYS
) -> list[date]:
    """The dates from ``start`` to ``end`` inclusive; ValueError when the range is reversed,
    longer than ``max_days`` days, or ends after ``today``."""
    if start > end:
        raise ValueError(
            f"start ({start.isoformat()}) is after end ({end.isoformat()}): give start <= end"
        )
    days = (end - start).days + 1
    if days > max_days:
        raise ValueError(
            f"start..end covers {days} days ({start.isoformat()} to "
            f"{end.isoformat()}); at most {max_days} days per run"
        )
    if today is not None and end > today:
        raise ValueError(
            f"end ({end.isoformat()}) is in the future (today is "
            f"{today.isoformat()} in the digest's time zone)"
        )
    return [start + timedelta(days=i) for i in range(days)]
