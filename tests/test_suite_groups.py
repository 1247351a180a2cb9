"""`make test` runs `--dist loadgroup`: tests/conftest.py groups the tests that share a build so
each group runs on one worker. The installed pytest and pytest-xdist must carry the groups to the
workers; pytest 9.2 drops them without a word (pytest-xdist#1386) and the suite runs ungrouped,
each worker building every issue."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path


def test_loadgroup_sends_each_group_to_one_worker(tmp_path: Path) -> None:
    grouped = "".join(
        f"@pytest.mark.xdist_group('shared')\ndef test_grouped_{i}():\n    time.sleep(0.2)\n\n" for i in range(4)
    )
    alone = "".join(f"def test_alone_{i}():\n    time.sleep(0.2)\n\n" for i in range(4))
    (tmp_path / "test_groups.py").write_text(f"import time\n\nimport pytest\n\n{grouped}{alone}", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "2", "--dist", "loadgroup", "-v"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ran = re.findall(r"\[(gw\d+)\] .*PASSED (\S+)", proc.stdout)
    assert len(ran) == 8, proc.stdout
    workers = {worker for worker, test in ran if "test_grouped_" in test}
    assert len(workers) == 1, ran  # the four grouped tests on one worker
    assert {worker for worker, _ in ran} == {"gw0", "gw1"}  # and both workers used
