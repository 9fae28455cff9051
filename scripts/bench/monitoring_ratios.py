#!/usr/bin/env python3
"""Interleaved runs of score, track and worklist on the benchmark's 1M waves.

The monitoring targets are ratios to `score` of the current file "in the
same run"; on a shared host whose speed drifts, runs grouped by command (as
`make benchmark` groups them) can put the drift into the ratio. This runs the
commands in turn, N rounds, and prints each one's median and its ratio to
score's. Needs the files `make benchmark` generates in .bench-data and a
release build:

    python3 scripts/bench/monitoring_ratios.py [--runs N]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, ".bench-data")
STRATIFY = os.path.join(ROOT, ".build", "release", "stratify")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    wave1, wave2 = os.path.join(DATA, "m1000000.csv"), os.path.join(DATA, "m1000000-wave2.csv")
    contacts = os.path.join(DATA, "m1000000-wave2.contacts.csv")
    for path in (STRATIFY, wave1, wave2, contacts):
        if not os.path.exists(path):
            raise SystemExit(f"missing {path}: run `make benchmark` first")
    worklist = [STRATIFY, "worklist", "--as-of", "2026-12-01", "--previous", wave1]
    commands = {
        "score wave 2": [STRATIFY, "score", wave2],
        "track wave 1 → wave 2": [STRATIFY, "track", "--format", "json", wave1, wave2],
        "worklist --previous": worklist + [wave2],
        "worklist --previous --contacts": worklist + ["--contacts", contacts, wave2],
    }
    times = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, argv in commands.items():
            start = time.perf_counter()
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            times[name].append(time.perf_counter() - start)
    base = statistics.median(times["score wave 2"])
    for name, runs in times.items():
        median = statistics.median(runs)
        spread = ", ".join(f"{t:.2f}" for t in runs)
        print(f"{name}: median {median:.3f} s, {median / base:.2f}x of score ({spread})")


if __name__ == "__main__":
    sys.exit(main())
