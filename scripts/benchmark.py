#!/usr/bin/env python3
"""The repo's benchmark: throughput and peak memory of stratify on generated data.

    make benchmark                       # builds release, then runs this
    python3 scripts/benchmark.py [--records 1000000] [--runs 3] [--quick]

Data is generated on the fly with scripts/bench/gen_intake.py (the same
generator as the acceptance data; 1M records with seed 5 is the workload named
in the performance issue) and cached in .bench-data/. Each measurement is the
whole process, wall-clock, median of --runs runs; peak memory is the child's
maximum resident set size (from GNU time when /usr/bin/time exists). A bare C
parser (scripts/bench/parse_baseline.c: read, split every field, convert
numbers; no rules, no output) runs in the same session as the baseline.

This is a benchmark, not a test: it prints a table and never fails on speed.
"""
import argparse
import datetime
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "scripts", "bench")
DATA = os.path.join(ROOT, ".bench-data")
STRATIFY = os.path.join(ROOT, ".build", "release", "stratify")


# GNU time reports the child's own peak memory. Measured from here, a
# child would report at least this script's: Linux carries the peak of the
# process that forked it across exec.
GNU_TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None


def run(argv, stdin=None, stdout=subprocess.DEVNULL):
    """Runs a command; returns (wall seconds, peak RSS in MiB, exit status)."""
    with tempfile.NamedTemporaryFile(mode="r") as peak, tempfile.TemporaryFile() as err:
        if GNU_TIME:
            argv = [GNU_TIME, "-q", "-f", "%M", "-o", peak.name] + argv
        # Standard error goes to a file: a pipe read only at the end would
        # fill up (warnings, rejected records) and stall the child.
        with open(stdin, "rb") if stdin else open(os.devnull, "rb") as inp:
            start = time.perf_counter()
            proc = subprocess.Popen(argv, stdin=inp, stdout=stdout, stderr=err)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
        text = peak.read().strip()
        rss = int(text.splitlines()[-1]) / 1024.0 if GNU_TIME and text else usage.ru_maxrss / 1024.0
    return wall, rss, os.waitstatus_to_exitcode(status)


def measure(argv, runs, stdin=None):
    results = [run(argv, stdin) for _ in range(runs)]
    for _, _, code in results:
        if code not in (0, 1):
            raise SystemExit(f"benchmark command failed ({code}): {' '.join(argv)}")
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def generate(name, args):
    os.makedirs(DATA, exist_ok=True)
    path = os.path.join(DATA, name)
    if not os.path.exists(path):
        print(f"generating {name} ...", file=sys.stderr)
        with open(path + ".tmp", "w") as out:
            subprocess.run([sys.executable, os.path.join(BENCH, "gen_intake.py")] + args, stdout=out, check=True)
        os.rename(path + ".tmp", path)
    return path


def generate_outcomes(n, seed):
    """The outcomes of the population `generate` writes with the same --n and --seed."""
    os.makedirs(DATA, exist_ok=True)
    path = os.path.join(DATA, f"m{n}.outcomes.csv")
    if not os.path.exists(path):
        print(f"generating m{n}.outcomes.csv ...", file=sys.stderr)
        subprocess.run([sys.executable, os.path.join(BENCH, "gen_intake.py"), "--n", str(n), "--seed", str(seed),
                        "--outcomes", path + ".tmp"], stdout=subprocess.DEVNULL, check=True)
        os.rename(path + ".tmp", path)
    return path


def generate_contacts(intake):
    """A contacts file for `intake` (cached): a row for nine patients in ten,
    in the intake's order, each last contacted 1 to 200 days before the
    as-of day (2026-12-01), one in twenty without a date, and 1,000 rows for
    patients no longer in the intake."""
    path = intake[:-len(".csv")] + ".contacts.csv"
    if not os.path.exists(path):
        print(f"generating {os.path.basename(path)} ...", file=sys.stderr)
        rng = random.Random(5)
        as_of = datetime.date(2026, 12, 1)
        with open(intake) as f, open(path + ".tmp", "w") as out:
            f.readline()
            out.write("patient_id,last_contact\n")
            for line in f:
                identifier = line.split(",", 1)[0]
                draw = rng.random()
                if draw < 0.05:
                    out.write(f"{identifier},\n")
                elif draw < 0.9:
                    out.write(f"{identifier},{as_of - datetime.timedelta(days=rng.randint(1, 200))}\n")
            for gone in range(1000):
                out.write(f"GONE{gone:05d},2026-06-01\n")
        os.rename(path + ".tmp", path)
    return path


def candidate_rules(directory):
    """The default rule set with one rule's points and one tier band edited, as a team tuning it would."""
    with open(os.path.join(ROOT, "Rules", "default.yaml")) as f:
        text = f.read()
    text = text.replace("points: 4", "points: 1", 1).replace("moderate: 6..11, high: 12..17", "moderate: 6..10, high: 11..17")
    path = os.path.join(directory, "candidate.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


def generate_fhir(patients):
    """A Bulk Data export of gen_fhir.py (cached), its flat CSV, and its size in MB."""
    folder = os.path.join(DATA, f"fhir{patients}")
    flat = os.path.join(DATA, f"fhir{patients}.csv")
    if not os.path.exists(flat):
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([sys.executable, os.path.join(BENCH, "gen_fhir.py"), "--n", str(patients), "--seed", "5",
                        "--missing", "0.05", "--out", folder, "--layout", "bulk", "--as-of", "2026-12-31",
                        "--csv", flat], check=True)
    size = sum(os.path.getsize(os.path.join(folder, name)) for name in os.listdir(folder))
    return folder, flat, size / 1e6


def gigabyte_file(source):
    """About 1 GB of CSV: the records of `source` repeated under one header,
    each copy's identifiers made distinct (`P0000001` → `P0000001-2`).
    Streamed, so that this script stays small."""
    path = os.path.join(DATA, "1gb.csv")
    if not os.path.exists(path):
        print("assembling 1gb.csv ...", file=sys.stderr)
        with open(path + ".tmp", "wb") as out:
            written, copy = 0, 0
            while written < 1_000_000_000:
                copy += 1
                with open(source, "rb") as f:
                    header = f.readline()
                    if copy == 1:
                        out.write(header)
                    for line in f:
                        # The identifier is the first column of the generated files.
                        line = line.replace(b",", b"-%d," % copy, 1)
                        out.write(line)
                        written += len(line)
        os.rename(path + ".tmp", path)
    return path


def count_records(path):
    with open(path, "rb") as f:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
    return lines - (1 if path.endswith(".csv") else 0)


def rule_set(count, directory):
    """The default rule set plus `count` generated rules in one extra domain."""
    with open(os.path.join(ROOT, "Rules", "default.yaml")) as f:
        base = f.read()
    fields = [("phq9_total", 27), ("gad7_total", 21), ("age", 120), ("med_count", 100), ("housing_problems", 7)]
    lines = ["  generated:", "    tiers: {low: 0..9, moderate: 10..19, high: 20..}", "    rules:"]
    for i in range(count):
        field, top = fields[i % len(fields)]
        lines += [
            f"      - id: generated.r{i}",
            f"        when: {field} >= {i % (top + 1)} and {field} < {i % (top + 1) + 5}",
            "        points: 1",
            f"        because: Generated rule {i} for the rule-count benchmark.",
        ]
    text = base.replace("\noverall:\n", "\n" + "\n".join(lines) + "\n\noverall:\n", 1)
    path = os.path.join(directory, f"rules-{count}.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="100k records, one run, no 1 GB file")
    args = ap.parse_args()
    if args.quick:
        args.records, args.runs = 100_000, 1
    if not os.path.exists(STRATIFY):
        raise SystemExit("build first: swift build -c release --product stratify (or: make benchmark)")

    n = args.records
    csv = generate(f"m{n}.csv", ["--n", str(n), "--seed", "5"])
    ndjson = generate(f"m{n}.ndjson", ["--n", str(n), "--seed", "5", "--format", "ndjson"])
    small = generate("m100000.csv", ["--n", "100000", "--seed", "5"])
    wave2 = generate(f"m{n}-wave2.csv", ["--n", str(n), "--seed", "5", "--wave", "2"])
    tmp = tempfile.mkdtemp(prefix="stratify-bench-")
    baseline = os.path.join(tmp, "parse_baseline")
    subprocess.run(["cc", "-O2", "-o", baseline, os.path.join(BENCH, "parse_baseline.c")], check=True)
    cores = os.cpu_count() or 1

    rows = []

    def add(name, argv, records, stdin=None, runs=args.runs):
        wall, rss = measure(argv, runs, stdin)
        rows.append((name, records, wall, records / wall if wall > 0 else 0, rss))
        print(f"  {name}: {wall:.3f} s", file=sys.stderr)

    print(f"measuring {n:,} records, {args.runs} run(s) each ...", file=sys.stderr)
    add("bare C parse baseline (no rules, no output)", [baseline, csv], n)
    add(f"score CSV → CSV, --jobs {cores}", [STRATIFY, "score", csv], n)
    add("score CSV → CSV, --jobs 1", [STRATIFY, "score", "--jobs", "1", csv], n)
    add(f"score NDJSON → NDJSON, --jobs {cores}", [STRATIFY, "score", ndjson], n)
    add("score NDJSON on stdin (score -)", [STRATIFY, "score", "-"], n, stdin=ndjson)
    add(f"explain --format json, --jobs {cores}", [STRATIFY, "explain", "--format", "json", csv], n)
    # Monitoring (issue 14): each within 2x of scoring the current file.
    wave2_records = count_records(wave2)
    add("score wave 2 CSV → CSV (the current file)", [STRATIFY, "score", wave2], wave2_records)
    add("track wave 1 → wave 2 (both intake)", [STRATIFY, "track", "--format", "json", csv, wave2], wave2_records)
    add("worklist --previous wave 1, wave 2", [STRATIFY, "worklist", "--as-of", "2026-12-01", "--previous", csv, wave2], wave2_records)
    contacts = generate_contacts(wave2)
    add("worklist --previous wave 1 --contacts (9 in 10 patients), wave 2",
        [STRATIFY, "worklist", "--as-of", "2026-12-01", "--previous", csv, "--contacts", contacts, wave2], wave2_records)
    # Last month's `score` output as the previous side (read back, not
    # re-scored: the usual monthly run keeps it).
    previous_scored = os.path.join(tmp, "wave1-scored.csv")
    run([STRATIFY, "score", "--output", previous_scored, csv])
    add("track wave 1 score output → wave 2", [STRATIFY, "track", "--format", "json", previous_scored, wave2], wave2_records)
    add("worklist --previous wave 1 score output, wave 2",
        [STRATIFY, "worklist", "--as-of", "2026-12-01", "--previous", previous_scored, wave2], wave2_records)
    add("caseload wave 2", [STRATIFY, "caseload", wave2], wave2_records)
    outcomes = generate_outcomes(n, 5)
    candidate = candidate_rules(tmp)
    evaluate = [STRATIFY, "evaluate", "--outcomes", outcomes, "--outcome", "admitted_90d", "--format", "json"]
    add(f"evaluate (binary outcome, JSON), --jobs {cores}", evaluate + [csv], n)
    add(f"evaluate --candidate, --jobs {cores}", evaluate + ["--candidate", candidate, csv], n)
    add(f"diff --candidate, --jobs {cores}", [STRATIFY, "diff", "--candidate", candidate, csv], n)
    # FHIR input (issue 16): >= 100 MB/s of Bulk NDJSON on 2 cores, beside
    # `score` on the equivalent flat CSV. The records/s column counts patients.
    fhir_patients = 50_000 if args.quick else 100_000
    fhir_dir, fhir_csv, fhir_mb = generate_fhir(fhir_patients)
    add(f"score FHIR Bulk NDJSON ({fhir_mb:.0f} MB) → CSV", [STRATIFY, "score", "--input-format", "fhir", "--as-of", "2026-12-31", fhir_dir], fhir_patients)
    add("score the equivalent flat CSV → CSV", [STRATIFY, "score", fhir_csv], fhir_patients)
    # HTML report (issue 15): the population report within 1.5x of scoring
    # the same file (the "score wave 2" row above), under 1 MB. --previous
    # adds the scoring of the previous file (as track), --outcomes the
    # reading of the outcome file (as evaluate).
    report = os.path.join(tmp, "report.html")
    add(f"report wave 2 → HTML, --jobs {cores}",
        [STRATIFY, "report", "--as-of", "2026-12-01", "--output", report, wave2], wave2_records)
    add(f"report --previous wave 1 --outcomes → HTML, --jobs {cores}",
        [STRATIFY, "report", "--as-of", "2026-12-01", "--previous", csv, "--outcomes", outcomes, "--outcome", "admitted_90d",
         "--output", report, wave2], wave2_records)
    print(f"  report size: {os.path.getsize(report):,} bytes (limit 1,048,576)", file=sys.stderr)
    if not args.quick:
        big = gigabyte_file(csv)
        big_records = count_records(big)
        add("score 1 GB CSV → CSV (peak memory)", [STRATIFY, "score", big], big_records, runs=1)

    scaling = []
    for count in (10, 100, 1000, 10000):
        rules = rule_set(count, tmp)
        one = os.path.join(tmp, "one.csv")
        with open(small) as f, open(one, "w") as out:
            out.write(f.readline())
            out.write(f.readline())
        load, _ = measure([STRATIFY, "score", "--rules", rules, one], args.runs)
        wall, rss = measure([STRATIFY, "score", "--rules", rules, small], args.runs)
        scaling.append((count, load, 100_000 / wall, rss))
        print(f"  {count} rules: load {load:.3f} s, {100_000 / wall:,.0f} records/s", file=sys.stderr)
    shutil.rmtree(tmp, ignore_errors=True)

    base_rate = rows[0][3]
    print()
    print(f"Machine: {cores} cores, {cpu_model()}, {platform.system()} {platform.release()}; "
          f"{time.strftime('%Y-%m-%d')}; whole process, median of {args.runs} run(s).")
    print()
    print("| workload | records | seconds | records/s | vs bare C | peak RSS |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, records, wall, rate, rss in rows:
        print(f"| {name} | {records:,} | {wall:.2f} | {rate:,.0f} | {rate / base_rate:.2f} | {rss:.0f} MiB |")
    print()
    print("Rule-count scaling (default rule set plus N generated rules; 100,000 records):")
    print()
    print("| rules added | load + compile + score 1 record (s) | records/s | peak RSS |")
    print("|---:|---:|---:|---:|")
    for count, load, rate, rss in scaling:
        print(f"| {count:,} | {load:.3f} | {rate:,.0f} | {rss:.0f} MiB |")


if __name__ == "__main__":
    main()
