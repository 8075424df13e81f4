"""Odoo domains to SQL over SQLite, with Odoo's semantics.

Follows ``odoo/osv/expression.py`` (16.0, read in full; 17/18 keep the
semantics): prefix ``& | !`` operators with implicit AND, ``!`` pushed down
into the leaves, NULL handling where ``!=`` and ``not in`` also match empty
values, ``like`` patterns wrapped in ``%``, many2one values given as names,
dotted paths as subqueries, ``child_of``/``parent_of`` over the parent chain.
The syntax and leaf errors carry Odoo's exception types and messages, which
differ per version (profile ``domain`` section).
"""

from __future__ import annotations

import datetime as dt
import xmlrpc.client
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from simulator.errors import ServerError, described_error
from simulator.fields import Field

BASE_OPERATORS = (
    "=", "!=", "<=", "<", ">", ">=", "=?", "=like", "=ilike", "like", "not like",
    "ilike", "not ilike", "in", "not in", "child_of", "parent_of",
)
NEGATIONS = {
    "<": ">=", ">": "<=", "<=": ">", ">=": "<", "=": "!=", "!=": "=", "in": "not in",
    "not in": "in", "like": "not like", "not like": "like", "ilike": "not ilike",
    "not ilike": "ilike", "any": "not any", "not any": "any",
}
TRUE_LEAF = (1, "=", 1)
LIKE_OPERATORS = ("like", "not like", "ilike", "not ilike", "=like", "=ilike")
NEGATIVE_OPERATORS = ("!=", "not like", "not ilike", "not in")


class ModelView(Protocol):
    """What the compiler needs to know of a model (see ``schema.ModelSchema``)."""

    name: str
    table: str
    fields: dict[str, Field]
    parent_name: str | None

    def m2m_table(self, field: Field) -> tuple[str, str, str]: ...


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


@dataclass
class Compiler:
    """Compiles domains of one database; ``lookup`` gives any model's view."""

    lookup: Callable[[str], ModelView]
    dialect: DomainDialect
    #: Resolves names to ids on a comodel (Odoo's ``_name_search``).
    name_ids: Callable[[str, str, str], list[int]]

    def where(self, model: ModelView, domain: Sequence, active_test: bool) -> tuple[str, list]:
        """SQL condition and parameters for ``domain`` on ``model``."""
        items = normalize(list(domain), self.dialect)
        for item in items:
            if is_leaf(item):
                self._check_leaf(model, item)
        if active_test and "active" in model.fields and model.fields["active"].stored \
                and not any(is_leaf(i) and i[0] == "active" for i in items):
            items = ["&", ("active", "=", True), *items]
        params: list = []
        sql = self._tree(model, distribute_not(items), params)
        return sql, params

    def _check_leaf(self, model: ModelView, leaf: Sequence) -> None:
        if len(leaf) != 3:
            if self.dialect.arity_error == "invalid_leaf":
                raise ServerError("ValueError", f"Invalid leaf {tuple(leaf)!r}")
            if self.dialect.arity_error == "invalid_item":
                raise ServerError("ValueError", f"Domain() invalid item in domain: {list(leaf)!r}")
            if len(leaf) < 3:
                raise ServerError("ValueError",
                                  f"not enough values to unpack (expected 3, got {len(leaf)})")
            raise ServerError("ValueError", "too many values to unpack (expected 3)")
        left, operator, _right = leaf
        if left in (0, 1):
            return
        failure = self.dialect.unsupported.get(str(operator).lower())
        if failure:
            raise described_error(failure)
        if operator.lower() not in self.dialect.operators and operator != "<>":
            raise ServerError("ValueError", self.dialect.invalid_operator.format(leaf=repr(tuple(leaf))))
        head = str(left).split(".", 1)[0]
        if head not in model.fields:
            raise ServerError("ValueError", self.dialect.unknown_field.format(
                model=model.name, field=head, leaf=repr(tuple(leaf))))

    def _tree(self, model: ModelView, items: list, params: list) -> str:
        """Prefix notation to SQL, left to right so parameters stay in order."""
        position = 0

        def parse() -> str:
            nonlocal position
            item = items[position]
            position += 1
            if item == "!":
                return f"(NOT {parse()})"
            if item in ("&", "|"):
                left = parse()
                right = parse()
                return f"({left} {'AND' if item == '&' else 'OR'} {right})"
            return self.leaf(model, item, params)

        return parse() if items else "1=1"

    def leaf(self, model: ModelView, leaf: Sequence, params: list) -> str:
        left, operator, right = leaf
        if left in (0, 1):
            return "1=1" if (left, operator, right) == TRUE_LEAF else "1=0"
        operator = "!=" if operator == "<>" else operator.lower()
        right = _plain(right)
        if operator == "=" and isinstance(right, (list, tuple)):
            operator = "in"
        elif operator == "!=" and isinstance(right, (list, tuple)):
            operator = "not in"
        elif operator in ("in", "not in") and isinstance(right, bool):
            operator = "=" if operator == "in" else "!="
        path = str(left).split(".")
        field = model.fields[path[0]]
        if len(path) > 1 or operator in ("any", "not any"):
            return self._path(model, field, path[1:], operator, right, params)
        if operator in ("child_of", "parent_of"):
            return self._hierarchy(model, field, operator, right, params)
        if field.type == "many2one" and _is_name_value(right):
            return self._m2o_by_name(model, field, operator, right, params)
        if field.is_x2many:
            return self._x2many(model, field, operator, right, params)
        return column_condition(f'"{model.table}"."{field.name}"', field, operator, right, params)

    def _path(self, model: ModelView, field: Field, rest: list[str], operator: str,
              right: Any, params: list) -> str:
        comodel = self.lookup(field.relation or "")
        if operator in ("any", "not any"):
            sub, sub_params = self.where(comodel, right, active_test=False)
        else:
            sub, sub_params = self.where(comodel, [(".".join(rest), operator, right)],
                                         active_test=False)
        inner = f'SELECT "{comodel.table}".id FROM "{comodel.table}" WHERE {sub}'
        params.extend(sub_params)
        negate = "NOT " if operator == "not any" else ""
        return self._in_related(model, field, comodel, inner, negate)

    def _in_related(self, model: ModelView, field: Field, comodel: ModelView, inner: str,
                    negate: str) -> str:
        table = model.table
        if field.type == "many2one":
            return f'({negate}COALESCE("{table}"."{field.name}" IN ({inner}), 0))'
        if field.type == "one2many":
            inverse = field.attrs.get("relation_field")
            return (f'({negate}"{table}".id IN (SELECT "{inverse}" FROM "{comodel.table}" '
                    f'WHERE id IN ({inner}) AND "{inverse}" IS NOT NULL))')
        rel, col1, col2 = model.m2m_table(field)
        return f'({negate}"{table}".id IN (SELECT "{col1}" FROM "{rel}" WHERE "{col2}" IN ({inner})))'

    def _x2many(self, model: ModelView, field: Field, operator: str, right: Any,
                params: list) -> str:
        comodel = self.lookup(field.relation or "")
        if right is False or right is None or right == []:
            empty = right is not None and right is not False
            any_sql = self._in_related(model, field, comodel, f'SELECT id FROM "{comodel.table}"', "")
            if empty:  # in [] is FALSE, not in [] is TRUE
                return "1=0" if operator == "in" else "1=1"
            return f"(NOT {any_sql})" if operator == "=" else any_sql
        if isinstance(right, str) or operator not in ("=", "in", "!=", "not in"):
            ids = self.name_ids(comodel.name, str(right), operator)
            operator = "in"
        else:
            ids = list(right) if isinstance(right, (list, tuple)) else [right]
        holders = ",".join("?" * len(ids)) or "NULL"
        params.extend(ids)
        negate = "NOT " if operator in ("!=", "not in") else ""
        inner = f'SELECT id FROM "{comodel.table}" WHERE id IN ({holders})'
        return self._in_related(model, field, comodel, inner, negate)

    def _m2o_by_name(self, model: ModelView, field: Field, operator: str, right: Any,
                     params: list) -> str:
        positive = {"!=": "=", "not like": "like", "not ilike": "ilike", "not in": "in"}
        name_op = positive.get(operator, operator)
        names = right if isinstance(right, (list, tuple)) else [right]
        ids: list[int] = []
        for name in names:
            ids.extend(self.name_ids(field.relation or "", str(name),
                                     "=" if name_op == "in" else name_op))
        column = f'"{model.table}"."{field.name}"'
        holders = ",".join("?" * len(ids)) or "NULL"
        params.extend(ids)
        if operator in NEGATIVE_OPERATORS:
            return f"({column} NOT IN ({holders}) OR {column} IS NULL)"
        return f"({column} IN ({holders}))"

    def _hierarchy(self, model: ModelView, field: Field, operator: str, right: Any,
                   params: list) -> str:
        """child_of / parent_of by walking the parent chain (a recursive CTE).

        On the model's own parent field Odoo reads ``('parent_id', 'child_of', x)``
        as ``('id', 'child_of', x)`` walking ``parent_id``."""
        own_parent = field.type == "many2one" and field.relation == model.name
        comodel = model if (field.name == "id" or own_parent) else self.lookup(field.relation or "")
        parent = field.name if own_parent else (comodel.parent_name or "parent_id")
        if isinstance(right, str):
            ids = self.name_ids(comodel.name, right, "ilike")
        else:
            ids = list(right) if isinstance(right, (list, tuple)) else [right]
        ids = [i for i in ids if i]
        if not ids:
            return "1=0"
        params.extend(ids)
        table = comodel.table
        if operator == "child_of":
            walk = f'SELECT t.id FROM "{table}" t JOIN tree ON t."{parent}" = tree.id'
        else:
            walk = (f'SELECT t."{parent}" FROM "{table}" t JOIN tree ON t.id = tree.id '
                    f'WHERE t."{parent}" IS NOT NULL')
        tree = (f'WITH RECURSIVE tree(id) AS (SELECT id FROM "{table}" WHERE id IN '
                f'({",".join("?" * len(ids))}) UNION {walk}) SELECT id FROM tree')
        if field.name == "id" or own_parent:
            return f'("{model.table}".id IN ({tree}))'
        return self._in_related(model, field, comodel, tree, "")

def column_condition(column: str, field: Field, operator: str, right: Any, params: list) -> str:
    """SQL for one leaf on a plain column, with Odoo's NULL rules."""
    if operator == "=?":
        if right is False or right is None:
            return "1=1"
        operator = "="
    if operator in ("in", "not in"):
        return _in_condition(column, field, operator, right, params)
    if operator in LIKE_OPERATORS:
        return _like_condition(column, operator, right, params)
    if right is False or right is None:
        if field.type == "boolean":
            return f"({column} IS NULL OR {column} = 0)" if operator == "=" else f"({column} = 1)"
        if operator == "=":
            return f"({column} IS NULL)"
        if operator == "!=":
            return f"({column} IS NOT NULL)"
    value = _sql_value(field, right, operator)
    if field.type == "boolean" and operator in ("=", "!="):
        if (operator == "=") != bool(value):
            return f"({column} IS NULL OR {column} = 0)"
        return f"({column} = 1)"
    params.append(value)
    if operator == "!=":
        return f"({column} != ? OR {column} IS NULL)"
    return f"({column} {operator} ?)"


def _in_condition(column: str, field: Field, operator: str, right: Any, params: list) -> str:
    values = list(right) if isinstance(right, (list, tuple)) else [right]
    check_null = any(v is False or v is None for v in values) and field.type != "boolean"
    values = [_sql_value(field, v, operator) for v in values if not (v is None or
              (v is False and field.type != "boolean"))]
    if operator == "in":
        parts = []
        if values:
            parts.append(f"{column} IN ({','.join('?' * len(values))})")
            params.extend(values)
        if check_null:
            parts.append(f"{column} IS NULL")
        return f"({' OR '.join(parts)})" if parts else "1=0"
    if not values:
        return f"({column} IS NOT NULL)" if check_null else "1=1"
    params.extend(values)
    sql = f"{column} NOT IN ({','.join('?' * len(values))})"
    return f"({sql} AND {column} IS NOT NULL)" if check_null else f"({sql} OR {column} IS NULL)"


def _like_condition(column: str, operator: str, right: Any, params: list) -> str:
    raw = operator.startswith("=")
    text = "" if right is False or right is None else str(right)
    pattern = text if raw else f"%{_escape_like(text)}%"
    insensitive = "ilike" in operator
    target = f"lower({column})" if insensitive else column
    match = f"{target} LIKE ? ESCAPE '\\'"
    if not raw and not text:  # '%%' matches everything, NULL included
        return "1=0" if operator.startswith("not") else "1=1"
    params.append(pattern.lower() if insensitive else pattern)
    if operator.startswith("not"):
        return f"(NOT ({match}) OR {column} IS NULL)"
    return f"({match})"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _sql_value(field: Field, value: Any, operator: str) -> Any:
    if field.type == "boolean":
        return 1 if value else 0
    if field.type == "datetime" and isinstance(value, str) and len(value) == 10:
        return value + (" 23:59:59" if operator in (">", "<=") else " 00:00:00")
    if isinstance(value, bool) and field.type in ("integer", "float", "monetary", "many2one"):
        return int(value)
    return value


def _plain(value: Any) -> Any:
    """Clients may send xmlrpc DateTime objects in domains; Odoo accepts them."""
    if isinstance(value, xmlrpc.client.DateTime):
        return dt.datetime.strptime(value.value, "%Y%m%dT%H:%M:%S").strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _is_name_value(value: Any) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, (list, tuple)) and bool(value) and all(isinstance(v, str) for v in value)


def is_leaf(item: Any) -> bool:
    """Any list is a term to Odoo's normaliser; its shape is checked leaf by leaf."""
    return isinstance(item, (list, tuple))


def is_operator(item: Any) -> bool:
    return isinstance(item, str) and item in ("&", "|", "!")


def normalize(domain: list, dialect: DomainDialect) -> list:
    """Insert the implicit ``&`` operators; refuse unbalanced domains like Odoo."""
    if not isinstance(domain, list):
        raise dialect.syntax_error(domain)
    if not domain:
        return [TRUE_LEAF]
    result: list = []
    expected = 1
    for item in domain:
        if expected == 0:
            result[0:0] = ["&"]
            expected = 1
        if is_operator(item):
            expected += 0 if item == "!" else 1
        elif is_leaf(item):
            expected -= 1
        else:
            raise dialect.syntax_error(domain)
        result.append(tuple(item) if is_leaf(item) else item)
    if expected != 0:
        raise dialect.syntax_error(domain)
    return result


def distribute_not(items: list) -> list:
    """Push ``!`` down to the leaves, inverting operators (Odoo's ``distribute_not``)."""
    result: list = []
    stack = [False]
    for item in items:
        negate = stack.pop()
        if is_leaf(item):
            left, op, right = item
            if negate:
                if op in NEGATIONS:
                    result.append((left, NEGATIONS[op], right))
                else:
                    result.extend(["!", item])
            else:
                result.append(item)
        elif item == "!":
            stack.append(not negate)
        elif item in ("&", "|"):
            result.append({"&": "|", "|": "&"}[item] if negate else item)
            stack.extend([negate, negate])
    return result

