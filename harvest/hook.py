"""The MkDocs hook: turns MkDocs events into calls of the domain modules, nothing more.

Loaded through hooks/harvest.py, the one file under `hooks:` in mkdocs.yml. Per-build state lives on the config object
(`mkdocs serve` does not reload hooks), never in this module.
"""

from __future__ import annotations

import logging
import os
import weakref
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from harvest.i18n import _
from harvest.load import git, inputs, sanitise
from harvest.load.cache import Cache
from harvest.problems import Problem, ProblemsFound, summary
from harvest.publish import preview
from harvest.publish.publisher import Publisher
from harvest.render import citations, csp, finished, generate, problems_page, search, templates
from harvest.render.html import e
from harvest.site import check_inputs, load_site

log = get_plugin_logger("harvest")
_KEY = "_harvest_site"
_VIEWS = "_harvest_views"  # src_uri -> the View of a generated page made by a template
_PUBLISHER = "_harvest_publisher"  # the ledgers' files being written, for one build
_NAV = "_harvest_nav"  # the site's navigation, for one build
_FINISHED = "_harvest_finished"  # generated pages whose finished bytes the build cache holds
# Worker processes are the process's, not a build's: on_build_error is told no config to find them in.
_RUNNING: weakref.WeakSet[Publisher] = weakref.WeakSet()


# The command this process runs ("build", "serve"): one per process, unlike the build's state.
_COMMAND: dict[str, str] = {}


def on_startup(command: str, dirty: bool) -> None:
    """Remember whether this is `serve`, whose live reload is an inline script (see csp.policy)."""
    _COMMAND["name"] = command


def _preview() -> bool:
    return _COMMAND.get("name") == "serve"


# Whether builds in this process may use the build cache (`build.py build --no-cache` says no).
_USE_CACHE: dict[str, bool] = {}


def use_cache(enabled: bool) -> None:
    """Let this process's builds use the build cache under .cache/harvest/, or not."""
    _USE_CACHE["enabled"] = enabled


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Read and check every record and ledger before anything is written."""
    logging.getLogger("jieba").setLevel(logging.WARNING)  # Material's search uses jieba; keep it quiet
    root = Path(config.config_file_path).resolve().parent
    if "SOURCE_DATE_EPOCH" not in os.environ:  # same commit, same bytes (see git.commit_time)
        when = git.commit_time(root)
        if when is not None:
            os.environ["SOURCE_DATE_EPOCH"] = str(when)
    cache = Cache.for_site(root, _USE_CACHE.get("enabled", True))
    site, problems = load_site(root, Path(config.docs_dir), config.site_url, config.extra,
                               config_file=Path(config.config_file_path), theme_dir=_theme_dir(config), cache=cache)
    if problems or site is None:
        _stop(problems)
    cache.write_behind()  # flushed in on_post_build
    config.extra[_KEY] = replace(site, preview=_preview())
    config.extra[_FINISHED] = finished.FinishedPages(cache)
    for name, plugin in config.plugins.items():  # the search plugin runs before this hook
        if name.endswith("search"):
            search.remember_entries(plugin, cache)
    config.extra[_VIEWS] = {}
    config.extra["hl_csp"] = csp.policy((), _preview())  # the theme's meta, until on_post_page adds the hashes
    return config


def _theme_dir(config: MkDocsConfig) -> Path | None:
    return Path(config.theme.custom_dir) if config.theme.custom_dir else None


class _Stopped(PluginError):
    """The build stopped on mistakes in editors' files: the preview shows them (on_serve)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(summary(problems))
        self.problems = problems


def _stop(problems: list[Problem]) -> NoReturn:
    for problem in problems:
        log.error(str(problem))
    raise _Stopped(problems)


# What the preview rebuilds when a file changes, besides content/ and mkdocs.yml (MkDocs' own).
_INPUT_FOLDERS = ("products", "campaigns", "ledgers")


def on_serve(server: LiveReloadServer, config: MkDocsConfig, builder: Callable[[], None]) -> LiveReloadServer:
    """The preview rebuilds when a record or ledger changes too, and a rebuild stopped by
    problems shows them in the browser in place of every page until a rebuild succeeds."""
    root = Path(config.config_file_path).resolve().parent
    for name in _INPUT_FOLDERS:
        if (root / name).is_dir():
            server.watch(str(root / name))
    site_dir, theme_dir = Path(config.site_dir), _theme_dir(config)
    last_good = {"pages": preview.pages(site_dir)}  # the first build succeeded, or there is no server

    def rebuild() -> None:
        try:
            builder()
        except Abort as e:
            # MkDocs turns the hook's error into Abort inside its handler: the error is the context.
            stopped = e.__context__
            if not isinstance(stopped, _Stopped):
                raise
            preview.show(site_dir, last_good["pages"], problems_page.page(stopped.problems, theme_dir))
            log.info(_("The preview shows these problems in the browser until they are fixed."))
        else:
            last_good["pages"] = preview.pages(site_dir)

    server.builder = rebuild
    return server


def on_page_read_source(page: Page, config: MkDocsConfig) -> str | None:
    """An editor's page, read without following a link (one made after the check included)."""
    if page.file.generated_by is not None or page.file.abs_src_path is None:
        return None
    try:
        return inputs.read_text(Path(config.docs_dir), page.file.src_uri, inputs.PAGE_BYTES)
    except inputs.Refused as e:
        _stop([e.problem(f"{Path(config.docs_dir).name}/{page.file.src_uri}")])


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated pages and files; stories are shown inside product pages."""
    site = config.extra[_KEY]
    # A ledger's CSV and thousands of look-up files go straight into the site (MkDocs has
    # emptied it by now), written by the publisher (a worker process) while the pages are made.
    publisher = Publisher.start(site.books, Path(config.site_dir), cache=Cache(site.cache.root))  # its own: no writer thread in a fork
    config.extra[_PUBLISHER] = publisher
    _RUNNING.add(publisher)
    for file in list(files):
        if file.src_uri.startswith("stories/") and file.src_uri.endswith(".md"):
            files.remove(file)
    try:
        made = list(generate.outputs(site))
    except ProblemsFound as e:  # a picture changed after it was checked
        _stop(e.problems)
    for out in made:
        existing = files.get_file_from_path(out.src_uri)
        if existing is not None:  # refused by the loader (addresses.OWNED); the build's own file wins
            files.remove(existing)
        inclusion = InclusionLevel.NOT_IN_NAV if out.page and not out.in_nav else InclusionLevel.UNDEFINED
        content = out.content
        if not out.page and out.src_uri.endswith(".html") and isinstance(content, str) and not csp.has_policy(content):
            content = csp.secure(content, _preview())  # redirect pages: no theme, but the same policy
        files.append(File.generated(config, out.src_uri, content=content, inclusion=inclusion))
        if out.view is not None:
            config.extra[_VIEWS][out.src_uri] = out.view
    for cid in site.books:
        same = files.get_file_from_path(f"ledgers/{cid}.csv")
        if same is not None:  # the publisher writes the ledger itself: a copy under content/ must not win
            files.remove(same)
    return files


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    """Keep the navigation: its titles are known once every page is read (on_env)."""
    config.extra[_NAV] = nav
    return nav


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    """Every page is read: generated pages finished by an earlier build are found in the cache."""
    site = finished.shared(Path(config.config_file_path), _theme_dir(config), config.extra.pop(_NAV), _preview())
    views = config.extra[_VIEWS]
    pages = [f.page for f in files.documentation_pages() if f.src_uri in views and f.page is not None]
    config.extra[_FINISHED].look_up(site, pages)
    return env


def on_page_context(context: TemplateContext, page: Page, config: MkDocsConfig, nav: Navigation) -> TemplateContext:
    """A page found finished is printed as it is (after the search index has read its content)."""
    done = config.extra[_FINISHED].found.get(page.file.src_uri)
    if done is not None:
        page.content = done
    return context


def on_post_build(config: MkDocsConfig) -> None:
    """Wait until every ledger's look-up files are written; refuse the site if a link was
    made in an input folder while it was built (MkDocs copies files by following links)."""
    config.extra.pop(_PUBLISHER).finish()
    site = config.extra[_KEY]
    site.cache.flush()
    linked = check_inputs(site.root, site.docs_dir, Path(config.config_file_path), _theme_dir(config))
    if linked:
        _stop(linked)
    # The site is not needed any more: freed now, its objects (a million ledger entries) are
    # not walked again and again by the collector while the interpreter shuts down.
    del config.extra[_KEY]


def on_build_error(error: Exception) -> None:
    """A failed build's site folder is thrown away: stop writing into it."""
    for publisher in list(_RUNNING):
        publisher.cancel()


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Cited figures ({{ figure … }}) in what editors wrote become the values computed from
    the ledgers. A generated page's Markdown is only its editor's region (a product's story):
    the rest of the page is its template's. Text from records is never read for citations."""
    site = config.extra[_KEY]
    if page.file.generated_by is None:  # an editor's page: all of it is theirs
        # Material prints title, description and author into the head as they are.
        page.meta = {k: e(v) if isinstance(v, str) and k != "template" else v for k, v in page.meta.items()}
    return citations.substitute(site, markdown)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Clean what Markdown rendered (harvest/load/sanitise.py); for a generated page, fill its
    template around it (harvest/render/templates.py); mark the result as the page's content
    for the Content-Security-Policy."""
    story = sanitise.clean(html) if html.strip() else ""
    views = config.extra[_VIEWS]
    view = views.get(page.file.src_uri) if page.file.generated_by is not None else None
    if view is None:
        return csp.mark_content(story)
    views[page.file.src_uri] = None  # its data is not needed again: freed (on_env asks only which pages have one)
    return csp.mark_content(templates.render(view, story, _theme_dir(config)))


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """The page's Content-Security-Policy, with the hashes of the theme's inline scripts."""
    pages = config.extra[_FINISHED]
    if page.file.src_uri in pages.found:
        del pages.found[page.file.src_uri]
        _written(page)
        return output  # finished and secured by the build that stored it
    try:
        output = csp.secure(output, _preview())
    except csp.ContentScript as why:
        raise PluginError(_("{page}: {reason}; this is a bug in the sanitiser, please report it")
                          .format(page=page.file.src_uri, reason=why)) from None
    pages.store(page.file.src_uri, output)
    _written(page)
    return output


def _written(page: Page) -> None:
    """A page's HTML is not read again once it is made (its anchors were found when it was
    read): freed, so that a large site's pages are not all held until the build ends."""
    page.content = None
    page.markdown = None


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    """Pages made from a template alone (404.html) get the same policy."""
    return csp.secure(output_content, _preview()) if template_name.endswith(".html") else output_content
