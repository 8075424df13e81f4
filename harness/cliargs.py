"""Argument types the commands share, so a bad value is one argparse error naming the option."""

from __future__ import annotations

import argparse


def port(text: str) -> int:
    """A TCP port on 127.0.0.1: 0 (any free one) to 65535."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a TCP port from 0 to 65535, not {text!r}")
    return int(text)
