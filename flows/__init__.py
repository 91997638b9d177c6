"""Prefect flows and the command line. The only package that imports prefect.

Importing this package sets safe defaults for Prefect before prefect itself is imported:
telemetry off (no machine here reaches the internet) and records from newswatch's own
``monitors`` and ``reports`` loggers forwarded into Prefect run logs.
"""

import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "monitors,reports")
os.environ.setdefault("PREFECT_CLI_PROMPT", "false")
# The ephemeral API server migrates its SQLite database on first start: on a fresh, busy
# 2-core machine that takes longer than Prefect's default 20 s startup timeout.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
# Records from monitors/reports outside a flow run (e.g. the CLI's own store checks) stay local.
os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
