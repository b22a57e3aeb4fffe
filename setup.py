"""The one compiled part: the word split every extraction starts with (see
workers/extract/_speedups.c). Everything else about the package is in pyproject.toml."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("workers.extract._speedups", ["workers/extract/_speedups.c"]),
    ]
)
