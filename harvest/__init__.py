"""Harvest Ledger: a static-site generator for farm-assistance product stories and ledgers.

The folders are the pipeline, and imports point only down it (ARCHITECTURE.md):
load → ledger → proofs → site → render → publish → commands, then `hook` (MkDocs) and `cli`.
"""

from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent  # mkdocs.yml, theme/, admin/, schemas/
THEME = PROJECT / "theme"
ADMIN_APP = PROJECT / "admin"
