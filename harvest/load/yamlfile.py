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

from harvest.i18n import _
from harvest.problems import Problem, shown

Path_ = tuple[str | int, ...]

MAX_DEPTH = 20  # lists and fields inside each other; a record needs 4
MAX_NUMBER_CHARS = 40
_REPORTED = 10  # anchors and aliases told, at most (a hostile file may hold thousands)


# LibYAML's parser when PyYAML was built with it (about 9x faster on a thousand records);
# it keeps every node's line, like the pure-Python one.
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[valid-type,misc]
    """SafeLoader that reads numbers with a fraction as Decimal, never float."""


def _decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    _short(node)
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


class _LongNumber(yaml.MarkedYAMLError):
    """A number of thousands of digits (or YAML 1.1's 1:2:3:… in base 60) costs seconds to
    read and is no price or quantity."""


def _short(node: yaml.Node) -> None:
    if len(str(node.value)) > MAX_NUMBER_CHARS:
        raise _LongNumber(problem=_("a number of {count} characters").format(count=len(str(node.value))),
                          problem_mark=node.start_mark)


def _int(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    _short(node)
    text = str(node.value)
    try:
        return yaml.SafeLoader.construct_yaml_int(loader, node)  # type: ignore[arg-type]
    except ValueError:
        return text


_Loader.add_constructor("tag:yaml.org,2002:float", _decimal)
_Loader.add_constructor("tag:yaml.org,2002:int", _int)
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


def _shape(text: str, path: str) -> list[Problem]:
    """Anchors, aliases and deep nesting, found from the parser's events, before anything
    is composed: an alias is a reference that every later walk of the document expands, so
    ten levels of nine aliases in 1 KB become a billion values."""
    named: dict[int, list[str]] = {}  # line -> the anchors (&a) and aliases (*a) on it
    loader = _Loader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            line = event.start_mark.line + 1
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                if len(named) < _REPORTED or line in named:
                    names = named.setdefault(line, [])
                    name = ("*" if isinstance(event, yaml.AliasEvent) else "&") + str(event.anchor)
                    if name not in names:
                        names.append(name)
            elif isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return [Problem(path, line, "",
                                    _("fields and lists at most {depth} levels inside each other").format(depth=MAX_DEPTH),
                                    _("deeper nesting"), _("write the record like the example in README.md"))]
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass  # the syntax error is told by `parse_yaml`, with its line
    finally:
        loader.dispose()
    return [
        Problem(path, line, "", _("plain values (YAML anchors & and aliases * are not used in records)"),
                _("anchors and aliases: {names}").format(names=" ".join(names[:4]) + (" …" if len(names) > 4 else "")),
                _("write each value out in full where it is needed, and remove the & and * names"))
        for line, names in named.items()
    ]


# What a Chinese keyboard types in place of YAML's marks, at the start of a line: a field name
# with a full-width colon (`producer：…`), a full-width space after the colon or in the indent,
# a full-width dash for a list item.
_FULL_WIDTH = (
    (re.compile(r"^[ \t-]*[A-Za-z_][A-Za-z0-9_]*[ \t]*："), "全角冒号「：」", "半角「:」"),
    (re.compile(r"^[ \t-]*[A-Za-z_][A-Za-z0-9_]*:\u3000"), "全角空格「\u3000」", "半角空格「 」"),
    (re.compile(r"^[ \t]*\u3000"), "全角空格「\u3000」", "半角空格「 」"),
    (re.compile(r"^[ \t]*－[ \t\u3000]"), "全角横线「－」", "半角「-」"),
)


def _full_width(text: str, path: str, every: bool = True) -> list[Problem]:
    """One problem per line where a full-width mark stands for YAML's own, named as such:
    YAML reads `producer：x` as text, not a field, and would report a confusing error. Only
    after a field's name unless `every`: a full-width space or dash may begin a line of a long
    text."""
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        for pattern, typed, wanted in _FULL_WIDTH if every else _FULL_WIDTH[:2]:
            if pattern.match(line):
                out.append(Problem(path, number, "", _("YAML's own marks, typed half-width: {wanted}").format(wanted=wanted),
                                   _("{typed} in {line}").format(typed=typed, line=shown(line.strip())),
                                   _("{typed}, 请改为{wanted}").format(typed=typed, wanted=wanted)))
                break
    return out


def _syntax_error(context: str | None, problem: str | None) -> str:
    """A YAML syntax error in plain words, by what the parser (LibYAML or PyYAML, in English)
    says of it; the parser's own words when it is none of the usual mistakes."""
    said = problem or ""
    if "tab" in said or "'\\t'" in said:
        return _("a tab used for indenting (indent with spaces)")
    if said.startswith("mapping values are not allowed"):
        return _("a colon where no field can start (text with a colon needs quotes, or the line is indented wrongly)")
    if said.startswith("could not find expected ':'"):
        return _("a field name without its colon")
    if "expected ',' or '}'" in said:
        return _("a { without its closing }, or a comma missing between its values")
    if "expected ',' or ']'" in said:
        return _("a [ without its closing ], or a comma missing between its items")
    if said.startswith("expected <block end>, but found") and ("']'" in said or "'}'" in said):
        return _("a closing bracket ] or } without its opening one")
    if said.startswith(("did not find expected key", "did not find expected '-'", "expected <block end>")):
        return _("a line indented differently from the lines around it")
    if said.startswith(("did not find expected node content", "expected the node content")):
        return _("a value missing, or a character that cannot start one (put the text in quotes)")
    if said.startswith("found unexpected end of stream"):
        return _("a quote that is never closed")
    if said.startswith("found unknown escape character"):
        return _('a backslash (\\) inside double quotes: use single quotes around the text')
    if said.startswith("found character") and "cannot start any token" in said:
        return _("a character that cannot start a value (put the text in quotes)")
    return " ".join(x for x in (context, problem) if x)


def parse_yaml(text: str, path: str) -> tuple[YamlDoc | None, list[Problem]]:
    """Parse one YAML document; a syntax error becomes a Problem with its line.

    A document with anchors or aliases, or nested deeper than `MAX_DEPTH`, is refused before
    it is composed (see `_shape`); so is one with a full-width colon or space after a field's
    name, and where YAML cannot read it, a full-width space or dash is named (see `_full_width`).
    """
    shape = _shape(text, path) or _full_width(text, path, every=False)
    if shape:
        return None, shape
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDoc({}, {}), []
        data = loader.construct_document(node)
    except _LongNumber as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        return None, [Problem(path, line, "",
                              _("a number of at most {count} characters, like 39.90").format(count=MAX_NUMBER_CHARS),
                              str(e.problem), _("check the number: a digit key held down, or text meant to be in quotes"))]
    except yaml.MarkedYAMLError as e:
        marks = _full_width(text, path)
        if marks:
            return None, marks
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        what = _syntax_error(e.context, e.problem)
        return None, [
            Problem(
                path,
                line,
                "",
                _("valid YAML (each field on its own line as `key: value`, lists as `- item` or"
                  " [a, b], text with a colon or # in quotes)"),
                _("a YAML syntax error: {error}").format(error=what),
                _("look at this line and the one before it: a missing space after a colon, a"
                  " tab used for indenting, an unclosed quote or bracket are the usual causes"),
            )
        ]
    except yaml.YAMLError as e:
        return None, [Problem(path, None, "", _("valid YAML"), str(e), _("fix the YAML syntax"))]
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
            _("each field once"),
            _('"{field}" a second time (YAML would silently keep only the last one)').format(field=d[-1]),
            _("remove one of the two lines, keeping the value you mean"),
        )
        for d in dupes
    ]
    return YamlDoc(data, lines), problems
