"""res.partner's avatars (``avatar.mixin``): the image when there is one, else a picture
made from the name, as ``_avatar_generate_svg`` draws it: the initial on a colour seeded by
the name and the creation time. Real Odoo gives a partner without an internal user one of
the PNG placeholders it ships instead (company, truck, money, grey silhouette); the
simulator draws the initial for them too (the generated corpus counts any avatar as one)."""

from __future__ import annotations

import base64
import datetime as dt
import functools
from hashlib import sha512
from html import escape
from typing import Any

from simulator import hooks

PARTNER = "res.partner"
SIZES = (128, 256, 512, 1024, 1920)


def hsl_from_seed(seed: str) -> str:
    """``get_hsl_from_seed``: a hue from the seed's hash, a moderate saturation."""
    hashed = sha512(seed.encode()).hexdigest()
    hue = int(hashed[0:2], 16) * 360 / 255
    saturation = int(hashed[2:4], 16) * ((70 - 40) / 255) + 40
    return f"hsl({hue:.0f}, {saturation:.0f}%, 45%)"


def generated_svg(name: str, created: str | None) -> str:
    """``_avatar_generate_svg`` (Odoo runs in UTC, so the naive creation time is UTC)."""
    stamp = str(dt.datetime.fromisoformat(created).replace(tzinfo=dt.UTC).timestamp()) if created else ""
    svg = (
        "<?xml version='1.0' encoding='UTF-8' ?>"
        "<svg height='180' width='180' xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink'>"
        f"<rect fill='{hsl_from_seed(name + stamp)}' height='180' width='180'/>"
        "<text fill='#ffffff' font-size='96' text-anchor='middle' x='90' y='125' font-family='sans-serif'>"
        f"{escape(name[0].upper())}</text></svg>"
    )
    return base64.b64encode(svg.encode()).decode()


def _avatars(size: int, env: Any, ids: list[int]) -> dict[int, Any]:
    schema = env.db.schema(PARTNER)
    image = f"image_{size}"
    columns = [c for c in ("name", "create_date", image) if c in schema.fields and schema.fields[c].is_column]
    rows = env.db.reader.rows(env, schema, ids, columns)
    return {
        i: row.get(image) or (generated_svg(row["name"], row["create_date"]) if row.get("name") else False)
        for i, row in rows.items()
    }


for _size in SIZES:
    hooks.compute(PARTNER, f"avatar_{_size}")(functools.partial(_avatars, _size))
