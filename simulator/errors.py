"""Odoo's exception hierarchy, as the protocol layer needs to see it.

Real Odoo maps exceptions to XML-RPC fault codes by class (odoo-api-facts.md
§2.3): AccessDenied → 3, AccessError → 4, the other UserError kinds → 2 and
anything else → 1 with a traceback. The ORM layer raises these classes; only
the protocol layer (``xmlrpc.py``, ``jsonrpc.py``) turns them into bytes.
"""

from __future__ import annotations

from typing import Any


class OdooError(Exception):
    """Base of every error the simulator raises on Odoo's behalf."""

    #: Dotted class name Odoo reports in JSON-RPC ``error.data.name``.
    odoo_name = "odoo.exceptions.UserError"
    #: Class name used in the v1 (``/xmlrpc/``) string fault code.
    v1_kind = "UserError"
    #: The HTTP status JSON-2 answers it with (Odoo's ``UserError.http_status`` and its subclasses').
    http_status = 422

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UserError(OdooError):
    """A business-rule refusal: fault code 2."""


class ValidationError(UserError):
    odoo_name = "odoo.exceptions.ValidationError"


class MissingError(UserError):
    odoo_name = "odoo.exceptions.MissingError"
    v1_kind = "MissingError"
    http_status = 404


class AccessError(UserError):
    odoo_name = "odoo.exceptions.AccessError"
    v1_kind = "AccessError"
    http_status = 403


class LockError(UserError):
    """Records another transaction holds (19.0's ``lock_for_update``): a 409 over JSON-2."""

    odoo_name = "odoo.exceptions.LockError"
    http_status = 409


class AccessDenied(UserError):
    """Bad credentials: fault code 3; Odoo's message is fixed."""

    odoo_name = "odoo.exceptions.AccessDenied"
    http_status = 403

    def __init__(self, message: str = "Access Denied") -> None:
        super().__init__(message)


class RedirectWarning(OdooError):
    """Odoo's RedirectWarning: its str() is the repr of its argument tuple."""

    odoo_name = "odoo.exceptions.RedirectWarning"
    v1_kind = "Warning"
    #: Not a UserError in Odoo: JSON-2's dispatcher answers it as any other exception.
    http_status = 500

    def __init__(self, message: str, action: dict, button: str, context: object = None) -> None:
        super().__init__(message)
        self.args_tuple = (message, action, button, context)

    def __str__(self) -> str:
        return repr(self.args_tuple)


class ServerError(Exception):
    """A non-Odoo Python exception (fault code 1, served with a traceback).

    ``exc_type`` is the class name real Odoo's traceback ends with, for
    example ``ValueError`` or ``psycopg2.OperationalError``; ``frames`` are
    the (file, line, function) frames the fake traceback shows.
    """

    def __init__(self, exc_type: str, message: str, frames: tuple[str, ...] = (), text: str | None = None) -> None:
        super().__init__(message)
        self.exc_type = exc_type
        self.message = message
        self.frames = frames
        #: What ``exception_to_unicode`` gives (a KeyError's bare key, say).
        self.text = message if text is None else text

    def last_line(self) -> str:
        return f"{self.exc_type}: {self.message}" if self.message else self.exc_type

    def traceback_text(self) -> str:
        """A traceback shaped like the one Odoo formats (first and last line matter)."""
        frames = self.frames or ('  File "/odoo/odoo/service/model.py", line 1, in execute_kw',)
        body = "\n".join(frames)
        return f"Traceback (most recent call last):\n{body}\n{self.last_line()}\n"


def described_error(description: str) -> ServerError:
    """An error written in a profile as ``Type: message`` (``KeyError: 'nope'``)."""
    exc_type, _sep, message = description.partition(": ")
    return ServerError(exc_type, message)


def value_error(message: str) -> ServerError:
    return ServerError("ValueError", message)


def type_error(message: str) -> ServerError:
    return ServerError("TypeError", message)


def attribute_error(message: str) -> ServerError:
    return ServerError("AttributeError", message)


def mandatory_field_error(text: str, model: str, model_label: str, field: str, field_label: str) -> UserError:
    """The IntegrityError Odoo turns into a ValidationError for a NOT NULL column; ``text``
    is the version's wording (``orm.mandatory_field`` of its profile)."""
    return ValidationError(text.format(model=model, model_label=model_label, field=field, field_label=field_label))


def missing_record_error(model: str, ids: list[int], uid: int) -> MissingError:
    return MissingError(f"Record does not exist or has been deleted.\n(Record: {model}{tuple(ids)!r}, User: {uid})")


def unserved_text(db: Any, model: str) -> str:
    """Odoo's "doesn't exist" for a model the version has not, or ``unserved_model``'s text."""
    return unserved_model(db, model) or f"Object {model} doesn't exist"


def unserved_model(db: Any, model: str) -> str | None:
    """For a model the version has (its recorded ir.model row) but the simulator does not serve, a text
    that says so, rather than pretend the real server would refuse it; None for a model it has not."""
    if db.store.query("SELECT 1 FROM ir_model WHERE model = ?", (model,)):
        return (
            f"Object {model} exists in Odoo {db.profile.version} but the odoo-harness simulator does not "
            "serve it (README: The simulator, Models)"
        )
    return None
