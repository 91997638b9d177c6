"""The store's schema as named migrations, applied in order by :meth:`Store.migrate`, each in
its own transaction.  A migration is SQL, or a function of the connection when it needs Python
(re-keying facts through the actor table).  Never edit an applied migration: add one.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from monitors.decide.keys import fact_key
from monitors.store.search import build_index


def _rekey_figures(con: duckdb.DuckDBPyConnection) -> None:
    """Fact keys now fold a subject through the actor table ('Washington' and 'the United
    States' are one subject).  Recompute every stored key, and give each digest that reported
    an old key the new one too, so a fact reported before the upgrade stays reported."""
    rows = con.execute(
        "SELECT DISTINCT fact_key, unit, value, low, high, of, subject FROM figures"
    ).fetchall()
    mapping = {}
    for old, unit, value, low, high, of, subject in rows:
        new = fact_key(unit or "", value, low, high, of, subject)
        if new != old:
            mapping.setdefault(old, set()).add(new)
    if not mapping:
        return
    con.execute("CREATE TEMP TABLE rekey (old VARCHAR, new VARCHAR)")
    con.executemany(
        "INSERT INTO rekey VALUES (?, ?)", [[o, n] for o, ns in mapping.items() for n in ns]
    )
    con.execute("""INSERT OR IGNORE INTO digest_facts
                   SELECT DISTINCT f.digest, f.kind, r.new FROM digest_facts f
                   JOIN rekey r ON r.old = f.key WHERE f.kind = 'figure'""")
    rows = con.execute(
        "SELECT fact_key, unit, value, low, high, of, subject, article, idx FROM figures"
    ).fetchall()
    con.executemany(
        "UPDATE figures SET fact_key = ? WHERE article = ? AND idx = ?",
        [
            [fact_key(u or "", v, lo, hi, of, subj), a, i]
            for k, u, v, lo, hi, of, subj, a, i in rows
            if fact_key(u or "", v, lo, hi, of, subj) != k
        ],
    )
    con.execute("DROP TABLE rekey")


MIGRATIONS: list[tuple[str, str | Callable[[duckdb.DuckDBPyConnection], None]]] = [
    (
        "0001_initial",
        """
        CREATE TABLE feeds (
            url VARCHAR PRIMARY KEY,
            name VARCHAR,
            title VARCHAR,
            etag VARCHAR,
            last_modified VARCHAR,
            last_polled_at TIMESTAMPTZ,
            last_ok_at TIMESTAMPTZ,
            failures INTEGER NOT NULL DEFAULT 0,
            next_poll_at TIMESTAMPTZ,
            last_error VARCHAR,
            last_status VARCHAR,
            items INTEGER
        );
        CREATE TABLE articles (
            id VARCHAR PRIMARY KEY,
            url VARCHAR NOT NULL,
            guid VARCHAR,
            feed VARCHAR,
            title VARCHAR,
            published_at TIMESTAMPTZ,
            fetched_at TIMESTAMPTZ NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL,
            text VARCHAR,
            content_hash VARCHAR NOT NULL,
            cluster_id VARCHAR,
            kept BOOLEAN NOT NULL DEFAULT FALSE
        );
        CREATE TABLE article_topics (
            article VARCHAR NOT NULL,
            topic VARCHAR NOT NULL,
            score DOUBLE,
            rule VARCHAR,
            terms VARCHAR,
            evidence VARCHAR,
            PRIMARY KEY (article, topic)
        );
        CREATE TABLE figures (
            article VARCHAR NOT NULL,
            idx INTEGER NOT NULL,
            text VARCHAR NOT NULL,
            value DOUBLE,
            low DOUBLE,
            high DOUBLE,
            unit VARCHAR,
            of DOUBLE,
            qualifier VARCHAR,
            approx BOOLEAN,
            subject VARCHAR,
            sentence VARCHAR,
            fact_key VARCHAR NOT NULL,
            first_seen_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (article, idx)
        );
        CREATE TABLE quotes (
            article VARCHAR NOT NULL,
            idx INTEGER NOT NULL,
            text VARCHAR NOT NULL,
            speaker VARCHAR,
            role VARCHAR,
            sentence VARCHAR,
            quote_key VARCHAR NOT NULL,
            first_seen_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (article, idx)
        );
        CREATE TABLE digests (
            id VARCHAR PRIMARY KEY,
            digest_date VARCHAR NOT NULL,
            window_start TIMESTAMPTZ NOT NULL,
            window_end TIMESTAMPTZ NOT NULL,
            status VARCHAR NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            sent_at TIMESTAMPTZ,
            recipients VARCHAR,
            html VARCHAR,
            text VARCHAR,
            message_id VARCHAR,
            html_path VARCHAR,
            text_path VARCHAR
        );
        CREATE TABLE digest_facts (
            digest VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            key VARCHAR NOT NULL,
            PRIMARY KEY (digest, kind, key)
        );
        CREATE TABLE runs (
            id VARCHAR PRIMARY KEY,
            flow VARCHAR NOT NULL,
            started_at TIMESTAMPTZ NOT NULL,
            finished_at TIMESTAMPTZ,
            status VARCHAR,
            counts VARCHAR
        );
    """,
    ),
    (
        "0002_indexes",
        """
        CREATE INDEX figures_fact ON figures (fact_key);
        CREATE INDEX quotes_key ON quotes (quote_key);
        CREATE INDEX articles_fetched ON articles (fetched_at);
    """,
    ),
    (
        "0003_article_source_hash",
        """
        ALTER TABLE articles ADD COLUMN source_hash VARCHAR;
        UPDATE articles SET source_hash = content_hash;
    """,
    ),
    (
        "0004_digest_delivery",
        """
        ALTER TABLE digests ADD COLUMN eml VARCHAR;
        ALTER TABLE digests ADD COLUMN attempts INTEGER DEFAULT 0;
        ALTER TABLE digests ADD COLUMN last_error VARCHAR;
    """,
    ),
    (
        "0005_figure_changes",
        """
        CREATE TABLE figure_changes (
            article VARCHAR NOT NULL,
            changed_at TIMESTAMPTZ NOT NULL,
            old_text VARCHAR NOT NULL,
            new_text VARCHAR NOT NULL,
            unit VARCHAR,
            subject VARCHAR
        );
    """,
    ),
    (
        "0006_figure_span_and_question",
        """
        ALTER TABLE figures ADD COLUMN span_start INTEGER;
        ALTER TABLE figures ADD COLUMN question BOOLEAN DEFAULT FALSE;
    """,
    ),
    ("0007_canonical_fact_keys", _rekey_figures),
    (
        "0008_quote_speaker_probability",
        """
        ALTER TABLE quotes ADD COLUMN IF NOT EXISTS speaker_p DOUBLE;
        ALTER TABLE quotes ADD COLUMN IF NOT EXISTS best_speaker VARCHAR;
    """,
    ),
    ("0009_search_index", build_index),  # the BM25 index of monitors/store/search.py
    (
        # the alerts raised (monitors/store/alerts.py): one row per (rule, fact), so the same
        # fact never alerts twice for a rule
        "0010_alerts",
        """
        CREATE TABLE IF NOT EXISTS alerts (
            rule VARCHAR NOT NULL,
            fact VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            event_id VARCHAR NOT NULL,
            article VARCHAR,
            raised_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (rule, fact)
        );
    """,
    ),
]
