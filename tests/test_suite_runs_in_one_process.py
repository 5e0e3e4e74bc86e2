"""The README and tests/conftest.py say the suite also runs in one process (`-p no:xdist`): every module must then
be collected, the ones grouped with `xdist_group` marks included (pytest's strict markers would refuse them)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_module_is_collected_without_xdist():
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:xdist", "-p", "no:cacheprovider", "tests"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert collected.returncode == 0, collected.stdout[-2000:] + collected.stderr[-2000:]
    assert "error" not in collected.stdout.splitlines()[-1]
    assert "tests/test_multi_process.py" in collected.stdout
