#!/usr/bin/env python3
"""An independent check of `track`, `worklist` and `caseload`.

Generates two waves of a population (scripts/bench/gen_intake.py, seeds
given below), scores both with `stratify score`, and recomputes from those
scored files, in plain Python written from the command descriptions, every
figure the three commands print: the JSON transition matrices, direction,
domain and flag counts of `track`; the whole `worklist` CSV (rows, order,
priorities, reasons, dates, days overdue); the `caseload` JSON and wait
list. Any difference fails (exit 1).

Usage: STRATIFY=.build/debug/stratify python3 scripts/check-monitoring.py
"""
import csv
import datetime
import io
import json
import math
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STRATIFY = os.environ.get("STRATIFY", os.path.join(ROOT, ".build/debug/stratify"))
GEN = os.path.join(ROOT, "scripts/bench/gen_intake.py")
TIERS = ["low", "moderate", "high", "very_high"]
RANK = {t: i for i, t in enumerate(TIERS)}
MODELS = ["intensive", "clinical", "strengths_based", "brokerage"]
CONTACT_DAYS = {"intensive": 7, "clinical": 14, "strengths_based": 30, "brokerage": 90}
CASELOAD = {"intensive": 15, "clinical": 25, "strengths_based": 20, "brokerage": 75}
ESCALATING = ["homeless", "interpersonal_safety", "self_harm_risk"]
DOMAINS = ["clinical", "mental_health", "financial", "housing", "support"]
failures = []


def run(args, check_status=(0, 1)):
    result = subprocess.run([STRATIFY] + args, capture_output=True, text=True)
    if result.returncode not in check_status:
        sys.exit(f"check-monitoring: {' '.join(args)} exited {result.returncode}: {result.stderr}")
    return result.stdout


def expect(what, got, want):
    if got != want:
        failures.append(f"{what}: got {got!r}, expected {want!r}")


def scored(path):
    rows = list(csv.DictReader(open(path, newline="")))
    by_id = {}
    for row in rows:
        by_id.setdefault(row["patient_id"], row)
    return rows, by_id


def flags(row):
    return set(filter(None, row["flags"].split(";")))


def day(text):
    return datetime.date.fromisoformat(text).toordinal() if text else None


def iso(n):
    return datetime.date.fromordinal(n).isoformat() if n is not None else ""


def check_track(w1, w2, prev, cur):
    report = json.loads(run(["track", "--format", "json", w1, w2]))
    both = [k for k in cur if k in prev]
    expect("records", {k: report["records"][k] for k in ["both", "new", "departed"]},
           {"both": len(both), "new": len(cur) - len(both), "departed": len(prev) - len(both)})
    matrix = {p: {c: 0 for c in TIERS + ["departed"]} for p in TIERS + ["new"]}
    for k, row in cur.items():
        matrix[prev[k]["tier"] if k in prev else "new"][row["tier"]] += 1
    for k, row in prev.items():
        if k not in cur:
            matrix[row["tier"]]["departed"] += 1
    expect("tier_transitions", report["tier_transitions"], matrix)
    models = {p: {c: 0 for c in MODELS + ["departed"]} for p in MODELS + ["new"]}
    for k, row in cur.items():
        models[prev[k]["model"] if k in prev else "new"][row["model"]] += 1
    for k, row in prev.items():
        if k not in cur:
            models[row["model"]]["departed"] += 1
    expect("model_transitions", report["model_transitions"], models)
    up = sum(RANK[cur[k]["tier"]] > RANK[prev[k]["tier"]] for k in both)
    down = sum(RANK[cur[k]["tier"]] < RANK[prev[k]["tier"]] for k in both)
    expect("direction", report["direction"], {"up": up, "down": down, "same": len(both) - up - down})
    for d in DOMAINS:
        du = sum(RANK[cur[k][d + "_tier"]] > RANK[prev[k][d + "_tier"]] for k in both)
        dd = sum(RANK[cur[k][d + "_tier"]] < RANK[prev[k][d + "_tier"]] for k in both)
        expect(f"domain {d}", report["domains"][d], {"up": du, "down": dd, "same": len(both) - du - dd})
    for f in ESCALATING:
        gained = sum(f in flags(cur[k]) and f not in flags(prev[k]) for k in both)
        lost = sum(f not in flags(cur[k]) and f in flags(prev[k]) for k in both)
        expect(f"flag {f}", report["flags"][f], {"gained": gained, "lost": lost})
    top = {"high", "very_high"}
    expect("persistent_top", report["persistent_top"]["patients"],
           sum(prev[k]["tier"] in top and cur[k]["tier"] in top for k in both))


def check_worklist(w1, w2, prev, cur_rows, contacts_path, as_of, horizon):
    last = {}
    for row in csv.DictReader(open(contacts_path, newline="")):
        d = day(row["last_contact"])
        last[row["patient_id"]] = max(filter(None, [last.get(row["patient_id"]), d]), default=None)
    a = day(as_of)
    entries = []
    seen = set()
    for row in cur_rows:
        k = row["patient_id"]
        if k in seen:
            continue
        seen.add(k)
        reasons = []
        if k in prev:
            for f in ESCALATING:
                if f in flags(row) and f not in flags(prev[k]):
                    reasons.append((1, f"{f} is new since the previous assessment"))
            if RANK[row["tier"]] > RANK[prev[k]["tier"]]:
                reasons.append((2, f"tier rose from {prev[k]['tier']} to {row['tier']}"))
        review = day(row["review_by"])
        lc = last.get(k)
        nxt = lc + CONTACT_DAYS[row["model"]] if lc is not None else None
        overdue = []
        def days(n):
            return "1 day" if n == 1 else f"{n} days"
        if review is not None and review < a:
            reasons.append((3, f"review {days(a - review)} overdue"))
            overdue.append(review)
        if nxt is not None and nxt < a:
            reasons.append((4, f"contact {days(a - nxt)} overdue"))
            overdue.append(nxt)
        for what, d in [("review", review), ("contact", nxt)]:
            if d is not None and a <= d <= a + horizon:
                reasons.append((5, f"{what} due {'today' if d == a else 'in ' + days(d - a)}"))
        if not reasons:
            continue
        reasons.sort(key=lambda r: r[0])
        due = min(filter(None, [review, nxt]), default=math.inf)
        entries.append(((reasons[0][0], -RANK[row["tier"]], due, k.encode()), [
            k, "; ".join(r[1] for r in reasons), row["tier"], row["model"], row["review_by"],
            str(a - min(overdue)) if overdue else "0", iso(lc), iso(nxt)]))
    entries.sort(key=lambda e: e[0])
    want = [["patient_id", "priority", "reason", "tier", "model", "review_by", "days_overdue", "last_contact", "next_contact"]]
    for i, (_, cells) in enumerate(entries):
        want.append([cells[0], str(i + 1)] + cells[1:])
    got = list(csv.reader(io.StringIO(run(["worklist", "--as-of", as_of, "--horizon", str(horizon),
                                              "--previous", w1, "--contacts", contacts_path, w2]))))
    expect("worklist rows", len(got), len(want))
    for g, w in zip(got, want):
        if g != w:
            expect("worklist row", g, w)
            break


def check_caseload(w2, cur_rows, staff):
    arg = ",".join(f"{m}={n}" for m, n in staff.items())
    with tempfile.TemporaryDirectory() as tmp:
        waitlist = os.path.join(tmp, "w.csv")
        report = json.loads(run(["caseload", "--format", "json", "--staff", arg, "--waitlist", waitlist, w2]))
        got_wait = list(csv.reader(open(waitlist, newline="")))
    want_wait = [["model", "position", "patient_id", "tier", "total_score", "review_by"]]
    for i, m in enumerate(MODELS):
        members = [r for r in cur_rows if r["model"] == m]
        n = len(members)
        needed = -(-n // CASELOAD[m])
        capacity = staff[m] * CASELOAD[m]
        expect(f"caseload {m}", report["models"][i], {
            "model": m, "patients": n, "caseload": CASELOAD[m], "needed": needed,
            "contacts_per_month": round(n * 30 / CONTACT_DAYS[m] + 1e-9, 1), "staff": staff[m],
            "capacity": capacity, "gap": needed - staff[m], "waitlisted": max(0, n - capacity)})
        members.sort(key=lambda r: (-RANK[r["tier"]], -int(r["total_score"]),
                                    day(r["review_by"]) or math.inf, r["patient_id"].encode()))
        for pos, r in enumerate(members[capacity:]):
            want_wait.append([m, str(pos + 1), r["patient_id"], r["tier"], r["total_score"], r["review_by"]])
    expect("waitlist", got_wait, want_wait)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for seed in (11, 29):
            w1, w2 = os.path.join(tmp, f"w1-{seed}.csv"), os.path.join(tmp, f"w2-{seed}.csv")
            for path, wave in ((w1, "1"), (w2, "2")):
                with open(path, "w") as out:
                    subprocess.run([sys.executable, GEN, "--n", "3000", "--seed", str(seed), "--wave", wave,
                                    "--missing", "0.03"], stdout=out, check=True)
            s1, s2 = w1 + ".scored.csv", w2 + ".scored.csv"
            run(["score", w1, "-o", s1])
            run(["score", w2, "-o", s2])
            _, prev = scored(s1)
            cur_rows, cur = scored(s2)
            check_track(w1, w2, prev, cur)
            rng = random.Random(seed)
            contacts = os.path.join(tmp, f"contacts-{seed}.csv")
            with open(contacts, "w") as f:
                f.write("patient_id,last_contact\n")
                for row in cur_rows[: len(cur_rows) * 3 // 4]:
                    for _ in range(rng.randint(1, 2)):
                        d = datetime.date(2026, 12, 1) - datetime.timedelta(days=rng.randint(0, 150))
                        f.write(f"{row['patient_id']},{d.isoformat() if rng.random() > 0.05 else ''}\n")
            for as_of, horizon in (("2026-12-01", 14), ("2027-01-15", 0)):
                check_worklist(w1, w2, prev, cur_rows, contacts, as_of, horizon)
            check_caseload(w2, cur_rows, {"intensive": 3, "clinical": 0, "strengths_based": 40, "brokerage": 2})
    if failures:
        print("check-monitoring: FAILED", *failures[:20], sep="\n  ")
        sys.exit(1)
    print("check-monitoring: ok: track, worklist and caseload agree with the independent computation on 2 seeds")


if __name__ == "__main__":
    main()
