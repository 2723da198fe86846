"""Problems found in an editor's files, collected and reported together.

Every check in the project reports a `Problem` rather than raising: the build collects all
of them, prints each once, and stops once (see STYLE.md, "Errors").
"""

from __future__ import annotations

from dataclasses import dataclass


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
        """Where it is: ``products/x.yml, line 4: field "producer"``."""
        where = self.path
        if self.line is not None:
            where += f", line {self.line}"
            if self.column is not None:
                where += f", column {self.column}"
        field = f' field "{self.field}"' if self.field else ""
        return f"{where}:{field}"

    def __str__(self) -> str:
        return (
            f"{self.place}\n"
            f"    expected: {self.expected}\n"
            f"    found:    {self.got}\n"
            f"    how to fix: {self.fix}"
        )


def shown(value: object, limit: int = 80) -> str:
    """A value as it appears in an error message: quoted, one line, not too long."""
    if value is None:
        return "nothing"
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


def summary(problems: list[Problem]) -> str:
    """The report's last line: how many problems, and what became of the site."""
    n = len(problems)
    return f"{n} problem{'s' if n != 1 else ''} found; the site was not built and site/ was left as it was."


def report(problems: list[Problem]) -> str:
    """The whole report: every problem, then one line that says what to do next."""
    return "\n".join([*(str(p) for p in problems), summary(problems)])
