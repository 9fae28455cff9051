#!/usr/bin/env python3
"""An independent check of `stratify evaluate`.

Generates a population with outcomes (scripts/bench/gen_intake.py, seeds
below, a few invalid records), explains every record with `stratify explain
--format json` under the default rules and under an edited copy of them, and
recomputes in plain Python, from the definitions (not from counts per value:
the c-statistic and DeLong's components by comparing every event with every
non-event), every figure `evaluate --format json` prints: records, base rate,
tiers with Wilson intervals, thresholds, models, rules, calibration, the
c-statistics with DeLong intervals, groups, the numeric outcome's means,
medians, totals, shares and Spearman's correlation, and with --candidate the
paired DeLong difference and the NRI. It also checks that the default
--min-cell hides exactly the counts from 1 to 10, and that the JSON is valid
under docs/evaluate.schema.json (jsonschema installed with pip when missing),
and that the schema rejects a report with a key it does not document. Any difference
fails (exit 1).

Usage: STRATIFY=.build/debug/stratify python3 scripts/check-evaluate.py [--seed N] [--n N] [--ndjson]
"""
import argparse
import csv
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STRATIFY = os.environ.get("STRATIFY", os.path.join(ROOT, ".build/debug/stratify"))
GEN = os.path.join(ROOT, "scripts/bench/gen_intake.py")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from pip_ensure import ensure  # noqa: E402

jsonschema = ensure("jsonschema", "jsonschema", "check-evaluate")
SCHEMA = json.load(open(os.path.join(ROOT, "docs/evaluate.schema.json")))
jsonschema.Draft202012Validator.check_schema(SCHEMA)
documents = []
Z = 1.959963984540054
failures = []


def run(args, ok=(0, 1)):
    result = subprocess.run([STRATIFY] + args, capture_output=True, text=True)
    if result.returncode not in ok:
        sys.exit(f"check-evaluate: {' '.join(args)} exited {result.returncode}: {result.stderr}")
    return result.stdout


def evaluate(args):
    document = json.loads(run(["evaluate", "--format", "json", "-q"] + args))
    documents.append(document)
    return document


def close(what, got, want, tolerance=1e-9):
    if want is None or got is None:
        if got != want:
            failures.append(f"{what}: got {got!r}, expected {want!r}")
        return
    if isinstance(want, (list, tuple)):
        if not isinstance(got, list) or len(got) != len(want):
            failures.append(f"{what}: got {got!r}, expected {want!r}")
            return
        for k, (g, w) in enumerate(zip(got, want)):
            close(f"{what}[{k}]", g, w, tolerance)
        return
    if isinstance(want, str) or isinstance(got, str):
        if got != want:
            failures.append(f"{what}: got {got!r}, expected {want!r}")
        return
    if abs(got - want) > tolerance * max(1.0, abs(want)):
        failures.append(f"{what}: got {got!r}, expected {want!r}")


def ratio(a, b):
    return a / b if b else None


def wilson(x, n):
    if n == 0:
        return None
    p = x / n
    d = 1 + Z * Z / n
    c = (p + Z * Z / (2 * n)) / d
    h = Z / d * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return [c - h, c + h]


def psi(x, y):
    return 1.0 if x > y else (0.5 if x == y else 0.0)


def delong_components(scores, outcomes):
    """V10 per event and V01 per non-event, straight from the definition."""
    pos = [s for s, y in zip(scores, outcomes) if y == 1]
    neg = [s for s, y in zip(scores, outcomes) if y == 0]
    if not pos or not neg:
        return None
    # Counting per distinct value only to keep the check fast; each V is still the mean of psi over the other class.
    v10 = {x: sum(psi(x, y) for y in set(neg) for _ in range(neg.count(y))) / len(neg) for x in set(pos)}
    v01 = {y: sum(psi(x, y) for x in set(pos) for _ in range(pos.count(x))) / len(pos) for y in set(neg)}
    return [v10[x] for x in pos], [v01[y] for y in neg]


def auc_delong(scores, outcomes):
    comps = delong_components(scores, outcomes)
    if comps is None:
        return None
    v10, v01 = comps
    m, n = len(v10), len(v01)
    auc = sum(v10) / m
    if m < 2 or n < 2:
        return {"value": auc, "ci95": None}
    s10 = sum((v - auc) ** 2 for v in v10) / (m - 1)
    s01 = sum((v - auc) ** 2 for v in v01) / (n - 1)
    se = math.sqrt(s10 / m + s01 / n)
    return {"value": auc, "ci95": [auc - 1.96 * se, auc + 1.96 * se]}


def paired_delong(a, b, outcomes):
    ca, cb = delong_components(a, outcomes), delong_components(b, outcomes)
    m, n = len(ca[0]), len(ca[1])
    auc_a, auc_b = sum(ca[0]) / m, sum(cb[0]) / m

    def cov(x, y, mx, my, k):
        return sum((p - mx) * (q - my) for p, q in zip(x, y)) / (k - 1)

    var = (cov(ca[0], ca[0], auc_a, auc_a, m) + cov(cb[0], cb[0], auc_b, auc_b, m) - 2 * cov(ca[0], cb[0], auc_a, auc_b, m)) / m
    var += (cov(ca[1], ca[1], auc_a, auc_a, n) + cov(cb[1], cb[1], auc_b, auc_b, n) - 2 * cov(ca[1], cb[1], auc_a, auc_b, n)) / n
    se = math.sqrt(max(var, 0))
    d = auc_b - auc_a
    p = math.erfc(abs(d / se) / math.sqrt(2)) if se > 0 else None
    return {"value": d, "ci95": [d - 1.96 * se, d + 1.96 * se], "p": p}


def ranks(values):
    order = sorted(range(len(values)), key=lambda i: values[i])
    r = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return r


def spearman(x, y):
    rx, ry = ranks(x), ranks(y)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    sxx = sum((a - mx) ** 2 for a in rx)
    syy = sum((b - my) ** 2 for b in ry)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else None


def median(values):
    s = sorted(values)
    k = len(s) // 2
    return None if not s else (s[k] if len(s) % 2 else (s[k - 1] + s[k]) / 2)


def explained(rules, intake):
    records = {}
    for line in run(["explain", "--rules", rules, "--format", "json", "-q", intake]).splitlines():
        t = json.loads(line)
        records[t["patient_id"]] = {
            "total": t["total_score"], "tier": t["tier"], "model": t["model"], "band": t["overall"]["band"]["tier"],
            "fired": {r["id"] for r in t["rules"] if r["outcome"] == "fired"}, "rules": [r["id"] for r in t["rules"]],
            "inputs": t["inputs"],
        }
    return records


def binary_figures(patients, tiers, models, rules, label, got):
    """patients: list of (record, outcome)."""
    y = [o for _, o in patients]
    n, events = len(y), sum(y)
    close(f"{label} outcome.n", got["outcome"]["n"], n)
    close(f"{label} outcome.events", got["outcome"]["events"], events)
    close(f"{label} outcome.rate", got["outcome"]["rate"], ratio(events, n))
    base = ratio(events, n)
    c_total = auc_delong([r["total"] for r, _ in patients], y)
    c_tier = auc_delong([tiers.index(r["tier"]) for r, _ in patients], y)
    for name, want in (("total_score", c_total), ("tier", c_tier)):
        g = got["c_statistic"][name]
        close(f"{label} c_statistic.{name}.value", g and g["value"], want and want["value"])
        close(f"{label} c_statistic.{name}.ci95", g and g["ci95"], want and want["ci95"])
    for k, tier in enumerate(tiers):
        cell = [o for r, o in patients if r["tier"] == tier]
        row = got["tiers"][k]
        close(f"{label} tier {tier}", [row["tier"], row["n"], row["events"]], [tier, len(cell), sum(cell)])
        close(f"{label} tier {tier} rate", row["rate"], ratio(sum(cell), len(cell)))
        close(f"{label} tier {tier} ci95", row["ci95"], wilson(sum(cell), len(cell)))
    for k, tier in enumerate(tiers[1:], start=1):
        flagged = [o for r, o in patients if tiers.index(r["tier"]) >= k]
        tp = sum(flagged)
        fp = len(flagged) - tp
        row = got["thresholds"][k - 1]
        close(f"{label} threshold {tier}", [row["at_least"], row["flagged"], row["events"]], [tier, len(flagged), tp])
        close(f"{label} threshold {tier} share", row["share"], ratio(len(flagged), n))
        close(f"{label} threshold {tier} sensitivity", row["sensitivity"], ratio(tp, events))
        close(f"{label} threshold {tier} specificity", row["specificity"], ratio(n - events - fp, n - events))
        ppv = ratio(tp, len(flagged))
        close(f"{label} threshold {tier} ppv", row["ppv"], ppv)
        close(f"{label} threshold {tier} lift", row["lift"], ppv / base if ppv is not None and base else None)
    for k, model in enumerate(models):
        cell = [o for r, o in patients if r["model"] == model]
        row = got["models"][k]
        close(f"{label} model {model}", [row["model"], row["n"], row["events"], row["rate"], row["ci95"]],
              [model, len(cell), sum(cell), ratio(sum(cell), len(cell)), wilson(sum(cell), len(cell))])
    for k, rule in enumerate(rules):
        fired = [o for r, o in patients if rule in r["fired"]]
        rest = [o for r, o in patients if rule not in r["fired"]]
        row = got["rules"][k]
        rate = ratio(sum(fired), len(fired))
        close(f"{label} rule {rule}", [row["rule"], row["fired"], row["events_fired"], row["not_fired"], row["events_not_fired"]],
              [rule, len(fired), sum(fired), len(rest), sum(rest)])
        close(f"{label} rule {rule} rates", [row["rate_fired"], row["rate_not_fired"], row["lift"]],
              [rate, ratio(sum(rest), len(rest)), rate / base if rate is not None and base else None])
    bands = got["calibration"]["bands"]
    for row in bands:
        cell = [o for r, o in patients if r["band"] == row["tier"]]
        close(f"{label} band {row['tier']}", [row["n"], row["events"], row["rate"]], [len(cell), sum(cell), ratio(sum(cell), len(cell))])
    values = sorted({r["total"] for r, _ in patients})
    close(f"{label} calibration scores", [row["total_score"] for row in got["calibration"]["scores"]], values)
    for row in got["calibration"]["scores"]:
        cell = [o for r, o in patients if r["total"] == row["total_score"]]
        close(f"{label} score {row['total_score']}", [row["n"], row["events"], row["ci95"]], [len(cell), sum(cell), wilson(sum(cell), len(cell))])


def numeric_figures(patients, tiers, models, label, got):
    y = [o for _, o in patients]
    total = sum(y)
    close(f"{label} outcome", [got["outcome"]["n"], got["outcome"]["mean"], got["outcome"]["median"], got["outcome"]["total"]],
          [len(y), total / len(y), median(y), total], 1e-9)
    close(f"{label} spearman", got["spearman"], spearman([r["total"] for r, _ in patients], y))
    for key, names, field in (("tiers", tiers, "tier"), ("models", models, "model")):
        for k, name in enumerate(names):
            cell = [o for r, o in patients if r[field] == name]
            row = got[key][k]
            close(f"{label} {field} {name}", [row["n"], row["mean"], row["median"], row["total"], row["share"]],
                  [len(cell), ratio(sum(cell), len(cell)), median(cell), sum(cell), ratio(sum(cell), total)])


def nri(a, b, y, tiers_a, tiers_b):
    up_e = sum(1 for p, q, o in zip(a, b, y) if o == 1 and tiers_b.index(q) > tiers_a.index(p))
    down_e = sum(1 for p, q, o in zip(a, b, y) if o == 1 and tiers_b.index(q) < tiers_a.index(p))
    up_n = sum(1 for p, q, o in zip(a, b, y) if o == 0 and tiers_b.index(q) > tiers_a.index(p))
    down_n = sum(1 for p, q, o in zip(a, b, y) if o == 0 and tiers_b.index(q) < tiers_a.index(p))
    e, n = sum(y), len(y) - sum(y)
    return [(up_e - down_e) / e, (down_n - up_n) / n, (up_e - down_e) / e + (down_n - up_n) / n]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=29)
    ap.add_argument("--n", type=int, default=1500)
    ap.add_argument("--ndjson", action="store_true", help="the intake as NDJSON")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="check-evaluate-")
    intake, outcomes = os.path.join(tmp, "intake.ndjson" if args.ndjson else "intake.csv"), os.path.join(tmp, "outcomes.csv")
    with open(intake, "w") as f:
        subprocess.run([sys.executable, GEN, "--n", str(args.n), "--seed", str(args.seed), "--invalid", "0.01", "--outcomes", outcomes]
                       + (["--format", "ndjson"] if args.ndjson else []), stdout=f, check=True)
    # Outcome rows without a scored record: two strangers.
    with open(outcomes, "a") as f:
        f.write("X0000001,1,0,10.00\nX0000002,0,1,20.00\n")
    default = os.path.join(ROOT, "Rules/default.yaml")
    candidate = os.path.join(tmp, "candidate.yaml")
    text = open(default).read()
    # A hidden edit of the kind a team tries: one rule's points, one tier band.
    text = re.sub(r"points: 4", "points: 1", text, count=1)
    text = text.replace("moderate: 6..11, high: 12..17", "moderate: 6..10, high: 11..17")
    text = text.replace("when: admissions_12mo >= 2", "when: admissions_12mo >= 3")
    open(candidate, "w").write(text)

    current, edited = explained(default, intake), explained(candidate, intake)
    rows = [json.loads(line) for line in open(intake)] if args.ndjson else list(csv.DictReader(open(intake)))
    out_rows = {r["patient_id"]: r for r in csv.DictReader(open(outcomes))}
    tiers = ["low", "moderate", "high", "very_high"]
    models = ["intensive", "clinical", "strengths_based", "brokerage"]
    rules = next(iter(current.values()))["rules"]
    rules_new = next(iter(edited.values()))["rules"]

    got = evaluate(["--outcomes", outcomes, "--outcome", "admitted_90d", "--by", "insurance",
                          "--min-cell", "0", intake])
    with_outcome = [(r, int(out_rows[i]["admitted_90d"])) for i, r in current.items()
                    if i in out_rows and out_rows[i]["admitted_90d"] != ""]
    close("records", [got["records"][k] for k in ("scored", "with_outcome", "without_outcome", "outcomes_unmatched", "rejected")],
          [len(current), len(with_outcome), len(current) - len(with_outcome), len(set(out_rows) - set(current)), len(rows) - len(current)])
    binary_figures(with_outcome, tiers, models, rules, "current", got)
    insurance = ["medicaid", "medicare", "private", "dual", "uninsured"]
    for group in got["groups"]:
        cell = [(r, o) for r, o in with_outcome if r["inputs"].get("insurance") == group["value"]]
        close(f"group insurance={group['value']} n", group["outcome"]["n"], len(cell))
        binary_figures(cell, tiers, models, rules, f"group {group['value']}", group)

    got = evaluate(["--outcomes", outcomes, "--outcome", "admitted_90d", "--candidate", candidate,
                          "--min-cell", "0", intake])
    both = [(current[i], edited[i], int(out_rows[i]["admitted_90d"])) for i in current
            if i in edited and i in out_rows and out_rows[i]["admitted_90d"] != ""]
    binary_figures([(a, o) for a, _, o in both], tiers, models, rules, "paired current", got)
    binary_figures([(b, o) for _, b, o in both], tiers, models, rules_new, "candidate", got["candidate"])
    y = [o for _, _, o in both]
    want = paired_delong([a["total"] for a, _, _ in both], [b["total"] for _, b, _ in both], y)
    diff = got["comparison"]["c_statistic_difference"]
    close("c_statistic_difference", [diff["value"], diff["ci95"], diff["p"]], [want["value"], want["ci95"], want["p"]])
    want = paired_delong([tiers.index(a["tier"]) for a, _, _ in both], [tiers.index(b["tier"]) for _, b, _ in both], y)
    diff = got["comparison"]["c_statistic_difference_tier"]
    close("c_statistic_difference_tier", [diff["value"], diff["ci95"], diff["p"]], [want["value"], want["ci95"], want["p"]])
    g = got["comparison"]["nri"]
    close("nri", [g["events"], g["non_events"], g["total"]], nri([a["tier"] for a, _, _ in both], [b["tier"] for _, b, _ in both], y, tiers, tiers))

    got = evaluate(["--outcomes", outcomes, "--outcome", "cost_next_12mo", "--min-cell", "0", "--by", "model", intake])
    close("numeric type", got["outcome"]["type"], "number")
    numeric_figures([(r, float(out_rows[i]["cost_next_12mo"])) for i, r in current.items()
                     if i in out_rows and out_rows[i]["cost_next_12mo"] != ""], tiers, models, "cost", got)

    # The default --min-cell hides exactly the counts from 1 to 10.
    small = evaluate(["--outcomes", outcomes, "--outcome", "admitted_90d", "--by", "living_situation",
                            intake])
    full = evaluate(["--outcomes", outcomes, "--outcome", "admitted_90d", "--by", "living_situation",
                           "--min-cell", "0", intake])

    def walk(a, b, path):
        if isinstance(b, dict):
            for k in b:
                if k in ("n", "events", "flagged", "fired", "not_fired", "events_fired", "events_not_fired") and isinstance(b[k], int):
                    hidden = 1 <= b[k] <= 10
                    if hidden and (a[k] is not None or a.get("suppressed") is not True):
                        failures.append(f"{path}.{k}: {b[k]} is not hidden")
                    if not hidden and a[k] is not None and a[k] != b[k]:
                        failures.append(f"{path}.{k}: {a[k]} != {b[k]}")
                else:
                    walk(a.get(k) if isinstance(a, dict) else None, b[k], f"{path}.{k}")
        elif isinstance(b, list) and isinstance(a, list):
            for k, (x, z) in enumerate(zip(a, b)):
                walk(x, z, f"{path}[{k}]")
    walk(small, full, "$")

    for document in documents:
        for error in jsonschema.Draft202012Validator(SCHEMA).iter_errors(document):
            failures.append(f"schema: {error.json_path}: {error.message}")
    drifted = json.loads(json.dumps(documents[0]))
    drifted["tiers"][0]["undocumented"] = 1
    if jsonschema.Draft202012Validator(SCHEMA).is_valid(drifted):
        failures.append("schema: accepts a tier row with an undocumented key")

    shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print("check-evaluate: %d differences" % len(failures))
        for failure in failures[:50]:
            print("  " + failure)
        sys.exit(1)
    print("check-evaluate: every figure matches the independent computation")


if __name__ == "__main__":
    main()
