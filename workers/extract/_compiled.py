"""The extractor's compiled loops (``_speedups.c``), or None in a source tree that was never
built: each caller then runs its ``reference_*`` definition, which gives the same results."""

try:
    from workers.extract import _speedups as loops
except ImportError:
    loops = None
