"""The shared scorer on the seed articles: extraction must score 1.000 (issue 4).

The scorer and its gold labels live beside the repository, in ../shared/eval, as in CI. The
score must not rest on the curated sample content: it is checked with the repository's
content/ and with an empty chronology, where only the gazetteer and the rules can help.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EVAL = REPO.parent / "shared" / "eval"


def score(root: Path) -> str:
    command = (f"{shlex.quote(sys.executable)} -m chronicle extract --root "
               f"{shlex.quote(str(root))} --json --published {{published}} {{file}}")
    result = subprocess.run(
        [sys.executable, str(EVAL / "score.py"), str(EVAL / "seeds.gold.yaml"),
         "--articles", "seeds", "--cmd", command, "-v"],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "failed: 0" in result.stdout
    return result.stdout


@pytest.mark.parametrize("content", ["curated", "empty"])
def test_seed_score_is_perfect(tmp_path, content):
    root = REPO
    if content == "empty":
        root = tmp_path / "empty"
        (root / "content").mkdir(parents=True)
    output = score(root)
    assert output.splitlines()[-1] == "score: 1.000", output
