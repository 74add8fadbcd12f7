"""The API's partial-response `fields` selector, read just enough to check it and to tell
which fields of each item it keeps.

The syntax (Google's "partial response"): a comma-separated list of paths (`a/b/c`), each
optionally followed by a parenthesised sub-selection (`items(id,start/dateTime)`); `*` selects
everything at its level. gcal checks the brackets before sending anything (an unbalanced
selector is a usage error, not a 400 that quotes the paging tokens gcal appends) and warns when
a table or csv/tsv would print blank columns because the selector leaves out what they show.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence

from gcal.errors import UsageError

# A tree of what is selected: name -> None (the whole value) or a tree of its selected parts.
Tree = Dict[str, Optional["Tree"]]


def parse(selector: str) -> Tree:
    """The selection tree of `selector`; UsageError for empty names or unbalanced brackets."""
    tree, rest = _parse_list(selector.strip(), 0, selector)
    if rest != len(selector.strip()):
        raise _bad(selector, "a ')' without its '('")
    return tree


def _parse_list(text: str, pos: int, original: str) -> tuple:
    tree: Tree = {}
    while True:
        start = pos
        while pos < len(text) and text[pos] not in ",()":
            pos += 1
        path = [part.strip() for part in text[start:pos].split("/")]
        if not all(path):
            raise _bad(original, "an empty field name")
        sub: Optional[Tree] = None
        if pos < len(text) and text[pos] == "(":
            sub, pos = _parse_list(text, pos + 1, original)
            if pos >= len(text) or text[pos] != ")":
                raise _bad(original, "a '(' without its ')'")
            pos += 1
        _add(tree, path, sub)
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        return tree, pos


def _add(tree: Tree, path: List[str], sub: Optional[Tree]) -> None:
    node = tree
    for name in path[:-1]:
        child = node.get(name, {})
        if child is None:  # already selected whole
            return
        node[name] = child
        node = child
    last = path[-1]
    if sub is None or node.get(last, {}) is None:
        node[last] = None
        return
    merged = node.get(last) or {}
    merged.update(sub)
    node[last] = merged


def missing_item_fields(selector: str, needed: Sequence[str]) -> List[str]:
    """Which of `needed` (top-level fields of each item) the selector leaves out."""
    tree = parse(selector)
    if "*" in tree:
        return []
    if "items" not in tree:
        return list(needed)
    items = tree["items"]
    if items is None or "*" in items:
        return []
    return [name for name in needed if name not in items]


def _bad(selector: str, why: str) -> UsageError:
    return UsageError(f"--fields {selector!r} is not a valid selector: {why}")
