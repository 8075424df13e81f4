"""A run imports what its targets' ``start`` needs before it forks their processes."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from harness.targets import Target
target = Target("sim", "17.0")
for name in target.modules:
    __import__(name)
before = set(sys.modules)
with target.start():
    pass
print(sorted(name for name in set(sys.modules) - before if name.split(".")[0] in ("harness", "simulator")))
"""


def test_a_simulator_target_starts_with_nothing_of_the_project_left_to_import() -> None:
    """Each forked child imported the simulator's app again (0.3 s of CPU apiece): ``Target.modules``
    must name what ``start`` imports, in a fresh process (this one has imported everything)."""
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == "[]"
