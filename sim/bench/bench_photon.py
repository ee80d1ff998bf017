#!/usr/bin/python3
"""bench_photon: PHOTON against a flat transformer of the same size (issue 11).

A benchmark, not a test: it prints figures. Each point is one `pnmsim run`
(its own process) of a timing-only shape on sim/configs/hbf_gen1.yaml in
stream mode (--fast), with --stats; this script gathers the reports.

Pairs: PHOTON-600M / Flat-600M and PHOTON-1.2B / Flat-1.2B
(sim/configs/models/{photon,flat}_*.yaml). Contexts 1k, 4k, 16k, 32k, 128k.
Per model and context:
  batch 1      tokens/s, energy per token, K/V bytes the vector unit reads per
               generated token (its operand traffic), TSV bytes per token
  capacity     the largest batch whose K/V caches fit logic memory (the
               report's kv.max_batch at that context), then a run at that
               batch (or the largest the chip runs, if a smaller limit binds
               first: the PNM queue, the activation SRAM, the slots): its
               aggregate tokens/s and tokens/s per GiB of K/V in use and per
               GiB of K/V plus int8 weights.
A PHOTON run generates P_L + 1 = 17 tokens: its decode phase (tokens 1..16)
is one whole period of its schedule (one coarse update, every window), so
its tokens/s is the steady rate. A flat run generates 2 tokens (one decode
step). The context of a 128k point is 131072 - tokens + 1, so the last token
still has a position.

  bench_photon.py [--pnmsim PATH] [--out DIR] [--contexts 1024,4096,...] [--pairs 600m,1_2b]
                  [--max-batch N] [--reuse] [--set chip.x.y=v ...]

Writes OUT/bench_photon.{csv,txt,md,png} (the committed copy is
sim/bench/results/).
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import time

from bench_placement import val  # a stats leaf's value (same directory)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONTEXTS = [1024, 4096, 16384, 32768, 131072]
PAIRS = ["600m", "1_2b"]
SEQ_LEN = 131072  # every shape of the bench
GIB = 1024.0 ** 3


REUSE = False  # --reuse: a point whose stats file exists is read, not run again
SETS = []      # --set overrides for every point


def run(pnmsim, model, context, batch, tokens, out):
    stats = os.path.join(out, "%s_ctx%d_b%d.json" % (model, context, batch))
    if REUSE and os.path.exists(stats):
        with open(stats, encoding="utf-8") as fh:
            return json.load(fh), "", 0.0
    cmd = [pnmsim, "run", "--model", model, "--context", str(context), "--batch", str(batch), "--tokens",
           str(tokens), "--fast", "--quiet", "--stats", stats]
    for kv in SETS:
        cmd += ["--set", kv]
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.monotonic() - t0
    if p.returncode == 2:
        return None, p.stderr.strip().splitlines()[-1] if p.stderr.strip() else "exit 2", wall
    if p.returncode != 0:
        sys.exit("bench_photon: %s failed (exit %d): %s" % (" ".join(cmd), p.returncode, p.stderr.strip()))
    with open(stats, encoding="utf-8") as fh:
        return json.load(fh), "", wall


def busiest(rep):
    """The block busiest relative to the step (blocks overlap in time), as bench_scale names it."""
    step = val(rep, "time_per_token")
    busy = {"flash bus": val(rep, "busy_per_token", "flash_transfer"), "MVE": val(rep, "busy_per_token", "mve"),
            "vector unit": val(rep, "busy_per_token", "vector_unit"), "TSV": val(rep, "busy_per_token", "tsv"),
            "firmware": val(rep, "busy_per_token", "firmware")}
    name = max(busy, key=busy.get)
    if name == "vector unit" and 2 * val(rep, "busy_per_token", "vector_unit_memory_bound") > busy[name]:
        name = "K/V traffic (vector unit memory-bound)"
    return "%s %.0f%%" % (name, 100.0 * busy[max(busy, key=busy.get)] / step) if step > 0 else "-"


def limit_name(err):
    for key, name in (("queue_depth", "PNM queue"), ("act_sram", "activation SRAM"), ("KV cache", "KV capacity"),
                      ("slots", "firmware slots"), ("--batch", "CLI batch range")):
        if key in err:
            return name
    return "config"


def point(pnmsim, model, kind, context, out, max_batch):
    tokens = 17 if kind == "photon" else 2
    ctx = min(context, SEQ_LEN - tokens + 1)
    s1, err, wall = run(pnmsim, model, ctx, 1, tokens, out)
    if s1 is None:
        sys.exit("bench_photon: %s at context %d, batch 1: %s" % (model, ctx, err))
    r1 = s1["report"]
    row = {
        "model": model, "kind": kind, "context": context, "run_context": ctx,
        "params": val(r1, "photon", "params") if kind == "photon" else 0.0,
        "tokens_per_s_b1": val(r1, "tokens_per_s"),
        "energy_mj_b1": val(r1, "energy_per_token") * 1e3,
        "kv_bytes_per_seq": val(r1, "kv", "bytes_in_use"),
        "kv_read_per_token": val(r1, "vu_operand_bytes_per_token"),
        "tsv_bytes_per_token": val(r1, "tsv_bytes_per_token"),
        "weight_bytes_per_token": val(r1, "weight_bytes_per_token") if "weight_bytes_per_token" in r1 else 0.0,
        "max_batch": int(val(r1, "kv", "max_batch")),
        "busiest_b1": busiest(r1),
    }
    wall_total = wall
    # The largest batch that runs: capacity first, then what the chip accepts.
    b = max(1, min(row["max_batch"], max_batch))
    binds = "KV capacity" if b == row["max_batch"] else "bench cap --max-batch"
    while True:
        s, err, wall = run(pnmsim, model, ctx, b, tokens, out)
        wall_total += wall
        if s is not None:
            break
        binds = limit_name(err)
        b = b // 2
        if b < 1:
            sys.exit("bench_photon: %s at context %d runs at no batch: %s" % (model, ctx, err))
    r = s["report"]
    kv_gib = val(r, "kv", "bytes_in_use") / GIB
    row.update({
        "batch": b, "binds": binds,
        "agg_tokens_per_s": val(r, "aggregate_tokens_per_s"),
        "kv_gib_in_use": kv_gib,
        "tok_s_per_kv_gib": val(r, "tokens_per_s_per_kv_gib"),
        "busiest": busiest(r),
        "wall_s": wall_total,
    })
    return row


def fmt_bytes(b):
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(b) < 1000:
            return "%.3g %s" % (b, unit)
        b /= 1000.0
    return "%.3g PB" % b


def table(rows):
    head = ["model", "context", "tok/s b=1", "busiest b=1", "mJ/tok", "KV/seq", "KV read/tok", "TSV/tok",
            "cap. batch", "run batch (limit)", "agg tok/s", "busiest", "tok/s per KV GiB"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        lines.append("| %s | %d | %.1f | %s | %.3f | %s | %s | %s | %d | %d (%s) | %.1f | %s | %.4g |" % (
            r["model"], r["context"], r["tokens_per_s_b1"], r["busiest_b1"], r["energy_mj_b1"],
            fmt_bytes(r["kv_bytes_per_seq"]), fmt_bytes(r["kv_read_per_token"]), fmt_bytes(r["tsv_bytes_per_token"]),
            r["max_batch"], r["batch"], r["binds"], r["agg_tokens_per_s"], r["busiest"], r["tok_s_per_kv_gib"]))
    return "\n".join(lines)


def ratios(rows):
    by = {(r["model"], r["context"]): r for r in rows}
    lines = ["| pair | context | tok/s b=1 | KV/seq (flat / PHOTON) | KV read/tok (flat / PHOTON) | cap. batch | "
             "agg tok/s at capacity | tok/s per KV GiB |", "|" + "---|" * 8]
    for pair in sorted({r["model"].split("_", 1)[1] for r in rows}):
        for ctx in sorted({r["context"] for r in rows if r["model"].endswith(pair)}):
            p, f = by.get(("photon_" + pair, ctx)), by.get(("flat_" + pair, ctx))
            if not p or not f:
                continue
            lines.append("| %s | %d | %.1fx | %.1fx | %.1fx | %.1fx | %.1fx | %.1fx |" % (
                pair, ctx, p["tokens_per_s_b1"] / f["tokens_per_s_b1"], f["kv_bytes_per_seq"] / p["kv_bytes_per_seq"],
                f["kv_read_per_token"] / p["kv_read_per_token"], p["max_batch"] / max(1, f["max_batch"]),
                p["agg_tokens_per_s"] / f["agg_tokens_per_s"], p["tok_s_per_kv_gib"] / f["tok_s_per_kv_gib"]))
    return "\n".join(lines)


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 3, figsize=(15, 4.5))
    for model in sorted({r["model"] for r in rows}):
        rs = sorted((r for r in rows if r["model"] == model), key=lambda r: r["context"])
        x = [r["context"] for r in rs]
        style = "-o" if model.startswith("photon") else "--s"
        ax[0].plot(x, [r["kv_read_per_token"] for r in rs], style, label=model)
        ax[1].plot(x, [r["tokens_per_s_b1"] for r in rs], style, label=model)
        ax[2].plot(x, [r["agg_tokens_per_s"] for r in rs], style, label=model)
    for a, t in zip(ax, ["K/V bytes read per generated token", "tokens/s, batch 1",
                         "aggregate tokens/s at the capacity batch\n(64 GiB logic memory)"]):
        a.set_xscale("log", base=2)
        a.set_yscale("log")
        a.set_xlabel("context (tokens)")
        a.set_title(t)
        a.grid(True, which="both", alpha=0.3)
        a.legend(fontsize=8)
    fig.suptitle("PHOTON vs flat on hbf_gen1 (pnmsim, stream mode)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pnmsim", default=os.path.join(ROOT, "build/sim/pnmsim"))
    ap.add_argument("--out", default="bench_photon_out")
    ap.add_argument("--contexts", default=",".join(str(c) for c in CONTEXTS))
    ap.add_argument("--pairs", default=",".join(PAIRS))
    ap.add_argument("--reuse", action="store_true", help="read the stats of points already run in --out")
    ap.add_argument("--set", action="append", default=[], help="config override for every point (repeatable)")
    ap.add_argument("--max-batch", type=int, default=2048,
                    help="largest batch run (wall time grows with it; a capacity above it is reported, not run)")
    a = ap.parse_args()
    global REUSE, SETS
    REUSE, SETS = a.reuse, a.set
    os.makedirs(a.out, exist_ok=True)
    t0 = time.monotonic()
    rows = []
    for pair in a.pairs.split(","):
        for ctx in (int(c) for c in a.contexts.split(",")):
            for kind in ("photon", "flat"):
                row = point(a.pnmsim, "%s_%s" % (kind, pair), kind, ctx, a.out, a.max_batch)
                rows.append(row)
                print("%-12s ctx %6d: %8.1f tok/s (b=1), cap. batch %6d, run %6d (%s): %9.1f agg tok/s [%.0f s]" % (
                    row["model"], row["context"], row["tokens_per_s_b1"], row["max_batch"], row["batch"],
                    row["binds"], row["agg_tokens_per_s"], row["wall_s"]), flush=True)
    wall = time.monotonic() - t0
    with open(os.path.join(a.out, "bench_photon.csv"), "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    text = ("bench_photon: PHOTON vs flat on sim/configs/hbf_gen1.yaml, stream mode (%d runs, %.0f s wall)\n\n"
            % (len(rows), wall) + ("overrides: %s\n\n" % " ".join(SETS) if SETS else "") + table(rows) + "\n\nPHOTON / flat (KV columns: flat / PHOTON)\n\n" + ratios(rows) + "\n")
    print("\n" + text)
    for name in ("bench_photon.txt", "bench_photon.md"):
        with open(os.path.join(a.out, name), "w", encoding="utf-8") as fh:
            fh.write(text)
    plot(rows, os.path.join(a.out, "bench_photon.png"))
    print("wrote %s/bench_photon.{csv,txt,md,png}" % a.out)


if __name__ == "__main__":
    main()
