#!/usr/bin/env python3
"""The HTML reports, checked in a real browser (headless Chromium).

Generates a population with a previous wave and outcomes
(scripts/bench/gen_intake.py), makes each kind of report with
`stratify report`, and checks each file:

- self-contained: no <script>, no src=/href= at all, no CSS url() or
  @import; under 1 MB; byte-identical when made twice;
- in Chromium (Debian's `chromium`, installed with apt-get when missing),
  with every network path closed (a proxy that refuses, a resolver that
  finds nothing): the page loads with no console error, the net log shows
  no request but the file itself, the screenshot has the window's size and
  is not blank (pixels decoded with zlib);
- the numbers in the DOM (`--dump-dom`, the rows' data attributes) equal
  those of `score` (tiers, flags), `caseload`, `track` and `evaluate` in
  JSON for the same inputs.

With --screenshots DIR, the screenshots are kept there (docs/images).
Any failure exits 1.

Usage: STRATIFY=.build/debug/stratify python3 scripts/check-report.py [--screenshots docs/images]
"""
import argparse
import collections
import csv
import html.parser
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STRATIFY = os.path.abspath(os.environ.get("STRATIFY", os.path.join(ROOT, ".build/debug/stratify")))
GEN = os.path.join(ROOT, "scripts/bench/gen_intake.py")
WINDOW = (1000, 1400)
# The full report (population, migration, outcomes) is shot whole.
TALL = (1000, 5200)
failures = []


def expect(what, got, want):
    if got != want:
        failures.append(f"{what}: got {got!r}, expected {want!r}")


# stratify runs in the folder of the generated files, named relatively, so
# that the pages (and the screenshots in docs/images) show short names.
WORKDIR = None


def run(args, status=(0, 1)):
    result = subprocess.run([STRATIFY] + args, capture_output=True, text=True, cwd=WORKDIR)
    if result.returncode not in status:
        sys.exit(f"check-report: stratify {' '.join(args)} exited {result.returncode}: {result.stderr}")
    return result.stdout


def chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    if os.geteuid() != 0:
        sys.exit("check-report: chromium is missing and installing it needs root (apt-get install chromium)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env)
    return shutil.which("chromium")


def browser(binary, page, tmp, extra):
    """Runs Chromium on the page with the network closed; returns (stdout, stderr, net log)."""
    netlog = os.path.join(tmp, "net.json")
    profile = tempfile.mkdtemp(dir=tmp)
    args = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
            f"--user-data-dir={profile}", "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr", "--v=0", f"--log-net-log={netlog}", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-default-browser-check",
            # The browser's own services (updates, sign-in, time) would
            # otherwise show in the net log beside the page's requests.
            "--disable-extensions", "--disable-default-apps", "--disable-domain-reliability", "--no-pings",
            "--disable-client-side-phishing-detection", "--allow-browser-signin=false",
            "--disable-features=OptimizationHints,MediaRouter,Translate,NetworkTimeServiceQuerying,AutofillServerCommunication"] + extra + ["file://" + page]
    result = subprocess.run(args, capture_output=True, text=True, timeout=120)
    with open(netlog, errors="replace") as f:
        log = f.read()
    return result.stdout, result.stderr, log


def page_requests(netlog):
    """The URLs the page asked for, from the net log. The browser's own
    services (updates, sign-in) start requests with no initiating origin
    ("not an origin"); a page's requests carry its origin ("null" for a
    file), which is how they are told apart."""
    try:
        log = json.loads(netlog)
    except json.JSONDecodeError:
        # The browser may exit before closing the log's JSON.
        log = json.loads(netlog.rstrip().rstrip(",") + "]}")
    names = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    requests = []
    for event in log["events"]:
        params = event.get("params") or {}
        if names.get(event["type"]) == "URL_REQUEST_START_JOB" and "url" in params and params.get("initiator") != "not an origin":
            requests.append(params.get("url"))
    return sorted(set(requests))


def check_static(name, path, remake):
    data = open(path, "rb").read()
    text = data.decode("utf-8")
    expect(f"{name}: under 1 MB", len(data) < 1 << 20, True)
    expect(f"{name}: no script", re.search(r"<script", text, re.I) is None, True)
    expect(f"{name}: no src/href", re.findall(r"\b(?:src|href|xlink:href)\s*=", text, re.I), [])
    expect(f"{name}: no url() or @import", re.findall(r"url\(|@import", text, re.I), [])
    remake()
    expect(f"{name}: byte-identical when made twice", open(path, "rb").read() == data, True)


def png_size_and_colours(path):
    """The PNG's width and height, and how many distinct pixel rows it has (zlib, no PIL)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    idat, offset = b"", 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if kind == b"IDAT":
            idat += data[offset + 8:offset + 8 + length]
        offset += 12 + length
    raw = zlib.decompress(idat)
    channels = {2: 3, 6: 4, 0: 1, 4: 2}[colour]
    stride = width * channels * depth // 8
    # Rows are filtered: unfilter them to compare real pixels.
    rows, previous = [], bytearray(stride)
    bpp = max(1, channels * depth // 8)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    pixels = set()
    for line in rows[::7]:
        for x in range(0, stride, channels * 11):
            pixels.add(line[x:x + channels])
    return width, height, len(pixels)


class DataRows(html.parser.HTMLParser):
    """Every element with a data-kind attribute, as a dict of its data- attributes."""

    def __init__(self):
        super().__init__()
        self.rows = collections.defaultdict(dict)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "data-kind" in attributes:
            data = {k[5:]: v for k, v in attributes.items() if k.startswith("data-")}
            self.rows[data.pop("kind")][data.pop("key", "")] = data


def check_in_browser(binary, name, page, tmp, shots, window=WINDOW):
    dom, stderr, netlog = browser(binary, page, tmp, ["--dump-dom"])
    # The pages run no script, so any console message at all is a failure
    # (an uncaught error, a refused load, a CSS or parser complaint).
    errors = [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]
    expect(f"{name}: console errors", errors, [])
    expect(f"{name}: network requests", page_requests(netlog), [])
    expect(f"{name}: the DOM was dumped", "</html>" in dom, True)
    shot = os.path.join(tmp, name + ".png")
    browser(binary, page, tmp, [f"--screenshot={shot}", f"--window-size={window[0]},{window[1]}"])
    if not os.path.exists(shot):
        failures.append(f"{name}: no screenshot")
        return dom
    width, height, colours = png_size_and_colours(shot)
    expect(f"{name}: screenshot size", (width, height), window)
    expect(f"{name}: screenshot not blank (distinct colours > 3)", colours > 3, True)
    check_print(binary, name, page, tmp)
    if shots:
        os.makedirs(shots, exist_ok=True)
        shutil.copy(shot, os.path.join(shots, f"report-{name}.png"))
    return dom


# Paper sizes in PDF points: the page prints on both.
PAPER = {"A4": (595, 842), "letter": (612, 792)}


def check_print(binary, name, page, tmp):
    """Prints the page to PDF on A4 and on US Letter (the size forced by an
    @page rule added to a copy: the page itself says `size:auto`)."""
    text = open(page, encoding="utf-8").read()
    for paper, (width, height) in PAPER.items():
        copy = os.path.join(tmp, f"{name}-{paper}.html")
        with open(copy, "w", encoding="utf-8") as f:
            f.write(f"<style>@page{{size:{paper}}}</style>" + text if "</style>" not in text
                    else text.replace("</style>", f"@page{{size:{paper}}}</style>", 1))
        pdf = os.path.join(tmp, f"{name}-{paper}.pdf")
        browser(binary, copy, tmp, [f"--print-to-pdf={pdf}", "--no-pdf-header-footer"])
        data = open(pdf, "rb").read() if os.path.exists(pdf) else b""
        pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
        expect(f"{name}: prints on {paper}", pages > 0, True)
        boxes = {tuple(round(float(v)) for v in box.split()[2:4]) for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)}
        expect(f"{name}: {paper} pages", boxes, {(width, height)})


def data_rows(dom):
    parser = DataRows()
    parser.feed(dom)
    return parser.rows


def n_of(row):
    return None if row.get("suppressed") == "true" else int(row["n"])


def check_population(name, rows, scored_path, caseload, min_cell):
    scored = list(csv.DictReader(open(scored_path, newline="")))
    shown = lambda n: None if 0 < n < min_cell else n
    tiers = collections.Counter(r["tier"] for r in scored)
    for tier in ("low", "moderate", "high", "very_high"):
        expect(f"{name}: tier {tier}", n_of(rows["tier"][tier]), shown(tiers[tier]))
    flags = collections.Counter(f for r in scored for f in filter(None, r["flags"].split(";")))
    for flag, row in rows["flag"].items():
        expect(f"{name}: flag {flag}", n_of(row), shown(flags[flag]))
    expect(f"{name}: scored", int(rows["records"][""]["scored"]), len(scored))
    for model in caseload["models"]:
        row = rows["model"][model["model"]]
        expect(f"{name}: model {model['model']} patients", n_of(row), shown(model["patients"]))
        expect(f"{name}: model {model['model']} needed", row.get("needed"), None if model["needed"] is None else str(model["needed"]))
        if model["staff"] is not None:
            expect(f"{name}: model {model['model']} gap", row.get("gap"), str(model["gap"]))


def check_track(name, rows, track, min_cell):
    shown = lambda n: "suppressed" if 0 < n < min_cell else str(n)
    records = rows["track-records"][""]
    for key in ("both", "new", "departed"):
        expect(f"{name}: track {key}", int(records[key]), track["records"][key])
    for before, after in track["tier_transitions"].items():
        row = rows["tier-transition"][before]
        for tier, count in after.items():
            expect(f"{name}: {before} → {tier}", row.get("to-" + tier.replace("_", "-")), shown(count))


def check_outcomes(name, rows, evaluation):
    for tier in evaluation["tiers"]:
        row = rows["outcome-tier"][tier["tier"]]
        expect(f"{name}: outcome n of {tier['tier']}", None if "n" not in row else int(row["n"]), tier["n"])
        expect(f"{name}: outcome events of {tier['tier']}", None if "events" not in row else int(row["events"]), tier["events"])
    c = evaluation["c_statistic"]["total_score"]
    if c and c.get("value") is not None:
        expect(f"{name}: c-statistic", rows["c-statistic"][""]["c"], f"{c['value']:.3f}")


def check_card(name, rows, traces):
    for trace in traces:
        card = rows["patient"].get(trace["patient_id"], {})
        expect(f"{name}: tier of {trace['patient_id']}", card.get("tier"), trace["tier"])
        expect(f"{name}: model of {trace['patient_id']}", card.get("model"), trace["model"])
    fired = {r["id"] for t in traces for r in t["rules"] if r["outcome"] == "fired"}
    expect(f"{name}: rules fired", set(rows["fired"]), fired)


def check_diff(name, rows, diff, min_cell):
    shown = lambda n: "suppressed" if 0 < n < min_cell else str(n)
    expect(f"{name}: records", int(rows["diff-records"][""]["records"]), diff["records"])
    for before, after in diff["tier_migration"].items():
        for tier, count in after.items():
            expect(f"{name}: {before} → {tier}", rows["tier-transition"][before].get("to-" + tier.replace("_", "-")), shown(count))


def candidate_rules(directory):
    """The reference rules with one rule's points and one band edge moved (as scripts/benchmark.py)."""
    text = open(os.path.join(ROOT, "Rules", "default.yaml")).read()
    text = text.replace("points: 4", "points: 1", 1).replace("moderate: 6..11, high: 12..17", "moderate: 6..10, high: 11..17")
    path = os.path.join(directory, "candidate.yaml")
    with open(path, "w") as f:
        f.write(text)
    return os.path.basename(path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--screenshots", help="keep the screenshots in this folder")
    args = parser.parse_args()
    global WORKDIR
    binary = chromium()
    with tempfile.TemporaryDirectory() as tmp:
        WORKDIR = tmp
        w1, w2, outcomes = "wave1.csv", "wave2.csv", "outcomes.csv"
        for path, wave, extra in ((w1, "1", []), (w2, "2", ["--outcomes", outcomes])):
            with open(os.path.join(tmp, path), "w") as out:
                subprocess.run([sys.executable, GEN, "--n", "4000", "--seed", "23", "--wave", wave, "--missing", "0.03",
                                "--invalid", "0.002"] + extra, stdout=out, check=True, cwd=tmp)
        staff = "intensive=20,clinical=30,strengths_based=40,brokerage=10"
        scored = os.path.join(tmp, "wave2.scored.csv")
        run(["score", w2, "-o", scored, "-q"])
        caseload = json.loads(run(["caseload", "--staff", staff, "--format", "json", "-q", w2]))
        track = json.loads(run(["track", "--format", "json", "-q", w1, w2]))
        evaluation = json.loads(run(["evaluate", "--outcomes", outcomes, "--outcome", "admitted_90d", "--format", "json", "-q", w2]))
        kinds = {
            "population": [w2, "--staff", staff],
            "full": [w2, "--previous", w1, "--outcomes", outcomes, "--outcome", "admitted_90d", "--staff", staff],
            "numeric-outcome": [w2, "--outcomes", outcomes, "--outcome", "cost_next_12mo"],
        }
        for name, options in kinds.items():
            page = os.path.join(tmp, "report-" + name + ".html")
            command = ["report", "--as-of", "2026-12-01", "-q", "--output", page] + options
            remake = lambda command=command: run(command)
            remake()
            check_static(name, page, remake)
            window = TALL if name == "full" else WINDOW
            rows = data_rows(check_in_browser(binary, name, page, tmp, args.screenshots, window))
            check_population(name, rows, scored, caseload if "--staff" in options else
                             json.loads(run(["caseload", "--format", "json", "-q", w2])), 11)
            if "--previous" in options:
                check_track(name, rows, track, 11)
            if "admitted_90d" in options:
                check_outcomes(name, rows, evaluation)
        # The patient card (explain) and the rule change (diff).
        patients = []
        with open(scored, newline="") as f:
            reader = csv.DictReader(f)
            for row in reader:
                if row["tier"] in ("high", "very_high") and len(patients) < 2:
                    patients.append(row["patient_id"])
        selection = [a for p in patients for a in ("--patient", p)]
        traces = [json.loads(line) for line in run(["explain", "--format", "json", "-q", w2] + selection).splitlines()]
        page = os.path.join(tmp, "patient-card.html")
        remake = lambda: open(page, "w").write(run(["explain", "--format", "html", "-q", w2] + selection))
        remake()
        check_static("patient-card", page, remake)
        check_card("patient-card", data_rows(check_in_browser(binary, "patient-card", page, tmp, args.screenshots)), traces)
        candidate = candidate_rules(tmp)
        diff = json.loads(run(["diff", "--candidate", candidate, "--format", "json", w2]))
        page = os.path.join(tmp, "diff.html")
        remake = lambda: run(["diff", "--candidate", candidate, "--format", "html", "--output", page, w2])
        remake()
        check_static("diff", page, remake)
        check_diff("diff", data_rows(check_in_browser(binary, "diff", page, tmp, args.screenshots)), diff, 11)
    if failures:
        print("\n".join(failures))
        sys.exit(f"check-report: {len(failures)} failure(s)")
    print(f"check-report: {len(kinds) + 2} pages checked in {os.path.basename(binary)}")


if __name__ == "__main__":
    main()
