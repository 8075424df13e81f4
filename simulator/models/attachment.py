"""ir.attachment: a file's bytes kept as Odoo's filestore keeps them, under their SHA-1, with
the size, checksum, type and text index Odoo derives from them when they are written."""

from __future__ import annotations

import base64
import binascii
import hashlib
import mimetypes
import re
from typing import Any

from simulator import hooks

ATTACHMENT = "ir.attachment"
#: The simulator's filestore: ``store_fname`` -> bytes (the database holds only the name).
FILESTORE = "_sim_filestore"
#: Odoo's ``_odoo_guess_mimetype`` signatures (tools/mimetypes.py), without libmagic.
SIGNATURES = (
    ("application/pdf", (b"%PDF",)),
    (
        "image/jpeg",
        (b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe2", b"\xff\xd8\xff\xe3", b"\xff\xd8\xff\xe1", b"\xff\xd8\xff\xdb"),
    ),
    ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ("image/gif", (b"GIF87a", b"GIF89a")),
    ("image/bmp", (b"BM",)),
    ("application/xml", (b"<",)),
    ("image/x-icon", (b"\x00\x00\x01\x00",)),
    ("application/zip", (b"PK\x03\x04",)),
)


def _filestore(db: Any) -> None:
    db.store.execute(f'CREATE TABLE IF NOT EXISTS "{FILESTORE}" (fname TEXT PRIMARY KEY, data BLOB)')


hooks.storage.append(_filestore)


def guess_mimetype(data: bytes) -> str:
    for mimetype, signatures in SIGNATURES:
        if data.startswith(signatures):
            if mimetype == "application/xml" and b"<svg" in data[:1024]:
                return "image/svg+xml"
            return mimetype
    return "application/octet-stream"


def _compute_mimetype(vals: dict, data: bytes) -> str:
    """``_compute_mimetype``: the given one, else the name's, the url's, then the content's."""
    mimetype = vals.get("mimetype") or None
    if not mimetype and vals.get("name"):
        mimetype = mimetypes.guess_type(vals["name"])[0]
    if not mimetype and vals.get("url"):
        mimetype = mimetypes.guess_type(vals["url"].split("?")[0])[0]
    if (not mimetype or mimetype == "application/octet-stream") and data:
        mimetype = guess_mimetype(data)
    return mimetype.lower() if mimetype else "application/octet-stream"


def _index(data: bytes, mimetype: str) -> str | bool:
    """``_index``: the printable runs of a text file (``strings``), else the type's family."""
    family = mimetype.split("/")[0]
    if family != "text":
        return family
    return b"\n".join(re.findall(rb"[\x20-\x7E]{4,}", data)).decode("ascii")


def _content(vals: dict) -> bytes | None:
    """The bytes ``raw`` or ``datas`` (base64) carry, taken out of ``vals``: no column holds them."""
    if "raw" not in vals and "datas" not in vals:
        return None
    raw, datas = vals.pop("raw", None), vals.pop("datas", None)
    if raw:
        return raw.encode() if isinstance(raw, str) else bytes(raw)
    try:
        return base64.b64decode(datas or b"")
    except (binascii.Error, ValueError, TypeError):
        return b""


def _store_content(env: Any, vals: dict) -> None:
    """``_get_datas_related_values``: the file under its checksum, and what Odoo derives."""
    data = _content(vals)
    if data is None:
        return
    checksum = hashlib.sha1(data).hexdigest()
    fname = f"{checksum[:2]}/{checksum}" if data else False
    if fname:
        env.db.store.execute(f'INSERT OR IGNORE INTO "{FILESTORE}" (fname, data) VALUES (?, ?)', (fname, data))
    mimetype = _compute_mimetype(vals, data)
    vals.update(
        file_size=len(data),
        checksum=checksum,
        store_fname=fname,
        db_datas=False,
        mimetype=mimetype,
        index_content=_index(data, mimetype),
    )


@hooks.on(hooks.before_create, ATTACHMENT)
def _file_on_create(env: Any, vals: dict) -> None:
    _store_content(env, vals)


@hooks.on(hooks.before_write, ATTACHMENT)
def _file_on_write(env: Any, _ids: list[int], vals: dict) -> None:
    _store_content(env, vals)


@hooks.compute(ATTACHMENT, "datas")
def _datas(env: Any, ids: list[int]) -> dict[int, Any]:
    """The stored file, base64 (False when the simulator holds no bytes for it: a recorded
    attachment's file stayed on the real server)."""
    names = dict(
        env.db.store.query(f"SELECT id, store_fname FROM ir_attachment WHERE id IN ({','.join('?' * len(ids))})", ids)
    )
    stored = (
        dict(
            env.db.store.query(
                f'SELECT fname, data FROM "{FILESTORE}" WHERE fname IN ({",".join("?" * len(names))})',
                list(names.values()),
            )
        )
        if names
        else {}
    )
    return {i: base64.b64encode(stored[names[i]]).decode() if names.get(i) in stored else False for i in ids}
