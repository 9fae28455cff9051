# The two commands of the README, plus the benchmark. Both install libyaml-dev
# and zlib1g-dev when they are missing (Debian/Ubuntu).

SWIFT ?= swift

.PHONY: run test test-browser test-spark test-guards deps build release benchmark clean

## Score the samples with the default rule set. The sample has one invalid
## record on purpose, so stratify exits 1 (some records rejected); that is
## the expected outcome here, not a failure of `make run`.
run: deps
	$(SWIFT) build --product stratify
	.build/debug/stratify score Samples/intake.csv || [ $$? -eq 1 ]

## Run every test: the style (lint), that every import is a declared dependency, the unit,
## acceptance, CLI and YAML rule tests, then Rules/schema.json against the
## shipped rule files, docs/trace.schema.json against the acceptance traces
## (installs jsonschema and PyYAML with pip when missing), and track,
## worklist and caseload against an independent computation.
test: deps lint
	python3 scripts/check-imports.py
	$(SWIFT) test
	python3 scripts/check-rule-schema.py
	$(SWIFT) build --product stratify
	STRATIFY=.build/debug/stratify python3 scripts/check-trace-schema.py
	STRATIFY=.build/debug/stratify python3 scripts/check-monitoring.py
	STRATIFY=.build/debug/stratify python3 scripts/check-evaluate.py

## Render each kind of HTML report in headless Chromium (Debian's chromium,
## installed with apt-get when missing): no console error, no network
## request, a screenshot of the right size that is not blank, and the
## numbers in the DOM equal to those of score, caseload, track and evaluate.
test-browser: deps
	$(SWIFT) build --product stratify
	STRATIFY=.build/debug/stratify python3 scripts/check-report.py

## Run `stratify score -` as a real PySpark RDD.pipe stage on local[2],
## with PySpark from PyPI in a virtual environment (.venv-spark).
test-spark: deps
	$(SWIFT) build --product stratify
	test -x .venv-spark/bin/python || python3 -m venv .venv-spark
	.venv-spark/bin/python -c 'import pyspark' 2>/dev/null || .venv-spark/bin/pip install --quiet pyspark
	STRATIFY=.build/debug/stratify .venv-spark/bin/python scripts/spark-test.py

## The guard rails CI runs beside the tests: the whole suite under
## AddressSanitizer, then each libFuzzer target for FUZZ_SECONDS (60).
FUZZ_SECONDS ?= 60
test-guards: deps
	scripts/sanitize.sh address
	scripts/fuzz.sh all $(FUZZ_SECONDS)

## The house style (.swift-format): any difference from what `swift format`
## would write fails. `swift format format -i -r Sources Tests Fuzz` fixes it.
lint:
	$(SWIFT) format lint --strict -r Sources Tests Fuzz

## Install libyaml-dev and zlib1g-dev with apt-get when pkg-config cannot find them.
deps:
	@scripts/install-deps

release: deps
	$(SWIFT) build -c release --product stratify

## Throughput and memory on generated data (see README); not part of the tests.
benchmark: release
	python3 scripts/benchmark.py

clean:
	rm -rf .build
