#!/usr/bin/env python3
"""Checks docs/trace.schema.json, the JSON Schema of `stratify explain --format json`.

- The schema is a valid draft 2020-12 schema.
- Every trace of every acceptance file validates against it, with and
  without --what-if (model_changes null, and a list).
- It rejects mistakes a consumer should be protected from: a rule without
  its `because`, an outcome that is not fired/not_fired/unknown, a key the
  documentation does not have, an applied escalation without its reason,
  a chosen model without its contact, a rule's `missing` that is not a list.

Runs the stratify binary named by $STRATIFY, else .build/debug/stratify or
.build/release/stratify (build one first: `swift build --product stratify`).
Installs jsonschema with pip when it is missing. Run by `make test`; exits
non-zero, saying why, on any failure.
"""

import copy
import glob
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from pip_ensure import ensure  # noqa: E402


jsonschema = ensure("jsonschema", "jsonschema", "check-trace-schema")


def stratify():
    candidates = [os.environ.get("STRATIFY", "")] + [
        os.path.join(ROOT, ".build", kind, "stratify") for kind in ("debug", "release")]
    for path in candidates:
        if path and os.access(path, os.X_OK):
            return path
    sys.exit("check-trace-schema: FAILED: no stratify binary; run `swift build --product stratify` or set STRATIFY")


def where(error):
    return "/".join(str(part) for part in error.absolute_path) or "(top)"


def main():
    failures = []
    with open(os.path.join(ROOT, "docs", "trace.schema.json"), encoding="utf-8") as file:
        schema = json.load(file)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    binary = stratify()

    inputs = sorted(glob.glob(os.path.join(ROOT, "Tests", "Fixtures", "acceptance", "*.csv"))
                    + glob.glob(os.path.join(ROOT, "Tests", "Fixtures", "acceptance", "*.ndjson")))
    inputs = [path for path in inputs if not path.endswith((".expected.csv", ".errors.csv"))]
    edge_cases = os.path.join(ROOT, "Tests", "Fixtures", "acceptance", "edge-cases.csv")
    runs = [[path] for path in inputs] + [["--what-if", edge_cases]]
    traces = []
    for arguments in runs:
        result = subprocess.run([binary, "explain", "--format", "json", *arguments], capture_output=True, text=True)
        lines = result.stdout.splitlines()
        name = " ".join(os.path.relpath(part, ROOT) if os.sep in part else part for part in arguments)
        if not lines:
            failures.append(f"{name}: no traces (exit status {result.returncode}): {result.stderr.strip()[-200:]}")
        for number, line in enumerate(lines, 1):
            trace = json.loads(line)
            traces.append(trace)
            for error in sorted(validator.iter_errors(trace), key=lambda e: list(e.absolute_path))[:3]:
                failures.append(f"{name}: trace {number}: {where(error)}: {error.message[:200]}")
        print(f"check-trace-schema: {name}: {len(lines)} traces validate")

    # Mistakes the schema must reject, each made once in an edge case's trace.
    sample = next((trace for trace in traces if trace.get("patient_id") == "X08" and trace.get("model_changes")), None)
    if sample is None:
        failures.append("negative checks: no trace of X08 with model changes to change")
        sample = {}

    def without(path, key):
        def change(trace):
            target = trace
            for part in path:
                target = target[part]
            del target[key]
        return change

    def setting(path, key, value):
        def change(trace):
            target = trace
            for part in path:
                target = target[part]
            target[key] = value
        return change

    def chosen(trace):
        return next(index for index, model in enumerate(trace["model_candidates"]) if model["chosen"])

    def applied(trace):
        return next(index for index, item in enumerate(trace["escalations"]) if item["applied"])

    mistakes = [
        ("a rule without its because", without(["rules", 0], "because")),
        ("an outcome that is not fired/not_fired/unknown", setting(["rules", 0], "outcome", "yes")),
        ("an undocumented key", setting([], "derived_steps", {})),
        ("a rule's missing that is not a list", setting(["rules", 0], "missing", "age")),
        ("an applied escalation without its reason", lambda trace: trace["escalations"][applied(trace)].pop("because")),
        ("a chosen model without its contact", lambda trace: trace["model_candidates"][chosen(trace)].pop("contact")),
        ("a band without its upper bound", without(["overall", "band"], "to")),
    ]
    for what, change in mistakes:
        broken = copy.deepcopy(sample)
        try:
            change(broken)
        except (KeyError, IndexError, StopIteration) as error:
            failures.append(f"negative check '{what}': cannot make it ({error!r})")
            continue
        found = list(validator.iter_errors(broken))
        if not found:
            failures.append(f"the schema does not reject {what}")
        else:
            print(f"check-trace-schema: rejects {what}: {where(found[0])}")

    if failures:
        print("check-trace-schema: FAILED", file=sys.stderr)
        for failure in failures:
            print(f"  {failure}", file=sys.stderr)
        return 1
    print(f"check-trace-schema: ok: {len(traces)} traces validate, {len(mistakes)} mistakes rejected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
