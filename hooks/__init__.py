"""Harvest Ledger's domain code.

Each module here is one concept and knows nothing of MkDocs, except `harvest.py`, the one
file listed under `hooks:` in mkdocs.yml, which turns MkDocs events into calls of the others.
"""
