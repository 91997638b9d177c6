"""newswatch's exception tree.

    NewswatchError              root: every error newswatch raises on purpose
    ├── ConfigError             monitors.toml is missing, malformed or invalid (names file + field)
    ├── StoreError              the DuckDB file cannot be opened or is locked
    │   └── StoreRefused        the file is missing (and may not be created), foreign or not
    │                           DuckDB: nothing was touched (the CLI exits 2, like ConfigError)
    ├── ArticleLoadError        an article file cannot be read or decoded (names the file)
    └── FeedError               one feed failed; carried as a value in a FeedOutcome, not raised
                                out of a run (names the feed and the reason)

Third-party errors are wrapped where they enter, with ``raise ... from e``; bugs are not wrapped.
"""

from __future__ import annotations


class NewswatchError(Exception):
    """Root of every error newswatch raises on purpose."""


class ConfigError(NewswatchError):
    """The config file is missing, malformed or invalid. The message names the file and field."""


class StoreError(NewswatchError):
    """The store cannot be opened or written (foreign file, corrupt file, lock held)."""


class StoreRefused(StoreError):
    """The store file is missing and may not be created here, or is not a newswatch store
    (foreign, empty, not DuckDB, a directory). Nothing was touched."""


class ArticleLoadError(NewswatchError):
    """An article file cannot be read or decoded."""


class FeedError(NewswatchError):
    """A feed could not be fetched or parsed."""
