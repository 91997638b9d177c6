"""The DuckDB file behind a store: refused when it is not one newswatch may open or create
(a foreign or corrupt file, a directory, a missing file that may not be created here), so that
nothing is ever created by mistake or overwritten."""

from __future__ import annotations

from pathlib import Path

from monitors.errors import StoreRefused

DUCKDB_MAGIC = b"DUCK"


def foreign_store(path: str, tables: set[str]) -> StoreRefused:
    listed = ", ".join(sorted(tables)[:5]) or "none"
    return StoreRefused(
        f"{path}: a DuckDB file that newswatch did not create (tables: {listed}); "
        f"refusing to touch it"
    )


def check_file(path: Path, *, read_only: bool, create: bool, make_dirs: bool) -> None:
    """Refuse a missing file that may not be created here, and a file that exists but is not
    a DuckDB database, so that nothing is ever created by mistake or overwritten."""
    if not path.exists():
        if read_only or not create:
            raise StoreRefused(f"{path}: no such store; run `newswatch poll` first")
        if not path.parent.is_dir():
            if not make_dirs:
                raise StoreRefused(
                    f"{path}: no such directory {str(path.parent)!r}; create it, or pass "
                    f"--create to make it"
                )
            path.parent.mkdir(parents=True, exist_ok=True)
        return
    if path.is_dir():
        raise StoreRefused(f"{path}: is a directory, not a DuckDB file")
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
    except OSError as e:
        raise StoreRefused(f"{path}: cannot read: {e.strerror or e}") from e
    if len(header) == 0:
        raise StoreRefused(f"{path}: empty file, not a DuckDB database; refusing to overwrite it")
    if header[8:12] != DUCKDB_MAGIC:
        raise StoreRefused(
            f"{path}: not a DuckDB database (foreign or corrupt file); refusing to overwrite it"
        )
