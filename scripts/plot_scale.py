#!/usr/bin/python3
"""Plot bench_scale's CSV: context and batch on a timing-only Llama-2-70B.

Usage: plot_scale.py bench_scale.csv -o scale.png

Left: time per decode step and the busy time of the flash bus, vector unit
and MVE against the context (batch 1). Right: aggregate tokens/s and
tokens/s per GiB of KV cache against the batch (context 4k); points that do
not fit the KV capacity are marked on the axis.
"""

import argparse
import csv

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("csv")
    ap.add_argument("-o", "--output", default="scale.png")
    args = ap.parse_args()
    with open(args.csv, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ctx = [r for r in rows if r["batch"] == "1" and r["context"] != "4096"]
    bat = [r for r in rows if r["context"] == "4096"]

    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 4.5))
    fit = [r for r in ctx if r["fits"] == "1"]
    x = [int(r["context"]) for r in fit]
    for key, label in [("step_us", "time per step"), ("vu_us", "vector unit busy"),
                       ("flash_bus_us", "flash bus busy (per channel)"), ("mve_us", "MVE busy")]:
        a.plot(x, [float(r[key]) / 1e3 for r in fit], marker="o", label=label)
    for r in ctx:
        if r["fits"] != "1":
            a.axvline(int(r["context"]), color="red", linestyle=":")
            a.text(int(r["context"]), 0.5, "KV cache does not fit ", rotation=90, color="red", ha="right",
                   va="center", fontsize=8, transform=a.get_xaxis_transform())
    a.set_xscale("log", base=2)
    a.set_yscale("log")
    a.set_xlabel("context (positions in the KV cache), batch 1")
    a.set_ylabel("ms per decode step")
    a.set_title("Llama-2-70B on hbf_gen1: context")
    a.grid(True, which="both", alpha=0.3)
    a.legend(fontsize=8)

    fit = [r for r in bat if r["fits"] == "1"]
    x = [int(r["batch"]) for r in fit]
    b.plot(x, [float(r["aggregate_tokens_per_s"]) for r in fit], marker="o", label="aggregate tokens/s")
    b.plot(x, [float(r["tokens_per_s_per_kv_gib"]) for r in fit], marker="s",
           label="aggregate tokens/s per GiB of KV")
    for r in bat:
        if r["fits"] != "1":
            b.axvline(int(r["batch"]), color="red", linestyle=":")
            b.text(int(r["batch"]), 0.5, "KV cache does not fit ", rotation=90, color="red", ha="right",
                   va="center", fontsize=8, transform=b.get_xaxis_transform())
    if fit:
        cap = float(fit[0]["max_batch"])
        b.axvline(cap, color="gray", linestyle="--")
        b.text(cap, 0.05, " largest batch that fits (%d)" % cap, rotation=90, color="gray", fontsize=8,
               transform=b.get_xaxis_transform())
    b.set_xscale("log", base=2)
    b.set_yscale("log")
    b.set_xlabel("batch (sequences), context 4k")
    b.set_title("Llama-2-70B on hbf_gen1: batch")
    b.grid(True, which="both", alpha=0.3)
    b.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(args.output, dpi=110)
    print("plot_scale: wrote %s" % args.output)


if __name__ == "__main__":
    main()
