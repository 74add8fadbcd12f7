"""Partial responses: Google's `fields` selector syntax.

Grammar (as Google documents it): a comma-separated list of selectors; `a/b` selects `b` inside
`a`; `a(b,c)` selects several sub-fields of `a`; both nest; `*` selects every field at a level.
Arrays are transparent: `items(id)` applies to each item. Selecting a field the resource does
not have is a 400 `invalidParameter`, as on Google, so a typo never silently drops data.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from gcal.emulator._schema import SCHEMAS
from gcal.emulator.errors import ApiError

#: a parsed selector: name -> sub-selector, or None for "the whole value"
Tree = Dict[str, Optional["Tree"]]

_SPECIAL = ",/()"


def _error(spec: str) -> ApiError:
    return ApiError(
        400,
        "invalidParameter",
        f"Invalid field selection {spec}",
        location="fields",
        location_type="parameter",
    )


def _merge(tree: Tree, path: list, sub: Optional[Tree]) -> None:
    node = tree
    for name in path[:-1]:
        if name in node and node[name] is None:
            return  # already selected whole
        node = node.setdefault(name, {})  # type: ignore[assignment]
    last = path[-1]
    if sub is None or (last in node and node[last] is None):
        node[last] = None
    else:
        existing = node.setdefault(last, {})
        for k, v in sub.items():
            _merge(existing, [k], v)  # type: ignore[arg-type]


def _parse_list(text: str, i: int, nested: bool) -> Tuple[Tree, int]:
    tree: Tree = {}
    while True:
        path = []
        while True:
            j = i
            while j < len(text) and text[j] not in _SPECIAL:
                j += 1
            name = text[i:j].strip()
            if not name:
                raise _error(text)
            path.append(name)
            i = j
            if i < len(text) and text[i] == "/":
                i += 1
                continue
            break
        sub = None
        if i < len(text) and text[i] == "(":
            sub, i = _parse_list(text, i + 1, True)
            if i >= len(text) or text[i] != ")":
                raise _error(text)
            i += 1
        _merge(tree, path, sub)
        if i < len(text) and text[i] == ",":
            i += 1
            continue
        if nested:
            return tree, i
        if i != len(text):
            raise _error(text)
        return tree, i


def parse(text: str) -> Tree:
    """Parse a `fields` value; raise a 400 ApiError for bad syntax."""
    tree, _ = _parse_list(text, 0, False)
    return tree


def validate(tree: Tree, schema: str, spec: str) -> None:
    """Check every selected name exists in `schema` (see `_schema.SCHEMAS`)."""
    props = SCHEMAS.get(schema, {})
    for name, sub in tree.items():
        if name == "*":
            continue
        if name in props:
            child = props[name]
        elif "*" in props:
            child = props["*"]
        else:
            raise _error(spec)
        if sub is not None:
            if child is None:
                raise _error(spec)
            validate(sub, child, spec)


def project(value: Any, tree: Optional[Tree]) -> Any:
    """Keep only the selected parts of `value`."""
    if tree is None:
        return value
    if isinstance(value, list):
        return [project(v, tree) for v in value]
    if not isinstance(value, dict):
        return value
    if "*" in tree:
        star = tree["*"]
        out = {k: project(v, tree.get(k, star)) for k, v in value.items()}
        return out
    return {k: project(value[k], sub) for k, sub in tree.items() if k in value}


def apply(body: Dict[str, Any], spec: Optional[str], schema: str) -> Dict[str, Any]:
    """Parse, validate and apply `spec` to a response body of `schema`."""
    if not spec:
        return body
    tree = parse(spec)
    validate(tree, schema, spec)
    return project(body, tree)
