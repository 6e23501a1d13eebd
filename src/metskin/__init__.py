"""MetSkin: skin analysis and care platform."""

import os

# NumPy's OpenBLAS lets its worker thread spin for 2^28 CPU cycles (about 0.1 s) after each
# matrix product it splits, so after the engine's last one a second core burnt through the
# rest of the analysis: as much CPU again as the worker's own in every step after the engine
# (docs/benchmarks.md, "Pipeline against the engine, fifth pass"). At 2^4 cycles the thread
# sleeps at once; the same threads still split the same products, so every result is the same
# to the bit. OpenBLAS reads this when NumPy loads it: hence here, before anything imports
# NumPy. A value set by whoever starts the process is kept.
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")

__version__ = "0.1.0"
