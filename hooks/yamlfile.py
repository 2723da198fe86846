"""Reading YAML records so that every value keeps the line it came from.

PyYAML knows each node's line while composing; we keep a map from key path (a tuple of
keys and list indexes) to line number, so that a problem found later, by pydantic or a
cross-record check, can still name the line an editor has to change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from hooks.problems import Problem

Path_ = tuple[str | int, ...]


# LibYAML's parser when PyYAML was built with it (about 9x faster on a thousand records);
# it keeps every node's line, like the pure-Python one.
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[valid-type,misc]
    """SafeLoader that reads numbers with a fraction as Decimal, never float."""


def _decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    text = str(node.value).replace("_", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    return value if value.is_finite() else text


def _timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    # A date that does not exist (2019-02-30) stays text, so the record check can name it.
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)  # type: ignore[arg-type]
    except ValueError:
        return str(node.value)


_Loader.add_constructor("tag:yaml.org,2002:float", _decimal)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)

# YAML 1.1 reads on/off/yes/no as booleans, so SPEC's own `verified: {on: 2019-02-12}` would
# lose its key. Like YAML 1.2, only true and false are booleans here.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _first in "tTfF":
    _Loader.yaml_implicit_resolvers.setdefault(_first, []).insert(
        0, ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"))
    )


@dataclass(frozen=True)
class YamlDoc:
    """A parsed YAML document and the line of every key and list item in it."""

    data: Any
    lines: dict[Path_, int]

    def line(self, path: Path_) -> int | None:
        """The line of `path`, or of its nearest parent that has one."""
        for n in range(len(path), -1, -1):
            if path[:n] in self.lines:
                return self.lines[path[:n]]
        return None


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int], dupes: list[Path_]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = (*path, str(key.value))
            if sub in lines:
                dupes.append(sub)
            lines[sub] = key.start_mark.line + 1
            _walk(value, sub, lines, dupes)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines, dupes)


def dotted(path: Path_) -> str:
    """A key path as editors read it: ``purchase[0].url``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def parse_yaml(text: str, path: str) -> tuple[YamlDoc | None, list[Problem]]:
    """Parse one YAML document; a syntax error becomes a Problem with its line."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDoc({}, {}), []
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        what = " ".join(x for x in (e.context, e.problem) if x)
        return None, [
            Problem(
                path,
                line,
                "",
                "valid YAML (each field on its own line as `key: value`, lists as `- item` or"
                " [a, b], text with a colon or # in quotes)",
                f"a YAML syntax error: {what}",
                "look at this line and the one before it: a missing space after a colon, a"
                " tab used for indenting, an unclosed quote or bracket are the usual causes",
            )
        ]
    except yaml.YAMLError as e:
        return None, [Problem(path, None, "", "valid YAML", str(e), "fix the YAML syntax")]
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    dupes: list[Path_] = []
    _walk(node, (), lines, dupes)
    problems = [
        Problem(
            path,
            lines[d],
            dotted(d),
            "each field once",
            f'"{d[-1]}" a second time (YAML would silently keep only the last one)',
            "remove one of the two lines, keeping the value you mean",
        )
        for d in dupes
    ]
    return YamlDoc(data, lines), problems
