"""Odoo domains to SQL over SQLite, with each version's own semantics.

Two engines, each a port of the real one (read in full, per version):

- ``expression`` (16.0 to 18.0, ``odoo/osv/expression.py``): ``normalize_domain``, then
  ``distribute_not`` (16) or ``domain_combine_anies`` (17/18: dotted paths become ``any``
  before ``!`` is pushed down, so ``! a.b = x`` is ``a not any [b = x]``), then the leaves
  one by one as ``expression.parse`` does: ``_inherits`` fields and ``auto_join`` many2ones
  through a LEFT JOIN (a condition on the joined row, NULL when the link is empty), other
  paths through a search on the comodel, x2many by name through ``_name_search`` (16/17)
  or ``display_name`` (18), ``child_of``/``parent_of`` walked as Odoo walks them, and
  ``__leaf_to_sql`` (16/17) or ``_condition_to_sql`` (18: 0 and '' count as empty).
- ``domain_ast`` (19.0, ``odoo/orm/domains.py`` and the fields' ``condition_to_sql``):
  the domain is parsed into a tree, optimised (paths to ``any``, ``=`` to ``in``, names to
  ``display_name``, negation exact with ``IS NOT TRUE``) and then turned into SQL.

What decides answers beyond the SQL is ported too: ``is_false`` (16-18 answer a domain
that is FALSE by its ``in []`` leaves without parsing it; 17 writes that empty search as
``(NULL)``), the merging of ``any`` conditions on one field, 19's short-circuits while
optimising (an AND stops at its first FALSE child), and the order in which Odoo meets
errors: Python's as it processes the leaves (16-18 from the last one), PostgreSQL's
(``text ~~ integer``, ``invalid input syntax for type integer``) once the statement is built.

``like`` patterns are PostgreSQL's: ``%`` and ``_`` are wildcards, ``\\`` escapes, ``like``
is case-sensitive and ``ilike`` lowercases both sides (Unicode-aware); SQLite's own LIKE
does none of that exactly, so matching is the ``odoo_like`` SQL function registered by the
database (``register_functions``). Which version does what is read from the profile's
``domain`` section (``DomainDialect``).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import xmlrpc.client
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from simulator.errors import ServerError, described_error
from simulator.fields import Field

# -- Odoo's names (odoo/osv/expression.py) --------------------------------------------------

NOT_OPERATOR = "!"
OR_OPERATOR = "|"
AND_OPERATOR = "&"
DOMAIN_OPERATORS = (NOT_OPERATOR, OR_OPERATOR, AND_OPERATOR)
TERM_OPERATORS = (
    "=",
    "!=",
    "<=",
    "<",
    ">",
    ">=",
    "=?",
    "=like",
    "=ilike",
    "like",
    "not like",
    "ilike",
    "not ilike",
    "in",
    "not in",
    "child_of",
    "parent_of",
)
NEGATIVE_TERM_OPERATORS = ("!=", "not like", "not ilike", "not in")
DOMAIN_OPERATORS_NEGATION = {AND_OPERATOR: OR_OPERATOR, OR_OPERATOR: AND_OPERATOR}
TERM_OPERATORS_NEGATION = {
    "<": ">=",
    ">": "<=",
    "<=": ">",
    ">=": "<",
    "=": "!=",
    "!=": "=",
    "in": "not in",
    "like": "not like",
    "ilike": "not ilike",
    "not in": "in",
    "not like": "like",
    "not ilike": "ilike",
    "any": "not any",
    "not any": "any",
}
HIERARCHY_OPERATORS = ("child_of", "parent_of")
LIKE_OPERATORS = ("like", "not like", "ilike", "not ilike", "=like", "=ilike")
WILDCARD_OPERATORS = ("like", "ilike", "not like", "not ilike")
TRUE_LEAF = (1, "=", 1)
FALSE_LEAF = (0, "=", 1)
TRUE_DOMAIN = [TRUE_LEAF]
FALSE_DOMAIN = [FALSE_LEAF]

T = TypeVar("T")
#: Values a domain holds whose ``repr`` says all there is to them (``Compiler.where`` keeps by it).
PLAIN_TYPES = frozenset((str, int, float, bool, type(None)))
#: Conditions kept per model (a client that builds a new domain on every call starts again past it),
#: for domains up to this long (as ``repr``).
KEPT_CONDITIONS = 512
KEPT_KEY_LENGTH = 2048
TEXT_TYPES = ("char", "text", "html")
NUMBER_TYPES = ("integer", "float", "monetary")


class ModelView(Protocol):
    """What the compiler needs to know of a model (see ``schema.ModelSchema``)."""

    name: str
    table: str
    fields: dict[str, Field]
    parent_name: str | None
    meta: Any

    def m2m_table(self, field: Field) -> tuple[str, str, str]: ...

    def prepared(self, key: str, build: Callable[[], Any]) -> Any: ...


@dataclass
class DomainDialect:
    """The version-dependent parts of domain handling, read from the profile."""

    operators: tuple[str, ...]
    syntax_error: Callable[[list], Exception]
    #: 16 names the leaf ("Invalid leaf"), 17/18 fail on tuple unpacking, 19 names the item.
    arity_error: str = "unpack"
    #: Operators a version does not know but fails on in its own way ("Type: message").
    unsupported: dict[str, str] = field(default_factory=dict)
    invalid_operator: str = "Invalid leaf {leaf}"
    unknown_field: str = "Invalid field {model}.{field} in leaf {leaf}"
    #: ``expression`` (16-18, odoo/osv/expression.py) or ``domain_ast`` (19, odoo/orm/domains.py).
    engine: str = "expression"
    #: Dotted paths searched on the comodel (16) or rewritten as ``any`` before negation (17+).
    paths: str = "any"
    #: Empty values in conditions: NULL only (16/17) or also 0 and '' (18, ``_condition_to_sql``).
    null_values: str = "null"
    #: Relational fields matched by name through ``_name_search`` (16/17) or ``display_name`` (18+).
    name_search: str = "name_search"
    #: ``! (f =? v)`` is ``f != v`` (18) rather than ``NOT (f = v)``.
    negate_eq_if_value: bool = False
    #: What ``=?`` with a value does on a translated field (16: a PostgreSQL error, 17: KeyError).
    translated_eq_if_value: str | None = None
    #: ``child_of`` walks (and its search on a comodel) see archived records (17+) or not (16).
    hierarchy_archived: bool = True
    #: ``x2many any D`` searches the comodel with the field's own domain too (18).
    any_field_domain: bool = False
    #: The empty search of a domain ``is_false`` finds is written ``(NULL)`` (17: so that
    #: ``x NOT IN`` it is never true) rather than as an empty set (16: ``[]``, 18+).
    empty_search_as_null: bool = False
    #: Translated fields with a trigram index: 18 compares them with ``''`` for ``False``
    #: (so ``name =like False`` is false, not NULL).
    translated_trigram: dict[str, list[str]] = field(default_factory=dict)
    #: Fields Odoo joins rather than searches (``auto_join``, 19 ``bypass_search_access``).
    auto_join: dict[str, list[str]] = field(default_factory=dict)


# -- generic domain manipulation ---------------------------------------------------------------


def is_operator(element: Any) -> bool:
    return isinstance(element, str) and element in DOMAIN_OPERATORS


def is_leaf(element: Any) -> bool:
    """Any list is a term to Odoo's normaliser; its shape is checked leaf by leaf."""
    return isinstance(element, (list, tuple))


def is_boolean(element: Any) -> bool:
    return element in (TRUE_LEAF, FALSE_LEAF)


def normalize_domain(domain: Any, dialect: DomainDialect | None = None) -> list:
    """Odoo's ``normalize_domain``: the implicit ``&`` made explicit (``any`` subdomains
    too); an unbalanced domain fails as the version says (``dialect``)."""

    def fail() -> Exception:
        if dialect is None:
            return ServerError("ValueError", f"Domain {domain!r} is syntactically not correct.")
        return dialect.syntax_error(domain)

    if not isinstance(domain, (list, tuple)) or (dialect is not None and not isinstance(domain, list)):
        raise fail()
    if not domain:
        return [TRUE_LEAF]
    result: list = []
    expected = 1
    for item in domain:
        if expected == 0:
            result[0:0] = [AND_OPERATOR]
            expected = 1
        if is_operator(item):
            expected += 0 if item == NOT_OPERATOR else 1
        elif is_leaf(item):
            expected -= 1
            if len(item) == 3 and item[1] in ("any", "not any") and isinstance(item[2], (list, tuple)):
                item = (item[0], item[1], normalize_domain(list(item[2]), dialect))
        else:
            raise fail()
        result.append(tuple(item) if is_leaf(item) else item)
    if expected != 0:
        raise fail()
    return result


def combine(operator: str, unit: list, zero: list, domains: Iterable[list]) -> list:
    """Odoo's ``combine``: ``domains`` joined by ``operator``, units dropped, zero absorbing."""
    domains = list(domains)
    if domains == [unit]:
        return unit
    result: list = []
    count = 0
    for domain in domains:
        if domain == unit:
            continue
        if domain == zero:
            return zero
        if domain:
            result += normalize_domain(list(domain))
            count += 1
    return [operator] * (count - 1) + result or unit


def AND(domains: Iterable[list]) -> list:
    """``AND([D1, D2, ...])``: D1 and D2 and ..."""
    return combine(AND_OPERATOR, [TRUE_LEAF], [FALSE_LEAF], domains)


def OR(domains: Iterable[list]) -> list:
    """``OR([D1, D2, ...])``: D1 or D2 or ..."""
    return combine(OR_OPERATOR, [FALSE_LEAF], [TRUE_LEAF], domains)


def distribute_not(domain: list) -> list:
    """Push ``!`` down to the leaves, inverting operators (16's ``distribute_not``);
    ``! FALSE_LEAF`` is ``TRUE_LEAF``, operators without a negation keep their ``!``."""
    result: list = []
    stack = [False]
    for token in domain:
        negate = stack.pop()
        if is_leaf(token):
            if not negate:
                result.append(token)
            elif len(token) == 3 and token[1] in TERM_OPERATORS_NEGATION:
                if is_boolean(tuple(token)):
                    result.append(FALSE_LEAF if tuple(token) == TRUE_LEAF else TRUE_LEAF)
                else:
                    result.append((token[0], TERM_OPERATORS_NEGATION[token[1]], token[2]))
            else:
                result.extend([NOT_OPERATOR, token])
        elif token == NOT_OPERATOR:
            stack.append(not negate)
        elif token in DOMAIN_OPERATORS_NEGATION:
            result.append(DOMAIN_OPERATORS_NEGATION[token] if negate else token)
            stack.extend([negate, negate])
        else:
            result.append(token)
    return result


def is_false(domain: list) -> bool:
    """16-18's ``expression.is_false``: ``_search`` answers nothing without parsing (so without
    failing) when the domain is FALSE by its ``in []`` leaves alone."""
    stack: list[int] = []
    for token in reversed(normalize_domain(domain)):
        if token == AND_OPERATOR:
            stack.append(min(stack.pop(), stack.pop()))
        elif token == OR_OPERATOR:
            stack.append(max(stack.pop(), stack.pop()))
        elif token == NOT_OPERATOR:
            stack.append(-stack.pop())
        elif token == TRUE_LEAF:
            stack.append(+1)
        elif token == FALSE_LEAF or (
            len(token) == 3 and token[1] == "in" and not (isinstance(token[2], Query) or token[2])
        ):
            stack.append(-1)
        elif len(token) == 3 and token[1] == "not in" and not (isinstance(token[2], Query) or token[2]):
            stack.append(+1)
        else:
            stack.append(0)
    return stack.pop() == -1


def normalize_leaf(element: Any) -> Any:
    """An operator in its canonical form: lower case, ``<>`` is ``!=``, ``in`` a boolean is
    ``=``, ``=`` a list is ``in``."""
    if not is_leaf(element) or len(element) != 3:
        return element
    left, operator, right = element
    operator = str(operator).lower()
    if operator == "<>":
        operator = "!="
    if isinstance(right, bool) and operator in ("in", "not in"):
        operator = "=" if operator == "in" else "!="
    if isinstance(right, (list, tuple)) and operator in ("=", "!="):
        operator = "in" if operator == "=" else "not in"
    return left, operator, right


def check_leaf(element: Any, internal: bool = False) -> None:
    """16-18's ``check_leaf`` for leaves pushed while parsing."""
    if is_operator(element):
        return
    ops = TERM_OPERATORS + ("<>", "any", "not any") + (("inselect", "not inselect") if internal else ())
    if not (
        is_leaf(element)
        and len(element) == 3
        and element[1] in ops
        and ((isinstance(element[0], str) and element[0]) or is_boolean(tuple(element)))
    ):
        raise ServerError("ValueError", f"Invalid leaf {element!s}")


# -- SQL fragments ---------------------------------------------------------------------------
#: Where translated values live (``simulator.translations``).
TRANSLATIONS = "_sim_translation"


@dataclass(frozen=True)
class SQL:
    """A piece of SQL with its ``?`` parameters, in order."""

    text: str
    params: tuple = ()


TRUE = SQL("TRUE")
FALSE = SQL("FALSE")


def fmt(template: str, *args: Any) -> SQL:
    """``template`` with each ``%s`` replaced by an SQL piece (or a parameter)."""
    parts = template.split("%s")
    assert len(parts) == len(args) + 1, template
    text, params = [parts[0]], []
    for arg, tail in zip(args, parts[1:], strict=True):
        if isinstance(arg, SQL):
            text.append(arg.text)
            params.extend(arg.params)
        else:
            text.append("?")
            params.append(arg)
        text.append(tail)
    return SQL("".join(text), tuple(params))


def join(separator: str, pieces: Sequence[SQL]) -> SQL:
    return SQL(separator.join(p.text for p in pieces), tuple(v for p in pieces for v in p.params))


def in_list(values: Sequence) -> SQL:
    return SQL(",".join("?" * len(values)), tuple(values))


def ident(*names: str) -> SQL:
    return SQL(".".join(f'"{n}"' for n in names))


@dataclass(frozen=True)
class Query:
    """A subquery selecting ids (what Odoo's ``_search`` returns)."""

    select: SQL
    #: a known result: 17's ``_search`` of a domain ``is_false`` finds is ``browse()._as_query()``,
    #: which a subselect writes as ``(NULL)`` (so ``x NOT IN`` it is never true either)
    ids: tuple | None = None

    def subselect(self) -> SQL:
        if self.ids is not None:
            return fmt("(%s)", in_list(self.ids or (None,)))
        return fmt("(%s)", self.select)


# -- PostgreSQL's LIKE, as an SQL function ---------------------------------------------------


@functools.lru_cache(maxsize=512)
def _like_regex(pattern: str, insensitive: bool) -> re.Pattern:
    if insensitive:
        pattern = pattern.lower()
    out, escaped = [], False
    for char in pattern:
        if escaped:
            out.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "%":
            out.append(".*")
        elif char == "_":
            out.append(".")
        else:
            out.append(re.escape(char))
    return re.compile("".join(out), re.DOTALL)


def like_match(value: Any, pattern: Any, insensitive: int) -> int | None:
    """``value LIKE pattern`` (``ILIKE`` when ``insensitive``) as PostgreSQL answers it."""
    if value is None or pattern is None:
        return None
    text = str(value)
    return 1 if _like_regex(str(pattern), bool(insensitive)).fullmatch(text.lower() if insensitive else text) else 0


def pg_text(value: Any) -> str | None:
    """``value::text`` for a float8 column (``48.85``, ``0``, ``-2.25``)."""
    if value is None:
        return None
    if isinstance(value, float):
        if value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def register_functions(conn: Any) -> None:
    """The SQL functions compiled domains call (on each database's connection)."""
    conn.create_function("odoo_like", 3, like_match, deterministic=True)
    conn.create_function("pg_text", 1, pg_text, deterministic=True)


def check_like_pattern(pattern: str) -> None:
    trailing = len(pattern) - len(pattern.rstrip("\\"))
    if trailing % 2:
        raise ServerError("psycopg2.errors.InvalidEscapeSequence", "LIKE pattern must not end with escape character")


# -- values ----------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """Clients may send xmlrpc DateTime objects in domains; Odoo accepts them."""
    if isinstance(value, xmlrpc.client.DateTime):
        return dt.datetime.strptime(value.value, "%Y%m%dT%H:%M:%S").strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value


def _python_error(exc: Exception) -> ServerError:
    return ServerError(type(exc).__name__, str(exc))


def to_column(fld: Field, value: Any) -> Any:
    """``field.convert_to_column(value)``: what Odoo compares the column with."""
    kind = fld.type
    try:
        if kind == "boolean":
            return 1 if value else 0
        if kind == "integer":
            return int(value or 0)
        if kind in ("float", "monetary"):
            result = float(value or 0.0)
            digits = fld.attrs.get("digits")
            if kind == "float" and isinstance(digits, (list, tuple)) and len(digits) == 2 and digits[1] is not None:
                result = round(result, int(digits[1]))
            return result
    except (TypeError, ValueError) as exc:
        raise _python_error(exc) from None
    if kind == "many2one":
        return value or None
    if value is None or value is False:
        return None
    if isinstance(value, bytes):
        return value.decode()
    if kind == "html":
        return sanitize_html(str(value))
    if kind == "date" and isinstance(value, str):
        return value[:10]
    if kind == "datetime" and isinstance(value, str) and len(value) == 10:
        return value + " 00:00:00"
    return str(value) if not isinstance(value, (int, float)) or kind in (*TEXT_TYPES, "selection") else value


def _to_text(value: Any) -> str:
    """``pycompat.to_text``: False and None are ''."""
    if value is None or value is False:
        return ""
    return value.decode() if isinstance(value, bytes) else str(value)


def sanitize_html(value: str) -> str:
    """What ``html_sanitize`` makes of a value an html field is compared with: plain text
    becomes a paragraph (``admin`` is ``<p>admin</p>``); markup is kept as it is."""
    if not value or "<" in value:
        return value
    text = value.lstrip().replace("&", "&amp;").replace(">", "&gt;")
    return f"<p>{text}</p>"


def _is_collection(value: Any) -> bool:
    return isinstance(value, (list, tuple, set, frozenset)) and not _is_tree(value)


def _is_tree(value: Any) -> bool:
    """A 19.0 domain tree node (see ``d_parse``), as opposed to a collection of values."""
    return type(value) is tuple and bool(value) and value[0] in ("c", "&", "|", "!", "?")


def _ordered(values: Iterable) -> list:
    """An OrderedSet's values (hashable ones; 1 and True are one value, as in Python)."""
    result: list = []
    for value in values:
        if value not in result:
            result.append(value)
    return result


def _repr_ordered_set(values: Iterable) -> str:
    return f"OrderedSet({list(values)!r})"


def _domain_key(domain: Any) -> str | None:
    """What ``Compiler.where`` keeps a domain's condition by: its ``repr``, which tells apart what a
    compile may treat differently (1, True and 1.0; a list and a tuple), if the domain holds only
    plain values (another object's repr may not say all it holds) and is short (long ones, such as
    ids by the thousand, are seldom sent twice and would fill the memory)."""
    if not _only_plain_values(domain):
        return None
    key = repr(domain)
    return key if len(key) <= KEPT_KEY_LENGTH else None


def _only_plain_values(value: Any) -> bool:
    """Whether ``value`` holds only strings, numbers, booleans and None, in lists, tuples and dicts."""
    kind = type(value)
    if kind is list or kind is tuple:
        return all(type(item) in PLAIN_TYPES or _only_plain_values(item) for item in value)
    if kind is dict:
        return all(_only_plain_values(k) and _only_plain_values(v) for k, v in value.items())
    return kind in PLAIN_TYPES


# -- the compiler -------------------------------------------------------------------------------


@dataclass
class Compiler:
    """Compiles domains of one database; ``lookup`` gives any model's view and ``run``
    executes SQL (Odoo resolves names and hierarchies with queries of its own).

    A condition whose compiling read nothing (no ``run``, no ``field_search``) depends only on the
    domain, the schemas and the context's ``active_test`` and language: it is kept in its model's
    ``prepared`` (dropped when the model's fields change) under ``schema_state`` (the store's
    schema, which a new column moves), and a client that sends the same search again is not
    compiled for again. A domain of anything but plain values, or a long one, is compiled every time."""

    lookup: Callable[[str], ModelView]
    dialect: DomainDialect
    run: Callable[[str, Sequence], list[tuple]]
    #: A field's ``search=`` method: (model, field, operator, value) -> domain, None without one.
    field_search: Callable[[str, str, str, Any], list | None] = lambda *_args: None
    #: What the database's schema is now: kept conditions hold for one state only.
    schema_state: Callable[[], Hashable] = lambda: None
    #: Calls of ``run`` and ``field_search`` so far: a compile that made any is not kept.
    reads: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        self.run = self._counted(self.run)
        self.field_search = self._counted(self.field_search)

    def _counted(self, read: Callable[..., T]) -> Callable[..., T]:
        def counted(*args: Any) -> T:
            self.reads += 1
            return read(*args)

        return counted

    def where(self, model: ModelView, domain: Sequence, active_test: bool, lang: str | None = None) -> tuple[str, list]:
        """SQL condition and parameters for ``domain`` on ``model`` (its table unaliased); a
        translated field compares its ``lang`` value (else en_US)."""
        plain = _domain_key(domain)
        if plain is None:
            return self._where(model, domain, active_test, lang)
        kept = model.prepared("compiled conditions", dict)
        key = (self.schema_state(), active_test, lang, plain)
        found = kept.get(key)
        if found is None:
            reads = self.reads
            text, params = self._where(model, domain, active_test, lang)
            if self.reads != reads:
                return text, params
            if len(kept) >= KEPT_CONDITIONS:
                kept.clear()
            found = kept[key] = (text, tuple(params))
        return found[0], list(found[1])

    def _where(self, model: ModelView, domain: Sequence, active_test: bool, lang: str | None) -> tuple[str, list]:
        items = normalize_domain(list(domain), self.dialect)
        for item in items:
            if is_leaf(item):
                self._check_leaf(model, item)
        engine: ExpressionEngine | DomainEngine
        if self.dialect.engine == "domain_ast":
            engine = DomainEngine(self, active_test, lang)
            sql = engine.where_calc(model, items, active_test)
        elif is_false(items):
            return FALSE.text, []
        else:
            engine = ExpressionEngine(self, active_test, lang)
            sql = engine.where_calc(model, items, active_test)
        if engine.pg_error is not None:
            # PostgreSQL refuses the statement once Odoo has built all of it
            raise engine.pg_error
        return sql.text, list(sql.params)

    def _check_leaf(self, model: ModelView, leaf: Sequence) -> None:
        """The errors a version raises before anything runs (shape, operator, field)."""
        if len(leaf) != 3:
            if self.dialect.arity_error == "invalid_leaf":
                raise ServerError("ValueError", f"Invalid leaf {tuple(leaf)!r}")
            if self.dialect.arity_error == "invalid_item":
                raise ServerError("ValueError", f"Domain() invalid item in domain: {list(leaf)!r}")
            if len(leaf) < 3:
                raise ServerError("ValueError", f"not enough values to unpack (expected 3, got {len(leaf)})")
            raise ServerError("ValueError", "too many values to unpack (expected 3)")
        left, operator, _right = leaf
        if left in (0, 1):
            return
        failure = self.dialect.unsupported.get(str(operator).lower())
        if failure:
            raise described_error(failure)
        if str(operator).lower() not in self.dialect.operators and operator != "<>":
            raise ServerError("ValueError", self.dialect.invalid_operator.format(leaf=repr(tuple(leaf))))
        head = str(left).split(".", 1)[0]
        if head not in model.fields:
            raise ServerError(
                "ValueError", self.dialect.unknown_field.format(model=model.name, field=head, leaf=repr(tuple(leaf)))
            )

    # -- helpers shared by both engines -------------------------------------------------------

    def ids(self, query: Query) -> list[int]:
        if query.ids is not None:
            return list(query.ids)
        return [row[0] for row in self.run(query.select.text, query.select.params)]

    def comodel(self, fld: Field) -> ModelView:
        """The comodel; one the simulator does not serve fails as Odoo's registry would."""
        try:
            return self.lookup(fld.relation or "")
        except KeyError:
            raise ServerError("KeyError", repr(fld.relation)) from None

    def served(self, fld: Field) -> bool:
        """Whether the field's comodel is served (an unserved one holds no records here)."""
        try:
            self.lookup(fld.relation or "")
        except KeyError:
            return False
        return True

    def column(self, alias: str, name: str) -> SQL:
        return ident(alias, name)

    def value_column(self, model: ModelView, alias: str, fld: Field, lang: str | None) -> SQL:
        """The column a leaf compares: a translated field's value in ``lang``, else en_US's."""
        column = self.column(alias, fld.name)
        if not lang or not fld.attrs.get("translate"):
            return column
        return fmt(
            f'COALESCE((SELECT t.value FROM "{TRANSLATIONS}" t WHERE t.model = %s AND t.field = %s '
            "AND t.res_id = %s AND t.lang = %s), %s)",
            model.name,
            fld.name,
            ident(alias, "id"),
            lang,
            column,
        )

    def auto_join(self, model: ModelView, fld: Field) -> bool:
        return fld.name in self.dialect.auto_join.get(model.name, ())

    def parent_store(self, model: ModelView) -> bool:
        path = model.fields.get("parent_path")
        return bool(path is not None and path.stored)

    def text_of(self, fld: Field, column: SQL) -> SQL:
        """``column::text`` as PostgreSQL writes the field's type."""
        kind = fld.type
        if kind in (*TEXT_TYPES, "selection", "date", "datetime", "reference"):
            return column
        if kind == "boolean":
            return fmt("(CASE WHEN %s IS NULL THEN NULL WHEN %s THEN 'true' ELSE 'false' END)", column, column)
        digits = fld.attrs.get("digits")
        if kind == "float" and isinstance(digits, (list, tuple)) and len(digits) == 2 and digits[1] is not None:
            return fmt(f"(CASE WHEN %s IS NULL THEN NULL ELSE printf('%.{int(digits[1])}f', %s) END)", column, column)
        if kind in ("float", "monetary"):
            return fmt("pg_text(%s)", column)
        return fmt("CAST(%s AS TEXT)", column)

    def like(
        self,
        fld: Field,
        column: SQL,
        operator: str,
        pattern: str,
        cast: bool = True,
        on_error: Callable[[ServerError], None] | None = None,
    ) -> SQL:
        """``column [NOT] [I]LIKE pattern`` with PostgreSQL's wildcards and escapes; a bad
        pattern is PostgreSQL's error (``on_error`` defers it to the end of the statement)."""
        try:
            check_like_pattern(pattern)
        except ServerError as exc:
            if on_error is None:
                raise
            on_error(exc)
        left = self.text_of(fld, column) if cast else column
        sql = fmt("odoo_like(%s, %s, %s)", left, pattern, 1 if "ilike" in operator else 0)
        return fmt("(NOT %s)", sql) if operator.startswith("not") else sql

    def join_on(self, alias: str, link: str, comodel: ModelView, inner: Callable[[str], SQL]) -> SQL:
        """A condition on the row a LEFT JOIN through ``link`` finds (all NULL when none)."""
        coalias = f"{alias}__{link}"[:60]
        condition = inner(coalias)
        return fmt(
            f'(SELECT %s FROM (SELECT 1) LEFT JOIN "{comodel.table}" AS "{coalias}" '
            f'ON "{coalias}".id = "{alias}"."{link}")',
            condition,
        )

    def browse_parent_ids(self, model: ModelView, ids: Sequence[int], parent: str) -> list:
        """``records[parent]``: the parent values of existing records, deduplicated."""
        fld = model.fields[parent]
        values: list = []
        for rid in ids:
            value = self.field_value(model, fld, rid)
            if value and value not in values:
                values.append(value)
        return values

    def field_value(self, model: ModelView, fld: Field, rid: Any) -> Any:
        link = fld.extra.get("inherited")
        if link:
            parent_model = self.lookup(model.fields[link].relation or "")
            rows = self.run(f'SELECT "{link}" FROM "{model.table}" WHERE id = ?', (rid,))
            if not rows or not rows[0][0]:
                return None
            return self.field_value(parent_model, parent_model.fields[fld.name], rows[0][0])
        rows = self.run(f'SELECT "{fld.name}" FROM "{model.table}" WHERE id = ?', (rid,))
        return rows[0][0] if rows else None

    def existing(self, model: ModelView, ids: Sequence) -> list[int]:
        ids = [i for i in ids if isinstance(i, int) and not isinstance(i, bool)]
        if not ids:
            return []
        rows = self.run(f'SELECT id FROM "{model.table}" WHERE id IN ({",".join("?" * len(ids))})', ids)
        found = {r[0] for r in rows}
        return [i for i in ids if i in found]

    def descendants(self, model: ModelView, parent: str, ids: Sequence[int], archived: bool) -> list[int]:
        """Every record under ``ids`` through ``parent`` (``ids`` included), as Odoo walks them."""
        seen: list[int] = list(dict.fromkeys(ids))
        todo = list(seen)
        active = "active" in model.fields and model.fields["active"].stored and not archived
        while todo:
            holders = ",".join("?" * len(todo))
            sql = f'SELECT id FROM "{model.table}" WHERE "{parent}" IN ({holders})'
            if active:
                sql += ' AND "active" = 1'
            found = [r[0] for r in self.run(sql + " ORDER BY id", todo)]
            todo = [i for i in found if i not in seen]
            seen.extend(todo)
        return seen

    def ancestors(self, model: ModelView, ids: Sequence[int]) -> list[int]:
        """``parent_path`` ancestors of existing records (themselves included)."""
        parent = model.parent_name or "parent_id"
        result: list[int] = []
        for rid in self.existing(model, ids):
            chain, current = [], rid
            while current and current not in chain:
                chain.append(current)
                current = self.field_value(model, model.fields[parent], current)
            for i in reversed(chain):
                if i not in result:
                    result.append(i)
        return result


# -- 16.0 to 18.0: odoo/osv/expression.py -------------------------------------------------------


class ExpressionEngine:
    """One ``expression`` as 16.0, 17.0 and 18.0 parse it."""

    def __init__(self, compiler: Compiler, active_test: bool, lang: str | None = None) -> None:
        self.c = compiler
        self.d = compiler.dialect
        #: the caller's context: subsearches "in the same environment" see what it sees
        self.context_active_test = active_test
        self.lang = lang
        #: the error PostgreSQL raises on the statement built (after Python's own): the one
        #: leftmost in the statement, found by the positions of the leaves it comes from
        self.pg_errors: list[tuple[tuple, ServerError]] = []
        self.path: list[int] = []

    @property
    def pg_error(self) -> ServerError | None:
        return min(self.pg_errors, key=lambda e: e[0])[1] if self.pg_errors else None

    def defer(self, error: ServerError) -> None:
        self.pg_errors.append((tuple(self.path), error))

    # -- entry points --------------------------------------------------------------------------

    def where_calc(self, model: ModelView, domain: list, active_test: bool, alias: str | None = None) -> SQL:
        """``_where_calc``: archived records out unless the domain names ``active``."""
        items = normalize_domain(list(domain), self.d)
        if (
            active_test
            and "active" in model.fields
            and model.fields["active"].stored
            and not any(is_leaf(i) and len(i) == 3 and i[0] == "active" for i in items)
        ):
            items = [AND_OPERATOR, ("active", "=", 1), *items]
        return self.expression(model, alias or model.table, items)

    def search(self, model: ModelView, domain: list, active_test: bool | None = None, column: str = "id") -> Query:
        """``model._search(domain)``; ``active_test=None`` is the caller's context."""
        active = self.context_active_test if active_test is None else active_test
        if column == "id" and is_false(domain):
            empty = SQL(f'SELECT "{model.table}"."id" FROM "{model.table}" WHERE FALSE')
            return Query(empty, ids=()) if self.d.empty_search_as_null else Query(empty)
        where = self.where_calc(model, domain, active)
        return Query(fmt(f'SELECT "{model.table}"."{column}" FROM "{model.table}" WHERE %s', where))

    def expression(self, model: ModelView, alias: str, items: list) -> SQL:
        if self.d.paths == "search":
            items = distribute_not(items)
        else:
            items = combine_anies(items, model, self.c.lookup, self.d)
        return self.parse(model, alias, items)

    def parse(self, model: ModelView, alias: str, items: list) -> SQL:
        """Prefix notation to SQL; ``!`` is SQL's NOT (NULL stays NULL). Odoo pops its leaves
        from the end of the domain, so the last leaf is turned into SQL (and fails) first."""
        compiled: dict[int, SQL] = {}
        for index in reversed(range(len(items))):
            if not is_operator(items[index]):
                self.path.append(index)
                try:
                    compiled[index] = self.leaf(model, alias, items[index])
                finally:
                    self.path.pop()
        position = 0

        def node() -> SQL:
            nonlocal position
            index = position
            position += 1
            item = items[index]
            if item == NOT_OPERATOR:
                return fmt("(NOT (%s))", node())
            if item in (AND_OPERATOR, OR_OPERATOR):
                left = node()
                right = node()
                return fmt(f"(%s {'AND' if item == AND_OPERATOR else 'OR'} %s)", left, right)
            return compiled[index]

        return node() if items else TRUE

    def push(self, model: ModelView, alias: str, domain: list) -> SQL:
        """Leaves Odoo pushes back on its stack: parsed as they are (no normalisation)."""
        return self.parse(model, alias, [normalize_leaf(item) if is_leaf(item) else item for item in domain])

    # -- one leaf ------------------------------------------------------------------------------

    def leaf(self, model: ModelView, alias: str, leaf: Any) -> SQL:
        if isinstance(leaf, Query):
            return leaf.select
        leaf = normalize_leaf(leaf)
        check_leaf(leaf, internal=True)
        if is_boolean(tuple(leaf)):
            return TRUE if tuple(leaf) == TRUE_LEAF else FALSE
        left, operator, right = leaf
        right = _plain(right)
        path = left.split(".", 1)
        fld = model.fields.get(path[0])
        if fld is None:
            raise ServerError(
                "ValueError", self.d.unknown_field.format(model=model.name, field=path[0], leaf=str(tuple(leaf)))
            )
        comodel = self.c.comodel(fld) if fld.relation and self.c.served(fld) else None

        if fld.extra.get("inherited"):
            link = fld.extra["inherited"]
            parent = self.c.comodel(model.fields[link])
            return self.c.join_on(alias, link, parent, lambda a: self.leaf(parent, a, (left, operator, right)))

        if left == "id" and operator in HIERARCHY_OPERATORS:
            ids = self.to_ids(right, model, self.context_active_test)
            return self.push(model, alias, self.hierarchy(operator, left, ids, model))

        if self.d.paths == "any" and operator in ("any", "not any"):
            return self._any(model, alias, fld, comodel, operator, right)

        if self.d.paths == "search" and len(path) > 1 and fld.stored and fld.relation:
            return self._path(model, alias, fld, comodel, path[1], operator, right)

        if not fld.stored or (not fld.is_column and fld.type not in ("one2many", "many2many") and left != "id"):
            return self._not_stored(model, alias, fld, comodel, path, operator, right)

        if fld.type == "one2many" and operator in HIERARCHY_OPERATORS:
            return self._hierarchy_field(model, alias, fld, comodel, operator, right)
        if fld.type == "one2many":
            return self._one2many(model, alias, fld, comodel, operator, right)
        if fld.type == "many2many":
            return self._many2many(model, alias, fld, comodel, operator, right)
        if fld.type == "many2one":
            if operator in HIERARCHY_OPERATORS:
                return self._hierarchy_field(model, alias, fld, comodel, operator, right)
            if isinstance(right, str) or (
                isinstance(right, (list, tuple)) and right and all(isinstance(v, str) for v in right)
            ):
                return self._many2one_names(model, alias, fld, comodel, operator, right)
            return self.leaf_to_sql(model, alias, fld, operator, right)

        if fld.type == "datetime" and right and isinstance(right, str) and len(right) == 10:
            right += " 23:59:59" if operator in (">", "<=") else " 00:00:00"
        if fld.attrs.get("translate") and isinstance(right, str) and operator == "=?" and self.d.translated_eq_if_value:
            error = described_error(self.d.translated_eq_if_value)
            if not error.exc_type.startswith("psycopg2."):
                raise error
            self.defer(error)  # PostgreSQL's own, once the statement is complete
        if (
            right is False
            and operator in ("=", "like", "ilike", "=like", "=ilike")
            and fld.name in self.d.translated_trigram.get(model.name, ())
        ):
            right = ""  # 18: the trigram prefilter's branch compares with right or ''
        return self.leaf_to_sql(model, alias, fld, operator, right)

    def _any(
        self, model: ModelView, alias: str, fld: Field, comodel: ModelView | None, operator: str, right: Any
    ) -> SQL:
        if comodel is None:
            raise ServerError("KeyError", repr(fld.relation))
        right = list(right) if isinstance(right, (list, tuple)) else right
        if fld.type == "many2one" and self.c.auto_join(model, fld):
            if operator == "not any":
                right = [OR_OPERATOR, ("id", "=", False), NOT_OPERATOR, *right]
            return self.c.join_on(alias, fld.name, comodel, lambda a: self.push(comodel, a, right))
        if fld.type == "one2many" and self.c.auto_join(model, fld):
            domain = AND([right, self.field_domain(fld)])
            query = self.search(comodel, domain, column=fld.attrs.get("relation_field") or "id")
            sql = fmt(f'("{alias}"."id" {"IN" if operator == "any" else "NOT IN"} %s)', query.subselect())
            return sql
        if fld.type == "many2one":
            ids = self.search(comodel, right, active_test=False)
            if operator == "any":
                return self.push(model, alias, [(fld.name, "in", ids)])
            return self.push(model, alias, [OR_OPERATOR, (fld.name, "not in", ids), (fld.name, "=", False)])
        domain = AND([self.field_domain(fld), right]) if self.d.any_field_domain else right
        ids = self.search(comodel, domain)
        return self.push(model, alias, [(fld.name, "in" if operator == "any" else "not in", ids)])

    def _path(
        self, model: ModelView, alias: str, fld: Field, comodel: ModelView | None, rest: str, operator: str, right: Any
    ) -> SQL:
        """16.0: ``a.b op x`` as ``a in (search b op x)``, or on the joined row (auto_join)."""
        if comodel is None:
            raise ServerError("KeyError", repr(fld.relation))
        if fld.type == "many2one" and self.c.auto_join(model, fld):
            return self.c.join_on(alias, fld.name, comodel, lambda a: self.leaf(comodel, a, (rest, operator, right)))
        if fld.type == "one2many" and self.c.auto_join(model, fld):
            domain = [(rest, operator, right), *self.field_domain(fld)]
            query = self.search(comodel, domain, column=fld.attrs.get("relation_field") or "id")
            return fmt(f'("{alias}"."id" IN %s)', query.subselect())
        active = False if fld.type == "many2one" else None
        ids = self.search(comodel, [(rest, operator, right)], active_test=active)
        return self.push(model, alias, [(fld.name, "in", ids)])

    def _not_stored(
        self,
        model: ModelView,
        alias: str,
        fld: Field,
        comodel: ModelView | None,
        path: list[str],
        operator: str,
        right: Any,
    ) -> SQL:
        """A field without a column searches through its own method; ``display_name``'s
        is the name search, the others the simulator does not know (Odoo then ignores
        the leaf)."""
        if len(path) > 1 and comodel is not None:
            right = self.search(comodel, [(path[1], operator, right)])
            operator = "in"
        if fld.name == "display_name" and self.d.name_search == "display_name" and not isinstance(right, Query):
            return self.push(model, alias, normalize_domain(self.name_domain(model, operator, right)))
        domain = self.c.field_search(model.name, fld.name, operator, right)
        if domain is None:
            return TRUE
        domain = normalize_domain(list(domain))
        if self.d.paths == "any":
            domain = combine_anies(domain, model, self.c.lookup, self.d)
        return self.push(model, alias, domain)

    # -- relational fields ---------------------------------------------------------------------

    def field_domain(self, fld: Field) -> list:
        domain = fld.attrs.get("domain")
        return [tuple(i) if isinstance(i, list) else i for i in domain] if isinstance(domain, list) else []

    def _one2many(
        self, model: ModelView, alias: str, fld: Field, comodel: ModelView | None, operator: str, right: Any
    ) -> SQL:
        if comodel is None:  # a comodel the simulator does not serve: no line exists
            if isinstance(right, str):
                self.c.comodel(fld)
            negative = operator in NEGATIVE_TERM_OPERATORS
            if right is False:
                return FALSE if negative else TRUE
            return TRUE if negative else FALSE
        inverse = fld.attrs.get("relation_field") or ""
        inverse_field = comodel.fields.get(inverse)
        negative = operator in NEGATIVE_TERM_OPERATORS
        not_null = "" if inverse_field is not None and inverse_field.required else f' AND "{inverse}" IS NOT NULL'
        if right is not False:
            if isinstance(right, str):
                op2 = TERM_OPERATORS_NEGATION[operator] if negative else operator
                ids2: Any = self.name_search(comodel, right, op2, self.field_domain(fld), active_test=None)
            elif isinstance(right, (Query, list, tuple)):
                ids2 = right
            else:
                ids2 = [right]
            if isinstance(ids2, Query):
                sub = fmt(f'SELECT "{inverse}" FROM "{comodel.table}" WHERE "id" IN %s{not_null}', ids2.subselect())
            else:
                values = list(ids2) or [None]
                self.integers(values)
                sub = fmt(f'SELECT "{inverse}" FROM "{comodel.table}" WHERE "id" IN (%s){not_null}', in_list(values))
            return fmt(f'("{alias}"."id" {"NOT IN" if negative else "IN"} (%s))', sub)
        sub = SQL(f'SELECT "{inverse}" FROM "{comodel.table}" WHERE "{inverse}" IS NOT NULL')
        return fmt(f'("{alias}"."id" {"IN" if negative else "NOT IN"} (%s))', sub)

    def _many2many(
        self, model: ModelView, alias: str, fld: Field, comodel: ModelView | None, operator: str, right: Any
    ) -> SQL:
        rel, id1, id2 = model.m2m_table(fld)
        negative = operator in NEGATIVE_TERM_OPERATORS
        if comodel is None and (operator in HIERARCHY_OPERATORS or isinstance(right, str)):
            comodel = self.c.comodel(fld)
        if operator in HIERARCHY_OPERATORS:
            ids2 = self.to_ids(right, comodel, self.context_active_test)
            query = self.search(comodel, self.hierarchy(operator, "id", ids2, comodel))
            if comodel.name == model.name:
                return self.push(model, alias, [("id", "in", query)])
            return fmt(
                f'EXISTS (SELECT 1 FROM "{rel}" WHERE "{rel}"."{id1}" = "{alias}".id AND "{rel}"."{id2}" IN %s)',
                query.subselect(),
            )
        if right is not False:
            if isinstance(right, str):
                op2 = TERM_OPERATORS_NEGATION[operator] if negative else operator
                ids2 = self.name_search(comodel, right, op2, self.field_domain(fld), active_test=None)
            elif isinstance(right, (Query, list, tuple)):
                ids2 = right
            else:
                ids2 = [right]
            if isinstance(ids2, Query):
                term = ids2.subselect()
            else:
                values = [i for i in ids2 if i] or [None]
                self.integers(values)
                term = fmt("(%s)", in_list(values))
            exists = "NOT EXISTS" if negative else "EXISTS"
            return fmt(
                f'{exists} (SELECT 1 FROM "{rel}" WHERE "{rel}"."{id1}" = "{alias}".id AND "{rel}"."{id2}" IN %s)', term
            )
        exists = "EXISTS" if negative else "NOT EXISTS"
        return SQL(f'{exists} (SELECT 1 FROM "{rel}" WHERE "{rel}"."{id1}" = "{alias}".id)')

    def _many2one_names(
        self, model: ModelView, alias: str, fld: Field, comodel: ModelView, operator: str, right: Any
    ) -> SQL:
        operator = "in" if operator in ("<", ">", "<=", ">=") else operator
        flip = {"not in": "!=", "in": "=", "=": "in", "!=": "not in"}
        if isinstance(right, tuple):
            right = list(right)
        if (not isinstance(right, list) and operator in ("not in", "in")) or (
            isinstance(right, list) and operator in ("!=", "=")
        ):
            operator = flip[operator]
        negative = operator in NEGATIVE_TERM_OPERATORS
        if self.d.name_search == "display_name":
            if negative:
                ids = self.name_search(comodel, right, TERM_OPERATORS_NEGATION[operator], [], active_test=False)
                return self.push(model, alias, [OR_OPERATOR, (fld.name, "not in", ids), (fld.name, "=", False)])
            ids = self.name_search(comodel, right, operator, [], active_test=False)
            return self.push(model, alias, [(fld.name, "in", ids)])
        ids = self.name_search(comodel, right, operator, [], active_test=False)
        if negative:
            return self.push(model, alias, [OR_OPERATOR, (fld.name, "in", ids), (fld.name, "=", False)])
        return self.push(model, alias, [(fld.name, "in", ids)])

    def _hierarchy_field(
        self, model: ModelView, alias: str, fld: Field, comodel: ModelView, operator: str, right: Any
    ) -> SQL:
        """``(f, child_of, x)`` on a many2one or one2many: through the comodel, or walking ``f``
        itself when it points back to the model."""
        active = False if (fld.type == "many2one" and self.d.name_search == "display_name") else None
        ids = self.to_ids(right, comodel, self.context_active_test if active is None else active)
        if comodel.name != model.name:
            return self.push(model, alias, self.hierarchy(operator, fld.name, ids, comodel, prefix=True))
        return self.push(model, alias, self.hierarchy(operator, "id", ids, model, parent=fld.name))

    # -- names and hierarchies -----------------------------------------------------------------

    def to_ids(self, value: Any, comodel: ModelView, active_test: bool) -> list:
        names: list = []
        if isinstance(value, str):
            names = [value]
        elif value and isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            names = list(value)
        elif isinstance(value, int):
            return [value] if value else []
        if names:
            found: list[int] = []
            for name in names:
                for rid in self.c.ids(self.name_search(comodel, name, "ilike", [], active_test)):
                    if rid not in found:
                        found.append(rid)
            return found
        return list(value) if isinstance(value, (list, tuple)) else [value]

    def hierarchy(
        self, operator: str, left: str, ids: list, model: ModelView, parent: str | None = None, prefix: bool = False
    ) -> list:
        archived = self.d.hierarchy_archived
        if operator == "parent_of" and archived:
            ids = [i for i in ids if i]
        if not ids:
            return [FALSE_LEAF]
        if self.c.parent_store(model):
            if operator == "child_of":
                found = self.c.descendants(
                    model, model.parent_name or "parent_id", self.c.existing(model, ids), archived=True
                )
            else:
                found = self.c.ancestors(model, ids)
        else:
            parent_name = parent or model.parent_name or "parent_id"
            parent_field = model.fields.get(parent_name)
            if parent_field is None:
                raise ServerError("KeyError", repr(parent_name))
            if operator == "child_of":
                if parent_field.relation != model.name:
                    raise ServerError("ValueError", f"Invalid parent field: {model.name}.{parent_name}")
                found = self.c.descendants(model, parent_name, ids, archived=archived or not self.context_active_test)
            else:
                found = self._parents(model, parent_field, ids)
        domain: list = [("id", "in", found)]
        if prefix:
            return [(left, "in", self.search(model, domain, active_test=False if archived else None))]
        return domain

    def _parents(self, model: ModelView, parent_field: Field, ids: list) -> list:
        """16-18's ``parent_of`` walk: ``records = records[parent] - records.browse(parent_ids)``."""
        seen: list = []
        records = list(dict.fromkeys(ids))
        while records:
            seen.extend(i for i in records if i not in seen)
            values = self.c.browse_parent_ids(model, records, parent_field.name)
            if parent_field.relation != model.name:
                theirs = f"{parent_field.relation}({', '.join(map(str, values))}{',' if len(values) == 1 else ''})"
                mine = f"{model.name}({', '.join(map(str, seen))}{',' if len(seen) == 1 else ''})"
                raise ServerError("TypeError", f"inconsistent models in: {theirs} - {mine}")
            records = [v for v in values if v not in seen]
        return seen

    def name_domain(self, comodel: ModelView, operator: str, value: Any) -> list:
        """The domain ``display_name`` (18) searches; model overrides included."""
        return name_search_domain(
            self.c,
            comodel,
            value,
            operator,
            self.d.name_search == "display_name",
            lambda m, d: self.c.ids(self.search(m, d)),
        )

    def name_search(
        self, comodel: ModelView, name: Any, operator: str, domain: list, active_test: bool | None
    ) -> Query:
        """``comodel._name_search(name, domain, operator)`` (16/17) or
        ``comodel._search(AND([domain, [('display_name', operator, name)]]))`` (18)."""
        active = self.context_active_test if active_test is None else active_test
        if comodel.name == "res.users" and self.d.name_search == "name_search":
            # res.users._name_search: a login first (positive operators), the name otherwise
            if operator not in NEGATIVE_TERM_OPERATORS:
                login = [] if operator == "ilike" and not (name or "").strip() else [("login", "=", name)]
                query = self.search(comodel, AND([login, domain]), active_test=active)
                if self.c.ids(query):
                    return query
            return self.search(comodel, AND([[("name", operator, name)], domain]), active_test=active)
        names = self.name_domain(comodel, operator, name)
        return self.search(comodel, AND([domain, names]) if domain else names, active_test=active)

    # -- one column ------------------------------------------------------------------------------

    def leaf_to_sql(self, model: ModelView, alias: str, fld: Field, operator: str, right: Any) -> SQL:
        """16/17's ``__leaf_to_sql``, or 18's ``_condition_to_sql`` (``null_values: falsy``)."""
        falsy = self.d.null_values == "falsy"
        column = self.c.value_column(model, alias, fld, self.lang)
        is_number = fld.type in NUMBER_TYPES and fld.name != "id"
        is_char = fld.type in TEXT_TYPES
        if operator == "=?":
            if right is False or right is None:
                return TRUE
            operator = "="
        if operator in ("in", "not in"):
            return self._in(fld, column, operator, right, falsy, is_number, is_char)
        if fld.type == "boolean" and operator in ("=", "!=") and isinstance(right, bool):
            # 16 spells it differently, with the same answers
            value = (not right) if operator == "!=" else right
            return fmt("(%s = 1)", column) if value else fmt("(%s IS NULL OR %s = 0)", column, column)
        if falsy and (fld.relation or fld.name == "id") and operator in ("=", "!=") and not right:
            right = False
        if operator in ("=", "!=") and (right is False or right is None):
            if falsy and is_number:
                right = 0
            elif falsy and is_char:
                right = ""
            elif operator == "=":
                return fmt("%s IS NULL", column)
            else:
                return fmt("%s IS NOT NULL", column)
        need_wildcard = operator in WILDCARD_OPERATORS
        if operator in LIKE_OPERATORS:
            if need_wildcard and falsy and not right:
                return FALSE if operator in NEGATIVE_TERM_OPERATORS else TRUE
            if need_wildcard:
                pattern: Any = f"%{_to_text(right)}%"
            else:
                pattern = self._column_value(fld, right, like=True)
            if pattern is None:
                sql = SQL("NULL")
            else:
                if not isinstance(pattern, str):
                    symbol = "~~*" if "ilike" in operator else "~~"
                    self.defer(
                        ServerError(
                            "psycopg2.errors.UndefinedFunction",
                            f"operator does not exist: text {symbol} {_pg_type(pattern)}",
                        )
                    )
                sql = self.c.like(fld, column, operator, _to_text(pattern), on_error=self.defer)
        else:
            value = self._column_value(fld, right)
            if fld.type == "many2one" or fld.name == "id":
                self.integers([value], "<>" if operator == "!=" else operator)
            sql = fmt(f"(%s {operator} %s)", column, value)
        if falsy:
            if bool(right) == (operator in NEGATIVE_TERM_OPERATORS) and operator[:1] not in ("<", ">"):
                sql = fmt("(%s OR %s IS NULL)", sql, column)
            if not need_wildcard and is_number and operator[:1] in ("<", ">"):
                bound = to_column(fld, right)
                if (
                    (operator == ">=" and bound <= 0)
                    or (operator == "<=" and bound >= 0)
                    or (operator == "<" and bound > 0)
                    or (operator == ">" and bound < 0)
                ):
                    sql = fmt("(%s OR %s IS NULL)", sql, column)
            return sql
        if (need_wildcard and not right) or (right and operator in NEGATIVE_TERM_OPERATORS):
            sql = fmt("(%s OR %s IS NULL)", sql, column)
        return sql

    def _column_value(self, fld: Field, value: Any, like: bool = False) -> Any:
        """``convert_to_column``; the ``id`` field's is Field's own (text), a float with
        digits is ``float_repr``'d when it is a pattern."""
        if fld.name == "id":
            return None if value is None or value is False else _to_text(value)
        result = to_column(fld, value)
        digits = fld.attrs.get("digits")
        if (
            like
            and fld.type == "float"
            and isinstance(digits, (list, tuple))
            and len(digits) == 2
            and digits[1] is not None
            and result is not None
        ):
            return f"{result:.{int(digits[1])}f}"
        return result

    def integers(self, values: Iterable, symbol: str = "=") -> None:
        for error in integer_errors(values, symbol):
            self.defer(error)

    def _in(
        self, fld: Field, column: SQL, operator: str, right: Any, falsy: bool, is_number: bool, is_char: bool
    ) -> SQL:
        if isinstance(right, bool):
            if (operator == "in" and right) or (operator == "not in" and not right):
                return fmt("(%s IS NOT NULL)", column)
            return fmt("(%s IS NULL)", column)
        if isinstance(right, Query):
            return fmt(f"(%s {operator.upper()} %s)", column, right.subselect())
        if not isinstance(right, (list, tuple)):
            raise ServerError("ValueError", f"Invalid domain term {(fld.name, operator, right)!r}")
        if fld.type == "boolean" and not falsy:
            params: list = [v for v in (True, False) if v in right]
            check_null = False in right
        else:
            params = [v for v in right if v is not False and v is not None]
            check_null = len(params) < len(right)
            if falsy and fld.type == "boolean":
                params = [True] if any(params) else []
                if check_null:
                    params.append(False)
            elif falsy and is_number:
                if check_null and 0 not in params:
                    params.append(0)
                check_null = check_null or 0 in params
            elif falsy and is_char:
                if check_null and "" not in params:
                    params.append("")
                check_null = check_null or "" in params
        if params:
            if fld.name != "id":
                params = [to_column(fld, p) for p in params]
            if fld.type == "many2one" or fld.name == "id":
                self.integers(params)
            sql = fmt(f"(%s {operator.upper()} (%s))", column, in_list(params))
        else:
            sql = FALSE if operator == "in" else TRUE
        if (operator == "in" and check_null) or (operator == "not in" and not check_null):
            sql = fmt("(%s OR %s IS NULL)", sql, column)
        elif operator == "not in" and check_null:
            sql = fmt("(%s AND %s IS NOT NULL)", sql, column)
        return sql


# 17/18's domain_combine_anies: paths as 'any', then a tree where '!' is pushed down


def _anyfy_leaves(domain: list, model: ModelView, lookup: Callable[[str], ModelView], dialect: DomainDialect) -> list:
    result: list = []
    for item in domain:
        if is_operator(item):
            result.append(item)
            continue
        item = tuple(item)
        if is_boolean(item) or not isinstance(item[0], str):
            result.append(item)
            continue
        left, operator, right = item
        path = left.split(".", 1)
        fld = model.fields.get(path[0])
        if fld is None:
            raise ServerError(
                "ValueError", dialect.unknown_field.format(model=model.name, field=path[0], leaf=str(item))
            )
        if len(path) > 1 and fld.relation and fld.type in ("many2one", "one2many", "many2many"):
            comodel = lookup(fld.relation)
            result.append((path[0], "any", _anyfy_leaves([(path[1], operator, right)], comodel, lookup, dialect)))
        elif str(operator).lower() in ("any", "not any") and fld.relation:
            comodel = lookup(fld.relation)
            sub = normalize_domain(list(right), dialect) if isinstance(right, (list, tuple)) else right
            result.append(
                (
                    left,
                    str(operator).lower(),
                    _anyfy_leaves(sub, comodel, lookup, dialect) if isinstance(sub, list) else sub,
                )
            )
        else:
            result.append(item)
    return result


def _tree_from_domain(domain: list, eq_if_value: bool) -> tuple:
    stack: list = []
    for item in reversed(domain):
        if item == NOT_OPERATOR:
            stack.append(_tree_not(stack.pop(), eq_if_value))
        elif item == AND_OPERATOR:
            stack.append(_tree_and((stack.pop(), stack.pop())))
        elif item == OR_OPERATOR:
            stack.append(_tree_or((stack.pop(), stack.pop())))
        elif item == TRUE_LEAF:
            stack.append(("?", True))
        elif item == FALSE_LEAF:
            stack.append(("?", False))
        else:
            lhs, comparator, rhs = item
            if comparator in ("any", "not any") and isinstance(rhs, list):
                rhs = _tree_from_domain(rhs, eq_if_value)
            stack.append((comparator, lhs, rhs))
    return _tree_and(reversed(stack))


def _tree_not(tree: tuple, eq_if_value: bool) -> tuple:
    if eq_if_value and tree[0] == "=?":
        if not tree[2]:
            return ("?", False)
        tree = ("=", tree[1], tree[2])
    if tree[0] == "?":
        return ("?", not tree[1])
    if tree[0] == "!":
        return tree[1]
    if tree[0] == "&":
        return ("|", *(_tree_not(t, eq_if_value) for t in tree[1:]))
    if tree[0] == "|":
        return ("&", *(_tree_not(t, eq_if_value) for t in tree[1:]))
    if tree[0] in TERM_OPERATORS_NEGATION:
        return (TERM_OPERATORS_NEGATION[tree[0]], tree[1], tree[2])
    return ("!", tree)


def _tree_join(operator: str, trees: Iterable[tuple]) -> tuple:
    """Odoo's ``_tree_and`` / ``_tree_or`` (17's expression.py) in one: flatten nested nodes of
    the same operator, drop the neutral constant, stop at the absorbing one."""
    absorbing = ("?", operator == "|")
    children: list = []
    for tree in trees:
        if tree == absorbing:
            return tree
        if tree == ("?", operator == "&"):
            continue
        children.extend(tree[1:] if tree[0] == operator else [tree])
    if not children:
        return ("?", operator == "&")
    return children[0] if len(children) == 1 else (operator, *children)


def _tree_and(trees: Iterable[tuple]) -> tuple:
    return _tree_join("&", trees)


def _tree_or(trees: Iterable[tuple]) -> tuple:
    return _tree_join("|", trees)


def _tree_combine_anies(tree: tuple, model: ModelView, lookup: Callable[[str], ModelView], eq_if_value: bool) -> tuple:
    """(f any D1) or (f any D2) is f any (D1 or D2), (f not any D1) and (f not any D2) is
    f not any (D1 or D2), and for many2ones the AND of anys and the OR of not anys too.
    It changes answers: the merged subdomain is searched (and ``is_false``'d) as one."""

    def comodel_of(fname: str, of: ModelView) -> ModelView | None:
        fld = of.fields.get(fname)
        return lookup(fld.relation) if fld is not None and fld.relation else None

    def recurse(node: tuple, of: ModelView | None) -> tuple:
        return node if of is None else _tree_combine_anies(node, of, lookup, eq_if_value)

    if tree[0] == "!":
        tree = _tree_not(_tree_combine_anies(tree[1], model, lookup, eq_if_value), eq_if_value)
    elif tree[0] == "&":
        tree = _tree_and([_tree_combine_anies(t, model, lookup, eq_if_value) for t in tree[1:]])
    elif tree[0] == "|":
        tree = _tree_or([_tree_combine_anies(t, model, lookup, eq_if_value) for t in tree[1:]])
    if tree[0] in ("any", "not any"):
        if isinstance(tree[2], tuple) and tree[2] and isinstance(tree[2][0], str):
            return (tree[0], tree[1], recurse(tree[2], comodel_of(tree[1], model)))
        return tree
    if tree[0] not in ("&", "|"):
        return tree
    children: list = []
    anys: dict[str, list] = {}
    not_anys: dict[str, list] = {}
    for sub in tree[1:]:
        if sub[0] == "any" and isinstance(sub[2], tuple):
            anys.setdefault(sub[1], []).append(sub[2])
        elif sub[0] == "not any" and isinstance(sub[2], tuple):
            not_anys.setdefault(sub[1], []).append(sub[2])
        else:
            children.append(sub)
    many2one = {
        fname
        for fname in [*anys, *not_anys]
        if model.fields.get(fname) is not None and model.fields[fname].type == "many2one"
    }
    if tree[0] == "&":
        for fname, subs in anys.items():
            if fname in many2one and len(subs) > 1:
                children.append(("any", fname, recurse(_tree_and(subs), comodel_of(fname, model))))
            else:
                children.extend(("any", fname, recurse(sub, comodel_of(fname, model))) for sub in subs)
        for fname, subs in not_anys.items():
            children.append(("not any", fname, recurse(_tree_or(subs), comodel_of(fname, model))))
        return _tree_and(children)
    for fname, subs in anys.items():
        children.append(("any", fname, recurse(_tree_or(subs), comodel_of(fname, model))))
    for fname, subs in not_anys.items():
        if fname in many2one and len(subs) > 1:
            children.append(("not any", fname, recurse(_tree_and(subs), comodel_of(fname, model))))
        else:
            children.extend(("not any", fname, recurse(sub, comodel_of(fname, model))) for sub in subs)
    return _tree_or(children)


def _tree_as_domain(tree: tuple) -> list:
    def flatten(node: tuple) -> Iterable:
        if node[0] == "?":
            yield TRUE_LEAF if node[1] else FALSE_LEAF
        elif node[0] == "!":
            yield NOT_OPERATOR
            yield from flatten(node[1])
        elif node[0] in ("&", "|"):
            yield from node[0] * (len(node) - 2)
            for child in node[1:]:
                yield from flatten(child)
        elif node[0] in ("any", "not any") and isinstance(node[2], tuple):
            yield (node[1], node[0], _tree_as_domain(node[2]))
        else:
            yield (node[1], node[0], node[2])

    return list(flatten(tree))


def combine_anies(domain: list, model: ModelView, lookup: Callable[[str], ModelView], dialect: DomainDialect) -> list:
    """17/18's ``domain_combine_anies``: paths as ``any``, ``!`` pushed into the operators,
    ``any`` conditions on one field merged."""
    eq_if_value = dialect.negate_eq_if_value
    tree = _tree_from_domain(_anyfy_leaves(domain, model, lookup, dialect), eq_if_value)
    return _tree_as_domain(_tree_combine_anies(tree, model, lookup, eq_if_value))


def name_search_domain(
    compiler: Compiler,
    model: ModelView,
    value: Any,
    operator: str,
    display_name: bool,
    search_ids: Callable[[ModelView, list], list[int]],
) -> list:
    """The domain a name search builds on ``model``: ``_name_search`` (16/17) or
    ``_search_display_name`` (18+), with the overrides of the served models
    (res.partner.category, res.users)."""
    fnames = [f for f in model.meta.rec_names_search if f in model.fields] or (
        [model.meta.rec_name] if model.meta.rec_name in model.fields else []
    )
    negative = operator in NEGATIVE_TERM_OPERATORS or operator in NEGATIVE_CONDITION_OPERATORS
    if model.name == "res.partner.category" and not display_name:
        # PartnerCategory._name_search: the last part of "Parent / Child"
        if not value:
            return []
        if not isinstance(value, str):
            raise ServerError("AttributeError", f"'{type(value).__name__}' object has no attribute 'split'")
        return [("name", operator, value.split(" / ")[-1])]
    if not display_name:
        if not fnames or (value == "" and operator in ("like", "ilike")):
            return []
        return (AND if negative else OR)([[(f, operator, value)] for f in fnames])
    if not fnames:
        return list(TRUE_DOMAIN)
    if operator.endswith("like") and not value and "=" not in operator:
        return list(FALSE_DOMAIN if negative else TRUE_DOMAIN)
    domain = (AND if negative else OR)([[(f, operator, value)] for f in fnames])
    if model.name == "res.users" and operator in ("=", "ilike", "in") and value:
        # ResUsers._search_display_name: users found by login win (active ones, the default context)
        logins = list(value) if _is_collection(value) else [value]
        rows = compiler.run(
            f'SELECT id FROM "res_users" WHERE "login" IN ({",".join("?" * len(logins))}) AND "active" = 1 ORDER BY id',
            logins,
        )
        if rows:
            domain = [("id", "in", [r[0] for r in rows])]
    if model.name == "res.partner.category" and operator.endswith("like"):
        # PartnerCategory._search_display_name: the categories found and everything under them
        domain = [("id", "child_of", tuple(search_ids(model, domain)))]
    return domain


# -- 19.0: odoo/orm/domains.py -------------------------------------------------------------------
#
# A domain is a tree of tuples: ("?", bool), ("!", child), ("&", children), ("|", children) and
# ("c", field_expr, operator, value); an "any" value is a tree, a Query or a raw list.

_INVERSE_OPERATOR = {
    "not any": "any",
    "not any!": "any!",
    "any!": "not any!",
    "not in": "in",
    "not like": "like",
    "not ilike": "ilike",
    "not =like": "=like",
    "not =ilike": "=ilike",
    "!=": "=",
    "<>": "=",
    "any": "not any",
    "in": "not in",
    "like": "not like",
    "ilike": "not ilike",
    "=like": "not =like",
    "=ilike": "not =ilike",
    "=": "!=",
}
_INVERSE_INEQUALITY = {"<": ">=", ">": "<=", ">=": "<", "<=": ">"}
NEGATIVE_CONDITION_OPERATORS = {
    "not any": "any",
    "not any!": "any!",
    "not in": "in",
    "not like": "like",
    "not ilike": "ilike",
    "not =like": "=like",
    "not =ilike": "=ilike",
    "!=": "=",
    "<>": "=",
}
CONDITION_OPERATORS = {
    "any",
    "not any",
    "in",
    "not in",
    "<",
    ">",
    "<=",
    ">=",
    "like",
    "not like",
    "ilike",
    "not ilike",
    "=like",
    "not =like",
    "=ilike",
    "not =ilike",
    "=?",
    "<>",
    "==",
    "=",
    "!=",
    "child_of",
    "parent_of",
}
ANY_OPERATORS = ("any", "not any", "any!", "not any!")
D_TRUE = ("?", True)
D_FALSE = ("?", False)


def _d_and(children: Iterable[tuple]) -> tuple:
    return _d_nary("&", children)


def _d_or(children: Iterable[tuple]) -> tuple:
    return _d_nary("|", children)


def _d_nary(op: str, children: Iterable[tuple]) -> tuple:
    zero = D_TRUE if op == "&" else D_FALSE
    result: list = []
    for child in children:
        if child[0] == "?":
            if child != zero:
                return child
        elif child[0] == op:
            result.extend(child[1])
        else:
            result.append(child)
    if not result:
        return zero
    return result[0] if len(result) == 1 else (op, tuple(result))


def _d_invert(node: tuple) -> tuple:
    """``~domain`` (``Domain.__invert__``)."""
    kind = node[0]
    if kind == "?":
        return D_FALSE if node[1] else D_TRUE
    if kind == "!":
        return node[1]
    if kind in ("&", "|"):
        return ("|" if kind == "&" else "&", tuple(_d_invert(c) for c in node[1]))
    if kind == "c" and "." not in node[1] and node[2] in _INVERSE_OPERATOR:
        return ("c", node[1], _INVERSE_OPERATOR[node[2]], node[3])
    return ("!", node)


def _cond_repr(field_expr: str, operator: str, value: Any) -> str:
    if _is_tree(value):
        value = _d_as_list(value)
    return repr((field_expr, operator, value))


def _d_as_list(node: tuple) -> list:
    kind = node[0]
    if kind == "?":
        return [TRUE_LEAF if node[1] else FALSE_LEAF]
    if kind == "!":
        return [NOT_OPERATOR, *_d_as_list(node[1])]
    if kind in ("&", "|"):
        out: list = [kind] * (len(node[1]) - 1)
        for child in node[1]:
            out += _d_as_list(child)
        return out
    value = node[3]
    if _is_tree(value):
        value = _d_as_list(value)
    elif isinstance(value, (set, frozenset)):
        value = list(value)
    return [(node[1], node[2], value)]


class OSet(tuple):
    """Odoo's OrderedSet as a value: ordered, deduplicated, ``OrderedSet([...])`` in messages."""

    def __new__(cls, values: Iterable = ()) -> OSet:
        return super().__new__(cls, _ordered(values))

    def __repr__(self) -> str:
        return _repr_ordered_set(self)


def d_parse(items: Any) -> tuple:
    """``Domain(list)``: a tree, conditions checked, ``!`` applied at once where it can."""
    if _is_tree(items):
        return items
    if not isinstance(items, (list, tuple)):
        raise ServerError("TypeError", f"Domain() invalid argument type for domain: {items!r}")
    if not items:
        return D_TRUE
    stack: list = []
    try:
        for item in reversed(items):
            if isinstance(item, (list, tuple)) and len(item) == 3:
                if item[1] in ("any!", "not any!"):
                    raise ServerError("ValueError", f"Domain() invalid item in domain: {item!r}")
                stack.append(_d_condition(*item))
            elif item == AND_OPERATOR:
                stack.append(_d_and([stack.pop(), stack.pop()]))
            elif item == OR_OPERATOR:
                stack.append(_d_or([stack.pop(), stack.pop()]))
            elif item == NOT_OPERATOR:
                stack.append(_d_invert(stack.pop()))
            else:
                raise ServerError("ValueError", f"Domain() invalid item in domain: {item!r}")
    except IndexError:
        raise ServerError("ValueError", f"Domain() malformed domain {items!r}") from None
    return stack[0] if len(stack) == 1 else _d_and(reversed(stack))


def _d_condition(field_expr: Any, operator: Any, value: Any) -> tuple:
    if not isinstance(field_expr, str):
        args = (field_expr, operator, value)
        if args == TRUE_LEAF:
            return D_TRUE
        if args == FALSE_LEAF:
            return D_FALSE
        raise ServerError("TypeError", f"Domain() invalid arguments: {args!r}")
    if not field_expr:
        raise ServerError("TypeError", f"Empty field name in condition {(field_expr, operator, value)!r}")
    operator = str(operator).lower()
    if operator not in CONDITION_OPERATORS:
        raise ServerError("ValueError", f"Invalid operator in condition {(field_expr, operator, value)!r}")
    return ("c", field_expr, operator, False if value is None else _plain(value))


class DomainEngine:
    """A domain as 19.0 optimises it and turns it into SQL."""

    def __init__(self, compiler: Compiler, active_test: bool, lang: str | None = None) -> None:
        self.c = compiler
        self.d = compiler.dialect
        self.context_active_test = active_test
        self.lang = lang
        self.pg_error: ServerError | None = None

    def defer(self, error: ServerError) -> None:
        if self.pg_error is None:
            self.pg_error = error

    def where_calc(self, model: ModelView, domain: Any, active_test: bool) -> SQL:
        tree = d_parse(domain)
        if (
            active_test
            and "active" in model.fields
            and model.fields["active"].stored
            and not any(c[1] == "active" for c in self._conditions(tree))
        ):
            tree = _d_and([tree, ("c", "active", "=", True)])
        return self.to_sql(model, model.table, self.optimize(tree, model))

    def search(self, model: ModelView, domain: Any, active_test: bool | None = None) -> Query:
        active = self.context_active_test if active_test is None else active_test
        where = self.where_calc(model, domain, active)
        return Query(fmt(f'SELECT "{model.table}"."id" FROM "{model.table}" WHERE %s', where))

    def _conditions(self, tree: tuple) -> Iterable[tuple]:
        if tree[0] == "c":
            yield tree
        elif tree[0] == "!":
            yield from self._conditions(tree[1])
        elif tree[0] in ("&", "|"):
            for child in tree[1]:
                yield from self._conditions(child)

    # -- optimisation ---------------------------------------------------------------------------

    def optimize(self, tree: tuple, model: ModelView, full: bool = True) -> tuple:
        """``optimize_full`` (or the basic level only): every node through the basic rules
        first, then through the full ones (inherited fields, search methods, hierarchies).
        An AND (OR) stops at the first child that is FALSE (TRUE), as ``_flatten`` does, so
        what comes after it is never looked at, errors included."""
        tree = self._optimize(tree, model, False)
        return self._optimize(tree, model, True) if full else tree

    def _optimize(self, tree: tuple, model: ModelView, full: bool) -> tuple:
        kind = tree[0]
        if kind == "?":
            return tree
        if kind == "!":
            child = self.optimize(tree[1], model, full)
            negated = self.negate(child, model)
            if negated[0] == "!" and negated[1] == child:
                return negated
            return self.optimize(negated, model, full)
        if kind in ("&", "|"):
            absorbing = D_FALSE if kind == "&" else D_TRUE
            children: list = []
            for child in tree[1]:
                optimized = self.optimize(child, model, full)
                if optimized == absorbing:
                    return absorbing
                children.extend(optimized[1] if optimized[0] == kind else [] if optimized[0] == "?" else [optimized])
            if len(children) > 1:
                children.sort(key=_nary_sort_key)
                size = len(children)
                for merge in _NARY_MERGES:
                    children = merge(self, kind, children, model)
                    if len(children) < size:
                        return self.optimize(_d_nary(kind, children), model, full)
            return _d_nary(kind, children)
        new = self.optimize_condition(tree, model, full)
        if new == tree:
            return tree
        return self.optimize(new, model, full)

    def negate(self, tree: tuple, model: ModelView) -> tuple:
        """``Domain._negate`` on an optimised tree."""
        kind = tree[0]
        if kind == "?":
            return D_FALSE if tree[1] else D_TRUE
        if kind == "!":
            return tree[1]
        if kind in ("&", "|"):
            return ("|" if kind == "&" else "&", tuple(self.negate(c, model) for c in tree[1]))
        _c, field_expr, operator, value = tree
        inverse = _INVERSE_INEQUALITY.get(operator)
        if inverse:
            condition = ("c", field_expr, inverse, value)
            if self.falsy_value(self.field(model, tree)) is None:
                condition = _d_or([("c", field_expr, "in", OSet([False])), condition])
            return condition
        if "." not in field_expr and operator in _INVERSE_OPERATOR:
            return ("c", field_expr, _INVERSE_OPERATOR[operator], value)
        return ("!", tree)

    def field(self, model: ModelView, cond: tuple) -> Field:
        name = cond[1].split(".", 1)[0]
        fld = model.fields.get(name)
        if fld is None:
            raise ServerError(
                "ValueError", f"Invalid field {model.name}.{name} in condition {_cond_repr(cond[1], cond[2], cond[3])}"
            )
        return fld

    @staticmethod
    def falsy_value(fld: Field) -> Any:
        if fld.name == "id":
            return None
        if fld.type == "boolean":
            return False
        if fld.type == "integer":
            return 0
        if fld.type in ("float", "monetary"):
            return 0.0
        if fld.type in TEXT_TYPES:
            return ""
        return None

    def not_null(self, model: ModelView, fld: Field) -> bool:
        return fld.name == "id" or (fld.required and fld.is_column)

    def raise_(self, cond: tuple, message: str, error: str = "ValueError") -> None:
        raise ServerError(error, f"{message} in condition {_cond_repr(cond[1], cond[2], cond[3])}")

    def optimize_condition(self, cond: tuple, model: ModelView, full: bool) -> tuple:
        _c, field_expr, operator, value = cond
        fld = self.field(model, cond)
        name, _dot, rest = field_expr.partition(".")
        if rest:
            if fld.relation and fld.type in ("many2one", "one2many", "many2many"):
                return ("c", name, "any", ("c", rest, operator, value))
            raise ServerError("ValueError", f"Invalid field property {rest!r} on {model.name}.{name}")
        if full and fld.extra.get("inherited"):
            return ("c", fld.extra["inherited"], "any", ("c", field_expr, operator, value))
        if full and fld.name == "display_name" and not fld.is_column:
            return self.search_display_name(model, operator, value)
        if full and not fld.stored and not fld.extra.get("inherited") and fld.name != "id":
            domain = self.c.field_search(model.name, fld.name, operator, value)
            if domain is not None:
                return d_parse(list(domain))
        # operators
        if operator == "=?":
            return D_TRUE if not value else ("c", field_expr, "=", value)
        if operator == "<>":
            return ("c", field_expr, "!=", value)
        if operator == "==":
            return ("c", field_expr, "=", value)
        if operator in ("=", "!="):
            new_op = "in" if operator == "=" else "not in"
            if _is_collection(value):
                value = OSet(value) if value else OSet([False])
            elif isinstance(value, Query):
                value = value
            else:
                value = OSet([value])
            return ("c", field_expr, new_op, value)
        if operator in ("in", "not in"):
            if isinstance(value, Query):
                return ("c", field_expr, "any" if operator == "in" else "not any", value)
            if not isinstance(value, OSet):
                if _is_collection(value) and not value:
                    return D_FALSE if operator == "in" else D_TRUE
                if not _is_collection(value):
                    value = [value]
                return ("c", field_expr, operator, OSet(value))
            if not value:
                return D_FALSE if operator == "in" else D_TRUE
            if (
                self.falsy_value(fld) is None
                and (fld.required or fld.name == "id")
                and self.not_null(model, fld)
                and False in value
            ):
                return ("c", field_expr, operator, OSet(v for v in value if v is not False))
        if operator in ANY_OPERATORS:
            if fld.name == "id" and not isinstance(value, Query):
                sub = d_parse(value)
                return sub if operator in ("any", "any!") else _d_invert(sub)
            if not isinstance(value, Query):
                if not fld.relation:
                    self.raise_(cond, "Cannot use 'any' with non-relational fields")
                comodel = self.c.comodel(fld)
                sub = self.optimize(d_parse(value), comodel, full)
                if sub == D_FALSE:
                    return D_FALSE if operator in ("any", "any!") else D_TRUE
                if sub != value:
                    return ("c", field_expr, operator, sub)
        if operator.endswith("like"):
            if not value:
                result = (operator in NEGATIVE_CONDITION_OPERATORS) == ("=" in operator)
                if fld.relation or "=" in operator:
                    return ("c", field_expr, "!=" if result else "=", False)
                return D_TRUE if result else D_FALSE
            if not isinstance(value, str):
                if "=" in operator:
                    self.raise_(cond, "The pattern to match must be a string", "TypeError")
                return ("c", field_expr, operator, str(value))
        # field types
        if fld.type in ("many2one", "one2many", "many2many"):
            positive = NEGATIVE_CONDITION_OPERATORS.get(operator, operator)
            any_operator = "any" if positive == operator else "not any"
            if operator.endswith("like"):
                return ("c", field_expr, any_operator, ("c", "display_name", positive, value))
            if operator[0] in ("<", ">") and isinstance(value, str):
                self.raise_(cond, "Inequality not supported for relational field using a string", "TypeError")
            if positive == "in" and isinstance(value, OSet):
                names = [v for v in value if isinstance(v, str)]
                others = [v for v in value if not isinstance(v, str)]
                if names:
                    domain = ("c", field_expr, any_operator, ("c", "display_name", positive, OSet(names)))
                    if others:
                        other = ("c", field_expr, operator, OSet(others))
                        domain = _d_or([domain, other]) if positive == operator else _d_and([domain, other])
                    return domain
        if fld.type == "boolean":
            if operator not in ("in", "not in") or not _is_collection(value):
                self.raise_(
                    cond, f"Cannot compare {field_expr!r} to {type(value)} which is not a collection of length 1"
                )
            values = list(value)
            if not all(isinstance(v, bool) for v in values):
                values = _ordered(_str2bool(v) if isinstance(v, str) else bool(v) for v in values)
            if len(values) == 1 and not any(values):
                return ("c", field_expr, _INVERSE_OPERATOR[operator], OSet([True]))
            if full and set(values) == {True, False}:
                return D_TRUE if operator == "in" else D_FALSE
            if OSet(values) != value:
                return ("c", field_expr, operator, OSet(values))
        if fld.type in ("date", "datetime") and operator[0] in ("<", ">") and value is False:
            return D_FALSE
        if fld.type == "datetime" and operator[0] in ("<", ">") and isinstance(value, str) and len(value) == 10:
            # a day: after it is from the next midnight on, up to it is before the next midnight (UTC)
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                return cond
            if operator in (">", "<="):
                day += dt.timedelta(days=1)
                operator = ">=" if operator == ">" else "<"
            return ("c", field_expr, operator, f"{day.isoformat()} 00:00:00")
        if not full:
            return cond
        if operator in HIERARCHY_OPERATORS:
            return self.hierarchy(cond, model, fld)
        if operator in ("any", "not any") and not isinstance(value, Query) and self.c.auto_join(model, fld):
            return ("c", field_expr, operator + "!", value)  # bypass_search_access: any!
        if (
            fld.type == "many2one"
            and operator in ("any!", "not any!")
            and isinstance(value, tuple)
            and value[0] == "c"
            and value[1] == "id"
            and value[2] in ("in", "not in")
        ):
            ids = value[3]
            domain = (
                "c",
                field_expr,
                value[2],
                OSet(v for v in ids if v is not False) if value[2] == "in" else OSet([*ids, False]),
            )
            return self.negate(domain, model) if operator == "not any!" else domain
        return cond

    def search_display_name(self, model: ModelView, operator: str, value: Any) -> tuple:
        """``display_name``'s search method; NotImplemented (category, negative like) is
        answered with the positive operator, negated."""

        def search_ids(m: ModelView, d: list) -> list[int]:
            return self.c.ids(self.search(m, d))

        positive = NEGATIVE_CONDITION_OPERATORS.get(operator, operator)
        if model.name == "res.partner.category" and operator.endswith("like") and positive != operator:
            return _d_invert(d_parse(name_search_domain(self.c, model, value, positive, True, search_ids)))
        return d_parse(name_search_domain(self.c, model, value, operator, True, search_ids))

    def hierarchy(self, cond: tuple, model: ModelView, fld: Field) -> tuple:
        _c, field_expr, operator, value = cond
        if value is False:
            return D_FALSE
        if fld.type == "many2one":
            comodel, active = self.c.comodel(fld), False
        elif fld.type in ("one2many", "many2many"):
            comodel, active = self.c.comodel(fld), self.context_active_test
        elif fld.name == "id":
            comodel, active = model, self.context_active_test
        else:
            self.raise_(
                cond, f"Cannot execute {operator} for {model.name}.{fld.name}, works only for relational fields"
            )
        parent = comodel.parent_name or "parent_id"
        as_id = False
        if comodel.name == model.name:
            if field_expr != "id":
                parent = field_expr
            if fld.type == "many2one":
                as_id = True
        if isinstance(value, (int, str)):
            value = [value]
        elif not _is_collection(value):
            self.raise_(cond, f"Value of type {type(value)} is not supported")
        coids = [v for v in value if isinstance(v, int)]
        names = [v for v in value if not isinstance(v, int)]
        search: tuple = D_FALSE
        if fld.type == "many2many":
            search = _d_or([search, ("c", "id", "in", OSet(coids))])
            coids = []
        if names:
            search = _d_or([search, *(("c", "display_name", "ilike", v) for v in names)])
        if search != D_FALSE:
            for rid in self.c.ids(self.search(comodel, search, active_test=active)):
                coids.append(rid)
        if not coids:
            return D_FALSE
        coids = _ordered(coids)
        if operator == "child_of":
            if self.c.parent_store(comodel) and parent == (comodel.parent_name or "parent_id"):
                result = self.c.descendants(comodel, parent, self.c.existing(comodel, coids), archived=True)
            else:
                if parent not in comodel.fields:
                    raise ServerError(
                        "ValueError",
                        f"Invalid field {comodel.name}.{parent} in condition {(parent, 'in', OSet(coids))!r}",
                    )
                result = self._walk_children(comodel, parent, coids)
        else:
            if self.c.parent_store(comodel) and parent == (comodel.parent_name or "parent_id"):
                result = self.c.ancestors(comodel, coids)
            else:
                if parent not in comodel.fields:
                    raise ServerError("KeyError", repr(parent))
                result = self._walk_parents(comodel, parent, self.c.existing(comodel, coids))
        if fld.name == "id" or as_id:
            return ("c", "id", "in", OSet(result))
        return ("c", fld.name, "in", OSet(result))

    def _walk_children(self, comodel: ModelView, parent: str, ids: list) -> list:
        seen: list = []
        current = list(ids)
        while current:
            seen.extend(i for i in current if i not in seen)
            found = self.c.ids(self.search(comodel, [(parent, "in", list(current))], active_test=False))
            current = [i for i in found if i not in seen]
        return seen

    def _walk_parents(self, comodel: ModelView, parent: str, ids: list) -> list:
        seen: list = []
        current = list(ids)
        while current:
            seen.extend(i for i in current if i not in seen)
            current = [v for v in self.c.browse_parent_ids(comodel, current, parent) if v not in seen]
        return seen

    # -- SQL ----------------------------------------------------------------------------------------

    def to_sql(self, model: ModelView, alias: str, tree: tuple) -> SQL:
        kind = tree[0]
        if kind == "?":
            return TRUE if tree[1] else FALSE
        if kind == "!":
            return fmt("(%s) IS NOT TRUE", self.to_sql(model, alias, tree[1]))
        if kind in ("&", "|"):
            return fmt(
                "(%s)", join(" AND " if kind == "&" else " OR ", [self.to_sql(model, alias, c) for c in tree[1]])
            )
        return self.condition_to_sql(model, alias, tree)

    def condition_to_sql(self, model: ModelView, alias: str, cond: tuple) -> SQL:
        _c, field_expr, operator, value = cond
        fld = self.field(model, cond)
        if operator in HIERARCHY_OPERATORS or operator == "=?":
            self.raise_(cond, "Not standard operator left")
        if not fld.stored and fld.name != "id":
            raise ServerError("ValueError", f"Cannot convert {model.name}.{fld.name} to SQL because it is not stored")
        if fld.type in ("one2many", "many2many"):
            return self.x2many_sql(model, alias, fld, operator, value)
        if fld.type == "many2one" and operator in ANY_OPERATORS:
            return self.many2one_any_sql(model, alias, fld, operator, value)
        column = self.c.value_column(model, alias, fld, self.lang)
        can_be_null = not self.not_null(model, fld)
        if fld.type == "boolean" and operator in ("in", "not in"):
            possible = {bool(v) for v in value} if operator == "in" else {True, False} - {bool(v) for v in value}
            if len(possible) != 1:
                return TRUE if possible else FALSE
            return fmt("%s IS TRUE", column) if True in possible else fmt("%s IS NOT TRUE", column)
        if operator in ("in", "not in"):
            params = [to_column(fld, v) if fld.name != "id" else v for v in value if v is not False and v is not None]
            if fld.name == "id" or fld.type == "many2one":
                for error in integer_errors(params):
                    self.defer(error)
            null_in = len(params) < len(value)
            null_value = self.falsy_value(fld)
            if null_value is not None:
                null_value = to_column(fld, null_value)
                if null_value in params:
                    null_in = True
                elif null_in:
                    params.append(null_value)
            sql = fmt(f"%s {'IN' if operator == 'in' else 'NOT IN'} (%s)", column, in_list(params)) if params else None
            if (operator == "in") == null_in:
                if not can_be_null:
                    return sql or FALSE
                null = fmt("%s IS NULL", column)
                return fmt("(%s OR %s)", sql, null) if sql else null
            if operator == "not in" and null_in and not sql:
                return fmt("%s IS NOT NULL", column) if can_be_null else TRUE
            return sql or FALSE
        if operator.endswith("like"):
            positive = NEGATIVE_CONDITION_OPERATORS.get(operator, operator)
            pattern = f"%{value}%" if "=" not in operator else str(value)
            sql = self.c.like(fld, column, positive, pattern, cast=fld.type not in TEXT_TYPES, on_error=self.defer)
            if operator in NEGATIVE_CONDITION_OPERATORS:
                sql = fmt("(NOT %s)", sql)
                if can_be_null:
                    sql = fmt("(%s OR %s IS NULL)", sql, column)
            return sql
        if operator in ("<", ">", "<=", ">="):
            accept_null = False
            null_value = self.falsy_value(fld)
            if null_value is not None:
                value = _to_cache(fld, value) or null_value
                accept_null = can_be_null and (
                    null_value < value
                    if operator == "<"
                    else null_value > value
                    if operator == ">"
                    else null_value <= value
                    if operator == "<="
                    else null_value >= value
                )
            value = to_column(fld, value) if fld.name != "id" else value
            if fld.name == "id" or fld.type == "many2one":
                for error in integer_errors([value], operator):
                    self.defer(error)
            sql = fmt(f"(%s {operator} %s)", column, value)
            return fmt("(%s OR %s IS NULL)", sql, column) if accept_null else sql
        if operator in ANY_OPERATORS and isinstance(value, Query):
            positive = operator in ("any", "any!")
            return fmt(f"(%s {'IN' if positive else 'NOT IN'} %s)", column, value.subselect())
        raise ServerError(
            "NotImplementedError",
            f"Invalid operator {operator!r} for SQL in domain term {(field_expr, operator, value)!r}",
        )

    def many2one_any_sql(self, model: ModelView, alias: str, fld: Field, operator: str, value: Any) -> SQL:
        comodel = self.c.comodel(fld)
        column = self.c.column(alias, fld.name)
        can_be_null = not self.not_null(model, fld)
        query = value if isinstance(value, Query) else self.search(comodel, value, active_test=False)
        positive = operator in ("any", "any!")
        sql = fmt(f"%s {'IN' if positive else 'NOT IN'} %s", column, query.subselect())
        if can_be_null and not positive:
            sql = fmt("(%s IS NULL OR %s)", column, sql)
        return sql

    def x2many_sql(self, model: ModelView, alias: str, fld: Field, operator: str, value: Any) -> SQL:
        """``_RelationalMulti.condition_to_sql``: ids, False, a Query or a domain on the comodel."""
        if operator in ("in", "not in"):
            operator = "any" if operator == "in" else "not any"
        if operator not in ANY_OPERATORS:
            raise ServerError("AssertionError", f"Relational field {model.name}.{fld.name} expects 'any' operator")
        exists = operator in ("any", "any!")
        if not self.c.served(fld) and _is_collection(value):
            return self._unserved_x2many(model, alias, fld, exists, OSet(value))
        comodel = self.c.comodel(fld)
        field_domain = self._field_domain(fld)
        if isinstance(value, Query):
            tree, active = _d_and([("c", "id", "any", value), field_domain]), False
        elif _is_collection(value):
            values = OSet(value)
            if False in values:
                if len(values) > 1:
                    op = "in" if exists else "not in"
                    first = self.x2many_sql(model, alias, fld, op, OSet([False]))
                    second = self.x2many_sql(model, alias, fld, op, OSet(v for v in values if v is not False))
                    return fmt("(%s OR %s)" if exists else "(%s AND %s)", first, second)
                tree, active = field_domain, False
                exists = not exists
            else:
                tree, active = _d_and([("c", "id", "in", values), field_domain]), False
        else:
            tree, active = _d_and([d_parse(value), field_domain]), None
        inverse = self._computed_inverse(comodel, fld)
        if inverse is not None and (isinstance(value, Query) or _is_collection(value)):
            # ids (a Query) get ``inverse IS NOT NULL`` added as SQL: impossible without a column
            raise ServerError(
                "ValueError", f"Cannot convert {comodel.name}.{inverse.name} to SQL because it is not stored"
            )
        query, where, empty = self._coquery(comodel, fld, tree, active)
        if empty:
            return FALSE if exists else TRUE
        if inverse is not None:
            # the lines found are browsed and their inverse computed (``inverses._as_query()``):
            # a value the simulator does not hold (auto_account_id without a plan in the
            # context) is False for every line, so no record is linked to any of them
            return FALSE if exists else TRUE
        if fld.type == "one2many":
            return fmt(
                f'{"" if exists else "NOT "}EXISTS(SELECT 1 FROM (%s) AS __sub WHERE __sub.__inverse = "{alias}"."id")',
                query,
            )
        rel, id1, id2 = model.m2m_table(fld)
        if not where:
            exists = not exists
            return SQL(f'{"NOT " if exists else ""}EXISTS (SELECT 1 FROM "{rel}" WHERE "{rel}"."{id1}" = "{alias}".id)')
        return fmt(
            f'{"" if exists else "NOT "}EXISTS (SELECT 1 FROM "{rel}" WHERE "{rel}"."{id1}" = '
            f'"{alias}".id AND "{rel}"."{id2}" IN (%s))',
            query,
        )

    def _unserved_x2many(self, model: ModelView, alias: str, fld: Field, exists: bool, values: OSet) -> SQL:
        """Towards a comodel the simulator does not serve: no line exists, but a many2many's
        relation table is there."""
        if fld.type == "one2many":
            if False in values:
                return TRUE if exists else FALSE
            return FALSE if exists else TRUE
        rel, id1, id2 = model.m2m_table(fld)
        parts = []
        if False in values:
            parts.append(
                SQL(f'{"NOT " if exists else ""}EXISTS (SELECT 1 FROM "{rel}" WHERE "{rel}"."{id1}" = "{alias}".id)')
            )
        ids = [v for v in values if v is not False]
        if ids:
            parts.append(
                fmt(
                    f'{"" if exists else "NOT "}EXISTS (SELECT 1 FROM "{rel}" WHERE "{rel}"."{id1}" = '
                    f'"{alias}".id AND "{rel}"."{id2}" IN (%s))',
                    in_list(ids),
                )
            )
        return fmt("(%s)", join(" OR " if exists else " AND ", parts))

    def _field_domain(self, fld: Field) -> tuple:
        domain = fld.attrs.get("domain")
        return (
            d_parse([tuple(i) if isinstance(i, list) else i for i in domain])
            if isinstance(domain, list) and domain
            else D_TRUE
        )

    def _computed_inverse(self, comodel: ModelView, fld: Field) -> Field | None:
        """A one2many's inverse without a column (``account.analytic.line.auto_account_id``,
        computed from the context's plan): ``One2many._condition_to_sql_relational`` browses
        the lines found and maps them through it rather than joining on it."""
        if fld.type != "one2many":
            return None
        inverse = comodel.fields.get(fld.attrs.get("relation_field") or "")
        if inverse is None or inverse.stored or inverse.extra.get("inherited"):
            return None
        return inverse

    def _coquery(self, comodel: ModelView, fld: Field, tree: tuple, active: bool | None) -> tuple[SQL, bool, bool]:
        """The comodel's query for an x2many condition: (select, has a WHERE, is empty). A
        domain is searched with ``inverse not in {False}`` added (One2many's
        ``_get_query_for_condition_value``); on a computed inverse that condition only drops
        lines whose inverse is False, which mapping the lines through it drops too."""
        if fld.type == "one2many" and self._computed_inverse(comodel, fld) is not None:
            select = f'SELECT "{comodel.table}"."id" FROM "{comodel.table}"'
        elif fld.type == "one2many":
            inverse = fld.attrs.get("relation_field") or ""
            select = f'SELECT "{comodel.table}"."{inverse}" AS __inverse FROM "{comodel.table}"'
            tree = _d_and([tree, ("c", inverse, "not in", OSet([False]))])
        else:
            select = f'SELECT "{comodel.table}"."id" FROM "{comodel.table}"'
        act = self.context_active_test if active is None else active
        if (
            act
            and "active" in comodel.fields
            and comodel.fields["active"].stored
            and not any(c[1] == "active" for c in self._conditions(tree))
        ):
            tree = _d_and([tree, ("c", "active", "=", True)])
        tree = self.optimize(tree, comodel)
        if tree == D_FALSE:
            return SQL(select), True, True
        if tree == D_TRUE:
            return SQL(select), False, False
        return fmt(f"{select} WHERE %s", self.to_sql(comodel, comodel.table, tree)), True, False


# 19's nary optimisations: children sorted by field and operator, then merged (which decides
# which subdomains are ever turned into SQL, so which errors a domain raises)


def _nary_sort_key(node: tuple) -> tuple:
    if node[0] == "c":
        operator = node[2]
        positive = NEGATIVE_CONDITION_OPERATORS.get(operator, operator)
        order = (
            "0in"
            if positive == "in"
            else "1any"
            if positive == "any"
            else "2any"
            if positive == "any!"
            else "like"
            if positive.endswith("like")
            else positive
        )
        return node[1], order, operator
    if node[0] in ("&", "|"):
        return "~", "", node[0]
    return "~", "~", "DomainNot" if node[0] == "!" else "DomainBool"


def _blocks(
    children: list,
    operators: tuple,
    merge: Callable[[list], list],
    field_types: tuple | None,
    engine: DomainEngine,
    model: ModelView,
) -> list:
    """``nary_condition_optimization``: runs of conditions on one field with one of
    ``operators`` (of one of ``field_types``) replaced by what ``merge`` makes of them."""
    result: list = []
    index = 0
    while index < len(children):
        node = children[index]
        if node[0] == "c" and node[2] in operators:
            end = index + 1
            while (
                end < len(children)
                and children[end][0] == "c"
                and children[end][2] in operators
                and children[end][1] == node[1]
            ):
                end += 1
            block = children[index:end]
            if len(block) > 1 and (field_types is None or engine.field(model, node).type in field_types):
                result.extend(merge(block))
            else:
                result.extend(block)
            index = end
        else:
            result.append(node)
            index += 1
    return result


def _merge_sets(kind: str, conditions: list) -> list:
    in_sets = [c[3] for c in conditions if c[2] == "in"]
    not_in_sets = [c[3] for c in conditions if c[2] == "not in"]
    field_expr = conditions[0][1]

    def union(sets: list) -> OSet:
        return OSet(v for values in sets for v in values)

    def intersection(sets: list) -> OSet:
        common = list(sets[0])
        for values in sets[1:]:
            common = [v for v in common if v in values]
        return OSet(common)

    def minus(values: OSet, other: OSet) -> OSet:
        return OSet(v for v in values if v not in other)

    if kind == "&":
        if in_sets:
            return [("c", field_expr, "in", minus(intersection(in_sets), union(not_in_sets)))]
        return [("c", field_expr, "not in", union(not_in_sets))]
    if not_in_sets:
        return [("c", field_expr, "not in", minus(intersection(not_in_sets), union(in_sets)))]
    return [("c", field_expr, "in", union(in_sets))]


def _merge_set_conditions(engine: DomainEngine, kind: str, children: list, model: ModelView) -> list:
    def merge(block: list) -> list:
        if engine.field(model, block[0]).type in ("many2many", "one2many", "properties") or not all(
            isinstance(c[3], OSet) for c in block
        ):
            return block
        return _merge_sets(kind, block)

    return _blocks(children, ("in", "not in"), merge, None, engine, model)


def _merge_x2many_in(engine: DomainEngine, kind: str, children: list, model: ModelView) -> list:
    if kind == "&":
        return children
    return _blocks(children, ("in",), lambda block: _merge_sets(kind, block), ("many2many", "one2many"), engine, model)


def _merge_x2many_not_in(engine: DomainEngine, kind: str, children: list, model: ModelView) -> list:
    if kind == "|":
        return children
    return _blocks(
        children, ("not in",), lambda block: _merge_sets(kind, block), ("many2many", "one2many"), engine, model
    )


def _merge_anys(operator: str, negative: bool) -> Callable:
    def merge_children(engine: DomainEngine, kind: str, children: list, model: ModelView) -> list:
        def merge(block: list) -> list:
            fld = engine.field(model, block[0])
            if fld.type != "many2one" and kind == ("|" if negative else "&"):
                return block
            domains = [c for c in block if _is_tree(c[3])]
            others = [c for c in block if not _is_tree(c[3])]
            if len(domains) < 2:
                return block
            inner = ("&" if kind == "|" else "|") if negative else kind
            return [("c", block[0][1], block[0][2], (inner, tuple(c[3] for c in domains))), *others]

        return _blocks(children, (operator,), merge, ("many2one", "one2many", "many2many"), engine, model)

    return merge_children


def _merge_same(engine: DomainEngine, kind: str, children: list, model: ModelView) -> list:
    result: list = []
    for child in children:
        if not result or result[-1] != child:
            result.append(child)
    return result


_NARY_MERGES = (
    _merge_set_conditions,
    _merge_x2many_in,
    _merge_x2many_not_in,
    _merge_anys("any!", False),
    _merge_anys("any", False),
    _merge_anys("not any!", True),
    _merge_anys("not any", True),
    _merge_same,
)


def integer_errors(values: Iterable, symbol: str = "=") -> list[ServerError]:
    """What PostgreSQL says of values compared with an integer column (``<>`` for ``!=``)."""
    errors = []
    for value in values:
        if isinstance(value, bool):
            errors.append(
                ServerError("psycopg2.errors.UndefinedFunction", f"operator does not exist: integer {symbol} boolean")
            )
        elif isinstance(value, str) and not re.fullmatch(r"\s*[+-]?\d+\s*", value):
            errors.append(
                ServerError(
                    "psycopg2.errors.InvalidTextRepresentation", f'invalid input syntax for type integer: "{value}"'
                )
            )
    return errors


def _pg_type(value: Any) -> str:
    """The type PostgreSQL gives a parameter psycopg2 sends."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer" if -(2**31) <= value < 2**31 else "bigint"
    if isinstance(value, float):
        return "numeric"
    return "unknown"


def _to_cache(fld: Field, value: Any) -> Any:
    if fld.type == "integer":
        return int(value or 0)
    if fld.type in ("float", "monetary"):
        return float(value or 0.0)
    if fld.type in TEXT_TYPES:
        return value if value else None
    return value


def _str2bool(value: str) -> bool:
    return value.lower() not in ("", "0", "false", "off")
