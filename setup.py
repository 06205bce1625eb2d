"""Package layout: the data-flow folders become one import namespace, found, not listed.

generator/ -> tflm_bench.generator, emulation/ -> tflm_bench.emulation, bench/ -> tflm_bench,
and firmware/ (C sources, no Python) -> tflm_bench/firmware as package data, so an installed
wheel builds firmware exactly as a checkout does. Everything else lives in pyproject.toml.
"""
from setuptools import find_packages, setup

# Folder -> import name. The folders are the data flow and part of the project's spec.
ROOTS = {"bench": "tflm_bench", "generator": "tflm_bench.generator", "emulation": "tflm_bench.emulation"}
# Non-Python files each package needs at run time.
DATA = {
    "tflm_bench.generator": ["templates/*.j2", "templates/export/*.j2"],
    "tflm_bench.board": ["platforms/*.repl"],
    "tflm_bench.emulation": ["builtin/*.c"],
    "tflm_bench.firmware": ["CMakeLists.txt", "**/*.c", "**/*.cc", "**/*.h", "**/*.ld", "**/*.in", "**/*.cmake"],
}


def _layout() -> tuple[list[str], dict[str, str]]:
    packages, package_dir = ["tflm_bench.firmware"], {"tflm_bench.firmware": "firmware"}
    for folder, name in ROOTS.items():
        packages.append(name)
        package_dir[name] = folder
        for sub in find_packages(folder):
            packages.append(f"{name}.{sub}")
            package_dir[f"{name}.{sub}"] = f"{folder}/{sub.replace('.', '/')}"
    return packages, package_dir


packages, package_dir = _layout()
setup(packages=packages, package_dir=package_dir, package_data=DATA, include_package_data=False)
