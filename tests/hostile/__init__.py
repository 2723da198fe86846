"""The hostile corpus: files an attacker could commit as an editor, each refused with its file
(and line) and no traceback, leaving the last good site/ byte-for-byte as it was, or made
harmless (checked in Chromium where it matters)."""
