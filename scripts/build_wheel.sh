#!/usr/bin/env bash
# Build the tflm-bench wheel into dist/ (or --out DIR) from a clean copy of the files git would
# ship (tracked, plus new ones not ignored), so the checkout gets no build/ or *.egg-info.
# Usage: bash scripts/build_wheel.sh [--out DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/dist"
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out="$2"; shift 2 ;;
        --out=*) out="${1#--out=}"; shift ;;
        *) echo "usage: bash scripts/build_wheel.sh [--out DIR]" >&2; exit 2 ;;
    esac
done
python="$root/.venv/bin/python"
[ -x "$python" ] || python="$(command -v python3)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src" "$out"
out="$(cd "$out" && pwd)"
# A clean copy: no build/, *.egg-info or caches of the checkout go into the wheel or come back.
"$python" - "$root" "$work/src" <<'PY'
import shutil, subprocess, sys
from pathlib import Path
root, dest = Path(sys.argv[1]), Path(sys.argv[2])
listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                        cwd=root, capture_output=True, text=True, check=True).stdout.split("\0")
for name in filter(None, listed):
    if (root / name).is_file():  # a tracked file deleted in the checkout is left out
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, dest / name)
PY
"$python" -m pip wheel -q --no-deps --no-build-isolation -w "$out" "$work/src"
ls "$out"/tflm_bench-*.whl
