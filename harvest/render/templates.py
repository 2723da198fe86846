"""Generated pages' markup lives in theme/ as Jinja templates; this fills them.

A generated page is an `Output` with a `View`: the template (under `theme/partials/hl/`) and
plain data made by the other modules of render/. The template is rendered with autoescaping
on, so every text from a record is escaped where it is written; the editor's Markdown of the
page (a product's story), rendered by MkDocs and cleaned (load/sanitise.py), comes in as `story`.
Only that region ever went through Markdown: the rest never did, which is why this is fast.

A site's own `theme/` (`theme.custom_dir` in mkdocs.yml) is searched before the project's, so
a county office can change a partial without touching Python.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from harvest import THEME
from harvest.site import View
from harvest.vocabulary import money, number


@lru_cache(maxsize=8)
def environment(theme_dirs: tuple[Path, ...]) -> Environment:
    env = Environment(
        loader=FileSystemLoader([str(d) for d in theme_dirs]),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,  # a misspelt field is an error, not an empty cell
        auto_reload=False,
    )
    # tojson: Chinese as it is (a third of the bytes of \u escapes); < > & ' are still escaped.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    env.filters["money"] = money
    env.filters["number"] = number
    return env


def render(view: View, story: str = "", theme_dir: Path | None = None) -> str:
    """The page's content: `view.template` filled with `view.data` (as `hl`) and the cleaned
    HTML of the editor's region (as `story`)."""
    dirs = (theme_dir, THEME) if theme_dir is not None and theme_dir.resolve() != THEME else (THEME,)
    return environment(dirs).get_template(view.template).render(hl=view.data, story=Markup(story))

