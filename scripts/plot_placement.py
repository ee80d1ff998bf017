#!/usr/bin/python3
"""Plot bench_placement's CSV: tokens/s and energy per token by placement.

Usage: plot_placement.py bench_placement.csv -o placement.png

One row of panels per model (Llama-2-7B, 13B, 70B); left: tokens/s (log
scale) per flash device, one bar per placement, labelled with the binding
resource; right: energy per token. Dashed marks: Cambricon-LLM's published
tokens/s (abstract: 7B 36.34, 70B 3.44; its L-sized configuration) for
comparison.
"""

import argparse
import csv

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PLACEMENTS = ["in_die", "controller", "logic_die"]
COLORS = {"in_die": "tab:green", "controller": "tab:blue", "logic_die": "tab:orange"}
PUBLISHED = {"llama2-7b": 36.34, "llama2-70b": 3.44}  # Cambricon-LLM, MICRO 2024, abstract


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("csv")
    ap.add_argument("-o", "--output", default="placement.png")
    args = ap.parse_args()
    with open(args.csv, newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if not r.get("error")]
    models = list(dict.fromkeys(r["model"] for r in rows))
    configs = list(dict.fromkeys(r["config"] for r in rows))
    fig, axes = plt.subplots(len(models), 2, figsize=(12, 3.4 * len(models)), squeeze=False)
    w = 0.8 / len(PLACEMENTS)
    for i, m in enumerate(models):
        ax_t, ax_e = axes[i]
        for k, pl in enumerate(PLACEMENTS):
            xs, ts, es, labels = [], [], [], []
            for j, c in enumerate(configs):
                r = next((r for r in rows if r["model"] == m and r["config"] == c and r["placement"] == pl), None)
                if r is None:
                    continue
                xs.append(j + (k - 1) * w)
                ts.append(float(r["tokens_per_s"]))
                es.append(float(r["energy_per_token_j"]))
                labels.append(r["binds"])
            ax_t.bar(xs, ts, w, color=COLORS[pl], label=pl)
            ax_e.bar(xs, es, w, color=COLORS[pl], label=pl)
            for x, t, lab in zip(xs, ts, labels):
                ax_t.text(x, t * 1.08, lab, ha="center", va="bottom", fontsize=7, rotation=90)
        if m in PUBLISHED:
            ax_t.axhline(PUBLISHED[m], color="k", ls="--", lw=0.8)
            ax_t.text(len(configs) - 0.5, PUBLISHED[m] * 1.05, "Cambricon-LLM (published)", ha="right", fontsize=7)
        for ax in (ax_t, ax_e):
            ax.set_xticks(range(len(configs)))
            ax.set_xticklabels(configs)
            ax.grid(axis="y", alpha=0.3)
        ax_t.set_yscale("log")
        ax_t.set_ylabel("tokens/s")
        ax_t.set_ylim(top=max(float(r["tokens_per_s"]) for r in rows if r["model"] == m) * 4)
        ax_e.set_ylabel("J / token")
        ax_t.set_title(f"{m}: tokens/s (label: binding resource)", fontsize=9)
        ax_e.set_title(f"{m}: energy per token", fontsize=9)
        if i == 0:
            ax_e.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(args.output, dpi=110)


if __name__ == "__main__":
    main()
