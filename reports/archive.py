"""Write a rendered digest to the archive folder: ``<out>/<date>.html`` and ``.txt`` (and the
charts the page shows, ``<date>-chart-*.png``).

Writes go to a temporary file renamed into place, so a crash never leaves half a digest.  The
files get the mode a plain ``open()`` would give them (0666 less the umask: 0644 by default), not
``mkstemp``'s private 0600, so a web server publishing ``archive_url`` can read them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


def current_umask() -> int:
    """The process's umask: from /proc on Linux, else by setting it and putting it back (a
    brief change another thread could see; Python has no read-only call)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~current_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8") if isinstance(text, str) else text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def archive_paths(out_dir: str | Path, stem: str) -> tuple[Path, Path]:
    base = Path(out_dir)
    return base / f"{stem}.html", base / f"{stem}.txt"


def write_digest(
    out_dir: str | Path, stem: str, html: str, text: str, files: Mapping[str, bytes] | None = None
) -> tuple[Path, Path]:
    """Write the page and its text; ``files`` (name -> bytes: the charts the page shows) go
    beside them first, so a page never points at a missing image."""
    html_path, text_path = archive_paths(out_dir, stem)
    for name, data in (files or {}).items():
        write_atomic(html_path.parent / name, data)
    write_atomic(html_path, html)
    write_atomic(text_path, text)
    return html_path, text_path
