"""The command line (`build.py` runs it): build, check and preview the site, and look after its ledgers.

Run it inside the project's virtual environment, for example:

    .venv/bin/python build.py check
    .venv/bin/python build.py build

Every command has --help with an example.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
import click._compat
import click._textwrap
import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.types

from harvest import PROJECT
from harvest.i18n import N_, _

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from harvest.problems import Problem
    from harvest.site import Site

# A text kept in a variable (click's own texts, listed in CLICK_TEXTS below; a constant marked
# with N_() where it is defined) is translated through this name where it is shown, so that
# `_()` in the code takes literals only (the catalogs are extracted from those).
_gettext = _


def _click_ngettext(singular: str, plural: str, n: int) -> str:
    """Click's plural messages, as two messages of our catalogs (Chinese has no plural)."""
    return _gettext(singular if n == 1 else plural)


# Click's own words (Usage:, Options:, "Missing argument"…) are looked up through a module-level
# `_` (and `ngettext`) in each of its modules: they are pointed at our catalogs, where the texts
# an editor can meet with these commands are listed (`CLICK_TEXTS`, so that tools/messages.py
# extracts them). The language is fixed per process, so the decorators below may call `_()`.
for _module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.types):
    _module._ = _gettext  # type: ignore[attr-defined]
for _module in (click.core, click.exceptions, click.parser, click.types):
    _module.ngettext = _click_ngettext  # type: ignore[attr-defined]


def _columns(x: str) -> int:
    """How many terminal columns `x` takes: a Chinese character takes two (click counts one)."""
    text = click._compat.strip_ansi(x)
    return len(text) + sum(unicodedata.east_asian_width(c) in "WF" for c in text)


def _within(text: str, n: int) -> str:
    """The longest start of `text` that fits in `n` columns (at least one character, so wrapping moves on)."""
    used = 0
    for i, c in enumerate(text):
        used += 2 if unicodedata.east_asian_width(c) in "WF" else 1
        if used > n:
            return text[: max(i, 1)]
    return text


# Click wraps the help to the terminal by counting characters; Chinese text would run twice
# as wide, so it measures columns instead (click routes every measure through these two).
click.formatting.term_len = click._textwrap.term_len = _columns
click._textwrap._truncate_visible = _within


class _Formatter(click.HelpFormatter):
    """Click's help pages, with headings punctuated in the language of the text ("选项：")."""

    def write_heading(self, heading: str) -> None:
        self.write(" " * self.current_indent + _("{heading}:").format(heading=heading) + "\n")


click.Context.formatter_class = _Formatter

CLICK_TEXTS = (
    # click.formatting, click.core, click.decorators: the help pages
    N_("Usage:"), N_("Options"), N_("Commands"), N_("Positional arguments"), N_("Show this message and exit."),
    N_("default: {default}"), N_("required"), N_("(dynamic)"), N_("env var: {var}"), N_("Aborted!"),
    N_("Missing command."),
    N_("Got unexpected extra argument ({args})"), N_("Got unexpected extra arguments ({args})"),
    # click.exceptions: a command typed wrong
    N_("Error: {message}"), N_("Try '{command} {option}' for help."),
    N_("Invalid value: {message}"), N_("Invalid value for {param_hint}: {message}"),
    N_("Missing argument"), N_("Missing option"), N_("Missing parameter"), N_("Missing {param_type}"),
    N_("Missing parameter: {param_name}"), N_("No such option {name!r}."), N_("No such command {name!r}."),
    N_("Did you mean {possibility}?"), N_("(Did you mean one of: {possibilities}?)"),
    N_("unknown error"), N_("Could not open file {filename!r}: {message}"),
    # click.parser
    N_("Option {name!r} does not take a value."), N_("Option {name!r} requires an argument."),
    N_("Option {name!r} requires {nargs} arguments."),
    # click.types: the files, folders and numbers given to the options
    N_("{value!r} is not a valid {number_type}."), N_("{value} is not in the range {range}."),
    N_("file"), N_("directory"), N_("path"),
    N_("{name} {filename!r} does not exist."), N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."), N_("{name} {filename!r} is not readable."),
    N_("{name} {filename!r} is not writable."), N_("{name} {filename!r} is not executable."),
)

# The site's folder: where build.py is (a county office's site repository, with its own
# mkdocs.yml and schemas/), set by `main`; the package's own folder otherwise.
ROOT = PROJECT


# What MkDocs itself says while it builds and previews, told in the editor's language (the
# other lines of MkDocs, seen with --verbose, stay as MkDocs writes them).
_MKDOCS_SAYS = (
    (re.compile(r"Building documentation\.\.\."), N_("Building the site…")),
    (re.compile(r"Cleaning site directory"), N_("Emptying the site folder")),
    (re.compile(r"Documentation built in (?P<seconds>[\d.]+) seconds"), N_("The site was built in {seconds} seconds.")),
    (re.compile(r"Watching paths for changes: (?P<paths>.*)"), N_("Watching for changes in: {paths}")),
    (re.compile(r"Serving on (?P<url>\S+)(?: and opening it in a browser)?"),
     N_("Preview at {url} (open it in a browser; Ctrl+C stops it)")),
    (re.compile(r"Detected file changes"), N_("A file changed")),
    (re.compile(r"Reloading browsers"), N_("Reloading the pages in the browser")),
    (re.compile(r"Browser connected: (?P<url>\S+)"), N_("A browser opened {url}")),
    (re.compile(r"Shutting down\.\.\."), N_("Stopping…")),
)
_CLOCK = re.compile(r"(?P<clock>\[\d\d:\d\d:\d\d\] )?(?P<text>.*)", re.S)


def _mkdocs_says(text: str) -> str:
    """One of MkDocs' own lines in the editor's language (its clock kept), or the line as it was."""
    clock, said = _CLOCK.fullmatch(text).group("clock", "text")  # type: ignore[union-attr]
    for pattern, message in _MKDOCS_SAYS:
        if found := pattern.fullmatch(said):
            return (clock or "") + _gettext(message).format(**found.groupdict())
    return text


class _Plain(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = _mkdocs_says(record.getMessage())
        if record.levelno >= logging.ERROR:
            return _("ERROR: {message}").format(message=text.removeprefix("harvest: "))
        if record.levelno >= logging.WARNING:
            return _("WARNING: {message}").format(message=text.removeprefix("harvest: "))
        return text


def _no_system_errors(record: logging.LogRecord) -> bool:
    # MkDocs logs "Error building page 'x': [Errno 28] …" with the temporary folder's path
    # before re-raising; `build` tells the same error once, in plain words (`_io_message`).
    return not (record.levelno >= logging.ERROR and "[Errno " in record.getMessage())


def _logging(verbose: bool) -> None:
    logger = logging.getLogger("mkdocs")
    logger.handlers[:] = []
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Plain())
    handler.addFilter(_no_system_errors)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.WARNING)
    logger.propagate = False


def _config(config_file: Path, site_dir: str | None = None) -> MkDocsConfig:
    from mkdocs.config import load_config

    from harvest.load.inputs import link_problem
    from harvest.problems import report

    if config_file.is_symlink():  # refused before MkDocs reads it; load_site tells it again
        fail(report([link_problem(config_file.parent, config_file)]))
    return load_config(str(config_file), site_dir=site_dir) if site_dir else load_config(str(config_file))


def fail(message: str) -> NoReturn:
    """Stop with a plain message and exit status 1 (never a traceback)."""
    click.echo(message, err=True)
    sys.exit(1)


def fail_with(problems: list[Problem], outcome: str) -> NoReturn:
    """Stop with every problem, then what became of the work (`outcome`, a whole sentence), and exit status 1."""
    from harvest.problems import report

    fail(report(problems, outcome))


class _Commands(click.Group):
    """The commands; an error of the system (disk full, read-only…) ends any of them with a
    plain message, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except OSError as e:
            fail(_io_message(e, _("Stopped; run `git status` to see whether a file was changed.")))


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]}, help=_("""Harvest Ledger: product story pages and public ledgers of farm-assistance campaigns.

    \b
    Examples:
      python build.py check                      # check every record and ledger
      python build.py build                      # build the site into site/
      python build.py serve                      # preview at http://127.0.0.1:8000/
      python build.py new product wanrong-apple  # start a new product record

    Set HARVEST_ENGINE=properdocs to build with ProperDocs instead of MkDocs (see DEVELOPERS.md).
    """))
def cli() -> None:
    if os.environ.get("HARVEST_ENGINE", "").lower() == "properdocs":
        # From here on every `import mkdocs…` (ours, the hook's, Material's) loads ProperDocs.
        try:
            import properdocs.replacement  # noqa: F401
        except ImportError:
            fail(_("HARVEST_ENGINE=properdocs, but ProperDocs is not installed: .venv/bin/pip install properdocs"))


no_cache_option = click.option(
    "--no-cache", is_flag=True,
    help=_("Make everything again, without the work saved by earlier builds in .cache/harvest/ (same result, slower)."),
)
config_option = click.option(
    "-f",
    "--config-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=lambda: ROOT / "mkdocs.yml",
    show_default="mkdocs.yml",
    help=_("The site configuration."),
)


@cli.command(help=_("""Check everything, then build the site into site/.

    The site is built in a temporary folder and swapped in only when the build succeeds,
    so a mistake never leaves a broken or half-built site/: the last good one stays.

    \b
    Example:
      python build.py build
      python build.py build --site-dir public
      python build.py build --previous-site https://harvest-ledger.example.org/
    """))
@config_option
@click.option(
    "-d",
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=_("Where to put the built site (default: site/ beside mkdocs.yml)."),
)
@click.option("-v", "--verbose", is_flag=True, help=_("Show every step MkDocs takes."))
@click.option("--previous-site", default=None, metavar="URL_OR_FOLDER",
              help=_("The live site: refuse to replace it with a site whose ledgers are not consistent with it."))
@no_cache_option
def build(config_file: Path, site_dir: Path | None, verbose: bool, previous_site: str | None, no_cache: bool) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import Abort, BuildError, ConfigurationError

    from harvest import hook
    from harvest.publish import swap

    hook.use_cache(not no_cache)

    _logging(verbose)
    target = Path(os.path.abspath(site_dir or config_file.parent / "site"))
    target = target.parent.resolve() / target.name  # the folder itself may be a link: swapped, not followed
    repo = config_file.parent.resolve()
    inputs = [repo / name for name in ("content", "products", "campaigns", "ledgers", "theme")]
    if repo.is_relative_to(target) or any(target.is_relative_to(folder) for folder in inputs):
        fail(_("--site-dir {site_dir}: the built site replaces that whole folder, so it must be a folder of its own"
               " (like site or public), not the repository, a folder above it, or one of its input folders.")
             .format(site_dir=site_dir))
    kept = _("The site was not built; {folder}/ was left as it was.").format(folder=target.name)
    staged: dict[str, str] = {}  # the temporary folder, as messages name it
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with swap.staging(target) as tmp:
            staged[str(tmp)] = target.name
            try:
                config = _config(config_file, site_dir=str(tmp))
                mkdocs_build(config)
            except (Abort, ConfigurationError) as e:
                if isinstance(e.__context__, BuildError):  # MkDocs' "Aborted with a BuildError!"
                    sys.exit(1)  # the problems and what to do were printed above
                fail(f"{kept} {e}")
            if previous_site:
                from harvest.proofs.logclient import Source, check_previous

                refused = check_previous(Source(tmp), Source(previous_site))
                if refused:
                    fail(_("The new site is not consistent with the live site {site}; {folder}/ was left as it was:")
                         .format(site=previous_site, folder=target.name) + "".join(f"\n  - {x}" for x in refused))
            swap.swap(tmp, target)
    except OSError as e:
        fail(_io_message(e, kept, staged))
    click.echo(_("Built the site into {folder}").format(folder=target))
    _in_app_report(config.extra)


def _io_message(error: OSError, outcome: str, shown_as: dict[str, str] | None = None) -> str:
    """An error of the system (disk full, read-only, no permission…) told as a Problem:
    the file, what went wrong in plain words, how to fix it; then what became of the work."""
    from harvest.load.inputs import io_words
    from harvest.problems import Problem

    where = os.fsdecode(error.filename) if error.filename is not None else _("a file")
    for long, short in (shown_as or {}).items():
        where = where.replace(long, short)
    with contextlib.suppress(ValueError):
        where = Path(where).relative_to(Path.cwd()).as_posix().removeprefix(".") or where
    what, fix = io_words(error)
    return f"{Problem(where, None, '', _('a file that can be written and read'), what, fix)}\n{outcome}"


@cli.command(help=_("""Check every record, story and ledger without building.

    Prints every problem found, each with its file, line and field, and how to fix it.
    Exits with status 1 when there is any problem.

    \b
    Example:
      python build.py check
    """))
@config_option
def check(config_file: Path) -> None:
    site = _site_or_fail(config_file, outcome=_("nothing was built."))
    n = site.records
    click.echo(_("All good: {products} products, {campaigns} campaigns, {ledgers} ledgers checked.").format(
        products=len(n.products), campaigns=len(n.campaigns), ledgers=len(site.books)))


@cli.command(help=_("""Preview the site on this computer, rebuilding when a file changes.

    Changes under products/, campaigns/, ledgers/ and content/ are picked up at once.
    Mistakes are shown here and, in place of every page, in the browser until they are
    fixed; then the pages come back.

    \b
    Example:
      python build.py serve            # then open http://127.0.0.1:8000/
    """))
@config_option
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help=_("Address to serve on."))
@no_cache_option
def serve(config_file: Path, dev_addr: str, no_cache: bool) -> None:
    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import Abort

    from harvest import hook

    hook.use_cache(not no_cache)
    _logging(False)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    try:
        mkdocs_serve(str(config_file), dev_addr=dev_addr, livereload=True)
    except Abort as e:
        fail(str(e))


def _loopback(value: str, option: str) -> tuple[str, int]:
    host, _colon, port = value.rpartition(":")
    if host not in ("127.0.0.1", "localhost") or not port.isdigit():
        raise click.BadParameter(_("'{value}': use an address on this computer only, like 127.0.0.1:8000").format(value=value),
                                 param_hint=option)
    return "127.0.0.1", int(port)


@cli.command(help=_("""Edit products, stories and campaigns with forms in the browser, on this computer.

    Starts the site preview and the content manager (Decap CMS in local mode), both on
    127.0.0.1 only: nothing is reachable from other computers and no account is needed.
    Saving a form writes the files of this folder (products/, campaigns/, content/stories/,
    content/images/) and the preview rebuilds. Ledgers are not edited here: use
    `build.py import` and `build.py seal`. Commit the changes with git as usual.
    Stop with Ctrl-C.

    \b
    Example:
      python build.py edit            # then open http://127.0.0.1:8081/admin/
    """))
@config_option
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help=_("Where the site preview is served."))
@click.option("--cms-addr", default="127.0.0.1:8081", show_default=True, help=_("Where the forms are served."))
def edit(config_file: Path, dev_addr: str, cms_addr: str) -> None:
    import threading
    from urllib.parse import urlsplit

    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import Abort, ConfigurationError

    from harvest.commands.edit_backend import Workspace, make_server

    preview_host, preview_port = _loopback(dev_addr, "--dev-addr")
    cms_host, cms_port = _loopback(cms_addr, "--cms-addr")
    _logging(False)
    try:
        config = _config(config_file)
    except ConfigurationError as e:
        fail(f"mkdocs.yml: {e}")
    root = config_file.parent.resolve()
    mount = urlsplit(config.site_url or "/").path or "/"
    preview = f"http://{preview_host}:{preview_port}{mount}"
    workspace = Workspace(root, Path(config.docs_dir).resolve().relative_to(root).as_posix(), dict(config.extra),
                          log=lambda line: click.echo(line, err=True))
    try:
        server = make_server(workspace, site_url=config.site_url or preview, port=cms_port, preview_url=preview)
    except OSError as e:
        fail(_("Cannot serve the forms on {address} ({reason}); is `build.py edit` already running? "
               "Use --cms-addr 127.0.0.1:<another port>.").format(address=f"{cms_host}:{cms_port}", reason=e.strerror))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    forms = f"http://{cms_host}:{server.server_address[1]}/admin/"
    click.echo(_("Site preview: {preview}\nContent manager (forms): {forms}\nPress Ctrl-C to stop.")
               .format(preview=preview, forms=forms), err=True)
    watch = [root / d for d in ("products", "campaigns", "ledgers", config.docs_dir) if (root / d).is_dir()]
    try:
        while True:
            try:
                mkdocs_serve(str(config_file), dev_addr=f"{preview_host}:{preview_port}", livereload=True,
                             watch=[str(w) for w in watch])
                break  # Ctrl-C: MkDocs has stopped the preview
            except Abort:
                # The forms keep running: a mistake can be corrected in them, then the preview starts.
                click.echo(_("The preview cannot be built for now: fix the problems above (in the forms too, if you "
                             "like); once they are saved, the preview tries again by itself."), err=True)
                _wait_for_change(watch)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    click.echo(_("Stopped."), err=True)


def _wait_for_change(folders: list[Path]) -> None:
    """Sleep until a file under one of the folders is added, removed or saved."""
    import time

    def state() -> set[tuple[str, int]]:
        return {(str(p), p.stat().st_mtime_ns) for f in folders for p in f.rglob("*") if p.is_file()}

    before = state()
    while state() == before:
        time.sleep(1)


@cli.group(help=_("""Start a new record from a commented example.

    \b
    Examples:
      python build.py new product wanrong-apple
      python build.py new campaign wanrong-apples-2020
    """))
def new() -> None:
    """`build.py new`: its commands are below."""


def _new_file(root: Path, rel: str, text: str) -> None:
    path = root / rel
    if os.path.lexists(path):
        fail(_("{file} already exists; choose another id or edit that file.").format(file=rel))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as out:  # "x": never through a link made meanwhile
        out.write(text)
    click.echo(_("Wrote {file}").format(file=rel))


def _slug(value: str) -> str:
    from harvest.load.models import is_slug

    if not is_slug(value):
        raise click.BadParameter(
            _("'{value}' is not an id: use lowercase letters, digits and single dashes, like wanrong-apple").format(value=value)
        )
    return value


@new.command("product", help=_("""Write products/<id>.yml and content/stories/<id>.md to start from.

    \b
    Example:
      python build.py new product wanrong-apple
    """))
@click.argument("product_id", callback=lambda ctx, param, v: _slug(v))
@config_option
def new_product(product_id: str, config_file: Path) -> None:
    from harvest.commands.scaffold import product_record, story

    root = config_file.parent
    _new_file(root, f"products/{product_id}.yml", product_record(product_id))
    _new_file(root, f"content/stories/{product_id}.md", story())
    click.echo(_("Fill in the fields, then run: python build.py check"))


@new.command("campaign", help=_("""Write campaigns/<id>.yml to start from.

    \b
    Example:
      python build.py new campaign wanrong-apples-2020
    """))
@click.argument("campaign_id", callback=lambda ctx, param, v: _slug(v))
@config_option
def new_campaign(campaign_id: str, config_file: Path) -> None:
    from harvest.commands.scaffold import campaign_record

    _new_file(config_file.parent, f"campaigns/{campaign_id}.yml", campaign_record(campaign_id))
    click.echo(_("Fill in the fields, then run: python build.py check"))


@cli.command(help=_("""Write schemas/product.schema.json and schemas/campaign.schema.json from harvest/load/models.py.

    Editors' tools (VS Code with the YAML extension) read these files to underline mistakes
    in records as you type. Run this after changing the record rules in harvest/load/models.py.

    \b
    Example:
      python build.py schemas
      python build.py schemas --check
    """))
@click.option("--check", "check_only", is_flag=True, help=_("Only say whether the files are up to date (exit 1 if not)."))
def schemas(check_only: bool) -> None:
    from harvest.load.schemas import schema_texts

    stale = []
    for rel, text in schema_texts().items():
        path = ROOT / rel
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(rel)
        if not check_only:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            click.echo(_("Wrote {file}").format(file=rel))
    if check_only and stale:
        fail(_("Out of date: {files}; run: python build.py schemas").format(files=", ".join(stale)))
    if not stale:
        click.echo(_("The schemas are up to date."))


def _in_app_report(extra: Any) -> None:
    """Per channel, which in-app browsers open the shop, guide the reader or offer a copy."""
    from harvest.load.inapp import policy_summary, report_title
    from harvest.load.records import load_channels

    click.echo(report_title())
    for channel in load_channels(extra)[0].values():
        click.echo(policy_summary(channel.id, channel.label, channel.in_app))


def _site_or_fail(config_file: Path, outcome: str | None = None) -> Site:
    """Load and check the whole site, or print every problem and exit 1, then `outcome` (by default,
    that nothing was changed)."""
    from mkdocs.exceptions import ConfigurationError

    from harvest.site import load_site

    _logging(False)
    try:
        config = _config(config_file)
    except ConfigurationError as e:
        fail(f"mkdocs.yml: {e}")
    theme_dir = config.theme.custom_dir
    site, problems = load_site(config_file.parent.resolve(), Path(config.docs_dir), config.site_url, config.extra,
                               config_file=config_file, theme_dir=Path(theme_dir) if theme_dir else None)
    if problems or site is None:
        fail_with(problems, outcome or _("nothing was changed."))
    return site


def _campaign_or_fail(site: Site, typed: str, ledger: bool = False) -> str:
    """The id of the campaign `typed` names (its id, or its name when no other campaign has it);
    else exit 1 saying which campaign was probably meant. With `ledger`, it must have one."""
    from harvest.load.names import Names

    known = Names("campaign", {cid: [c.name] for cid, c in site.records.campaigns.items()})
    found = known.resolve(typed)
    if found is None:
        fail(_('There is no campaign "{typed}": {hint}check the id, or add campaigns/{typed}.yml first '
               "(python build.py new campaign <id>).").format(typed=typed, hint=known.hint(typed)))
    if ledger and found not in site.books:
        fail(_('There is no ledger ledgers/{id}.csv for a campaign "{id}": '
               "import one first (python build.py import {id} <file>).").format(id=found))
    return found


@cli.command("import", help=_("""Append the entries of a spreadsheet export to ledgers/<campaign-id>.csv.

    EXPORT is a CSV file saved from a spreadsheet or exported by a county office or a
    platform: UTF-8, UTF-16, GBK or GB18030; English or Chinese column names (日期, 类型,
    金额 …) in any order; amounts like ¥1,200.00, 1.5万 or ＋３００; dates like 2020年2月10日.
    Lines before the header and summary lines after the data are skipped.

    All or nothing: if any row cannot be read, nothing is appended and the row is named.
    Importing the same export twice appends nothing the second time.

    \b
    Example:
      python build.py import wanrong-apples-2020 ~/Downloads/直播销售明细.csv
    """))
@click.argument("campaign_id")
@click.argument("export", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@config_option
def import_(campaign_id: str, export: Path, config_file: Path) -> None:
    from harvest.ledger.importer import import_export, summary
    from harvest.load.records import channel_names, product_names

    unchanged = _("nothing was appended; the ledger is unchanged.")
    site = _site_or_fail(config_file, outcome=unchanged)  # checked as the build checks it; never through a link
    campaign_id = _campaign_or_fail(site, campaign_id)
    result, problems = import_export(
        export, site.root / "ledgers" / f"{campaign_id}.csv", campaign=campaign_id,
        products=product_names(site.records.products), channels=channel_names(site.channels),
        ledger_path=f"ledgers/{campaign_id}.csv", export_label=export.name,
    )
    if problems or result is None:
        fail_with(problems, unchanged)
    click.echo(summary(result))


@cli.command(help=_("""Seal the ledger as it is now: append its size and Merkle root to ledgers/<id>.checkpoints.

    From then on, every build checks that the sealed entries are still there, unchanged and
    in the same order; an edited, deleted or reordered sealed entry stops the build. Commit
    the .checkpoints file together with the ledger.

    \b
    Example:
      python build.py seal baojing-oranges-2019
    """))
@click.argument("campaign_id")
@click.option("--date", "day", default=None, help=_("The date of the seal, YYYY-MM-DD (default: today)."))
@config_option
def seal(campaign_id: str, day: str | None, config_file: Path) -> None:
    import datetime

    from harvest.proofs.checkpoint import seal_line

    site = _site_or_fail(config_file)
    campaign_id = _campaign_or_fail(site, campaign_id, ledger=True)
    book = site.books[campaign_id]
    try:
        when = datetime.date.fromisoformat(day) if day else datetime.date.today()
    except ValueError:
        fail(_('--date takes a date written YYYY-MM-DD, like 2026-01-31, not "{day}".').format(day=day))
    size = book.tree.size
    if book.heads and book.heads[-1].size == size:
        click.echo(_("Nothing to seal: the last seal already covers all {size} entries.").format(size=size))
        return
    path = site.root / "ledgers" / f"{campaign_id}.checkpoints"
    with path.open("a", encoding="utf-8", newline="\n") as out:
        out.write(seal_line(size, book.tree.root(), when))
    click.echo(_("Sealed the first {size} entries of ledgers/{id}.csv (root {root}).\n"
                 "Commit ledgers/{id}.checkpoints with the ledger.").format(size=size, id=campaign_id, root=book.root_hex))


@cli.command(help=_("""Print the proof that a donation is in a campaign's ledger (c2sp.org/tlog-proof@v1).

    The proof holds the entry's index, the hashes that lead from it to the Merkle root, and
    the ledger's checkpoint. Anyone can check it without trusting this site.

    \b
    Example:
      python build.py proof baojing-oranges-2019 BJ2019-0001
    """))
@click.argument("campaign_id")
@click.argument("receipt")
@config_option
def proof(campaign_id: str, receipt: str, config_file: Path) -> None:
    from harvest.proofs import published
    from harvest.proofs.checkpoint import checkpoint_note, parse_tlog_proof
    from harvest.proofs.verify import check_receipt_proof, proof_for_receipt

    site = _site_or_fail(config_file)
    campaign_id = _campaign_or_fail(site, campaign_id, ledger=True)
    book = site.books[campaign_id]
    cosigned = [row for _size, _body, row in published.witnessed(site, campaign_id, book).valid]
    note = checkpoint_note(published.origin_of(site, campaign_id), book.tree.size, book.tree.root(),
                           published.signer_of(site, campaign_id), cosigned)
    try:
        text = proof_for_receipt(book.ledger.data, note, receipt)
        # Checked as a donor's tool would check it, before anyone is handed it.
        check_receipt_proof(text, book.ledger.lines()[parse_tlog_proof(text).index])
        click.echo(text, nl=False)
    except LookupError as e:
        reason = str(e).strip("'\"")
        fail(reason[:1].upper() + reason[1:])
    except ValueError as e:  # the ledger and its checkpoint disagree
        fail(_("No proof was made: {reason}.").format(reason=e))


@cli.command(help=_("""Check a built or downloaded site: every ledger against its signed checkpoints and proofs.

    Recomputes each published ledger's Merkle root from its CSV; checks each checkpoint's
    signature with the keys the site publishes (or --key), that a quorum of the site's
    witnesses (or --witness/--quorum) cosigned it, every consistency proof between signed
    heads, and the receipt look-up data. Unsigned or unwitnessed ledgers fail unless
    --allow-unsigned or --quorum 0 says so. Exits 1 when anything does not add up.

    \b
    Examples:
      python build.py verify site
      python build.py verify downloaded-site --previous saved-checkpoint.txt
      python build.py verify site --allow-unsigned --quorum 0     # a local preview
    """))
@click.argument("site_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--key", "verifier_keys", multiple=True,
              help=_("A ledger's verifier key to trust instead of the keys the site publishes (repeatable)."))
@click.option("--witness", "witnesses", multiple=True,
              help=_("A witness verifier key to count instead of the site's own list (repeatable)."))
@click.option("--quorum", type=click.IntRange(min=0), default=None,
              help=_("How many witnesses must have cosigned each head (default: the site's quorum)."))
@click.option("--allow-unsigned", is_flag=True, help=_("Accept unsigned ledgers (a local preview build)."))
@click.option("--previous", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help=_("A checkpoint you saved earlier: prove the ledger only grew since."))
def verify(site_dir: Path, verifier_keys: tuple[str, ...], witnesses: tuple[str, ...], quorum: int | None,
           allow_unsigned: bool, previous: Path | None) -> None:
    from harvest.proofs.verify import Trust, verify_site

    trust = Trust(verifier_keys or None, witnesses or None, quorum, allow_unsigned)
    lines, failure = verify_site(
        site_dir, trust=trust, previous_checkpoint=previous.read_text(encoding="utf-8") if previous else None,
    )
    for line in lines:
        click.echo(line)
    if failure:
        fail(_("NOT VERIFIED: {failure}").format(failure=failure))
    click.echo(_("All checks passed."))


@cli.command(help=_("""Make the site's secret key for signing the ledgers' checkpoints.

    Keep the signer key secret: store it as the CI secret HARVEST_SIGNING_KEY (never in the
    repository). Each ledger signs with its own key derived from it and named after the
    ledger; the build publishes their verifier keys (ledgers/logs.json) for everyone.

    \b
    Example:
      python build.py keygen
    """))
@config_option
def keygen(config_file: Path) -> None:
    from harvest.proofs.checkpoint import generate_signer, key_name

    config = _config(config_file)
    signer, verifier = generate_signer(key_name(config.site_url or "https://example.org/"))
    click.echo(_("Signer key (secret, for HARVEST_SIGNING_KEY):\n  {signer}\nVerifier key (public):\n  {verifier}")
               .format(signer=signer, verifier=verifier))


@cli.group(help=_("""Be a witness: cosign a site's ledger heads after checking they only grew.

    A witness (a partner platform, a foundation, a university) runs `cosign` on a schedule,
    keeps its state folder, and sends the cosignatures to the site by pull request.

    \b
    Examples:
      python build.py witness keygen witness.example.edu --out witness.key
      python build.py witness cosign https://harvest-ledger.example.org/ --key witness.key --state state
    """))
def witness() -> None:
    """`build.py witness`: its commands are below."""


@witness.command("keygen", help=_("""Make a witness key: write the secret key to --out, print the verifier key to swap.

    \b
    Example:
      python build.py witness keygen witness.example.edu --out witness.key
    """))
@click.argument("name")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help=_("Where to write the secret key (made readable only by you)."))
def witness_keygen(name: str, out: Path) -> None:
    from harvest.proofs.cosignature import witness_keygen as keygen

    if out.exists():
        fail(_("{file} already exists; a witness key is never overwritten. Choose another file.").format(file=out))
    try:
        signer, verifier = keygen(name)
    except ValueError as e:
        fail(_("The witness name is not usable: {reason}.").format(reason=e))
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(signer + "\n")
    click.echo(_("Wrote the secret key to {file} (keep it secret). The verifier key, for the sites' mkdocs.yml:\n"
                 "{verifier}").format(file=out, verifier=verifier))


@witness.command("cosign", help=_("""Check every ledger of SITE (a built folder or its address) and cosign its current head.

    The log's signature is checked with the key recorded the first time the witness saw it;
    the new head must be consistent with the last one cosigned. On any failure nothing is
    cosigned and the command exits 1 naming both heads.

    \b
    Example:
      python build.py witness cosign https://harvest-ledger.example.org/ --key witness.key --state state
    """))
@click.argument("site")
@click.option("--key", "key_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help=_("The witness's secret key file (from witness keygen)."))
@click.option("--state", type=click.Path(file_okay=False, path_type=Path), required=True,
              help=_("The witness's state folder: the log keys and heads it saw. Keep it (commit it)."))
@click.option("--write-to", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=_("A checkout of the site's repository: update its ledgers/<id>.cosignatures."))
@click.option("--time", "when", type=int, default=None, hidden=True, help=_("Cosign at this POSIX time (tests)."))
def witness_cosign(site: str, key_file: Path, state: Path, write_to: Path | None, when: int | None) -> None:
    import time

    from harvest.proofs.cosignature import witness_verifier
    from harvest.proofs.logclient import Source
    from harvest.proofs.witness import cosign_site, write_cosignatures

    try:
        signer = key_file.read_text("utf-8").strip()
        name = witness_verifier(signer).split("+", 1)[0]
    except (OSError, UnicodeDecodeError, ValueError) as e:
        fail(_("{file} is not a witness key: {reason}").format(file=key_file, reason=e))
    try:
        outcome = cosign_site(Source(site), signer, state, int(time.time()) if when is None else when)
    except ValueError as e:
        fail(_("The state folder {folder} is broken: {reason}").format(folder=state, reason=e))
    if outcome.failures:
        fail(_("REFUSED: nothing was cosigned.") + "".join(f"\n  - {x}" for x in outcome.failures))
    for log_id, line in sorted(outcome.lines.items()):
        click.echo(f"ledgers/{log_id}.cosignatures: {line}")
    for said in outcome.said:
        click.echo(said, err=True)
    if write_to is not None:
        for path in write_cosignatures(write_to, outcome.lines, name):
            click.echo(_("Wrote {file}").format(file=path), err=True)


@cli.command(help=_("""Audit every ledger of SITE (a built folder or its address) and say what was appended.

    Checks each checkpoint's signature (with the key seen the first time), its witnesses,
    that it only grew since the last run, and every entry against the signed root (read
    through the published tiles and entry bundles). Prints the entries and totals appended
    since last time. Exits 1 with an ALARM on any rewrite, fork or bad signature.

    \b
    Example:
      python build.py monitor https://harvest-ledger.example.org/ --state monitor-state
    """))
@click.argument("site")
@click.option("--state", type=click.Path(file_okay=False, path_type=Path), required=True,
              help=_("The monitor's state folder: the log keys and heads it saw last time. Keep it."))
@click.option("--witness", "witnesses", multiple=True,
              help=_("A witness verifier key to count instead of the site's own list (repeatable)."))
@click.option("--quorum", type=click.IntRange(min=0), default=None,
              help=_("How many witnesses must cosign each head (default: the site's quorum)."))
def monitor(site: str, state: Path, witnesses: tuple[str, ...], quorum: int | None) -> None:
    import time

    from harvest.proofs.logclient import Source
    from harvest.proofs.monitor import monitor_site

    try:
        outcome = monitor_site(Source(site), state, int(time.time()), witnesses=witnesses or None, quorum=quorum)
    except ValueError as e:
        fail(_("The state folder {folder} is broken: {reason}").format(folder=state, reason=e))
    for said in outcome.said:
        click.echo(said)
    if outcome.failures:
        fail("\n".join(outcome.failures))


@cli.command(help=_("""Say, in Markdown, what the changes since REF do to the public site.

    Compares the products, campaigns and ledgers committed at REF (a branch, tag or commit)
    with the files in this folder: records added, removed or changed (and which fields),
    entries appended to each ledger with every total and balance before and after, newly
    sealed heads, and a loud warning for anything that edits, deletes or reorders ledger
    entries or touches a sealed one.

    \b
    Examples:
      python build.py diff origin/main
      python build.py diff HEAD~3 --output change-report.md
    """))
@click.argument("ref")
@config_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_("Also write the report to this file (the CI workflow posts it on the pull request)."))
def diff(ref: str, config_file: Path, output: Path | None) -> None:
    from harvest.commands.diff import change_report, read_state, read_state_at
    from harvest.load.records import load_channels
    from harvest.site import check_inputs, load_site

    _logging(False)
    config = _config(config_file)
    root = config_file.parent.resolve()
    theme_dir = Path(config.theme.custom_dir) if config.theme.custom_dir else None
    linked = check_inputs(root, Path(config.docs_dir), config_file, theme_dir)  # refused here as by check and build
    if linked:
        fail_with(linked, _("no report was made."))
    # The one loader, as `check` and `build` run it: the report says what they will refuse.
    _site, refused = load_site(root, Path(config.docs_dir), config.site_url, config.extra,
                           config_file=config_file, theme_dir=theme_dir)
    channels, _broken = load_channels(config.extra)  # a broken channel list is `build.py check`'s to report
    old, error = read_state_at(root, ref, channels)
    if old is None:
        fail(error)
    text = change_report(old, read_state(root, channels), ref, refused)
    if output is not None:
        output.write_text(text, encoding="utf-8")
    click.echo(text, nl=False)


def main(site_root: Path) -> None:
    """Run the command line for the site whose build.py is in `site_root`."""
    global ROOT
    ROOT = site_root
    cli()

