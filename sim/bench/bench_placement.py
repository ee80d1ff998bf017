#!/usr/bin/python3
"""bench_placement: where the GEMV engines sit, on four flash devices (issue 12).

A benchmark, not a test: it prints figures. Each point is one `pnmsim run`
(its own process) of a timing-only shape with --stats; this script gathers
the reports. Grid: Llama-2-7B, 13B and 70B x sim/configs/{cambricon_s,
cambricon_m, cambricon_l, hbf_gen1}.yaml x chip.pnm.placement in_die,
controller, logic_die. Per point: tokens/s, energy per token and the binding
resource: the one with the highest utilisation over the run (busy time per
instance / simulated time), among
  array  flash arrays (sum of tR per array: per die, or per plane with
         independent plane reads; in_die's multi-plane reads count once)
  bus    the channel bus (page data-outs; in_die: commands, activations, partials)
  TSV    the busier direction of the channel's TSV link
  MVE    the controller's or logic die's engine (in_die: the in-die units)
  VU     the logic die's vector unit
The mean over channels is used. Writes OUT/bench_placement.{csv,txt}.

  bench_placement.py [--pnmsim PATH] [--out DIR] [--tokens N] [--fast|--no-fast]
                     [--models a,b] [--configs a,b] [--placements a,b]

--fast (the default) passes --fast to pnmsim (stream mode; in_die books its
own reads and is the same in both modes). scripts/plot_placement.py draws the CSV.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = ["llama2-7b", "llama2-13b", "llama2-70b"]
CONFIGS = ["cambricon_s", "cambricon_m", "cambricon_l", "hbf_gen1"]
PLACEMENTS = ["in_die", "controller", "logic_die"]


def val(node, *path, default=0.0):
    for p in path:
        if not isinstance(node, dict) or p not in node:
            return default
        node = node[p]
    return float(node["value"]) if isinstance(node, dict) and "value" in node else default


def utilisation(stats, cfg_flash):
    """Busy time per instance / simulated time, mean over channels."""
    chip, rep = stats["chip"], stats["report"]
    t_us = val(rep, "prefill", "time_to_first_token") + val(rep, "time_per_token") * max(
        0, val(rep, "tokens") - 1)
    t_ns = t_us * 1e3
    chans = sorted(chip["flash"].keys(), key=lambda c: int(c[2:]))
    dies = cfg_flash["dies"]
    arrays = dies * cfg_flash["planes"] if cfg_flash["independent"] else dies
    u = {"array": 0.0, "bus": 0.0, "TSV": 0.0, "MVE": 0.0}
    for c in chans:
        f, p, t = chip["flash"][c], chip["pnm"][c], chip["tsv"][c]
        indie = p.get("in_die")
        arr = val(f, "time", "array_busy") + (val(indie, "time", "array_busy") if indie else 0)
        bus = val(f, "time", "bus_busy") + (val(indie, "time", "bus_busy") if indie else 0)
        tsv = max(val(t, "up", "busy_time"), val(t, "down", "busy_time")) * 1e-3
        mve = val(indie, "time", "unit_busy") / val(indie, "units") if indie else val(p, "mve", "busy")
        u["array"] += arr / arrays / t_ns
        u["bus"] += bus / t_ns
        u["TSV"] += tsv / t_ns
        u["MVE"] += mve / t_ns
    for k in u:
        u[k] /= len(chans)
    u["VU"] = val(chip["logic"]["vu"], "busy_time") * 1e-3 / t_ns
    return u


def flash_geometry(config):
    """Dies and planes per channel of a chip preset (through its flash preset)."""
    import yaml  # python3-yaml (scripts/setup)
    chip = yaml.safe_load(open(os.path.join(ROOT, "sim/configs", config + ".yaml")))["chip"]
    fl = chip["flash"]
    base = yaml.safe_load(open(os.path.join(ROOT, "sim/configs/flash", fl["preset"] + ".yaml")))["flash"]
    g = dict(base["geometry"])
    g.update(fl.get("geometry", {}))
    t = dict(base["timing"])
    t.update(fl.get("timing", {}))
    return {"dies": g["chips_per_channel"] * g["dies_per_chip"], "planes": g["planes_per_die"],
            "independent": bool(t.get("independent_plane_reads", False)), "channels": g["channels"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pnmsim", default=os.path.join(ROOT, "build/sim/pnmsim"))
    ap.add_argument("--out", default="bench_placement_out")
    ap.add_argument("--tokens", type=int, default=2, help="tokens (the first from the prefill)")
    ap.add_argument("--fast", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--configs", default=",".join(CONFIGS))
    ap.add_argument("--placements", default=",".join(PLACEMENTS))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rows = []
    t0 = time.time()
    for model in a.models.split(","):
        for config in a.configs.split(","):
            geo = flash_geometry(config)
            for pl in a.placements.split(","):
                stats_path = os.path.join(a.out, f"{model}_{config}_{pl}.json")
                cmd = [a.pnmsim, "run", "--model", model, "--config",
                       os.path.join(ROOT, "sim/configs", config + ".yaml"), "--tokens", str(a.tokens),
                       "--quiet", "--stats", stats_path, "--set", f"chip.pnm.placement={pl}"]
                if a.fast:
                    cmd.append("--fast")
                w0 = time.time()
                r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
                row = {"model": model, "config": config, "placement": pl, "wall_s": round(time.time() - w0, 2)}
                if r.returncode != 0:
                    row["error"] = (r.stderr.strip().splitlines() or ["exit %d" % r.returncode])[-1]
                    rows.append(row)
                    print(f"{model} {config} {pl}: FAILED {row['error']}", file=sys.stderr)
                    continue
                s = json.load(open(stats_path))
                rep = s["report"]
                u = utilisation(s, geo)
                binds = max(u, key=u.get)
                row.update({
                    "tokens_per_s": val(rep, "tokens_per_s"),
                    "time_per_token_ms": val(rep, "time_per_token") * 1e-3,
                    "energy_per_token_j": val(rep, "energy_per_token"),
                    "binds": binds,
                    **{f"util_{k}": round(v, 4) for k, v in u.items()},
                })
                rows.append(row)
                print(f"{model:11s} {config:12s} {pl:10s} {row['tokens_per_s']:9.2f} tok/s  "
                      f"{row['energy_per_token_j']:8.3f} J/token  binds {binds} ({u[binds]:.2f})  "
                      f"[{row['wall_s']} s]", file=sys.stderr)
    keys = ["model", "config", "placement", "tokens_per_s", "time_per_token_ms", "energy_per_token_j", "binds",
            "util_array", "util_bus", "util_TSV", "util_MVE", "util_VU", "wall_s", "error"]
    with open(os.path.join(a.out, "bench_placement.csv"), "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=keys)
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in keys})
    lines = [f"bench_placement: {a.tokens} tokens per point, {'stream (--fast)' if a.fast else 'page'} mode; "
             f"utilisation = busy per instance / simulated time (mean over channels)", "",
             f"{'model':11s} {'config':12s} {'placement':10s} {'tokens/s':>9s} {'J/token':>8s}  "
             f"{'binds':6s} {'array':>6s} {'bus':>6s} {'TSV':>6s} {'MVE':>6s} {'VU':>6s}"]
    for r in rows:
        if "error" in r:
            lines.append(f"{r['model']:11s} {r['config']:12s} {r['placement']:10s} FAILED: {r['error']}")
            continue
        lines.append(f"{r['model']:11s} {r['config']:12s} {r['placement']:10s} {r['tokens_per_s']:9.2f} "
                     f"{r['energy_per_token_j']:8.3f}  {r['binds']:6s} " +
                     " ".join(f"{r['util_' + k]:6.2f}" for k in ("array", "bus", "TSV", "MVE", "VU")))
    lines.append("")
    lines.append(f"wall time {time.time() - t0:.0f} s")
    return write_table(a.out, "bench_placement", lines, rows)


def write_table(out, name, lines, rows):
    """OUT/NAME.txt from the table's lines, printed too; exit status 1 when a point failed."""
    text = "\n".join(lines) + "\n"
    open(os.path.join(out, name + ".txt"), "w", encoding="utf-8").write(text)
    print(text)
    return 1 if any("error" in r for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
