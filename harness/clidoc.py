"""The command reference, ``docs/cli.md``, generated from the parsers themselves.

Why generated: help written twice drifts (README once showed options the parser did not have,
and the parser options README never named). ``python -m harness.clidoc`` writes the file;
``tests/harness/test_cli_help.py`` fails while the committed one is not what this module makes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

#: Where the reference is committed, in the checkout this module runs from.
CLI_DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
#: The width help is wrapped at in the reference, whatever the terminal: the file must not
#: depend on who generated it.
WIDTH = 100


def commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser, str]]:
    """Every command under ``parser``, depth first: its words after the program's name, its
    parser, and the one line the command list says of it."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                command = action.choices[choice.dest]
                yield (*path, choice.dest), command, choice.help or ""
                yield from commands(command, (*path, choice.dest))


def options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """The options a user gives (not ``--help``, ``--version`` nor the command choice)."""
    skipped = (argparse._HelpAction, argparse._VersionAction, argparse._SubParsersAction)
    return [action for action in parser._actions if not isinstance(action, skipped)]


def render(parser: argparse.ArgumentParser) -> str:
    """The reference: the program's help, then every command's, as printed with ``--help``."""
    parts = [
        "# Command reference\n",
        "Generated from the parsers by `python -m harness.clidoc` (do not edit by hand; "
        "`tests/harness/test_cli_help.py` checks it is current). README shows the commands at work.\n",
        _help_block("odoo-harness", parser),
    ]
    for path, command, _summary in commands(parser):
        parts.append(_help_block(" ".join(("odoo-harness", *path)), command))
    return "\n".join(parts)


def _help_block(title: str, parser: argparse.ArgumentParser) -> str:
    return f"## `{title}`\n\n```text\n{_fixed_width_help(parser).rstrip()}\n```\n"


def _fixed_width_help(parser: argparse.ArgumentParser) -> str:
    """``parser.format_help()`` at ``WIDTH`` columns, for any terminal."""
    formatter_class = parser.formatter_class
    parser.formatter_class = lambda prog: formatter_class(prog, width=WIDTH)
    try:
        return parser.format_help()
    finally:
        parser.formatter_class = formatter_class


def main(argv: list[str] | None = None) -> int:
    from harness.cli import build_parser

    cli = argparse.ArgumentParser(prog="python -m harness.clidoc", description=__doc__.splitlines()[0])
    cli.add_argument("--out", type=Path, default=CLI_DOC, help="the file to write (default: %(default)s)")
    args = cli.parse_args(argv)
    args.out.write_text(render(build_parser()), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
