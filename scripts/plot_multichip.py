#!/usr/bin/python3
"""Plot bench_multichip's CSV: scaling, time split and link sensitivity.

Usage: plot_multichip.py bench_multichip.csv -o multichip.png

One row of panels per model. Left: time per token against N chips (the
`scale` grid), stacked as collective (link latency, the rest of the
collective), compute and flash, with tokens/s over each bar. Middle:
tokens/s against link latency (the `latency` grid, N = 8 and 16; log x).
Right: tokens/s against link bandwidth (the `bw` grid; log x).
"""

import argparse
import csv

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def num(r, k):
    return float(r[k]) if r.get(k) not in (None, "") else 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("csv")
    ap.add_argument("-o", "--output", default="multichip.png")
    args = ap.parse_args()
    with open(args.csv, newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if not r.get("error")]
    models = list(dict.fromkeys(r["model"] for r in rows))
    fig, axes = plt.subplots(len(models), 3, figsize=(15, 3.8 * len(models)), squeeze=False)
    for i, m in enumerate(models):
        ax_s, ax_l, ax_b = axes[i]
        sc = [r for r in rows if r["model"] == m and r["grid"] == "scale"]
        xs = [str(r["chips"]) for r in sc]
        parts = [("link latency", [num(r, "latency_us") / 1e3 for r in sc], "tab:red"),
                 ("collective, rest", [(num(r, "collective_us") - num(r, "latency_us")) / 1e3 for r in sc],
                  "tab:pink"),
                 ("compute (VU + firmware)", [num(r, "compute_us") / 1e3 for r in sc], "tab:green"),
                 ("flash (GEMV wait)", [num(r, "flash_us") / 1e3 for r in sc], "tab:blue")]
        bottom = [0.0] * len(sc)
        for label, vals, color in parts:
            ax_s.bar(xs, vals, bottom=bottom, label=label, color=color)
            bottom = [b + v for b, v in zip(bottom, vals)]
        for x, b, r in zip(xs, bottom, sc):
            ax_s.annotate(f"{num(r, 'tokens_per_s'):.0f} tok/s", (x, b), ha="center", va="bottom", fontsize=8)
        ax_s.set_title(f"{m}: time per token vs chips (ring, 500 ns, 100 GB/s)")
        ax_s.set_xlabel("chips N (tensor parallel)")
        ax_s.set_ylabel("ms per token")
        ax_s.legend(fontsize=8)
        for ax, grid, key, xlabel in [(ax_l, "latency", "latency_ns", "link latency (ns), 100 GB/s"),
                                      (ax_b, "bw", "bw_gbps", "link bandwidth (GB/s), 500 ns")]:
            for n, style in (("8", "o-"), ("16", "s-")):
                pts = sorted(((num(r, key), num(r, "tokens_per_s")) for r in rows
                              if r["model"] == m and r["grid"] == grid and r["chips"] == n), key=lambda p: p[0])
                base = [r for r in sc if r["chips"] == n]
                if base:  # the preset point belongs to both sweeps
                    pts = sorted(pts + [(num(base[0], key), num(base[0], "tokens_per_s"))])
                if pts:
                    ax.plot([p[0] for p in pts], [p[1] for p in pts], style, label=f"N = {n}")
            one = [r for r in sc if r["chips"] == "1"]
            if one:
                ax.axhline(num(one[0], "tokens_per_s"), color="gray", ls="--", label="1 chip")
            ax.set_xscale("log")
            ax.set_xlabel(xlabel)
            ax.set_ylabel("tokens/s")
            ax.set_ylim(bottom=0)
            ax.set_title(f"{m}: tokens/s vs {grid}")
            ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(args.output, dpi=110)
    print("wrote", args.output)


if __name__ == "__main__":
    main()
