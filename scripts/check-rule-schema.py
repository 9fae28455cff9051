#!/usr/bin/env python3
"""Checks Rules/schema.json, the JSON Schema that editors use for rule files.

- The schema is a valid draft-07 schema.
- Every shipped rule file (Rules/*.yaml, except YAML rule tests *.test.yaml)
  validates against it.
- It rejects mistakes an editor should flag: a misspelled key (in a rule, at
  the top level, in an input, a model, an escalation), an unknown input type,
  an enum input without values, a derived value with two bodies.

YAML is read as YAML 1.2's core schema, like stratify and the YAML language
server read it (`yes` and `2026-01-31` are strings, not a boolean and a date).
Installs jsonschema and PyYAML with pip when they are missing. Run by
`make test`; exits non-zero, saying why, on any failure.
"""

import glob
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from pip_ensure import ensure  # noqa: E402


yaml = ensure("yaml", "PyYAML", "check-rule-schema")
jsonschema = ensure("jsonschema", "jsonschema", "check-rule-schema")


class CoreLoader(yaml.SafeLoader):
    """YAML 1.2 core schema: only true/false are booleans, and no timestamps."""


CoreLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def load(text):
    """A rule file as the JSON a YAML language server validates: keys are strings."""
    return json.loads(json.dumps(yaml.load(text, Loader=CoreLoader), default=str))


def errors(validator, document):
    return sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))


def where(error):
    return "/".join(str(part) for part in error.absolute_path) or "(top)"


def main():
    failures = []
    with open(os.path.join(ROOT, "Rules", "schema.json"), encoding="utf-8") as file:
        schema = json.load(file)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)

    # fhir.yaml is not a rule file: the FHIR mapping, checked below against
    # its own schema.
    files = sorted(path for path in glob.glob(os.path.join(ROOT, "Rules", "*.yaml"))
                   if not path.endswith(".test.yaml") and os.path.basename(path) != "fhir.yaml")
    if not files:
        failures.append("no rule files found in Rules/")
    for path in files:
        with open(path, encoding="utf-8") as file:
            text = file.read()
        name = os.path.relpath(path, ROOT)
        if "yaml-language-server: $schema=" not in text.split("\n", 1)[0]:
            failures.append(f"{name}: the first line does not name the schema (# yaml-language-server: $schema=./schema.json)")
        for error in errors(validator, load(text)):
            failures.append(f"{name}: {where(error)}: {error.message}")
        print(f"check-rule-schema: {name} validates")

    failures += check_fhir_mapping()

    # Mistakes the schema must flag, each made once in the default rule set.
    with open(os.path.join(ROOT, "Rules", "default.yaml"), encoding="utf-8") as file:
        default = file.read()
    # (what, text in the file, its replacement, where the error must be, the
    # JSON Schema keyword that must catch it, a word its message must contain)
    mistakes = [
        ("a misspelled key in a rule", "        points: 4\n", "        pionts: 4\n",
         "domains/clinical/rules/0", "additionalProperties", "pionts"),
        ("a misspelled top-level key", "\nmodels:\n", "\nmodel:\n", "(top)", "additionalProperties", "model"),
        ("a misspelled key in an input", "{type: integer, min: 0, max: 120,", "{type: integer, minimum: 0, max: 120,",
         "inputs/age", "additionalProperties", "minimum"),
        ("a misspelled key in a model", "    review_days: 30\n", "    review_day: 30\n", "models/0", "additionalProperties", "review_day"),
        ("a misspelled key in an escalation", "      at_least: moderate\n", "      atleast: moderate\n",
         "overall/escalations/2", "additionalProperties", "atleast"),
        ("an unknown input type", "{type: boolean, description: Serious", "{type: bool, description: Serious",
         "inputs/smi_diagnosis/type", "enum", "bool"),
        ("an enum input without values", "substance_use:              {type: enum, values: [none, misuse, disorder]}",
         "substance_use:              {type: enum}", "inputs/substance_use", "required", "values"),
        ("a derived value with two bodies", "      - otherwise: normal\n", "      - otherwise: normal\n    expr: 1\n",
         "derived/bp_category", "oneOf", ""),
    ]
    for what, old, new, path, keyword, word in mistakes:
        if default.count(old) < 1:
            failures.append(f"negative check '{what}': Rules/default.yaml no longer contains {old!r}")
            continue
        found = errors(validator, load(default.replace(old, new, 1)))
        caught = [error for error in found
                  if where(error) == path and error.validator == keyword and word in error.message]
        if not caught:
            seen = [f"{where(error)}: {error.validator}: {error.message}" for error in found]
            failures.append(f"the schema does not flag {what} at {path} ({keyword}); it reports {seen or 'nothing'}")
        else:
            message = caught[0].message
            print(f"check-rule-schema: flags {what}: {path}: {message if len(message) < 100 else caught[0].validator}")

    if failures:
        print("check-rule-schema: FAILED", file=sys.stderr)
        for failure in failures:
            print(f"  {failure}", file=sys.stderr)
        return 1
    print(f"check-rule-schema: ok: {len(files)} rule file(s) validate, {len(mistakes)} mistakes rejected")
    return 0


def check_fhir_mapping():
    """Rules/fhir.yaml validates against Rules/fhir.schema.json, which flags a misspelled key."""
    failures = []
    with open(os.path.join(ROOT, "Rules", "fhir.schema.json"), encoding="utf-8") as file:
        schema = json.load(file)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    with open(os.path.join(ROOT, "Rules", "fhir.yaml"), encoding="utf-8") as file:
        text = file.read()
    if "yaml-language-server: $schema=./fhir.schema.json" not in text.split("\n", 1)[0]:
        failures.append("Rules/fhir.yaml: the first line does not name the schema (# yaml-language-server: $schema=./fhir.schema.json)")
    for error in errors(validator, load(text)):
        failures.append(f"Rules/fhir.yaml: {where(error)}: {error.message}")
    print("check-rule-schema: Rules/fhir.yaml validates")
    broken = text.replace("  phq9_total: {latest: [LOINC|44261-6]}", "  phq9_total: {lastest: [LOINC|44261-6]}")
    if broken == text or not list(errors(validator, load(broken))):
        failures.append("Rules/fhir.schema.json: a misspelled source key (lastest) is not flagged")
    return failures


if __name__ == "__main__":
    sys.exit(main())
