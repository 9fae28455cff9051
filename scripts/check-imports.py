#!/usr/bin/env python3
"""Every module a target imports is a dependency Package.swift declares,
and every declared dependency is imported: the module graph in
Package.swift is the one the code has.

SwiftPM builds a target that imports a module it only reaches through
another dependency, so a missing declaration goes unnoticed until the
graph changes. This reads each target's `dependencies:` from Package.swift
and the `import` lines of its sources (plain, `@testable`, `internal`,
`@_implementationOnly`), and fails naming every import of a package target
or product that its target does not declare. System modules (Glibc,
Foundation, Testing, …) are not checked.

Usage: python3 scripts/check-imports.py
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRODUCTS = {"ArgumentParser", "PropertyBased"}


def targets(manifest):
    """{target: (kind, declared dependencies)} from the manifest's text."""
    found = {}
    for match in re.finditer(r'\.(target|testTarget|executableTarget|systemLibrary)\(\s*name:\s*"([^"]+)"', manifest):
        kind, name = match.group(1), match.group(2)
        # The target's arguments run to the matching parenthesis.
        depth, end = 0, match.end()
        for end in range(match.start(), len(manifest)):
            if manifest[end] == "(":
                depth += 1
            elif manifest[end] == ")":
                depth -= 1
                if depth == 0:
                    break
        body = manifest[match.end():end]
        deps = set()
        dep_match = re.search(r"dependencies:\s*\[(.*?)\]\s*(,|\)|$)", body, re.S)
        if dep_match:
            text = dep_match.group(1)
            deps |= set(re.findall(r'\.product\(name:\s*"([^"]+)"', text))
            text = re.sub(r"\.product\([^)]*\)", "", text)
            deps |= set(re.findall(r'"([^"]+)"', text))
        path = re.search(r'path:\s*"([^"]+)"', body)
        found[name] = (kind, deps, path.group(1) if path else None)
    return found


def imports(directory):
    modules = {}
    pattern = re.compile(r"^\s*(?:@testable\s+|@_implementationOnly\s+|internal\s+|public\s+|package\s+)*import\s+(?:struct\s+|class\s+|enum\s+|func\s+)?([A-Za-z_][A-Za-z0-9_]*)", re.M)
    for folder, _, files in os.walk(directory):
        for file in files:
            if file.endswith(".swift"):
                path = os.path.join(folder, file)
                for line_number, line in enumerate(open(path, encoding="utf-8"), 1):
                    match = pattern.match(line)
                    if match:
                        modules.setdefault(match.group(1), f"{os.path.relpath(path, ROOT)}:{line_number}")
    return modules


def self_test():
    """The parser finds declared dependencies, products included; a check
    that cannot fail would prove nothing."""
    manifest = '''
        .target(name: "A", dependencies: ["B", .product(name: "ArgumentParser", package: "x")]),
        .target(name: "B", path: "Tests/B"),
        .testTarget(
            name: "ATests",
            dependencies: [
                "A",
                .product(name: "PropertyBased", package: "y"),
            ]
        ),
    '''
    found = targets(manifest)
    assert found["A"] == ("target", {"B", "ArgumentParser"}, None), found["A"]
    assert found["B"] == ("target", set(), "Tests/B"), found["B"]
    assert found["ATests"] == ("testTarget", {"A", "PropertyBased"}, None), found["ATests"]


def main():
    self_test()
    declared = targets(open(os.path.join(ROOT, "Package.swift"), encoding="utf-8").read())
    known = set(declared) | PRODUCTS
    problems = []
    for name, (kind, deps, path) in sorted(declared.items()):
        if kind == "systemLibrary":
            continue
        folder = os.path.join(ROOT, path or os.path.join("Tests" if kind == "testTarget" else "Sources", name))
        imported = imports(folder)
        for module, place in sorted(imported.items()):
            if module in known and module != name and module not in deps:
                problems.append(f"{place}: {name} imports {module}, which Package.swift does not declare as its dependency")
        # The other way round: a declared dependency no source imports makes
        # the graph in Package.swift say more than the code does.
        for module in sorted(deps - set(imported)):
            # A test target may depend on the executable only to have it built.
            if declared.get(module, ("",))[0] != "executableTarget":
                problems.append(f"Package.swift: {name} declares {module}, which none of its sources imports")
    if problems:
        print("check-imports: FAILED", *problems, sep="\n  ")
        sys.exit(1)
    print(f"check-imports: ok: the imports of the {len(declared)} targets are exactly their declared dependencies")


if __name__ == "__main__":
    main()
