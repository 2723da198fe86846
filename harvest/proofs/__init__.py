"""Provable ledgers: Merkle trees, signed notes and seals, tiles, cosignatures, witnesses, monitors, the auditor's checks."""
