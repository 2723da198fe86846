"""Stories and pages cite ledger figures; the site shows the computed value.

Write, anywhere in a story or a page under content/:

    {{ figure baojing-oranges-2019 sold kg }}        → 49,950 kg
    {{ figure baojing-oranges-2019 donations }}      → ¥100,000.00
    {{ figure baojing-oranges-2019 progress sales_amount }} → 99.9%

The figure is read from the campaign's ledger at build time, so a story never repeats a
number by hand. An unknown campaign or figure stops the build with the file and line: the
site's loader checks every citation here; render/citations.py puts the values into pages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from harvest.i18n import _
from harvest.ledger.figures import Figures, GoalProgress, ProductSales
from harvest.load.records import Records
from harvest.problems import Problem, shown
from harvest.vocabulary import money, number


class Book(Protocol):
    """What a citation reads of a campaign's ledger: its figures and goals (proofs.books.Book,
    which comes later in the pipeline, has them)."""

    @property
    def figures(self) -> Figures: ...
    @property
    def goals(self) -> Sequence[GoalProgress]: ...

FIGURE_RE = re.compile(r"\{\{\s*figure\b([^}]*)\}\}")
MONEY = {
    "donations": "donation",
    "sales": "sale",
    "disbursements": "disbursement",
    "expenses": "expense",
    "balance": "balance",
}


def usage() -> str:
    """How a citation is written, every figure name listed (told when a citation names none)."""
    return _("{{ figure <campaign-id> <name> }} where <name> is one of: donations, sales, disbursements, expenses,"
             " balance (each may be followed by a currency, default CNY), sold <unit> [<product-id>],"
             " orders [<product-id>], entries, progress <goal> (sales_quantity, sales_amount or donations)")


def value(records: Records, books: Mapping[str, Book], words: list[str]) -> str:
    """The text a citation stands for (`words`: what follows `figure`), read from the
    campaigns' `books`. Raises LookupError with a plain reason."""
    if len(words) < 2:
        raise LookupError(_("a campaign id and a figure name"))
    cid, name, args = words[0], words[1], words[2:]
    if cid not in records.campaigns:
        raise LookupError(_('a campaign id; there is no campaign "{campaign}"').format(campaign=cid))
    book = books.get(cid)
    if book is None:
        raise LookupError(_('a campaign with a ledger; campaign "{campaign}" has no ledgers/{campaign}.csv').format(
            campaign=cid))
    figures = book.figures
    if name in MONEY and len(args) <= 1:
        currency = args[0] if args else "CNY"
        return money(figures.totals.get(currency, {}).get(MONEY[name], Decimal(0)), currency)
    if name == "sold" and len(args) in (1, 2):
        sales = _sales(records, figures, args[1:])
        return f"{number(sum((s.quantity.get(args[0], Decimal(0)) for s in sales), Decimal(0)))} {args[0]}"
    if name == "orders" and len(args) <= 1:
        return f"{sum(s.orders for s in _sales(records, figures, args)):,}"
    if name == "entries" and not args:
        return f"{figures.size:,}"
    if name == "progress" and len(args) == 1:
        for goal in book.goals:
            if goal.name == args[0]:
                return f"{(goal.ratio * 100).quantize(Decimal('0.1'))}%"
        raise LookupError(_('a goal that campaign "{campaign}" sets; it has no goal "{goal}"').format(
            campaign=cid, goal=args[0]))
    raise LookupError(usage())


def _sales(records: Records, figures: Figures, product: list[str]) -> list[ProductSales]:
    """All products' sales, or one product's (none when it sold nothing)."""
    if not product:
        return list(figures.sales.values())
    if product[0] not in records.products:
        raise LookupError(_('a product id; there is no product "{product}"').format(product=product[0]))
    return [figures.sales[product[0]]] if product[0] in figures.sales else []


def check_text(records: Records, books: Mapping[str, Book], text: str, path: str) -> list[Problem]:
    """A Problem for every citation in `text` that names no figure."""
    problems = []
    for match in FIGURE_RE.finditer(text):
        try:
            value(records, books, match.group(1).split())
        except LookupError as why:
            line = text.count("\n", 0, match.start()) + 1
            problems.append(
                Problem(
                    path,
                    line,
                    "figure",
                    str(why),
                    shown(match.group(0)),
                    _("write it like {example}; {help}").format(
                        example="{{ figure baojing-oranges-2019 sold kg }}", help=usage()),
                )
            )
    return problems


def check_files(records: Records, books: Mapping[str, Book], root: Path, docs_dir: Path) -> list[Problem]:
    """Check the citations of every Markdown file under content/ (stories included)."""
    problems: list[Problem] = []
    if not docs_dir.is_dir():
        return problems
    for file in sorted(docs_dir.rglob("*.md")):
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # reported by the loader of that file, or by MkDocs
        if "figure" in text:
            problems += check_text(records, books, text, file.relative_to(root).as_posix())
    return problems
