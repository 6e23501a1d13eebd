"""Importing metskin sets how long NumPy's OpenBLAS threads spin before they sleep (read once,
when NumPy loads): not at all, unless whoever started the process chose a value."""

from __future__ import annotations

import os
import subprocess
import sys

READ = "import os, metskin; print(os.environ['OPENBLAS_THREAD_TIMEOUT'])"


def timeout_seen(**chosen: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_THREAD_TIMEOUT"} | chosen
    done = subprocess.run(
        [sys.executable, "-c", READ], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_openblas_threads_sleep_at_once_after_a_product() -> None:
    assert timeout_seen() == "4"  # 2^4 cycles, the least OpenBLAS takes


def test_a_value_the_process_was_started_with_is_kept() -> None:
    assert timeout_seen(OPENBLAS_THREAD_TIMEOUT="26") == "26"
