# The two commands of the README, plus the benchmark. Both install libyaml-dev
# when it is missing (Debian/Ubuntu).

SWIFT ?= swift

.PHONY: run test deps build release benchmark clean

## Score the samples with the default rule set. The sample has one invalid
## record on purpose, so stratify exits 1 (some records rejected); that is
## the expected outcome here, not a failure of `make run`.
run: deps
	$(SWIFT) build --product stratify
	.build/debug/stratify score Samples/intake.csv || [ $$? -eq 1 ]

## Run every test: unit, acceptance, CLI and the YAML rule tests, then
## check Rules/schema.json against the shipped rule files and
## docs/trace.schema.json against the acceptance traces (installs
## jsonschema and PyYAML with pip when missing).
test: deps
	$(SWIFT) test
	python3 scripts/check-rule-schema.py
	$(SWIFT) build --product stratify
	STRATIFY=.build/debug/stratify python3 scripts/check-trace-schema.py
	STRATIFY=.build/debug/stratify python3 scripts/check-monitoring.py
	STRATIFY=.build/debug/stratify python3 scripts/check-evaluate.py

## Install libyaml-dev with apt-get when pkg-config cannot find it.
deps:
	@scripts/install-deps

release: deps
	$(SWIFT) build -c release --product stratify

## Throughput and memory on generated data (see README); not part of the tests.
benchmark: release
	python3 scripts/benchmark.py

clean:
	rm -rf .build
