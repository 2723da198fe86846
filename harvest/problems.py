"""Problems found in an editor's files, collected and reported together.

Every check in the project reports a `Problem` rather than raising: the build collects all
of them, prints each once, and stops once (see STYLE.md, "Errors").
"""

from __future__ import annotations

from dataclasses import dataclass

from harvest.i18n import _


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in one file, told so that an editor can fix it.

    `path` is relative to the site repository (posix slashes); `line` is 1-based and None
    when the problem is about the file as a whole; `field` names the record key path
    (``purchase[0].url``) or the ledger column (``amount``).
    """

    path: str
    line: int | None
    field: str
    expected: str
    got: str
    fix: str
    column: int | None = None

    @property
    def place(self) -> str:
        """Where it is: ``products/x.yml，第 4 行，字段「producer」：`` (``products/x.yml, line 4: field "producer"``)."""
        where = self.path
        if self.line is not None:
            where += _(", line {line}").format(line=self.line)
            if self.column is not None:
                where += _(", column {column}").format(column=self.column)
        if self.field:
            return _('{where}: field "{field}"').format(where=where, field=self.field)
        return _("{where}:").format(where=where)

    def __str__(self) -> str:
        return "\n".join([
            self.place,
            _("    expected: {expected}").format(expected=self.expected),
            _("    found:    {found}").format(found=self.got),
            _("    how to fix: {fix}").format(fix=self.fix),
        ])


def shown(value: object, limit: int = 80) -> str:
    """A value as it appears in an error message: quoted, one line, not too long."""
    if value is None:
        return _("nothing")
    text = str(value).replace("\n", "\\n")
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f'"{text}"'


class ProblemsFound(Exception):
    """Raised once, after every file was checked, when any problem was found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems), key=_sort_key)
        super().__init__(report(self.problems))


def _sort_key(p: Problem) -> tuple[str, int, str]:
    return (p.path, p.line or 0, p.field)


def summary(problems: list[Problem], outcome: str | None = None) -> str:
    """The report's last line: how many problems, and what became of the work (by default,
    of the site)."""
    if outcome is None:
        outcome = _("the site was not built and site/ was left as it was.")
    if len(problems) == 1:
        return _("1 problem found; {outcome}").format(outcome=outcome)
    return _("{count} problems found; {outcome}").format(count=len(problems), outcome=outcome)


def report(problems: list[Problem], outcome: str | None = None) -> str:
    """The whole report: every problem, then one line that says what became of the work."""
    return "\n".join([*(str(p) for p in problems), summary(problems, outcome)])
