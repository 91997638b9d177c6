#!/usr/bin/env python3
"""newswatch's task runner. Needs only Python 3.11+; everything else goes into ./.venv.

    python3.11 tasks.py demo        set up, then run the offline demo end to end
    python3.11 tasks.py test        set up (with Debian's chromium when root), then lint and run
                                    the test suite (what CI runs)
    python3.11 tasks.py setup       only create/refresh .venv (runtime + test dependencies)
    python3.11 tasks.py lock        rewrite requirements.lock from the current .venv
    python3.11 tasks.py train       retrain the speaker ranker (eval/train_speakers.py) and the
                                    topic scorer (eval/train_topics.py): print their grouped
                                    cross-validation, write monitors/nlp/data/speaker_model.json
                                    and monitors/nlp/data/topic_model.json
    python3.11 tasks.py eval        print the extraction/relevance/dedupe evaluation numbers and
                                    the digest audits (eval/digest_audit.py) against their floors

Setup is skipped when pyproject.toml and requirements.lock have not changed since the last one.
Extra arguments after `test` go to pytest (e.g. `tasks.py test -k store`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STAMP = VENV / ".newswatch-setup"
LOCK = ROOT / "requirements.lock"


def run(*cmd: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    code = subprocess.call([str(c) for c in cmd], cwd=ROOT, env=env)
    if code:
        raise SystemExit(code)


def setup() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036  (tasks.py may be run by an older python)
        raise SystemExit("newswatch needs Python 3.11 or newer")
    want = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + (LOCK.read_bytes() if LOCK.exists() else b"")
    ).hexdigest()
    if STAMP.exists() and STAMP.read_text() == want and PY.exists():
        return
    if not PY.exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    cons = ["-c", str(LOCK)] if LOCK.exists() else []
    run(
        PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *cons, "-e", ".[test]"
    )
    STAMP.write_text(want)


def apt_install(package: str, tests: str) -> None:
    """``apt-get install package`` when we can (root, apt-get), else a note that ``tests``
    will be skipped."""
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("apt-get"):
        print(f"note: {package} is not installed; {tests} will be skipped")
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", package]):
        print("+", " ".join(cmd), flush=True)
        if subprocess.call(cmd, env=env, stdout=subprocess.DEVNULL) != 0:
            print(f"note: could not install {package}; {tests} will be skipped")
            return


def ensure_chromium() -> None:
    """The screenshot tests use Debian's chromium."""
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        apt_install("chromium", "the screenshot tests")


def ensure_postgres() -> None:
    """The shared-store tests (issue 19) start Debian's PostgreSQL in a temporary directory."""
    import glob

    if not (shutil.which("initdb") or glob.glob("/usr/lib/postgresql/*/bin/initdb")):
        apt_install("postgresql", "the shared-store tests")


def test_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env["PREFECT_HOME"] = str(ROOT / ".prefect-test")
    return env


LINTED = (
    "flows",
    "monitors",
    "reports",
    "tests",
    "bench",
    "eval",
    "scripts",
    "scripts/screenshot_digest",
    "tasks.py",
)


def main(argv: list[str]) -> None:
    cmd = argv[0] if argv else "help"
    if cmd == "setup":
        setup()
    elif cmd == "demo":
        setup()
        run(BIN / "newswatch", "demo", *argv[1:])
    elif cmd == "test":
        setup()
        ensure_chromium()
        ensure_postgres()
        for ruff in (["check"], ["format", "--check"]):
            run(BIN / "ruff", *ruff, *LINTED)
        run(PY, "-m", "pytest", *argv[1:], env=test_env())
    elif cmd == "eval":
        setup()
        run(PY, "eval/gate.py", *argv[1:])
        for labels in ("digest_blind_labels", "digest_round1_labels", "digest_dev_labels"):
            run(
                PY,
                "eval/digest_audit.py",
                f"eval/{labels}.jsonl",
                "--floors",
                "--show",
                "3",
                env=test_env(),
            )
    elif cmd == "train":
        setup()
        run(PY, "eval/train_speakers.py", *argv[1:])
        run(PY, "eval/train_topics.py", *argv[1:])
    elif cmd == "lock":
        out = subprocess.check_output(
            [str(PY), "-m", "pip", "freeze", "--exclude-editable"], text=True
        )
        LOCK.write_text("# pinned by `python3.11 tasks.py lock`; used as pip constraints\n" + out)
        print(f"wrote {LOCK}")
    else:
        print(__doc__)
        raise SystemExit(0 if cmd in ("help", "-h", "--help") else 2)


if __name__ == "__main__":
    main(sys.argv[1:])
