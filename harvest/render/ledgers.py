"""Ledger pages, campaign ledger summaries, the transparency page and the open data files.

Every figure shown here comes from `Book.figures` (computed once in `figures.py`); this
module only gives them, as plain data, to the templates that lay them out
(theme/partials/hl/ledger.html, transparency.html and the macros they share). Large ledgers are never put whole into one page or request: the
page shows the newest entries and loads older ones in static JSON chunks of 1,000.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from harvest.ledger.figures import ledger_json
from harvest.ledger.format import CHUNK_ENTRIES, Entry
from harvest.proofs import published
from harvest.proofs.books import Book
from harvest.render.charts import Series, line_chart
from harvest.render.html import e, front_matter
from harvest.render.urls import campaign_url, ledger_url, product_url, rel
from harvest.site import Output, Site, View
from harvest.vocabulary import ENTRY_TYPES, GOALS, SYMBOLS, TOTALS, money, number
from harvest.vocabulary import label as label_of

FIRST_SCREEN = 50  # entries shown in the page itself
ZERO = Decimal(0)


def totals_data(book: Book) -> dict[str, Any]:
    """Donations, sales, disbursements, expenses and balance, one column a currency (the
    `totals` macro)."""
    currencies = list(book.figures.totals) or ["CNY"]
    rows = [{"label": label, "balance": kind == "balance",
             "cells": [money(book.figures.totals.get(c, {}).get(kind, ZERO), c) for c in currencies]}
            for kind, label in TOTALS.items()]
    return {"currencies": currencies, "rows": rows}


def goals_data(book: Book) -> list[dict[str, Any]]:
    """Goal progress bars, with the numbers written out beside each (the `goals` macro)."""
    items = []
    for g in book.goals:
        percent = (g.ratio * 100).quantize(Decimal("0.1"))
        if g.name == "sales_quantity":
            done, target = f"{number(g.achieved)} {g.unit}", f"{number(g.target)} {g.unit}"
        else:
            done, target = money(g.achieved, g.unit), money(g.target, g.unit)
        items.append({"label": label_of(GOALS, g.name), "done": done, "target": target, "percent": percent,
                      "bar": min(percent, Decimal(100))})
    return items


def chart_data(book: Book, currency: str = "CNY") -> dict[str, Any] | None:
    """Cumulative sales and donations over time, as SVG, with the same numbers in a table."""
    days = [d for d in book.figures.days if currency in d.cumulative]
    if not days:
        return None
    sales = Series("累计销售额", "#2e7d32", [(d.date, d.cumulative[currency].get("sale", ZERO)) for d in days])
    gifts = Series("累计捐赠", "#ef6c00", [(d.date, d.cumulative[currency].get("donation", ZERO)) for d in days])
    rows = [[d.date.isoformat()] + [money(d.amounts[currency].get(k, ZERO), currency) for k in ("sale", "donation")]
            + [money(d.cumulative[currency].get(k, ZERO), currency) for k in ("sale", "donation")] for d in days]
    return {"svg": Markup(line_chart([sales, gifts], f"累计销售额与捐赠（{currency}）")), "rows": rows}


def ledger_summary(site: Site, cid: str, here: str) -> dict[str, Any] | None:
    """What a campaign page shows of its ledger: totals, goals, chart, the link to every entry."""
    book = site.books.get(cid)
    if book is None:
        return None
    return {"totals": totals_data(book), "href": rel(here, ledger_url(cid)), "size": f"{book.figures.size:,}",
            "goals": goals_data(book), "chart": chart_data(book)}


@dataclass(frozen=True, slots=True)
class EntryRow:
    """One entry as the `entry_rows` macro shows it: its cells as text, with the links a row
    carries (the product's page, the entry it corrects, the entries correcting it). A class
    rather than a dict: a template reads an object's attribute at once, a dict's key only after
    failing to find it as an attribute, and a ledger page has many rows."""

    seq: int
    date: str
    type: str
    product: str
    product_href: str | None
    channel: str
    quantity: str
    orders: str
    amount: str
    party: str
    reference: str
    note: str
    corrects: int | None
    corrected_by: Sequence[int]


def entry_rows(book: Book, entries: Iterable[Entry], products: Mapping[str, tuple[str, str]],
               channels: Mapping[str, str]) -> list[EntryRow]:
    """`entries` of `book` as rows of its page, with the `products` (id: name and page) and
    the `channels` (id: label) of `names`."""
    return [
        EntryRow(
            seq=x.seq, date=x.date.isoformat(), type=label_of(ENTRY_TYPES, x.type),
            product=products[x.product][0] if x.product in products else x.product,
            product_href=products[x.product][1] if x.product in products else None,
            channel=label_of(channels, x.channel),
            quantity=f"{number(x.quantity)} {x.unit}" if x.quantity is not None else "",
            orders="" if x.orders is None else str(x.orders), amount=money(x.amount, x.currency), party=x.party,
            reference=x.reference, note=x.note, corrects=x.corrects, corrected_by=book.figures.corrections.get(x.seq, []),
        )
        for x in entries
    ]


def names(site: Site, here: str, book: Book) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """The products a ledger names (id: name and page, from `here`) and every channel (id: label)."""
    named = book.named_products()
    products = {pid: (site.records.products[pid].name, rel(here, product_url(pid)))
                for pid in sorted(named) if pid in site.records.products}
    return products, {cid: channel.label for cid, channel in sorted(site.channels.items())}


def trust_data(site: Site, cid: str, book: Book) -> dict[str, Any]:
    """Who vouches for the current head: the ledger's key (None in an unsigned preview) and the
    witnesses who cosigned it, against the site's policy."""
    seen = published.witnessed(site, cid, book).valid
    return {
        "origin": published.origin_of(site, cid) if site.signer is not None else None,
        "policy": bool(site.witnesses.witnesses),
        "quorum": site.witnesses.quorum,
        "seen": [{"name": name, "time": f"{datetime.fromtimestamp(t, UTC):%Y-%m-%d %H:%M}"} for name, t, _ in seen],
    }


def ledger_page(site: Site, cid: str) -> Output:
    """`ledgers/<id>/`: totals first, the receipt check, the newest entries, how to verify
    (theme/partials/hl/ledger.html)."""
    name, size = site.records.campaigns[cid].name, site.books[cid].figures.size
    matter = front_matter(title=e(f"{name} · 公开账本"), description=e(f"{name}的全部 {size} 条公开账目"),
                          hl_ledger=cid, hide=["navigation"])  # the entries table needs the width
    return Output(f"ledgers/{cid}.md", matter, page=True, view=View("partials/hl/ledger.html", ledger_view(site, cid)))


def ledger_view(site: Site, cid: str) -> dict[str, Any]:
    """What the ledger page shows, as plain data."""
    book = site.books[cid]
    here = ledger_url(cid)
    size = book.figures.size
    newest = book.newest(FIRST_SCREEN)
    products, channels = names(site, here, book)
    return {
        "id": cid,
        "name": site.records.campaigns[cid].name,
        "campaign": rel(here, campaign_url(cid)),
        "size": f"{size:,}",
        "csv": rel(here, f"ledgers/{cid}.csv"),
        "json": rel(here, f"ledgers/{cid}.json"),
        "trust": trust_data(site, cid, book),
        "totals": totals_data(book),
        # The receipt box's example is a real code of this ledger: its first donation's.
        "example_code": book.example_code(),
        "entries": entry_rows(book, newest, products, channels),
        "more": more_data(book, len(newest), products, channels) if size > len(newest) else None,
        "root": book.root_hex,
        "heads": [{"date": h.date.isoformat(), "size": f"{h.size:,}", "href": f"consistency/{h.size}"}
                  for h in book.heads],
        "sealed": sealed_data(book),
        "scripts": [rel(here, f"assets/javascripts/{name}.js") for name in ("receipt", "ledger")],
    }


def sealed_data(book: Book) -> dict[str, str] | None:
    """The newest seal in plain words: how many entries, on which day, how many came after it."""
    if not book.heads:
        return None
    last = book.heads[-1]
    after = book.figures.size - last.size
    return {"size": f"{last.size:,}", "date": last.date.isoformat(), "after": f"{after:,}" if after > 0 else ""}


def more_data(book: Book, shown: int, products: Mapping[str, tuple[str, str]],
              channels: Mapping[str, str]) -> dict[str, Any]:
    """The button that loads older entries, and the words ledger.js needs to write their rows
    as `entry_rows` does (`names`): the entry types' labels, the currency symbols, the names
    and pages of the ledger's products, the channels' labels, and the corrections of older
    entries made by entries on the page (it finds the others itself)."""
    size = book.figures.size
    oldest = size - shown + 1  # the oldest entry on the page
    corrected = {str(seq): on_page for seq, by in book.figures.corrections.items()
                 if seq < oldest and (on_page := [s for s in by if s >= oldest])}
    return {
        "chunks": (size + CHUNK_ENTRIES - 1) // CHUNK_ENTRIES, "shown": shown, "size": size, "chunk": f"{CHUNK_ENTRIES:,}",
        "older": f"{oldest - 1:,}",
        "names": {
            "types": ENTRY_TYPES,
            "symbols": SYMBOLS,
            "products": products,
            "channels": channels,
            "corrected": corrected,
        },
    }


def ledger_outputs(site: Site) -> Iterator[Output]:
    """Each ledger's page, its JSON, checkpoint, proofs and the keys. Its CSV and its
    thousands of look-up files are written straight into the site by the build's
    `publish.publisher.Publisher`."""
    if site.signer:
        keys = "".join(f"{published.verifier_of(site, cid)}\n" for cid in sorted(site.books))
        yield Output("ledgers/verifier-key.txt", keys.encode())
    yield Output("ledgers/logs.json", published.logs_json(site))
    for cid, book in site.books.items():
        base = f"ledgers/{cid}"
        yield ledger_page(site, cid)
        data = ledger_json(cid, book.figures, book.root_hex)
        yield Output(f"{base}.json", (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode())
        for name, content in sorted(published.log_files(site, cid, book).items()):
            yield Output(f"{base}/{name}", content)


def transparency_outputs(site: Site) -> Iterator[Output]:
    """The site-wide page: every campaign's raised, sold, disbursed, spent and balance, and the sums."""
    here = "transparency/"
    kinds = list(TOTALS)
    sums: dict[str, dict[str, Decimal]] = {}
    campaigns = []
    for cid, campaign in sorted(site.records.campaigns.items(), key=lambda kv: (kv[1].start, kv[0])):
        book = site.books.get(cid)
        row: dict[str, Any] = {"name": campaign.name, "href": rel(here, campaign_url(cid)), "ledger": None}
        if book is None:
            campaigns.append(row)
            continue
        # A ledger without entries yet is shown with zeros, as its own page shows it (totals_data).
        for currency, totals in (book.figures.totals or {"CNY": {}}).items():
            acc = sums.setdefault(currency, {k: ZERO for k in kinds})
            for k in kinds:
                acc[k] += totals.get(k, ZERO)
            campaigns.append({**row, "cells": [money(totals.get(k, ZERO), currency) for k in kinds],
                              "ledger": {"href": rel(here, ledger_url(cid)), "size": f"{book.figures.size:,}"}})
    view = {
        "kinds": [TOTALS[k] for k in kinds],
        "campaigns": campaigns,
        "sums": [{"currency": currency, "cells": [money(acc[k], currency) for k in kinds]}
                 for currency, acc in sorted(sums.items())],
    }
    yield Output("transparency/index.md", front_matter(title="公开账本", hide=["navigation"]), page=True, in_nav=True,
                 view=View("partials/hl/transparency.html", view))
