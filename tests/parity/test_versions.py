"""Odoo versions compare as numbers, and "validated" means a recorded parity corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.versions import LOWEST_SUPPORTED, is_validated, same_version, validated_versions, version_key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("16.0", (16, 0)),
        ("19.0", (19, 0)),
        ("20.0", (20, 0)),
        ("saas~18.2", (18, 2)),
        ("100.0", (100, 0)),
    ],
)
def test_version_key_parses_major_and_minor(text: str, key: tuple[int, int]) -> None:
    assert version_key(text) == key


def test_versions_order_numerically_not_as_strings() -> None:
    ordered = ["16.0", "17.0", "saas~17.2", "18.0", "saas~18.2", "19.0", "20.0", "100.0"]
    assert sorted(reversed(ordered), key=version_key) == ordered
    assert version_key("100.0") > version_key(LOWEST_SUPPORTED)  # as strings, "100.0" < "16.0"


@pytest.mark.parametrize("text", ["16", "sixteen", "", "18.0.1", "saas-18.2", "v17.0"])
def test_anything_else_is_refused_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not an Odoo version like '17\.0' or 'saas~18\.2'"):
        version_key(text)


def test_same_version_compares_parsed_values() -> None:
    assert same_version("18.0", " 18.0") and not same_version("18.0", "saas~18.2")
    assert not same_version("18.0", "nonsense")


def test_validated_versions_are_the_recorded_corpora() -> None:
    corpus = Path(__file__).resolve().parents[2] / "harness" / "parity" / "recorded" / "corpus"
    assert validated_versions() == sorted((p.stem for p in corpus.glob("*.json")), key=version_key)
    assert {"16.0", "17.0", "18.0"} <= set(validated_versions())
    assert is_validated("17.0") and not is_validated("20.0") and not is_validated("saas~18.2")
