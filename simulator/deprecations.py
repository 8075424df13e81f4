"""Endpoints a version still serves but logs as deprecated (19.0: /xmlrpc, /xmlrpc/2, /jsonrpc).

Odoo 19 answers these as before and logs a WARNING at every request, so a client that
still uses them works today and breaks on a later version. The simulator does the
same, from its profile, and counts the requests per endpoint for ``/__sim__/stats``:
a run can then say how many deprecated calls a sync made.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter

from simulator.quirks import Deprecation

# a library's loggers stay quiet unless the program configures logging (``simulate`` does)
logging.getLogger("odoo").addHandler(logging.NullHandler())


class DeprecatedEndpoints:
    """Logs and counts the requests that reach a deprecated endpoint."""

    def __init__(self, deprecations: list[Deprecation]) -> None:
        self.deprecations = deprecations
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def note(self, path: str) -> None:
        """Called for every RPC request; does nothing for an endpoint that is not deprecated."""
        for deprecation in self.deprecations:
            if any(path == prefix or path.startswith(f"{prefix}/") for prefix in deprecation.paths):
                logging.getLogger(deprecation.logger).warning(deprecation.message.format(logger=deprecation.logger))
                with self._lock:
                    self.counts[path] += 1
                return

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self.counts)

    def clear(self) -> None:
        with self._lock:
            self.counts.clear()
