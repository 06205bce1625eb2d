#!/usr/bin/env bash
# Installs everything the bench needs on a Debian machine: the Arm cross toolchain, CMake and a C
# compiler (apt, when run as root), then a virtual environment at .venv with pinned packages.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

apt_packages=(gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi cmake make gcc python3-venv)
missing=()
command -v arm-none-eabi-gcc >/dev/null || missing+=(gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi)
command -v cmake >/dev/null || missing+=(cmake)
command -v make >/dev/null || missing+=(make)
command -v cc >/dev/null || missing+=(gcc)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "setup: installing ${missing[*]} with apt-get" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "setup: missing ${missing[*]}." >&2
        echo "setup: run as root, or install them yourself: sudo apt-get install ${apt_packages[*]}" >&2
        exit 1
    fi
fi
echo "setup: toolchain: $(arm-none-eabi-gcc --version | head -n 1), $(cmake --version | head -n 1)" >&2

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
    echo "setup: Python 3.11 is required (tensorflow-cpu 2.21 and tflite-micro are pinned for it);" >&2
    echo "setup: $python is $("$python" --version 2>&1). Point PYTHON at a 3.11 interpreter." >&2
    exit 1
fi
echo "setup: python: $("$python" --version 2>&1) ($(command -v "$python"))" >&2

stamp=".venv/.tflm-bench-installed"
want="$(cat requirements.lock requirements-nodeps.lock pyproject.toml setup.py | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "setup: .venv: installing the pinned packages of requirements.lock, then tflm-bench (editable)" >&2
    [ -x .venv/bin/python ] || "$python" -m venv .venv
    .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.lock
    # tf-keras and tensorflow-model-optimization (QAT), without their declared dependencies: tf-keras
    # would pull the `tensorflow` distribution beside the pinned tensorflow-cpu (two TensorFlows).
    # The header of requirements-nodeps.lock lists what `pip check` then reports, and why it is fine.
    .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -r requirements-nodeps.lock
    .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
    echo "$want" > "$stamp"
else
    echo "setup: .venv: up to date ($root/.venv)" >&2
fi
