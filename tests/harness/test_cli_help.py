"""Help and README agree (issue 15, item 8): every option of every command says what it is and
shows its default, ``docs/cli.md`` is the parsers' own help, and every command line README and
docs/ show parses with the real parser."""

from __future__ import annotations

import argparse
import re
import shlex
from pathlib import Path

import pytest

from harness.cli import build_parser
from harness.clidoc import CLI_DOC, commands, options, render
from simulator.profile import available_versions

ROOT = Path(__file__).parents[2]
PARSER = build_parser()
COMMANDS = {" ".join(path): command for path, command, _summary in commands(PARSER)}
#: Values that are no default worth showing: a flag's off, an option left out, a list to append to.
NO_DEFAULT = (None, False, [], argparse.SUPPRESS)


def _shown_default(action: argparse.Action) -> str:
    default = action.default
    return f"{default:g}" if isinstance(default, float) else str(default)


@pytest.mark.parametrize("name", ["", *COMMANDS])
def test_every_option_has_help_and_shows_its_default(name: str) -> None:
    parser = COMMANDS[name] if name else PARSER
    for action in options(parser):
        assert action.help, f"odoo-harness {name} {'/'.join(action.option_strings)}: no help"
        if action.default not in NO_DEFAULT:
            shown = action.help % {**vars(action), "default": action.default}
            assert f"default: {_shown_default(action)}" in shown, f"{name} {action.option_strings}: {shown!r}"


def test_help_is_plain_text() -> None:
    """No reStructuredText or Markdown markup in what a terminal shows."""
    texts = [PARSER.description] + [c.description for c in COMMANDS.values()]
    texts += [a.help for c in [PARSER, *COMMANDS.values()] for a in options(c)]
    assert [text for text in texts if text and "``" in text] == []


@pytest.mark.parametrize("name", ["run", "diff", "record", "replay"])
def test_every_target_option_names_every_kind(name: str) -> None:
    helps = [a.help for a in options(COMMANDS[name]) if a.dest in ("target", "targets")]
    assert helps and all(kind in helps[0] for kind in ("sim:VERSION", "container:VERSION", "url:URL"))


@pytest.mark.parametrize("option", ["target", "suite"])
def test_run_says_its_options_repeat(option: str) -> None:
    [action] = [a for a in options(COMMANDS["run"]) if a.dest == option]
    assert "repeat for several" in action.help


def test_the_command_reference_is_current() -> None:
    """``python -m harness.clidoc`` rewrites it after a change to the parsers."""
    assert CLI_DOC.read_text(encoding="utf-8") == render(PARSER)


def command_lines(text: str) -> list[str]:
    """Each ``odoo-harness ...`` command a document shows, in a shell block or inline code, with
    continuation lines joined and the words after the program's name only."""
    joined = re.sub(r"\\\n\s*", " ", text)
    snippets = re.findall(r"```(?:sh|bash|shell)\n(.*?)```", joined, flags=re.S)
    found = [line for snippet in snippets for line in snippet.splitlines()]
    found += re.findall(r"`([^`\n]*odoo-harness [^`\n]*)`", joined)
    return [line[line.index("odoo-harness ") :] for line in found if "odoo-harness " in line]


def _words(line: str) -> list[str]:
    """The arguments, without shell operators after them, placeholders (``...``) and the brackets
    of optional parts (``[--keep DIR]``)."""
    words = shlex.split(line, comments=True)[1:]
    for end, word in enumerate(words):
        if word in ("&&", "||", "|", ";", "&", ">", "2>&1") or word.startswith(">"):
            words = words[:end]
            break
    return [w.strip("[]") for w in words if w.strip("[]") not in ("", "...")]


DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


class Refused(Exception):
    pass


#: The version a document shows being added: its commands run once a data folder
#: (ODOO_HARNESS_DATA) provides it.
ADDED = {"adding-a-version.md": "20.0"}


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_every_documented_command_line_parses(document: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No unknown command or option, no bad value. A shortened line (``sync ...``) may leave
    required options out."""

    def refuse(parser: argparse.ArgumentParser, message: str) -> None:
        raise Refused(message)

    monkeypatch.setattr(argparse.ArgumentParser, "error", refuse)
    if document.name in ADDED:
        monkeypatch.setattr("harness.cli.available_versions", lambda: [*available_versions(), ADDED[document.name]])
    wrong = []
    for line in command_lines(document.read_text(encoding="utf-8")):
        try:
            build_parser().parse_args(_words(line))
        except Refused as refused:
            if not str(refused).startswith("the following arguments are required"):
                wrong.append(f"{line}: {refused}")
        except SystemExit:  # --help, --version
            pass
    assert wrong == []


def test_documents_show_commands() -> None:
    """The check above reads something: README shows most commands."""
    shown = {_words(line)[0] for line in command_lines((ROOT / "README.md").read_text()) if _words(line)}
    assert {"simulate", "sync", "run", "diff", "record", "replay", "health", "dashboard"} <= shown


def test_readme_records_outside_the_checkout() -> None:
    """Issue 15, item 9: README's ``record`` example left ``acme.yaml`` in the repository's root."""
    written = [
        words[words.index("--cassette") + 1]
        for words in map(_words, command_lines((ROOT / "README.md").read_text()))
        if words[:1] == ["record"] and "--cassette" in words  # not a mention in the text (`odoo-harness record`)
    ]
    assert written and all(path.startswith("$") for path in written), written
