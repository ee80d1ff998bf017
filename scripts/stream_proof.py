#!/usr/bin/env python3
"""Proof of the stream mode against the page mode (issue 14, deliverable 2).

Runs `pnmsim run` twice per grid point, with chip.sim.mode=page and =stream,
and compares the simulated figures: tokens/s, every busy time per token
(flash array, flash transfer, MVE, TSV, vector unit), the PNM units' flash
busy time (union of reads in flight, summed over channels) and the energy
per token, in all and by block. Each must agree within --tol (default 1%).
Functional points (the tiny model, golden and shadow MVE) must give the
same token ids. Writes one CSV row per point and figure; exits 1 if any
figure is outside the tolerance or any run fails, 0 otherwise, and prints
how many points and comparisons it made (a run that compared nothing fails).

  stream_proof.py --pnmsim build/sim/pnmsim --grid small|full [--out FILE.csv]
"""
import argparse
import csv
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time

MIB = 1 << 20

FIGURES = [
    "report.tokens_per_s",
    "report.time_per_token",
    "report.busy_per_token.flash_array",
    "report.busy_per_token.flash_transfer",
    "report.busy_per_token.mve",
    "report.busy_per_token.tsv",
    "report.busy_per_token.vector_unit",
    "report.energy_per_token",
    "report.energy_per_token_by.flash",
    "report.energy_per_token_by.mve",
    "report.energy_per_token_by.tsv",
    "report.energy_per_token_by.logic_memory",
    "report.energy_per_token_by.vector_unit",
]


def timing_points(grid):
    """(name, extra pnmsim args) of the timing-only points."""
    # Points with --tokens 3 check the steady state: later tokens start from
    # the buffer slot runs and bus bookings the earlier ones left.
    if grid == "small":
        models = ["llama2-7b"]
        chans, trs, ras = [4, 16], [1, 30], [0, MIB]
        extra = [("llama2-7b", 16, 2, MIB, ["--batch", "4", "--context", "2048"]),
                 ("llama2-7b", 16, 2, MIB, ["--tokens", "3"])]
    else:
        models = ["llama2-7b", "llama2-70b"]
        chans, trs, ras = [4, 8, 16, 32], [1, 10, 30], [0, MIB, 64 * MIB]
        extra = [("llama2-7b", 16, 2, MIB, ["--batch", "4", "--context", "2048"]),
                 ("llama2-70b", 16, 2, MIB, ["--batch", "4", "--context", "4096"]),
                 ("llama2-70b", 16, 2, MIB, ["--batch", "16", "--context", "1024"]),
                 ("llama2-7b", 4, 30, 0, ["--tokens", "3"]),
                 ("llama2-70b", 16, 2, MIB, ["--tokens", "3"]),
                 ("llama2-70b", 8, 10, 64 * MIB, ["--tokens", "3"])]
    pts = [(m, c, t, r, []) for m, c, t, r in itertools.product(models, chans, trs, ras)] + extra
    for m, c, t, r, more in pts:
        name = "%s ch%d tR%dus ra%dKiB%s" % (m, c, t, r // 1024, "".join(" " + a for a in more))
        tokens = [] if "--tokens" in more else ["--tokens", "1"]
        args = ["--model", m] + tokens + [
                "--set", "chip.flash.geometry.channels=%d" % c,
                "--set", "chip.flash.timing.t_read_us=%d" % t,
                "--set", "chip.pnm.readahead_bytes=%d" % r] + more
        yield name, args


def functional_points():
    yield "tiny tlm 8 tokens", ["--model", "tiny", "--tokens", "8"]
    yield "tiny shadow batch 2 prompt", ["--model", "tiny", "--tokens", "4", "--mve", "shadow", "--batch", "2",
                                         "--prompt-ids", "1,7,3,9,4"]


def value(stats, key):
    x = stats
    for part in key.split("."):
        x = x[part]
    return x["value"] if isinstance(x, dict) and "value" in x else x


def run(pnmsim, args, mode, tmp):
    out = os.path.join(tmp, "stats_%s.json" % mode)
    cmd = [pnmsim, "run", "--quiet", "--stats", out, "--set", "chip.sim.mode=" + mode] + args
    t0 = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.monotonic() - t0
    if r.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), r.returncode, r.stderr.strip()))
    with open(out) as f:
        return json.load(f), wall


def pnm_flash_busy(stats):
    chans = stats["chip"]["pnm"]
    return sum(v["flash"]["busy"]["value"] for k, v in chans.items() if k.startswith("ch"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pnmsim", required=True)
    ap.add_argument("--grid", choices=["small", "full"], default="small")
    ap.add_argument("--out", help="CSV of every comparison")
    ap.add_argument("--tol", type=float, default=0.01)
    a = ap.parse_args()

    rows, bad, compared, points = [], [], 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, args in timing_points(a.grid):
            page, wp = run(a.pnmsim, args, "page", tmp)
            stream, ws = run(a.pnmsim, args, "stream", tmp)
            points += 1
            figs = [(k, value(page, k), value(stream, k)) for k in FIGURES]
            figs.append(("chip.pnm.flash.busy (sum)", pnm_flash_busy(page), pnm_flash_busy(stream)))
            for k, p, s in figs:
                rel = abs(s - p) / abs(p) if p else (0.0 if s == p else float("inf"))
                compared += 1
                rows.append([name, k, p, s, "%.6f" % rel, "%.3f" % wp, "%.3f" % ws])
                if rel > a.tol:
                    bad.append("%s: %s page %g stream %g (%.3f%%)" % (name, k, p, s, 100 * rel))
            print("%-48s tok/s page %10.4g stream %10.4g  wall page %6.2f s stream %6.2f s (x%.1f)" % (
                name, figs[0][1], figs[0][2], wp, ws, wp / ws if ws else 0), flush=True)
        for name, args in functional_points():
            page, _ = run(a.pnmsim, args, "page", tmp)
            stream, _ = run(a.pnmsim, args, "stream", tmp)
            points += 1
            compared += 1
            same = page["generated"]["token_ids"] == stream["generated"]["token_ids"]
            rows.append([name, "generated.token_ids", json.dumps(page["generated"]["token_ids"]),
                         json.dumps(stream["generated"]["token_ids"]), "0" if same else "1", "", ""])
            print("%-48s token ids %s" % (name, "identical" if same else "DIFFER"), flush=True)
            if not same:
                bad.append("%s: token ids differ" % name)

    if a.out:
        with open(a.out, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["point", "figure", "page", "stream", "rel_diff", "wall_page_s", "wall_stream_s"])
            w.writerows(rows)
    worst = max((float(r[4]) for r in rows if r[1] != "generated.token_ids"), default=0.0)
    print("stream_proof: %d points, %d comparisons, worst relative difference %.4f%% (tolerance %.2f%%)" % (
        points, compared, 100 * worst, 100 * a.tol))
    if compared == 0:
        print("stream_proof: nothing compared", file=sys.stderr)
        return 1
    for b in bad:
        print("OUT OF TOLERANCE: " + b, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
