"""The figures of a ledger, computed once: totals, balance, sales, days, goal progress.

Everything is summed here, per currency, in `Decimal`, from checked entries; pages and data
files only read these figures (STYLE.md, "Data flows one way"). Totals are signed sums, so a
correction (negative amount and quantity) takes back what it corrects.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, Inexact, localcontext
from typing import Any

from harvest.i18n import _
from harvest.ledger.format import TYPES, Entry
from harvest.load.models import Campaign

KINDS = (*TYPES, "balance")
_ZERO = Decimal(0)
_CENT = Decimal("0.01")
_RATIO = Decimal("0.0001")


@dataclass(frozen=True)
class ProductSales:
    """What sold, for one product or one channel: signed sums."""

    quantity: dict[str, Decimal]  # unit -> quantity
    orders: int
    amount: dict[str, Decimal]  # currency -> amount


@dataclass(frozen=True)
class DayFigures:
    """One day with entries: that day's sums, and the running totals at its end."""

    date: date
    amounts: dict[str, dict[str, Decimal]]  # currency -> type -> that day's sum
    cumulative: dict[str, dict[str, Decimal]]  # currency -> type or "balance" -> total so far


@dataclass(frozen=True)
class Figures:
    """Every figure of a ledger. Dicts are sorted by key, days by date."""

    size: int
    totals: dict[str, dict[str, Decimal]]  # currency -> type or "balance" -> total
    sales: dict[str, ProductSales]  # product id -> sales
    channels: dict[str, ProductSales]  # channel id -> sales
    days: list[DayFigures]
    corrections: dict[int, list[int]]  # corrected seq -> seqs of the entries correcting it


@dataclass(frozen=True)
class GoalProgress:
    """How far a campaign goal is reached; `ratio` is not clamped (1.2 means 120 %)."""

    name: str
    target: Decimal
    achieved: Decimal
    unit: str  # a unit of quantity or a currency
    ratio: Decimal


def compute_figures(entries: Sequence[Entry]) -> Figures:
    """Sum `entries` (checked, in file order) into `Figures`.

    Example: ``compute_figures(ledger.entries).totals["CNY"]["balance"]``.
    """
    sums = Sums()
    sums.add(entries)
    return sums.figures()


class Sums:
    """The running sums every figure is made from: by day, type and currency; by product,
    channel, unit and currency; the corrections. Entries are added in file order, in as many
    steps as wished (a ledger's appended entries after its sums so far, `ledger.resume`)."""

    def __init__(self) -> None:
        self.size = 0
        self.by_day: dict[tuple[date, str, str], Decimal] = {}  # (date, type, currency) -> sum
        self.by_sale: dict[tuple[str, str, str, str], list[Any]] = {}  # product, channel, unit, currency
        self.corrections: dict[int, list[int]] = {}

    def add(self, entries: Sequence[Entry]) -> None:
        """Add `entries`, the next ones of the ledger in file order."""
        by_day, by_sale, corrections = self.by_day, self.by_sale, self.corrections
        get_day = by_day.get
        get_sale = by_sale.get
        sale = TYPES[1]
        with localcontext() as ctx:
            # 50 digits hold any sum of a million checked amounts; Inexact would be a bug.
            ctx.prec = 50
            ctx.traps[Inexact] = True
            for e in entries:
                key = (e.date, e.type, e.currency)
                by_day[key] = get_day(key, _ZERO) + e.amount
                if e.type == sale:
                    skey = (e.product, e.channel, e.unit, e.currency)
                    acc = get_sale(skey)
                    if acc is None:
                        by_sale[skey] = [e.quantity or _ZERO, e.orders or 0, e.amount]
                    else:
                        acc[0] += e.quantity or _ZERO
                        acc[1] += e.orders or 0
                        acc[2] += e.amount
                if e.corrects is not None:
                    corrections.setdefault(e.corrects, []).append(e.seq)
        self.size += len(entries)

    def figures(self) -> Figures:
        """The figures of the entries added so far."""
        with localcontext() as ctx:
            ctx.prec = 50
            ctx.traps[Inexact] = True
            totals, days = _totals_and_days(self.by_day)
            sales = _sales(self.by_sale, 0)
            channels = _sales(self.by_sale, 1)
        return Figures(self.size, totals, sales, channels, days,
                       {seq: list(by) for seq, by in sorted(self.corrections.items())})

    def to_json(self) -> dict[str, Any]:
        """The sums as JSON values (exact: amounts as their decimal text)."""
        return {
            "size": self.size,
            "by_day": [[d.isoformat(), t, c, str(v)] for (d, t, c), v in self.by_day.items()],
            "by_sale": [[*k, str(q), o, str(a)] for k, (q, o, a) in self.by_sale.items()],
            "corrections": [[seq, by] for seq, by in self.corrections.items()],
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Sums:
        """`to_json` read back."""
        sums = cls()
        sums.size = int(value["size"])
        sums.by_day = {(date.fromisoformat(d), t, c): Decimal(v) for d, t, c, v in value["by_day"]}
        sums.by_sale = {(p, ch, u, c): [Decimal(q), int(o), Decimal(a)] for p, ch, u, c, q, o, a in value["by_sale"]}
        sums.corrections = {int(seq): [int(s) for s in by] for seq, by in value["corrections"]}
        return sums


def _totals_and_days(by_day: dict[tuple[date, str, str], Decimal]
                     ) -> tuple[dict[str, dict[str, Decimal]], list[DayFigures]]:
    per_day: dict[date, dict[str, dict[str, Decimal]]] = {}
    for (day, kind, currency), amount in by_day.items():
        per_day.setdefault(day, {}).setdefault(currency, dict.fromkeys(TYPES, _ZERO))[kind] = amount
    running: dict[str, dict[str, Decimal]] = {}
    days: list[DayFigures] = []
    for day in sorted(per_day):
        amounts = dict(sorted(per_day[day].items()))
        for currency, sums in amounts.items():
            total = running.setdefault(currency, dict.fromkeys(KINDS, _ZERO))
            for kind in TYPES:
                total[kind] += sums[kind]
            total["balance"] = total["donation"] - total["disbursement"] - total["expense"]
        running = dict(sorted(running.items()))
        days.append(DayFigures(day, amounts, {c: dict(t) for c, t in running.items()}))
    return {c: dict(t) for c, t in running.items()}, days


def _sales(by_sale: dict[tuple[str, str, str, str], list[Any]], by: int) -> dict[str, ProductSales]:
    """Sales per product (`by` = 0) or per channel (`by` = 1)."""
    grouped: dict[str, tuple[dict[str, Decimal], list[int], dict[str, Decimal]]] = {}
    for key, (quantity, orders, amount) in by_sale.items():
        unit, currency = key[2], key[3]
        q, o, a = grouped.setdefault(key[by], ({}, [0], {}))
        q[unit] = q.get(unit, _ZERO) + quantity
        o[0] += orders
        a[currency] = a.get(currency, _ZERO) + amount
    return {k: ProductSales(dict(sorted(q.items())), o[0], dict(sorted(a.items())))
            for k, (q, o, a) in sorted(grouped.items())}


def goal_progress(goals: Mapping[str, tuple[Decimal, str]], figures: Figures) -> list[GoalProgress]:
    """Progress towards each goal of a campaign, in the goals' order.

    `goals` maps "sales_quantity" to (target, unit), "sales_amount" and "donations" to
    (target, currency). Example: ``goal_progress({"donations": (Decimal("100000"), "CNY")},
    figures)``.
    """
    out = []
    for name, (target, unit) in goals.items():
        if name == "sales_quantity":
            achieved = sum((s.quantity.get(unit, _ZERO) for s in figures.sales.values()), _ZERO)
        elif name == "sales_amount":
            achieved = figures.totals.get(unit, {}).get("sale", _ZERO)
        elif name == "donations":
            achieved = figures.totals.get(unit, {}).get("donation", _ZERO)
        else:
            raise ValueError(_("unknown goal {name}").format(name=repr(name)))
        ratio = (achieved / target).quantize(_RATIO) if target else _ZERO
        out.append(GoalProgress(name, target, achieved, unit, ratio))
    return out


def campaign_goals(campaign: Campaign) -> dict[str, tuple[Decimal, str]]:
    """A campaign's goals as `goal_progress` takes them: name -> (target, unit or currency)."""
    goals: dict[str, tuple[Decimal, str]] = {}
    if campaign.goals is None:
        return goals
    if campaign.goals.sales_quantity:
        goals["sales_quantity"] = (campaign.goals.sales_quantity.amount, campaign.goals.sales_quantity.unit)
    if campaign.goals.sales_amount:
        goals["sales_amount"] = (campaign.goals.sales_amount.amount, campaign.goals.sales_amount.currency)
    if campaign.goals.donations:
        goals["donations"] = (campaign.goals.donations.amount, campaign.goals.donations.currency)
    return goals


def money(d: Decimal) -> str:
    """An amount as a decimal string with exactly two places: ``money(Decimal("1200")) == "1200.00"``."""
    text = format(d.quantize(_CENT), "f")
    return "0.00" if text == "-0.00" else text


def plain(d: Decimal) -> str:
    """A quantity as a plain decimal string, no exponent, no trailing zeros: "1250.5", "100"."""
    text = format(d.normalize(), "f") if d else "0"
    return text


def ledger_json(campaign: str, figures: Figures, root_hex: str) -> dict[str, Any]:
    """The content of `ledgers/<id>.json` (SPEC.md, "What the built site publishes")."""
    return {
        "campaign": campaign,
        "root": root_hex,
        "sales": {
            pid: {
                "amount": {c: money(a) for c, a in s.amount.items()},
                "orders": s.orders,
                "quantity": {u: plain(q) for u, q in s.quantity.items()},
            }
            for pid, s in figures.sales.items()
        },
        "size": figures.size,
        "totals": {c: {k: money(v) for k, v in sorted(t.items())} for c, t in figures.totals.items()},
    }
