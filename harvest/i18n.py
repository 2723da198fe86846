"""The language of every message: Simplified Chinese by default, English when asked for.

Messages are written in English in the code, wrapped in `_()` (or `N_()` where a text is
kept in a constant and translated where it is shown), and translated through the gettext
catalogs in `harvest/locale/` (Babel's extract, update and compile: `make messages`).

The language is chosen once per process from the environment, the first one set of
HARVEST_LANG, LANGUAGE, LC_ALL, LC_MESSAGES and LANG: a value that starts with "en" asks for
English; anything else (zh_CN.UTF-8, C.UTF-8, nothing at all) gives Chinese, since the editors
are Chinese county staff. `use_language` changes it (for tests and the preview server).

Placeholders are named, `_("line {line}").format(line=4)`, so a translation may move them.
There are no plural forms (Chinese has none): where English needs one, write two messages.
Never call `_()` at import time: a constant translated then would keep the first language.
"""

from __future__ import annotations

import contextlib
import gettext as _gettext
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "harvest"
LANGUAGES = ("zh_CN", "en")
_ENV = ("HARVEST_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_chosen: str | None = None


def language() -> str:
    """"zh_CN" or "en": the language messages are printed in."""
    if _chosen is not None:
        return _chosen
    for name in _ENV:
        value = os.environ.get(name, "").strip()
        if value:
            return "en" if value.lower().startswith("en") else "zh_CN"
    return "zh_CN"


@cache
def _catalog(lang: str) -> _gettext.NullTranslations:
    try:
        with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as fp:
            return _gettext.GNUTranslations(fp)
    except OSError:  # a catalog not compiled yet: the English texts of the code
        return _gettext.NullTranslations()


def _(message: str) -> str:
    """`message` in the chosen language."""
    return _catalog(language()).gettext(message)


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Mark a text for the catalog without translating it yet (translate it where it is shown)."""
    return message


@contextlib.contextmanager
def use_language(lang: str) -> Iterator[None]:
    """Print messages in `lang` ("zh_CN" or "en") inside the block."""
    global _chosen
    before, _chosen = _chosen, ("en" if lang.lower().startswith("en") else "zh_CN")
    try:
        yield
    finally:
        _chosen = before
