#!/usr/bin/env python3
"""Runs `stratify score -` as a real PySpark `RDD.pipe` stage.

The README shows stratify as a streaming stage of Spark. This runs exactly
that on a local Spark (`local[2]`, PySpark from PyPI, no cluster, no
network beyond the package registry): an intake file is read as an RDD of
NDJSON lines in several partitions, each partition is piped through its
own `stratify score --jobs 1 --quiet -` process, and the collected lines
must be the records `stratify score` writes for the whole file, in the
same order (a partition keeps its lines in order, and `collect` keeps the
partitions in order). The file has an invalid record, so each process that
meets it exits 1: the command accepts that status as the README says.

Usage: STRATIFY=.build/debug/stratify python3 scripts/spark-test.py
(`make test-spark` installs PySpark in .venv-spark first.)
"""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STRATIFY = os.path.abspath(os.environ.get("STRATIFY", os.path.join(ROOT, ".build/debug/stratify")))
GEN = os.path.join(ROOT, "scripts/bench/gen_intake.py")


def main():
    from pyspark import SparkConf, SparkContext

    with tempfile.TemporaryDirectory() as tmp:
        intake = os.path.join(tmp, "intake.ndjson")
        with open(intake, "w") as out:
            subprocess.run([sys.executable, GEN, "--n", "3000", "--seed", "21", "--format", "ndjson",
                            "--invalid", "0.01"], stdout=out, check=True)
        direct = subprocess.run([STRATIFY, "score", "--quiet", intake], capture_output=True, text=True)
        if direct.returncode != 1:
            sys.exit(f"spark-test: the intake should have rejected records (exit 1), got {direct.returncode}: {direct.stderr}")
        expected = direct.stdout.splitlines()

        conf = SparkConf().setMaster("local[2]").setAppName("stratify-spark-test") \
            .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1") \
            .set("spark.driver.bindAddress", "127.0.0.1")
        sc = SparkContext(conf=conf)
        sc.setLogLevel("ERROR")
        try:
            lines = sc.textFile(intake, minPartitions=6)
            partitions = lines.getNumPartitions()
            command = f"sh -c '{STRATIFY} score --jobs 1 --quiet -; test $? -le 1'"
            scored = lines.pipe(command, checkCode=True).collect()
        finally:
            sc.stop()

    if partitions < 2:
        sys.exit(f"spark-test: expected several partitions, got {partitions}")
    if scored != expected:
        first = next((i for i, (a, b) in enumerate(zip(scored, expected)) if a != b), min(len(scored), len(expected)))
        sys.exit(f"spark-test: FAILED: {len(scored)} lines from Spark, {len(expected)} from stratify; "
                 f"first difference at line {first + 1}")
    print(f"spark-test: ok: {len(scored)} records scored through RDD.pipe in {partitions} partitions, "
          "in order, as stratify scores the file")


if __name__ == "__main__":
    main()
