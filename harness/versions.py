"""Odoo versions as the harness sees them: how to compare them, and which are validated.

Versions arrive as strings ("16.0", "20.0", "saas~18.2"); comparing them as strings
puts "100.0" before "16.0" and cannot place a SaaS release, so every comparison goes
through ``version_key``. A version is *validated* when the harness holds a recorded
real-Odoo parity corpus for it; anything else still runs, marked as unvalidated.
Corpora are the package's own and, for versions a team captured itself
(``odoo-harness capture --out DIR``), those under ``DIR/corpus/`` for every DIR named
in ``ODOO_HARNESS_DATA`` (the variable the simulator reads its extra profiles from).
"""

from __future__ import annotations

import os
import re
from importlib.resources import files
from pathlib import Path

#: The lowest Odoo version the harness supports: a scenario's default ``min_version``.
LOWEST_SUPPORTED = "16.0"
#: The variable naming a team's own data directories; the simulator reads its ``profiles/``
#: from the same (``simulator.profile.DATA_PATH_ENV``; the engine may not import the simulator).
DATA_PATH_ENV = "ODOO_HARNESS_DATA"
#: Recorded real-Odoo conversations, one ``<version>.json`` per validated version.
PARITY_CORPUS = Path(files("harness") / "parity" / "recorded" / "corpus")

_VERSION = re.compile(r"(?:saas~)?(\d+)\.(\d+)")


def version_key(version: str) -> tuple[int, int]:
    """``(major, minor)`` of "19.0" or "saas~18.2", for numeric comparison; anything else
    is a ``ValueError`` naming the accepted forms."""
    match = _VERSION.fullmatch(version.strip()) if isinstance(version, str) else None
    if not match:
        raise ValueError(f"{version!r} is not an Odoo version like '17.0' or 'saas~18.2'")
    return int(match[1]), int(match[2])


def same_version(a: str, b: str) -> bool:
    """Whether two spellings name one version ("18.0" and " 18.0"); unparsable ones never match."""
    try:
        return version_key(a) == version_key(b)
    except ValueError:
        return False


def corpus_dirs() -> list[Path]:
    """Where parity corpora are looked for: ``$ODOO_HARNESS_DATA``'s ``corpus/`` first."""
    extra = [Path(d) / "corpus" for d in os.environ.get(DATA_PATH_ENV, "").split(os.pathsep) if d]
    return [*extra, PARITY_CORPUS]


def corpus_path(version: str) -> Path | None:
    """The recorded corpus of ``version``, or None."""
    return next((d / f"{version}.json" for d in corpus_dirs() if (d / f"{version}.json").is_file()), None)


def validated_versions() -> list[str]:
    """The versions with a recorded parity corpus, lowest first. The one place that says
    what "validated" means, so the evidence can move without touching the callers."""
    stems = {path.stem for d in corpus_dirs() for path in d.glob("*.json") if _VERSION.fullmatch(path.stem)}
    return sorted(stems, key=version_key)


def is_validated(version: str) -> bool:
    return any(same_version(version, known) for known in validated_versions())
