"""Resident memory of benchmark children: a process's own peak, and its process tree's.

``ru_maxrss`` does not do for a child started by the benchmark runner: Linux carries the
parent's peak over the exec, and the runner holds the farm.  A process's own peak is its
``VmHWM``; a tree's (the process with its worker processes) is sampled by a separate process,
this module run as a script: ``python bench/memory.py PID EVERY`` samples until its standard
input closes, then prints the peak in MB.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path


def peak_rss_mb() -> float:
    """This process's own peak resident memory in MB: ``VmHWM``, which a new program starts
    afresh (``ru_maxrss`` carries over the parent's peak from before the exec: here the farm's)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def tree_rss_mb(pid: int) -> float:
    """Resident memory in MB of process ``pid`` and all its descendants now (Linux ``/proc``:
    its threads' ``children`` files, so a sample reads a handful of files, not all of
    ``/proc``)."""
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            status = Path(f"/proc/{p}/status").read_text()
            # a thread's children are listed under that thread
            kids = [k for t in Path(f"/proc/{p}/task").iterdir() for k in children_of(t)]
        except OSError:
            continue
        total += next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0
        )
        todo.extend(int(k) for k in kids)
    return total / 1024


def children_of(task: Path) -> list[str]:
    try:
        return (task / "children").read_text().split()
    except OSError:
        return []


class TreeSampler:
    """The peak of :func:`tree_rss_mb` of a running child, sampled every ``every`` seconds by
    a process of its own (this module run as a script): a sampling thread in the runner,
    which serves the farm, would hold up the farm's event loop."""

    def __init__(self, pid: int, every: float = 0.25) -> None:
        cmd = [sys.executable, __file__, str(pid), str(every)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def stop(self) -> float:
        out, _ = self.proc.communicate("")  # closing its stdin stops it
        try:
            return float(out.strip() or 0)
        except ValueError:
            return 0.0


def sample_tree(pid: int, every: float) -> float:
    """Sample until standard input closes, then the peak."""
    import select

    peak = 0.0
    while not select.select([sys.stdin], [], [], every)[0]:
        peak = max(peak, tree_rss_mb(pid))
    return max(peak, tree_rss_mb(pid))


if __name__ == "__main__":
    print(sample_tree(int(sys.argv[1]), float(sys.argv[2])))
