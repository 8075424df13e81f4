"""Argument types and help texts the commands share, so a bad value is one argparse error naming the
option, and every command names the same things alike."""

from __future__ import annotations

import argparse

#: How a command names the Odoo it talks to, as ``targets.parse_target`` reads it.
TARGET_KINDS = "sim:VERSION (the simulator), container:VERSION (Odoo's image, with Docker) or url:URL"


def port(text: str) -> int:
    """A TCP port on 127.0.0.1: 0 (any free one) to 65535."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a TCP port from 0 to 65535, not {text!r}")
    return int(text)
