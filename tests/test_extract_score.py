"""The shared scorer on the seed articles: extraction must score 1.000 (issue 4).

The scorer and its gold labels live beside the repository, in ../shared/eval, as in CI.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EVAL = REPO.parent / "shared" / "eval"


def test_seed_score_is_perfect():
    command = (f"{shlex.quote(sys.executable)} -m chronicle extract --json "
               "--published {published} {file}")
    result = subprocess.run(
        [sys.executable, str(EVAL / "score.py"), str(EVAL / "seeds.gold.yaml"),
         "--articles", "seeds", "--cmd", command, "-v"],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "score: 1.000", result.stdout
    assert "failed: 0" in result.stdout
