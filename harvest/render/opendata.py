"""data/datapackage.json: a Frictionless Data Package describing every published ledger CSV.

Its Table Schema states what SPEC's Ledger section says, so that anyone can check a
downloaded ledger with `frictionless validate --trusted data/datapackage.json` (trusted,
because the CSVs sit beside data/, under ../ledgers/).
"""

from __future__ import annotations

import json
from typing import Any

from harvest.ledger.format import COLUMNS, TYPES
from harvest.site import Site

DESCRIPTIONS = {
    "seq": "Entry number: 1, 2, 3 … in file order, no gap, no repeat",
    "date": "Date of the entry",
    "type": "donation (money in), sale (goods sold), disbursement (money out to a beneficiary), expense (costs)",
    "product": "Product id (see data/products.json); required for a sale",
    "channel": "Purchase channel id; required for a sale",
    "quantity": "Quantity sold, in `unit`; negative only in a correction",
    "unit": "Unit of the quantity, e.g. kg",
    "orders": "Number of orders or buyers; negative only in a correction",
    "amount": "Amount, at most 2 decimal places; negative only in a correction",
    "currency": "ISO 4217 currency code",
    "party": "Public name of donor, buyer group or recipient, as consented; 匿名 for anonymous",
    "reference": "Receipt code of a donation, voucher otherwise; seq:N for a correction of entry N",
    "note": "Free text",
}


def table_schema() -> dict[str, Any]:
    """The Table Schema of a ledger CSV."""
    types = {"seq": "integer", "date": "date", "quantity": "number", "orders": "integer", "amount": "number"}
    required = {"seq", "date", "type", "amount", "currency", "party"}
    fields = []
    for name in COLUMNS:
        field: dict[str, Any] = {"name": name, "type": types.get(name, "string"), "description": DESCRIPTIONS[name]}
        constraints: dict[str, Any] = {}
        if name in required:
            constraints["required"] = True
        if name == "seq":
            constraints.update(minimum=1, unique=True)
        if name == "type":
            constraints["enum"] = list(TYPES)
        if name == "currency":
            constraints["pattern"] = "[A-Z]{3}"
        if name == "amount":
            field["bareNumber"] = True
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    return {"fields": fields, "primaryKey": ["seq"], "missingValues": [""]}


def datapackage(site: Site) -> bytes:
    """The package: one resource a published ledger, each with the ledger Table Schema."""
    resources = [
        {
            "name": cid,
            "title": site.records.campaigns[cid].name,
            "path": f"../ledgers/{cid}.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "lineTerminator": "\n", "header": True},
            "schema": table_schema(),
        }
        for cid in sorted(site.books)
    ]
    package = {
        "profile": "tabular-data-package",
        "name": "harvest-ledgers",
        "title": "Campaign ledgers",
        "homepage": site.site_url,
        "resources": resources,
    }
    return (json.dumps(package, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
