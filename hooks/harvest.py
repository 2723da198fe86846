"""The one file under `hooks:` in mkdocs.yml: the MkDocs events of harvest/hook.py.

MkDocs runs this file with hooks/ first on the import path; the project's root goes before
it so that `harvest` is the package, not this file.
"""

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parent.parent)
if sys.path[:1] != [_ROOT]:
    sys.path.insert(0, _ROOT)

from harvest.hook import (  # noqa: E402
    on_build_error,
    on_config,
    on_env,
    on_files,
    on_nav,
    on_page_content,
    on_page_context,
    on_page_markdown,
    on_page_read_source,
    on_post_build,
    on_post_page,
    on_post_template,
    on_serve,
    on_startup,
)

__all__ = ["on_build_error", "on_config", "on_env", "on_files", "on_nav", "on_page_content", "on_page_context",
           "on_page_markdown", "on_page_read_source",
           "on_post_build", "on_post_page", "on_post_template", "on_serve",
           "on_startup"]
