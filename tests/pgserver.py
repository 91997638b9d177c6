"""A throwaway PostgreSQL server in a temporary directory, for the shared-store tests and
``bench/scale.py`` (issue 19): Debian's ``postgresql`` binaries (``initdb``, ``pg_ctl``),
installed by ``tasks.py test`` when missing, run as the ``postgres`` user when we are root
(PostgreSQL refuses to run as root), listening on 127.0.0.1 only, trust authentication, a
UTF-8 cluster with a Unicode ctype (the search tokeniser's ``[[:alnum:]]``).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

USER = "newswatch"


def binaries() -> Path | None:
    """The directory holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(os.path.realpath(found)).parent
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(d, "initdb").exists() and Path(d, "pg_ctl").exists():
            return Path(d)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    root: Path
    port: int
    bindir: Path

    def url(self, db: str = "newswatch") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{db}"

    def _run(self, *cmd: str) -> subprocess.CompletedProcess:
        argv = list(cmd)
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        return subprocess.run(argv, capture_output=True, text=True, timeout=120)

    def create_db(self, name: str) -> str:
        """A new empty database; its URL."""
        out = self._run(
            str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
            "-U", USER, name,
        )  # fmt: skip
        if out.returncode:
            raise RuntimeError(f"createdb {name}: {out.stderr.strip()}")
        return self.url(name)

    def stop(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "fast",
                  "-w", "stop")  # fmt: skip
        shutil.rmtree(self.root, ignore_errors=True)


def start(base: str | None = None) -> PgServer:
    """initdb + pg_ctl start in a new temporary directory; raises RuntimeError saying why."""
    bindir = binaries()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="newswatch-pg-", dir=base))
    root.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    server = PgServer(root, _free_port(), bindir)
    out = server._run(
        str(bindir / "initdb"), "-D", str(root / "data"), "-U", USER, "-E", "UTF8",
        "--locale=C.UTF-8", "--auth=trust", "--no-sync",
    )  # fmt: skip
    if out.returncode:
        raise RuntimeError(f"initdb failed: {out.stderr.strip()[-500:]}")
    opts = (
        f"-p {server.port} -c listen_addresses=127.0.0.1 -k {root} -c fsync=off "
        "-c max_connections=60"
    )
    out = server._run(
        str(bindir / "pg_ctl"), "-D", str(root / "data"), "-l", str(root / "log"),
        "-o", opts, "-w", "-t", "60", "start",
    )  # fmt: skip
    if out.returncode:
        log = (root / "log").read_text(errors="replace")[-800:] if (root / "log").exists() else ""
        raise RuntimeError(f"pg_ctl start failed: {out.stderr.strip()} {log}")
    deadline = time.monotonic() + 30
    while True:
        try:
            server.create_db("newswatch")
            return server
        except RuntimeError:
            if time.monotonic() > deadline:
                server.stop()
                raise
            time.sleep(0.3)
