#!/usr/bin/env bash
# Set up (if needed), then build the sine model's firmware and check it on the built-in engine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
cd "$root"
exec .venv/bin/tflm-bench run models/sine_int8.tflite --count 32 --json build/demo-result.json "$@"
