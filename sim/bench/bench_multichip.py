#!/usr/bin/python3
"""bench_multichip: tensor- and pipeline-parallel decode over N chips (issue 13).

A benchmark, not a test: it prints figures. Each point is one `pnmsim run`
(its own process) of a timing-only shape on N hbf_gen1 chips
(chip.interchip.chips = N), in stream mode (--fast), with --stats; this
script gathers the reports. Every chip of a point is simulated (its flash,
PNM units, vector unit and firmware); the figures are rank 0's, whose step
every rank shares (rank 0 holds the most rows).

Grids (Llama-2-70B and Llama-3.1-405B, batch 1, 2 tokens: the second is the
decode step reported):
  scale   N = 1, 2, 4, 8, 16 at the preset link (ring, 500 ns, 100 GB/s)
  latency N = 8 (and 16), link latency 100 ns .. 10 us at 100 GB/s
  bw      N = 8 (and 16), link bandwidth 12.5 .. 800 GB/s at 500 ns
  algo    N = 16: ring, tree (ring topology), switch with ring / in_network
  pp      pipeline stages (chip.interchip.pp) at the preset link: pp = N
          (tp = 1) for N of 2, 3, 4, 6, 8 that divide the layers (70B: 2, 4,
          8; 405B: 2, 3, 6), N = 4 and 8 with pp = 2, and N = 16 with tp = 8
          x pp = 2 on the ring and on a torus of 8 x 2 (each stage a ring). At batch 1 the stages run one after another, so a
          pipeline gives no speedup over one chip: it only spreads the weights.
Per point: tokens/s, time per token split into collective (rank 0 inside
COLL GO; its link-latency part apart), p2p (rank 0 in the pipeline's SEND /
RECV transfers), pipeline wait (rank 0 waiting for the other stages),
compute (vector unit + firmware) and flash (the rest: waiting for the
flash-bound GEMVs), energy per token.
Writes OUT/bench_multichip.{csv,txt}; scripts/plot_multichip.py draws the CSV
(the tensor-parallel grids). --keep-other-grids keeps the rows of the grids
not run from the CSV already in OUT (the full bench takes about 35 minutes).

  bench_multichip.py [--pnmsim PATH] [--out DIR] [--models a,b] [--grids scale,latency,bw,algo,pp]
                     [--keep-other-grids]
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_placement import ROOT, val, write_table  # noqa: E402  (shared with the other bench script)

MODELS = ["llama2-70b", "llama3.1-405b"]
IC = "chip.interchip."


def points(models, grids):
    """(grid, model, N, extra --set list) in run order. A point without
    chip.interchip.pp is tensor parallel over its N chips."""
    out = []
    for m in models:
        if "scale" in grids:
            out += [("scale", m, n, []) for n in (1, 2, 4, 8, 16)]
        for n in (8, 16):
            if "latency" in grids:
                out += [("latency", m, n, [IC + "link.latency_ns=%g" % ns]) for ns in (100, 300, 1000, 3000, 10000)]
            if "bw" in grids:
                out += [("bw", m, n, [IC + "link.bw_gbps=%g" % bw]) for bw in (12.5, 25, 50, 200, 400, 800)]
        if "algo" in grids:
            out += [("algo", m, 16, [IC + "algorithm=tree"]),
                    ("algo", m, 16, [IC + "topology=switch"]),
                    ("algo", m, 16, [IC + "topology=switch", IC + "algorithm=in_network"])]
        if "pp" in grids:
            # Only stage counts that divide the layers (405B's 126: 2, 3, 6).
            out += [("pp", m, n, [IC + "pp=%d" % n]) for n in (2, 3, 4, 6, 8) if n_layers(m) % n == 0]
            out += [("pp", m, n, [IC + "pp=2"]) for n in (4, 8)]
            # On a ring of 16 a stage's 8 chips are an arc, not a ring: the
            # all-gather's closing message takes 7 hops. A torus of 8 x 2
            # gives each stage a ring of its own and the stages 1 hop apart.
            out += [("pp", m, 16, [IC + "tp=8", IC + "pp=2"]),
                    ("pp", m, 16, [IC + "tp=8", IC + "pp=2", IC + "topology=torus2d", IC + "torus_x=8",
                                   IC + "torus_y=2"])]
    return out


def n_layers(model):
    """The shape's layer count, from sim/configs/models/<name>.yaml."""
    path = os.path.join(ROOT, "sim", "configs", "models", model.replace("-", "_").replace(".", "_") + ".yaml")
    for line in open(path, encoding="utf-8"):
        if line.startswith("n_layers:"):
            return int(line.split(":")[1])
    raise SystemExit(f"bench_multichip: no n_layers in {path}")


def run_point(pnmsim, model, n, sets, tmp):
    stats = os.path.join(tmp, "stats.json")
    cmd = [pnmsim, "run", "--model", model, "--tokens", "2", "--fast", "--quiet", "--stats", stats,
           "--set", IC + "chips=%d" % n]
    for s in sets:
        cmd += ["--set", s]
    t0 = time.time()
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.time() - t0
    if r.returncode != 0:
        return {"error": r.stderr.strip() or "exit %d" % r.returncode}
    j = json.load(open(stats, encoding="utf-8"))
    rep, ic = j["report"], j["report"].get("interchip", {})
    row = {
        "tokens_per_s": val(rep, "tokens_per_s"),
        "token_us": val(rep, "time_per_token"),
        "collective_us": val(ic, "collective"),
        "latency_us": val(ic, "collective_latency"),
        "p2p_us": val(ic, "p2p"),
        "pipeline_wait_us": val(ic, "pipeline_wait"),
        "compute_us": val(ic, "compute"),
        "flash_us": val(ic, "flash"),
        "energy_j": val(ic, "system_energy_per_token") if n > 1 else val(rep, "energy_per_token"),
        "link_energy_j": val(ic, "link_energy_per_token"),
        "wall_s": wall,
    }
    if n == 1:  # one chip: no fabric; the split is compute vs the rest
        row["compute_us"] = (val(rep, "busy_per_token", "vector_unit") + val(rep, "busy_per_token", "firmware"))
        row["flash_us"] = max(0.0, row["token_us"] - row["compute_us"])
    return row


def settings(n, sets):
    d = {"latency_ns": 500.0, "bw_gbps": 100.0, "topology": "ring", "algorithm": "ring", "pp": 1}
    for s in sets:
        k, v = s[len(IC):].split("=")
        k = k.replace("link.", "")
        d[k] = float(v) if k in ("latency_ns", "bw_gbps") else int(v) if k in ("tp", "pp") else v
    d.setdefault("tp", n // d["pp"])
    return d


NUMERIC = {"chips": int, "tp": int, "pp": int}


def kept_rows(out, grids):
    """The rows of the other grids from OUT/bench_multichip.csv (numbers as numbers)."""
    path = os.path.join(out, "bench_multichip.csv")
    if not os.path.exists(path):
        return []
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["grid"] in grids:
                continue
            row = {}
            for k, v in r.items():
                if v in (None, ""):
                    continue
                if k in NUMERIC:
                    row[k] = NUMERIC[k](v)
                elif k in ("grid", "model", "topology", "algorithm", "error"):
                    row[k] = v
                else:
                    row[k] = float(v)
            row.setdefault("pp", 1)  # rows from before the pp grid: tensor parallel, no pipeline
            row.setdefault("tp", row["chips"])
            if "error" not in row:
                row.setdefault("p2p_us", 0.0)
                row.setdefault("pipeline_wait_us", 0.0)
            rows.append(row)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pnmsim", default=os.path.join(ROOT, "build", "sim", "pnmsim"))
    ap.add_argument("--out", default=os.path.join(ROOT, "sim", "bench", "results"))
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--grids", default="scale,latency,bw,algo,pp")
    ap.add_argument("--keep-other-grids", action="store_true",
                    help="keep the other grids' rows of the CSV in OUT (rerun only the grids given)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    t0 = time.time()
    rows = kept_rows(a.out, a.grids.split(",")) if a.keep_other_grids else []
    base = {}  # (model) -> N = 1 tokens/s
    for r in rows:
        if r["grid"] == "scale" and r["chips"] == 1 and "error" not in r:
            base[r["model"]] = r["tokens_per_s"]
    with tempfile.TemporaryDirectory() as tmp:
        for grid, model, n, sets in points(a.models.split(","), a.grids.split(",")):
            r = {"grid": grid, "model": model, "chips": n}
            r.update(settings(n, sets))
            r.update(run_point(a.pnmsim, model, n, sets, tmp))
            if grid == "scale" and n == 1 and "error" not in r:
                base[model] = r["tokens_per_s"]
            if "error" not in r and model in base:
                r["speedup"] = r["tokens_per_s"] / base[model]
            rows.append(r)
            print(f"{grid:8s} {model:14s} N={n:2d} {sets} -> " +
                  (r["error"] if "error" in r else f"{r['tokens_per_s']:.1f} tokens/s ({r['wall_s']:.1f} s wall)"),
                  file=sys.stderr, flush=True)
    keys = ["grid", "model", "chips", "tp", "pp", "topology", "algorithm", "latency_ns", "bw_gbps", "tokens_per_s",
            "speedup", "token_us", "collective_us", "latency_us", "p2p_us", "pipeline_wait_us", "compute_us",
            "flash_us", "energy_j", "link_energy_j", "wall_s", "error"]
    with open(os.path.join(a.out, "bench_multichip.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=keys)
        w.writeheader()
        for r in rows:
            w.writerow({k: (f"{r[k]:.6g}" if isinstance(r.get(k), float) else r.get(k, "")) for k in keys})
    lines = ["bench_multichip: timing-only decode, batch 1, hbf_gen1 chips as tp tensor-parallel ranks x pp",
             "pipeline stages, stream mode; every chip simulated; per decode step (rank 0): collective (its",
             "link-latency part in brackets), p2p (pipeline SEND / RECV), pipe wait (waiting for the other stages),",
             "compute (vector unit + firmware), flash (the rest: waiting for flash-bound GEMVs)", "",
             f"{'grid':8s} {'model':14s} {'N':>3s} {'tp':>3s} {'pp':>3s} {'topology':8s} {'algo':10s} {'lat ns':>7s} "
             f"{'GB/s':>6s} {'tok/s':>7s} {'x N=1':>6s} {'ms/tok':>7s} {'coll ms':>12s} {'p2p ms':>7s} "
             f"{'wait ms':>8s} {'comp ms':>8s} {'flash ms':>8s} {'J/tok':>6s} {'wall s':>6s}"]
    for r in rows:
        head = (f"{r['grid']:8s} {r['model']:14s} {r['chips']:3d} {r['tp']:3d} {r['pp']:3d} {r['topology']:8s} "
                f"{r['algorithm']:10s} {r['latency_ns']:7.0f} {r['bw_gbps']:6.1f} ")
        if "error" in r:
            lines.append(head + "FAILED: " + r["error"])
            continue
        coll = f"{r['collective_us'] / 1e3:.2f} ({r['latency_us'] / 1e3:.2f})"
        lines.append(head + f"{r['tokens_per_s']:7.1f} {r.get('speedup', 0):6.2f} {r['token_us'] / 1e3:7.2f} "
                     f"{coll:>12s} {r.get('p2p_us', 0) / 1e3:7.2f} {r.get('pipeline_wait_us', 0) / 1e3:8.2f} "
                     f"{r['compute_us'] / 1e3:8.2f} {r['flash_us'] / 1e3:8.2f} {r['energy_j']:6.2f} "
                     f"{r['wall_s']:6.1f}")
    lines += ["", f"wall time {time.time() - t0:.0f} s" +
              (" (this run's grids; the other rows kept from the CSV)" if a.keep_other_grids else "")]
    return write_table(a.out, "bench_multichip", lines, rows)


if __name__ == "__main__":
    sys.exit(main())
