"""Saving a record the way a person would edit it: change the values, keep everything else.

A form sends the whole record back. Written out whole, every comment, quote style and flow
mapping (`price: {amount: "29.90", …}`) of the editor's file would be lost, and `git diff`
would show every line. `patch_scalars` changes only the values that differ, in place, when
the record keeps its shape (the same keys and list lengths); otherwise it returns None and
the caller writes the record afresh.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import yaml

from harvest.load.yamlfile import _Loader as RecordLoader  # the records' own loader (YAML 1.2 booleans)
from harvest.load.yamlfile import parse_yaml


def _compose(text: str) -> yaml.Node | None:
    loader = RecordLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _scalar_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, Decimal, int)):
        return value.isoformat() if isinstance(value, date) else str(value)
    if isinstance(value, str):
        return value
    return None


def _changes(node: yaml.Node, old: Any, new: Any, out: list[tuple[yaml.ScalarNode, Any]]) -> bool:
    """Collect the scalars whose values differ; False when the shape differs."""
    if isinstance(node, yaml.MappingNode):
        if not isinstance(old, dict) or not isinstance(new, dict) or set(old) != set(new):
            return False
        by_key = {str(k.value): v for k, v in node.value}
        return all(str(key) in by_key and _changes(by_key[str(key)], old[key], new[key], out) for key in old)
    if isinstance(node, yaml.SequenceNode):
        if not isinstance(old, list) or not isinstance(new, list) or len(old) != len(new):
            return False
        return all(_changes(n, o, v, out) for n, o, v in zip(node.value, old, new, strict=True))
    if isinstance(new, (dict, list)):
        return False
    if old != new or type(old) is not type(new):
        out.append((node, new))  # type: ignore[arg-type]
    return True


def _render(node: yaml.ScalarNode, value: Any, quoted: bool) -> str | None:
    text = _scalar_text(value)
    if text is None or "\n" in text or node.style in ("|", ">"):
        return None
    if isinstance(value, str) and (quoted or node.style == '"'):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and node.style == "'":
        return "'" + text.replace("'", "''") + "'"
    return text


def patch_scalars(old_text: str, new_data: Any) -> str | None:
    """`old_text` with only the changed values replaced so that it reads as `new_data`;
    None when that cannot be done by changing values alone."""
    doc, problems = parse_yaml(old_text, "old")
    if doc is None or problems:
        return None
    node = _compose(old_text)
    if node is None:
        return None
    changes: list[tuple[yaml.ScalarNode, Any]] = []
    if not _changes(node, doc.data, new_data, changes):
        return None
    if not changes:
        return old_text
    # First as the file writes them (plain stays plain), then with changed text in double quotes.
    for quoted in (False, True):
        text = old_text
        for scalar, value in sorted(changes, key=lambda c: c[0].start_mark.index, reverse=True):
            rendered = _render(scalar, value, quoted)
            if rendered is None:
                return None
            text = text[: scalar.start_mark.index] + rendered + text[scalar.end_mark.index :]
        check, errs = parse_yaml(text, "new")
        if check is not None and not errs and check.data == new_data and _same_types(check.data, new_data):
            return text
    return None


def _same_types(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return all(_same_types(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return all(_same_types(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b)
