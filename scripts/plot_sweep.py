#!/usr/bin/python3
"""Plot a pnmsim sweep: every metric against every swept axis.

Usage: python3 scripts/plot_sweep.py RESULTS.csv [-o OUT.png] [--metrics tokens_per_s,energy_per_token_j]

results.csv comes from `pnmsim sweep` (columns: point, <axes...>, status,
<metrics...>, error). One panel per (metric, axis); the points of each panel
are grouped into lines by the values of the other axes. Failed points are
left out and counted in the title. Needs Debian's python3-matplotlib.
"""

import argparse
import csv
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("csv")
    ap.add_argument("-o", "--out", default=None, help="output PNG (default: next to the CSV)")
    ap.add_argument("--metrics", default=None, help="comma-separated metric columns (default: all)")
    args = ap.parse_args(argv)

    with open(args.csv, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if not rows:
        print("plot_sweep: %s has no points" % args.csv, file=sys.stderr)
        return 2
    cols = list(rows[0].keys())
    if "status" not in cols:
        print("plot_sweep: %s: no 'status' column; is this a pnmsim sweep CSV?" % args.csv, file=sys.stderr)
        return 2
    s = cols.index("status")
    axes = cols[1:s]
    metrics = cols[s + 1:-1] if cols[-1] == "error" else cols[s + 1:]
    if args.metrics:
        wanted = args.metrics.split(",")
        unknown = [m for m in wanted if m not in metrics]
        if unknown:
            print("plot_sweep: unknown metric(s) %s; the CSV has %s" % (unknown, metrics), file=sys.stderr)
            return 2
        metrics = wanted
    ok = [r for r in rows if r["status"] == "ok"]
    failed = len(rows) - len(ok)
    swept = [a for a in axes if len({r[a] for r in rows}) > 1] or axes

    fig, grid = plt.subplots(len(metrics), len(swept), figsize=(4.2 * len(swept), 3.4 * len(metrics)),
                             squeeze=False)
    for mi, metric in enumerate(metrics):
        for ai, axis in enumerate(swept):
            ax = grid[mi][ai]
            others = [a for a in swept if a != axis]
            lines = defaultdict(list)
            for r in ok:
                x, y = number(r[axis]), number(r[metric])
                if x is None or y is None:
                    continue
                label = ", ".join("%s=%s" % (o.split(".")[-1], r[o]) for o in others) or metric
                lines[label].append((x, y))
            for label in sorted(lines):
                pts = sorted(lines[label])
                ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=label)
            ax.set_xlabel(axis.split(".")[-1])
            ax.set_ylabel(metric)
            ax.grid(True, alpha=0.3)
            if len(lines) > 1:
                ax.legend(fontsize="x-small")
    title = "pnmsim sweep: %d points" % len(rows)
    if failed:
        title += " (%d failed, not shown)" % failed
    fig.suptitle(title)
    fig.tight_layout()
    out = args.out or args.csv.rsplit(".", 1)[0] + ".png"
    fig.savefig(out, dpi=110)
    print("plot_sweep: wrote %s" % out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
