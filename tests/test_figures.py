"""Figures: signed sums per currency, sales, days, goals and the published JSON."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harvest.ledger.figures import (
    KINDS,
    DayFigures,
    Figures,
    GoalProgress,
    ProductSales,
    compute_figures,
    goal_progress,
    ledger_json,
    money,
    plain,
)
from harvest.ledger.format import Entry
from harvest.ledger.parse import parse_ledger
from tests.test_ledger import CHANNELS, GOOD, PRODUCTS, ledger_bytes

D = Decimal


def good_entries() -> tuple[Entry, ...]:
    extra = ["7,2019-02-22,sale,wanrong-apple,taobao,20,箱,5,800.00,CNY,淘宝买家,TB-1,",
             "8,2019-02-23,donation,,,,,,50.00,USD,Friends abroad,HL2019-000003,",
             "9,2019-02-23,sale,baojing-navel-orange,douyin,3,箱,1,120.00,CNY,抖音观众,DY-1,"]
    ledger, problems = parse_ledger(ledger_bytes(GOOD + extra), "ledgers/x.csv", "x",
                                    products=PRODUCTS, channels=CHANNELS)
    assert problems == [] and ledger is not None
    return ledger.entries


def test_totals_are_signed_sums_per_currency() -> None:
    figures = compute_figures(good_entries())
    assert figures.size == 9
    assert figures.totals == {
        "CNY": {"donation": D("5100.00"), "sale": D("10815.20"), "disbursement": D("2000.00"),
                "expense": D("300.00"), "balance": D("2800.00")},
        "USD": {"donation": D("50.00"), "sale": D(0), "disbursement": D(0), "expense": D(0),
                "balance": D("50.00")},
    }
    assert list(figures.totals) == ["CNY", "USD"]


def test_sales_per_product_and_channel() -> None:
    figures = compute_figures(good_entries())
    assert figures.sales == {
        "baojing-navel-orange": ProductSales({"kg": D("1240.5"), "箱": D("3")}, 311,
                                             {"CNY": D("10015.20")}),
        "wanrong-apple": ProductSales({"箱": D("20")}, 5, {"CNY": D("800.00")}),
    }
    assert figures.channels == {
        "douyin": ProductSales({"箱": D("3")}, 1, {"CNY": D("120.00")}),
        "jd": ProductSales({"kg": D("1240.5")}, 310, {"CNY": D("9895.20")}),
        "taobao": ProductSales({"箱": D("20")}, 5, {"CNY": D("800.00")}),
    }
    assert figures.corrections == {2: [5]}


def test_days_hold_the_day_and_the_running_totals() -> None:
    days = compute_figures(good_entries()).days
    assert [d.date for d in days] == [date(2019, 2, d) for d in (20, 21, 22, 23)]
    assert days[0] == DayFigures(
        date(2019, 2, 20),
        {"CNY": {"donation": D("5000.00"), "sale": D("9975.00"), "disbursement": D(0), "expense": D(0)}},
        {"CNY": {"donation": D("5000.00"), "sale": D("9975.00"), "disbursement": D(0), "expense": D(0),
                 "balance": D("5000.00")}},
    )
    assert days[1].amounts["CNY"]["expense"] == D("300.00")
    assert days[1].cumulative["CNY"]["balance"] == D("2700.00")
    assert days[2].amounts["CNY"]["sale"] == D("720.20")  # 800.00 less a 79.80 correction
    assert list(days[3].amounts) == ["CNY", "USD"]
    assert days[3].cumulative == compute_figures(good_entries()).totals


def test_an_empty_ledger_has_empty_figures() -> None:
    assert compute_figures(()) == Figures(0, {}, {}, {}, [], {})
    assert ledger_json("x", compute_figures(()), "e3b0") == {
        "campaign": "x", "root": "e3b0", "sales": {}, "size": 0, "totals": {}}


def test_goal_progress() -> None:
    figures = compute_figures(good_entries())
    goals = {"sales_quantity": (D("50000"), "kg"), "sales_amount": (D("280000.00"), "CNY"),
             "donations": (D("100"), "USD")}
    assert goal_progress(goals, figures) == [
        GoalProgress("sales_quantity", D("50000"), D("1240.5"), "kg", D("0.0248")),
        GoalProgress("sales_amount", D("280000.00"), D("10815.20"), "CNY", D("0.0386")),
        GoalProgress("donations", D("100"), D("50.00"), "USD", D("0.5000")),
    ]
    over = goal_progress({"donations": (D("1000"), "CNY")}, figures)[0]
    assert over.ratio == D("5.1000")  # not clamped
    assert goal_progress({"donations": (D("1"), "EUR")}, figures)[0].achieved == 0
    with pytest.raises(ValueError):
        goal_progress({"visitors": (D("1"), "CNY")}, figures)


@pytest.mark.parametrize(
    ("value", "text"),
    [(D("1200"), "1200.00"), (D("1200.5"), "1200.50"), (D("-79.80"), "-79.80"), (D("0"), "0.00"),
     (D("-0.00"), "0.00"), (D("1E+3"), "1000.00"), (D("123456789012345.67"), "123456789012345.67")],
)
def test_money(value: Decimal, text: str) -> None:
    assert money(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(D("1250.50"), "1250.5"), (D("100"), "100"), (D("1E+2"), "100"), (D("0.000"), "0"),
     (D("-10"), "-10"), (D("0.001"), "0.001")],
)
def test_plain(value: Decimal, text: str) -> None:
    assert plain(value) == text


def test_ledger_json_is_exactly_the_contract() -> None:
    data = ledger_json("baojing-oranges-2019", compute_figures(good_entries()), "ab" * 32)
    text = json.dumps(data, ensure_ascii=False, indent=1)
    assert text == json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
    assert data == {
        "campaign": "baojing-oranges-2019",
        "root": "ab" * 32,
        "sales": {
            "baojing-navel-orange": {"amount": {"CNY": "10015.20"}, "orders": 311,
                                     "quantity": {"kg": "1240.5", "箱": "3"}},
            "wanrong-apple": {"amount": {"CNY": "800.00"}, "orders": 5, "quantity": {"箱": "20"}},
        },
        "size": 9,
        "totals": {
            "CNY": {"balance": "2800.00", "disbursement": "2000.00", "donation": "5100.00",
                    "expense": "300.00", "sale": "10815.20"},
            "USD": {"balance": "50.00", "disbursement": "0.00", "donation": "50.00",
                    "expense": "0.00", "sale": "0.00"},
        },
    }


_entry = st.builds(
    lambda day, kind, currency, cents, product, unit, qty, orders: Entry(
        0, date(2019, 2, 20) + timedelta(days=day), kind, product if kind == "sale" else "",
        "jd" if kind == "sale" else "", D(qty) if kind == "sale" else None,
        unit if kind == "sale" else "", orders if kind == "sale" else None, D(cents) / 100, currency,
        "匿名", "", "", 0, None),
    st.integers(0, 5), st.sampled_from(["donation", "sale", "disbursement", "expense"]),
    st.sampled_from(["CNY", "USD"]), st.integers(-10**8, 10**8), st.sampled_from(["a", "b"]),
    st.sampled_from(["kg", "箱"]), st.sampled_from(["1", "2.5", "-1.25"]), st.integers(-3, 50),
)


def _add(a: dict[str, dict[str, Decimal]], b: dict[str, dict[str, Decimal]]) -> dict[str, dict[str, Decimal]]:
    out: dict[str, dict[str, Decimal]] = {}
    for totals in (a, b):
        for currency, kinds in totals.items():
            acc = out.setdefault(currency, dict.fromkeys(KINDS, D(0)))
            for k, v in kinds.items():
                acc[k] += v
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(_entry, max_size=40), st.data())
def test_totals_of_a_split_add_up_to_the_whole(entries: list[Entry], data: st.DataObject) -> None:
    cut = data.draw(st.integers(0, len(entries)))
    whole = compute_figures(entries)
    head, tail = compute_figures(entries[:cut]), compute_figures(entries[cut:])
    assert _add(head.totals, tail.totals) == whole.totals
    for currency, kinds in whole.totals.items():
        assert kinds["balance"] == kinds["donation"] - kinds["disbursement"] - kinds["expense"]
        assert kinds["donation"] == sum((e.amount for e in entries
                                         if e.currency == currency and e.type == "donation"), D(0))
    orders = sum(e.orders or 0 for e in entries)
    assert sum(s.orders for s in whole.sales.values()) == orders
    assert sum(s.orders for s in whole.channels.values()) == orders
    if whole.days:
        assert whole.days[-1].cumulative == whole.totals
