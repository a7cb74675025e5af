"""Running ``stodbot`` as people run it: a separate process on one database, with this
checkout's code whatever is installed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run(args: list[str], db: Path, stdin: str = "") -> str:
    """``stodbot ARGS`` with ``stdin`` typed in; what it printed (it must succeed)."""
    env = {**os.environ, "STODBOT_DATABASE_URL": f"sqlite:///{db}", "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli.main", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=db.parent,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout
