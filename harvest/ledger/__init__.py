"""Ledgers: the CSV format, its rules and fast path, figures, the importer of bank and platform exports."""
