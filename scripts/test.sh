#!/usr/bin/env bash
# Set up (if needed), then run every test: pytest (generator, engine, protocol, bench), the TFLM
# model corpus (tests/corpus: its own step, so its time shows) and the Robot Framework suites.
# Exits non-zero if any fails.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh" || exit 1
cd "$root"
export TF_CPP_MIN_LOG_LEVEL=2
# The suite keeps its builds in the checkout (shared by pytest and Robot), not in ~/.cache.
export TFLM_BENCH_BUILD="${TFLM_BENCH_BUILD:-$root/build}"

# Two workers: the machines this runs on (and CI) have 2 cores; the build cache is shared safely.
.venv/bin/python -m pytest -q -n "${TFLM_BENCH_TEST_WORKERS:-2}" --ignore=tests/corpus "$@"
pytest_status=$?

# Every model of TFLM's repository (../shared/corpus/tflite-micro) against host TFLM.
corpus_start=$(date +%s)
.venv/bin/python -m pytest -q -n "${TFLM_BENCH_TEST_WORKERS:-2}" tests/corpus
corpus_status=$?
echo "corpus step: $(( $(date +%s) - corpus_start )) s"

.venv/bin/robot --outputdir build/robot --consolecolors off robot_tests/
robot_status=$?

echo "pytest exit ${pytest_status}, corpus exit ${corpus_status}, robot exit ${robot_status}"
[ "$pytest_status" -eq 0 ] && [ "$corpus_status" -eq 0 ] && [ "$robot_status" -eq 0 ]
