#!/usr/bin/env python3
"""Harvest Ledger: build, check and preview the site, and look after its ledgers.

Run it inside the project's virtual environment, for example:

    .venv/bin/python build.py check
    .venv/bin/python build.py build

Every command has --help with an example. The commands themselves are in harvest/cli.py.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

try:
    from harvest.cli import main
except ModuleNotFoundError as missing:  # run outside .venv: one line, no traceback
    if missing.name is None or missing.name.startswith("harvest"):
        raise
    from harvest.i18n import _  # the standard library only, so it speaks outside .venv too

    sys.exit(_("missing library {name}: run `make site` once, then `.venv/bin/python build.py …`")
             .format(name=missing.name))

if __name__ == "__main__":
    main(HERE)
