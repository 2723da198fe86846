"""The JSON Schema files editors' tools read, made from the models the build validates with.

`products/<id>.yml` and `campaigns/<id>.yml` start with a `yaml-language-server` comment that
points at `schemas/<kind>.schema.json`, so VS Code (with the YAML extension) and other editors
underline mistakes while an editor types. The files are committed (for editors working in the
repository), published on the site (for web editors) and rewritten by `python build.py
schemas`; a test fails when the committed ones differ from what the models give.
"""

from __future__ import annotations

import json

from pydantic import BaseModel

from harvest.load.models import Campaign, Product, schema_for

# Repository-relative (and site-relative) path -> (model, title).
SCHEMAS: dict[str, tuple[type[BaseModel], str]] = {
    "schemas/product.schema.json": (Product, "Harvest Ledger product record (products/<id>.yml)"),
    "schemas/campaign.schema.json": (Campaign, "Harvest Ledger campaign record (campaigns/<id>.yml)"),
}


def schema_texts() -> dict[str, str]:
    """Every schema file's path and its text: stable key order, UTF-8, a final newline.

    Example: ``schema_texts()["schemas/product.schema.json"]`` starts with ``{``.
    """
    return {
        path: json.dumps(schema_for(model, title), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        for path, (model, title) in SCHEMAS.items()
    }
