"""bench/poll.py's output: a table per farm with ratios against reader, and stage timelines.

Targets (issue 18, on the 250-host farm): cold poll at most 1.5x reader's cold time, warm poll
at least 4x faster than reader's, peak RSS under 300 MB (1,000 feeds), the Prefect flow at most
10 % slower than the plain calls.  Two peaks are printed: the process's own, and its process
tree's (with the worker processes that extract pages and analyse articles): the tree is what a
machine must have free, and what the RSS target is judged on.
"""

from __future__ import annotations

WIDTH = 72  # columns of a text timeline
COLD_TARGET = 1.5  # newswatch cold / reader cold, at most
WARM_TARGET = 4.0  # reader warm / newswatch warm, at least
RSS_TARGET = 300
PREFECT_TARGET = 0.10


def print_farm(results: dict[str, dict | None], n: int, hosts: int, latency: float) -> None:
    """One farm's table: seconds, peak RSS, and each newswatch contender against reader."""
    rdr = results.get("reader")
    print()
    print(f"## {n} feeds on {hosts} loopback hosts, {latency:.0f} ms per request")
    head = f"{'contender':32} {'cold s':>8} {'warm s':>8} {'RSS MB':>7} {'tree RSS MB':>12}"
    if rdr:
        head += f" {'cold / reader':>14} {'reader / warm':>14}"
    print(head)
    for label, r in results.items():
        if r is None:
            print(f"{label:32} {'failed':>8}")
            continue
        tree = r.get("tree_rss_mb", r["rss_mb"])
        line = f"{label:32} {r['cold']:8.2f} {r['warm']:8.2f} {r['rss_mb']:7.0f} {tree:12.0f}"
        if rdr and label != "reader":
            line += f" {r['cold'] / rdr['cold']:13.2f}x {rdr['warm'] / r['warm']:13.2f}x"
        print(line)
    plain, flow = results.get("newswatch (plain)"), results.get("newswatch (Prefect)")
    if plain and flow:
        over = [flow[p] / plain[p] - 1 for p in ("cold", "warm")]
        print(
            f"Prefect overhead: cold {over[0]:+.0%}, warm {over[1]:+.0%} "
            f"(target: at most +{PREFECT_TARGET:.0%})"
        )
    if rdr:
        print(
            f"targets: cold / reader <= {COLD_TARGET}x, reader / warm >= {WARM_TARGET}x, "
            f"peak tree RSS < {RSS_TARGET} MB (RSS: the process alone; tree RSS: with its "
            "worker processes, sampled every 0.25 s)"
        )


def print_timelines(by_farm: dict[int, dict[str, dict | None]]) -> None:
    """When each stage of each newswatch cold poll ran (from its recorded spans)."""
    for hosts, results in by_farm.items():
        for label, r in results.items():
            spans = (r or {}).get("cold_timeline")
            if spans:
                print()
                print(f"cold poll timeline, {label}, {hosts} hosts:")
                print(timeline_text(spans))


def timeline_text(spans: list[list], width: int = WIDTH) -> str:
    """A row per stage, a column per 1/width of the poll: '#' where the stage was running for
    most of that slice, '+' for part of it, '.' not at all."""
    end = max(b for _, _, b in spans) or 1.0
    step = end / width
    stages: dict[str, list[float]] = {}
    for name, a, b in spans:
        busy = stages.setdefault(name, [0.0] * width)
        for col in range(int(a / step), min(width, int(b / step) + 1)):
            lo, hi = col * step, (col + 1) * step
            busy[col] += max(0.0, min(b, hi) - max(a, lo))
    name_w = max(len(s) for s in stages)
    rows = []
    for name, busy in stages.items():
        cells = "".join(
            "#" if t >= step / 2 else "+" if t > step / 50 else "."
            for t in (min(x, step) for x in busy)
        )
        total = sum(b - a for s, a, b in spans if s == name)
        rows.append(f"  {name:{name_w}} |{cells}| {total:6.1f} s busy")
    rows.append(f"  {'':{name_w}}  0 s{'':{width - 10}}{end:6.1f} s")
    return "\n".join(rows)
