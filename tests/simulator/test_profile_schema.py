"""profile.yaml is typed (simulator/quirks.py): a typo fails at load, and no key is dead."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

import simulator.profile as profile_module
from simulator.profile import ProfileError, available_versions, load_profile
from simulator.quirks import Quirks

SIMULATOR = Path(profile_module.__file__).parent


def _leaf_names(model: type[BaseModel]) -> set[str]:
    names = set()
    for name, info in model.model_fields.items():
        annotation = info.annotation
        nested = [a for a in getattr(annotation, "__args__", (annotation,)) if isinstance(a, type)]
        inner = next((a for a in nested if issubclass(a, BaseModel)), None)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names |= _leaf_names(annotation)
        elif inner is not None:
            names |= {name} | _leaf_names(inner)
        else:
            names.add(name)
    return names


def test_every_key_of_the_schema_is_read_by_the_simulator() -> None:
    code = "\n".join(p.read_text() for p in SIMULATOR.rglob("*.py") if p.name != "quirks.py")
    unread = sorted(name for name in _leaf_names(Quirks) if not re.search(rf"\.{name}\b", code))
    assert unread == []


@pytest.mark.parametrize("version", available_versions())
def test_every_profile_loads(version: str) -> None:
    assert load_profile(version).quirks.models, "a profile lists the models it serves"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("methods:\n  privat_check: after_model\n", r"97.0/profile.yaml .*methods.privat_check: Extra inputs"),
        (
            "analytic:\n  plan_columns: everywhere\n",
            r"analytic.plan_columns: Input should be 'none', 'line' or 'mixin'",
        ),
    ],
)
def test_a_typo_or_a_wrong_value_fails_at_load_naming_file_and_key(
    text: str, error: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "97.0").mkdir()
    (tmp_path / "97.0" / "profile.yaml").write_text(text)
    monkeypatch.setattr(profile_module, "PROFILES_DIR", tmp_path)
    with pytest.raises(ProfileError, match=error):
        load_profile("97.0")
