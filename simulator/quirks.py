"""The schema of ``profile.yaml``: every way one Odoo version answers differently.

A profile is data, so a typo in it must fail when it is loaded, not turn into a
silent default deep in a call. Every key is typed here, unknown keys are refused,
and each default is the answer of the oldest behaviour we recorded, so a new
version's ``profile.yaml`` says only what changed (it ``extends`` the one before).
``tests/simulator/test_profile_schema.py`` checks that every key is read somewhere.
"""

from __future__ import annotations

from typing import Any, Literal

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
    #: Public methods a version brought (19's ``formatted_read_group``): the simulator's ``ADDED_METHODS``
    #: are served from the version that lists them on (a later profile inherits the list).
    added: list[str] = []
    #: ``@api.private`` methods (19): public names that fault as private ones do.
    private_api: list[str] = []
    #: ``search(count=True)`` still answers an int (16).
    search_count_kwarg: bool = False
    check_access_rights_returns_none: bool = False
    #: ``copy()`` answers ``[new_id]`` (18+) rather than ``new_id``.
    copy_returns_list: bool = False
    #: Parameters a version renamed: method -> {its name: the simulator's name} (16.0's, or 17.0's
    #: for the methods 17.0 reshaped: ``web_search_read``, ``onchange``)
    #: (19: ``name_search(domain=...)``, formerly ``args``).
    renamed_parameters: dict[str, dict[str, str]] = {}
    #: Model methods a model overrides without ``@api.model``, so ``call_kw`` takes ``args[0]``
    #: as record ids: model -> their Python signatures, ``Class.method(param, ...)``
    #: (16-18: ``AccountMoveLine.default_get(fields_list)`` faults when called with a list).
    record_dispatched: dict[str, list[str]] = {}
    #: The web client's methods take a *specification* (17+: ``web_read``, ``web_search_read``
    #: and ``onchange`` answer in ``web_read``'s shapes) rather than field lists (16).
    web_spec: bool = True
    #: ``export_data`` fetches the exported fields before it walks the records (18+): an unknown
    #: name is ``read``'s error, not the ``KeyError`` of ``record._fields[name]`` (16/17).
    export_reads_first: bool = False
    #: What ``export_data`` gives for a dynamic selection (a method): its value (up to 18, "FIXME:
    #: this reproduces an existing buggy behavior") or its label (19).
    export_dynamic_selection: Literal["value", "label"] = "value"
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


class FieldAccess(Strict):
    """The AccessError for reading fields of groups the user is not in."""

    #: ``{names}``, ``{model_label}``, ``{model}``, ``{operation}``, ``{uid}``, ``{lines}`` (one
    #: ``- field (allowed for groups ...)`` per field), ``{groups}`` (the first field's).
    text: str = (
        "The requested operation can not be completed due to security restrictions.\n\n"
        "Document type: {model_label} ({model})\nOperation: {operation}\nUser: {uid}\nFields:\n{lines}"
    )
    #: Which fields the error names: each once (16/17: a set), every one asked for, in the order
    #: asked (18), or the first one met (19, which checks field by field).
    listing: Literal["unique", "as_requested", "first"] = "unique"
    #: A read without a field list: such fields left out (16-18) or refused (19).
    full_read: Literal["drop", "raise"] = "drop"


class Orm(Strict):
    #: A value that fails conversion still used up an id (17).
    conversion_error_consumes_id: bool = False
    #: A string record id (``read(["1"])``): 16 faults "Database fetch misses ids ... type
    #: incoherence" when the number names a record; 17+ find no record for it.
    string_ids: Literal["type_incoherence", "missing"] = "missing"
    #: ``check_object_reference``'s AccessError for a record the user cannot see (``{xmlid}``:
    #: ``module.name``); 17's message is a TypeError of its own formatting (``_()`` given a
    #: tuple for ``%r``), which a null text stands for.
    xmlid_no_access: str | None = 'Not enough access rights on the external ID "{xmlid}"'
    #: ``env.lang`` refuses a context language that is not installed ("Invalid language code", 18+).
    lang_must_be_installed: bool = False
    #: The models whose global record rules follow the company hierarchy (``company_id parent_of
    #: company_ids``), as the real server's ``ir.rule`` holds them: optimising such a rule fetches the
    #: companies, translated fields included, so every search and record check there evaluates
    #: ``env.lang``; a model that ``_inherits`` one has its rules too (res.users those of res.partner).
    company_rules: list[str] = []
    unknown_field: UnknownField = UnknownField()
    field_access: FieldAccess = FieldAccess()
    #: res.users' ``login_key`` unique constraint, as its IntegrityError is reported (16: " !").
    duplicate_login: str = "The operation cannot be completed: You can not have two users with the same login!"
    #: What ``search_read`` hands its ``**read_kwargs`` to, the function a wrong keyword's TypeError
    #: names: ``read`` (16) or ``_read_format`` (17+).
    search_read_reader: Literal["read", "_read_format"] = "read"
    #: ``search_read`` with no field list answers the names ``fields_get`` makes up (res.users'
    #: reified groups: 16, which reads ``fields_get()``) or only the model's fields (17+).
    search_read_virtual_fields: bool = False
    #: What follows an ``ir.model.fields`` label in its display name: the model's technical
    #: name (16's ``name_get``) or its label (17+'s ``_compute_display_name``); nothing with
    #: ``hide_model`` in the context (17+).
    field_display_model: Literal["model", "label"] = "label"
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
    #: Which of Odoo's domain engines: ``odoo/osv/expression.py`` (16-18) or the Domain tree
    #: of ``odoo/orm/domains.py`` (19).
    engine: Literal["expression", "domain_ast"] = "expression"
    #: ``a.b op x``: a search on the comodel (16) or ``a any [b op x]`` before ``!`` is pushed
    #: down (17+: ``! a.b = x`` is ``a not any [b = x]``).
    paths: Literal["search", "any"] = "search"
    #: Empty values in a condition: NULL only (``__leaf_to_sql``, 16/17) or also 0 and ''
    #: (``_condition_to_sql``, 18: ``color = False`` matches 0, ``>= -1`` matches NULL).
    null_values: Literal["null", "falsy"] = "null"
    #: A relational field compared with a string: ``_name_search`` (16/17) or a search on
    #: ``display_name`` (18+).
    name_search: Literal["name_search", "display_name"] = "name_search"
    #: ``! (f =? v)`` becomes ``f != v`` (18) rather than ``NOT (f = v)``.
    negate_eq_if_value: bool = False
    #: ``=?`` with a value on a translated field fails ("Type: message"; 16: PostgreSQL, 17: KeyError).
    translated_eq_if_value: str | None = (
        "psycopg2.errors.UndefinedFunction: operator does not exist: text =? unknown\n"
        "HINT:  No operator matches the given name and argument types. You might need to add explicit type casts."
    )
    #: ``child_of`` walks see archived records (17+) or only active ones (16, without parent_path).
    hierarchy_archived: bool = False
    #: ``x2many any D`` also applies the field's own domain (18).
    any_field_domain: bool = False
    #: The empty search of an ``is_false`` domain is ``(NULL)`` (17: ``x NOT IN`` it is never
    #: true) rather than an empty set (16 and 18+).
    empty_search_as_null: bool = False
    #: Translated fields with a trigram index, compared with '' for False (18: ``name =like False``
    #: is false rather than NULL, so ``!`` of it is true).
    translated_trigram: dict[str, list[str]] = {}
    #: Fields joined rather than searched through (``auto_join``, 19's ``bypass_search_access``):
    #: a condition on the joined row sees NULLs when the many2one is empty.
    auto_join: dict[str, list[str]] = {}


class ReadGroup(Strict):
    #: ``__domain`` = ``['&', <group leaf>, <domain>]`` (16) rather than the other way round.
    group_leaf_first: bool = False
    #: No groupby: one row ``{id: min(id), __count, sums}`` without ``__domain`` (16).
    ungrouped_min_id: bool = False
    #: Grouping by ``id``: 16's SQL names two columns "id" (``ORDER BY "id" is ambiguous``);
    #: 17+ group records, each answered as ``[id, display_name]``.
    id_groups: Literal["ambiguous", "record"] = "record"
    #: A many2many's links to records its comodel's search would not find (archived ones)
    #: count too (up to 18, ir.rules only) or not (19 searches the comodel with the
    #: field's domain).
    many2many_search: bool = False
    #: The ``__domain`` leaf of a many2many's empty group: ``= False`` (16), ``not in`` the
    #: other groups' ids (17), ``not any []`` (18+).
    many2many_empty: Literal["eq_false", "not_in", "not_any"] = "not_in"
    #: The weekday a ``:week`` group starts on (0 Monday): 16's ``date_trunc('week')`` is
    #: ISO; 17+ start on the language's first day (en_US: Sunday).
    week_start: int = 6
    #: A ``:week`` group's label: babel's ``'W'w YYYY`` (16/17, the ISO year: the week of
    #: 2023-12-31 is "W53 2023") or ``date_utils.weeknumber`` (18+: "W1 2024").
    week_label: Literal["babel", "weeknumber"] = "babel"
    #: A company-dependent field without a value for the company groups as its fallback
    #: even when that is empty (19: ``COALESCE`` always), or as NULL when the fallback is
    #: 0, False or None (18's ``_field_to_sql``).
    company_dependent_empty_fallback: bool = False
    #: Grouping by a field without a column (not inherited): 16 refuses it (a UserError
    #: "... is not a stored field ..."), 17 cannot turn it into SQL (ValueError), 18+ follow
    #: a ``related`` path or use the model's own SQL (``groupable``), else "... because it is
    #: not stored".
    unstored: Literal["user_error", "cannot_convert", "not_stored"] = "user_error"
    #: What ``orderby`` may name besides groupbys and aggregates: 16 ignores other fields of
    #: the model and refuses anything else ("Invalid field"); 17+ also take the count and
    #: refuse anything else ("Order term ... is not a valid aggregate nor valid groupby").
    order_terms: Literal["fields", "aggregates"] = "aggregates"
    #: ``offset`` applies only with a ``limit`` (16: ``OFFSET`` is written only then).
    offset_needs_limit: bool = False


class JsonRpc(Strict):
    #: ``/web/dataset/call_kw`` on an unknown model: KeyError (16/17) or a 404 (18+).
    call_kw_unknown_model: Literal["keyerror", "notfound"] = "keyerror"
    #: ``error.code`` of a JSON-RPC error answer: 200 up to 18, 0 in 19.
    error_code: int = 200
    #: ``data.debug`` of an AccessDenied: the traceback, or the bare exception line (19).
    access_denied_debug: Literal["traceback", "exception_line"] = "traceback"


class DocumentedMethod(Strict):
    """A method as api_doc documents it (``/doc-bearer/<model>.json``): its signature without ``self``
    (``(domain, fields=None)``; a parameter followed by ``=`` has a default) and its ``@api``
    decorators (``model``: called without ids)."""

    signature: str
    api: list[str] = []


class Json2(Strict):
    """Odoo's JSON-2 API (``addons/rpc/controllers/json2.py``) and what answers its URLs before it."""

    #: What ``/json/...`` is: no route (16/17: a 404), the web client's ``/json/<path>`` route (18:
    #: a 303 to the login page), or JSON-2 with ``/json/version`` and api_doc's ``/doc-bearer`` (19+).
    routes: Literal["none", "login_redirect", "json2"] = "none"
    #: Public methods api_doc leaves out of its documents (``@api.deprecated``) but JSON-2 still
    #: calls: the signatures the recorded ``methods.json.gz`` cannot give.
    deprecated: dict[str, DocumentedMethod] = {}


class Analytic(Strict):
    #: Where per-plan columns live: nowhere (16), on the line (17), on every mixin model (18+).
    plan_columns: Literal["none", "line", "mixin"] = "none"
    mixin_models: list[str] = ["account.analytic.line"]
    #: ``ir.config_parameter`` naming the project plan (17+).
    project_plan_parameter: str | None = None
    #: Child plans add related ``x_<column>_<depth>`` fields (18+).
    child_plan_related: bool = False
    ir_field_ids_per_column: int = 1
    #: What ``_sync_plan_column`` gives a root plan's stored column's ir.model.fields record
    #: beyond the defaults (18+: ``on_delete: restrict``, then ``index`` set once indexed).
    column_field: dict[str, str | bool] = {}
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


class Mail(Strict):
    #: A creation message posted with a subtype (a task's "Task Created") carries the record's
    #: ``_creation_message`` in a hidden ``o_mail_notification`` block (18+), not an empty body.
    creation_notice: bool = False
    #: Computed fields whose compute queries PostgreSQL with the record ids as given (17/18's
    #: ``has_message``): a string id there faults ``integer = text`` before any record is found.
    sql_computes: list[str] = []


class Project(Strict):
    #: The personal stages a user gets with a first task (``_get_default_personal_stage_create_vals``),
    #: in sequence order, and those of them that are folded (16/17 "Canceled", 18+ "Cancelled").
    personal_stages: list[str] = ["Inbox", "Today", "This Week", "This Month", "Later", "Done", "Canceled"]
    folded_personal_stages: list[str] = ["Done", "Canceled"]


class DbService(Strict):
    """The ``db`` service (``odoo/service/db.py``); a version without it (20.0) lists no method."""

    #: Methods called without the master password.
    public: list[str] = ["db_exist", "list", "list_lang", "server_version"]
    #: Methods taking the master password first (``check_super``), ``list_countries`` included.
    master: list[str] = [
        "create_database",
        "duplicate_database",
        "drop",
        "dump",
        "restore",
        "rename",
        "change_admin_password",
        "migrate_databases",
        "list_countries",
    ]
    #: How a ``@check_db_management_enabled`` method called with too few or too many arguments
    #: fails: Python's own TypeError naming it (``exp_drop() missing 1 required ...``), or the
    #: ``inspect`` binding of 18's ``decorator`` ("missing a required argument: 'db_name'").
    arguments: Literal["call", "bind"] = "call"
    #: The installed modules and versions a dump's ``manifest.json`` lists (``ir_module_module``
    #: of the recorded fresh database), as ``[name, latest_version]``.
    modules: list[tuple[str, str]] = []


class Deprecation(Strict):
    """An endpoint a version still serves but logs as deprecated at every request."""

    paths: list[str]
    logger: str
    #: what is logged; ``{logger}`` stands for the logger's name (Odoo says how to mute it)
    message: str


class ModelSpec(Strict):
    """Model-level facts ``fields_get`` does not tell (``_rec_name``, ``_inherits``...)."""

    #: ``_order``; by default the one the recorded ``ir.model`` row gives (its ``order``).
    order: str | None = None
    rec_name: str | None = "name"
    #: Stored column holding the display name when it is not ``rec_name`` (partners).
    display_field: str | None = None
    rec_names_search: list[str] | None = None
    parent_name: str | None = None
    inherits: dict[str, str] = {}
    transient: bool = False
    #: Required fields Odoo fills from models the simulator does not serve.
    auto_filled: list[str] = []
    #: Fields the model's ``copy`` gives as ``"<value> (copy)"``.
    copy_names: list[str] = []
    #: Fields with a ``group_expand`` (``_read_group_fill_results``): read_group groups say
    #: whether their comodel record is folded (``__fold``).
    group_expand: list[str] = []


class ApiKeys(Strict):
    #: The identity check wizard's action (``@check_identity``): its title and context.
    identity_title: str = "Security Control"
    identity_context: dict[str, Any] = {}
    #: ``run_check`` reads the password from the context (19), not the wizard's field (16-18).
    password_in_context: bool = False


class Languages(Strict):
    #: ``lang_install``'s notification for several languages (16-18: a ``\`` line continuation
    #: inside the string keeps the next line's indentation).
    installed_message: str = (
        "The languages that you selected have been successfully installed."
        + " " * 28
        + "Users can choose their favorite language in their preferences."
    )


class Menus(Strict):
    #: A search of ir.ui.menu lists only the menus the user may open (16-18), or every one (19).
    search_visible_only: bool = True


class Module(Strict):
    """A module the simulator can install (``button_immediate_install``): its data is a capture
    of a real database with it installed (``profiles/<version>/modules/<name>/``); these are
    the models it adds that the simulator serves, with what ``fields_get`` does not tell."""

    models: dict[str, ModelSpec] = {}


class Quirks(Strict):
    xmlrpc: XmlRpc = XmlRpc()
    object: ObjectService = ObjectService()
    methods: Methods = Methods()
    orm: Orm = Orm()
    domain: Domain = Domain()
    read_group: ReadGroup = ReadGroup()
    jsonrpc: JsonRpc = JsonRpc()
    json2: Json2 = Json2()
    analytic: Analytic = Analytic()
    groups: Groups = Groups()
    accounts: Accounts = Accounts()
    mail: Mail = Mail()
    project: Project = Project()
    deprecations: list[Deprecation] = []
    modules: dict[str, Module] = {}
    menus: Menus = Menus()
    apikeys: ApiKeys = ApiKeys()
    languages: Languages = Languages()
    #: The web client's root url (``button_immediate_install`` reloads it): ``/odoo`` from 18.0.
    web_root: str = "/web"
    db_service: DbService = DbService()
    #: ``ir.http.session_info()`` as the real server answered it for admin on the fresh database,
    #: ``[key, value]`` in its order: ``/web/session/authenticate`` and ``get_session_info`` answer
    #: these keys, with the values the database decides computed (``sessions.py``).
    session_info: list[tuple[str, Any]] = []
    models: dict[str, ModelSpec] = Field(default_factory=dict)
