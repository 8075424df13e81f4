"""Reports of a run: the compatibility matrix on the terminal, JUnit XML for CI, an HTML page.

All three say the same things: what was skipped and why (never as a pass), why a degradation
is expected, which targets answer as a version the harness has not validated, and when
nothing ran.
"""

from harness.report.junit import write_junit
from harness.report.page import write_html
from harness.report.text import matrix, nothing_ran, summary

__all__ = ["matrix", "nothing_ran", "summary", "write_html", "write_junit"]
