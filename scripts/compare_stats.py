#!/usr/bin/python3
"""Compare a pnmsim stats JSON against a committed reference.

Usage: compare_stats.py REFERENCE.json OUTPUT.json [--rel-tol 1e-9]

Every leaf of the reference ({"value": v, "unit": u}) must exist in the
output with the same unit and a value within the relative tolerance. The
reference may hold a subset (e.g. only `report`): keys it lacks are not
compared. Prints every difference; exit status 1 if any.
"""

import argparse
import json
import sys


def leaves(node, prefix=""):
    if isinstance(node, dict) and "value" in node and "unit" in node:
        yield prefix, node
        return
    if isinstance(node, dict):
        for k in sorted(node):
            yield from leaves(node[k], prefix + "." + k if prefix else k)


def lookup(node, path):
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("reference")
    ap.add_argument("output")
    ap.add_argument("--rel-tol", type=float, default=1e-9)
    args = ap.parse_args(argv)
    with open(args.reference, encoding="utf-8") as fh:
        ref = json.load(fh)
    with open(args.output, encoding="utf-8") as fh:
        out = json.load(fh)
    diffs = 0
    compared = 0
    for path, leaf in leaves(ref):
        got = lookup(out, path)
        compared += 1
        if got is None:
            print("missing: %s" % path)
            diffs += 1
            continue
        if got.get("unit") != leaf["unit"]:
            print("unit: %s: %r vs %r" % (path, leaf["unit"], got.get("unit")))
            diffs += 1
        a, b = leaf["value"], got.get("value")
        if a == b:
            continue
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            if abs(a - b) <= args.rel_tol * max(abs(a), abs(b)):
                continue
        print("value: %s: reference %r, got %r" % (path, a, b))
        diffs += 1
    print("compare_stats: %d values compared, %d differ" % (compared, diffs))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
