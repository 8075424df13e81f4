"""The schema of ``profile.yaml``: every way one Odoo version answers differently.

A profile is data, so a typo in it must fail when it is loaded, not turn into a
silent default deep in a call. Every key is typed here, unknown keys are refused,
and each default is the answer of the oldest behaviour we recorded, so a new
version's ``profile.yaml`` says only what changed (it ``extends`` the one before).
``tests/test_profile_schema.py`` checks that every key is read somewhere.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class XmlRpc(Strict):
    #: ``loads(data, use_datetime=True)`` (18+): an XML-RPC DateTime reaches the ORM as a datetime.
    use_datetime: bool = False
    #: What a string with a control character becomes: stripped of it (17+) or blanked whole (16).
    control_chars: Literal["strip", "blank"] = "strip"


class Methods(Strict):
    #: Public methods a version no longer has (``name_get`` in 18).
    removed: list[str] = []
    #: ``@api.private`` methods (19): public names that fault as private ones do.
    private_api: list[str] = []
    #: ``search(count=True)`` still answers an int (16).
    search_count_kwarg: bool = False
    check_access_rights_returns_none: bool = False
    #: ``copy()`` answers ``[new_id]`` (18+) rather than ``new_id``.
    copy_returns_list: bool = False
    #: Parameters a version renamed: method -> {its name: the simulator's (16.0's) name}
    #: (19: ``name_search(domain=...)``, formerly ``args``).
    renamed_parameters: dict[str, dict[str, str]] = {}
    #: What Odoo calls ``args`` inside ``call_kw`` (its IndexError names it): tuple up to 18, list in 19.
    args_type: Literal["tuple", "list"] = "tuple"
    unknown: str = "The method '{method}' does not exist on the model '{model}'"
    private: str = "Private methods (such as {method}) cannot be called remotely."
    #: When a ``_name`` is refused: before the model is looked up (16/17), after the method
    #: is looked up (18: a missing one is an AttributeError), or after the model (19).
    private_check: Literal["before_lookup", "after_lookup", "after_model"] = "before_lookup"


class ObjectService(Strict):
    #: How ``object.dispatch`` takes its parameters: by index (an IndexError when short) or
    #: by unpacking ``db, uid, passwd, model, method, *args`` first (19).
    params: Literal["index", "unpack"] = "index"


class UnknownField(Strict):
    """``Type: message`` of the error for a field a model does not have, per operation."""

    create: str = "ValueError: Invalid field {field!r} on model {model!r}"
    read: str = "ValueError: Invalid field {field!r} on model {model!r}"
    write: str = "ValueError: Invalid field {field!r} on model {model!r}"


class Orm(Strict):
    #: A value that fails conversion still used up an id (17).
    conversion_error_consumes_id: bool = False
    unknown_field: UnknownField = UnknownField()
    #: The ValidationError for a NOT NULL column left empty.
    mandatory_field: str = (
        "The operation cannot be completed:\n"
        "- Create/update: a mandatory field is not set.\n"
        "- Delete: another model requires the record being deleted. If possible, archive it instead.\n"
        "\n"
        "Model: {model_label} ({model})\n"
        "Field: {field_label} ({field})\n"
    )


class SyntaxErrorText(Strict):
    type: str = "ValueError"
    text: str = "Domain {domain} is syntactically not correct."


class Domain(Strict):
    #: Operators beyond 16's ``TERM_OPERATORS`` (``any``, ``not any`` from 17).
    extra_operators: list[str] = []
    #: Operators a version does not know but fails on in its own way (``Type: message``).
    unsupported_operators: dict[str, str] = {}
    #: A leaf of the wrong length: "Invalid leaf" (16), Python's unpacking error (17/18),
    #: "invalid item" (19).
    arity_error: Literal["invalid_leaf", "unpack", "invalid_item"] = "unpack"
    syntax_error: SyntaxErrorText = SyntaxErrorText()
    invalid_operator: str = "Invalid leaf {leaf}"
    unknown_field: str = "Invalid field {model}.{field} in leaf {leaf}"


class ReadGroup(Strict):
    #: ``__domain`` = ``['&', <group leaf>, <domain>]`` (16) rather than the other way round.
    group_leaf_first: bool = False
    #: No groupby: one row ``{id: min(id), __count, sums}`` without ``__domain`` (16).
    ungrouped_min_id: bool = False


class JsonRpc(Strict):
    #: ``/web/dataset/call_kw`` on an unknown model: KeyError (16/17) or a 404 (18+).
    call_kw_unknown_model: Literal["keyerror", "notfound"] = "keyerror"
    #: ``error.code`` of a JSON-RPC error answer: 200 up to 18, 0 in 19.
    error_code: int = 200
    #: ``data.debug`` of an AccessDenied: the traceback, or the bare exception line (19).
    access_denied_debug: Literal["traceback", "exception_line"] = "traceback"


class Analytic(Strict):
    #: Where per-plan columns live: nowhere (16), on the line (17), on every mixin model (18+).
    plan_columns: Literal["none", "line", "mixin"] = "none"
    mixin_models: list[str] = ["account.analytic.line"]
    #: ``ir.config_parameter`` naming the project plan (17+).
    project_plan_parameter: str | None = None
    #: Child plans add related ``x_<column>_<depth>`` fields (18+).
    child_plan_related: bool = False
    ir_field_ids_per_column: int = 1
    #: Writing account_id=False on a line: allowed, a NOT NULL failure, or this constraint text.
    line_account_false: str = "allow"
    #: Moving an account with lines to another plan: lines keep, follow, or a RedirectWarning.
    plan_change_with_lines: Literal["keep", "follow", "redirect_warning"] = "keep"
    #: The view id in that RedirectWarning (ir.ui.view ids differ per version).
    lines_list_view: int = 403


class Groups(Strict):
    #: A user's implied groups are stored with the ones given (up to 18); 19 computes them.
    implied_stored: bool = True


class Accounts(Strict):
    #: The group (xmlid) a user needs to see an account's code in its display name (19:
    #: ``account.group_account_readonly``); up to 18 everyone reads ``"<code> <name>"``.
    code_in_name_group: str | None = None


class Deprecation(Strict):
    """An endpoint a version still serves but logs as deprecated at every request."""

    paths: list[str]
    logger: str
    #: what is logged; ``{logger}`` stands for the logger's name (Odoo says how to mute it)
    message: str


class ModelSpec(Strict):
    """Model-level facts ``fields_get`` does not tell (``_order``, ``_rec_name``...)."""

    order: str = "id"
    rec_name: str | None = "name"
    #: Stored column holding the display name when it is not ``rec_name`` (partners).
    display_field: str | None = None
    rec_names_search: list[str] | None = None
    parent_name: str | None = None
    inherits: dict[str, str] = {}
    transient: bool = False
    #: Required fields Odoo fills from models the simulator does not serve (mail aliases).
    auto_filled: list[str] = []
    #: Fields the model's ``copy`` gives as ``"<value> (copy)"``.
    copy_names: list[str] = []


class Quirks(Strict):
    xmlrpc: XmlRpc = XmlRpc()
    object: ObjectService = ObjectService()
    methods: Methods = Methods()
    orm: Orm = Orm()
    domain: Domain = Domain()
    read_group: ReadGroup = ReadGroup()
    jsonrpc: JsonRpc = JsonRpc()
    analytic: Analytic = Analytic()
    groups: Groups = Groups()
    accounts: Accounts = Accounts()
    deprecations: list[Deprecation] = []
    models: dict[str, ModelSpec] = Field(default_factory=dict)
