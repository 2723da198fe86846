#!/usr/bin/env python3
"""Harvest Ledger: build, check and preview the site, and look after its ledgers.

Run it inside the project's virtual environment, for example:

    .venv/bin/python build.py check
    .venv/bin/python build.py build

Every command has --help with an example.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))


class _Plain(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        if record.levelno >= logging.ERROR:
            return f"ERROR: {text.removeprefix('harvest: ')}"
        if record.levelno >= logging.WARNING:
            return f"WARNING: {text.removeprefix('harvest: ')}"
        return text


def _logging(verbose: bool) -> None:
    logger = logging.getLogger("mkdocs")
    logger.handlers[:] = []
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Plain())
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.WARNING)
    logger.propagate = False


def _config(config_file: Path, **overrides: object):  # type: ignore[no-untyped-def]
    from mkdocs.config import load_config

    return load_config(str(config_file), **overrides)


def fail(message: str) -> None:
    """Stop with a plain message and exit status 1 (never a traceback)."""
    click.echo(message, err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Harvest Ledger: product story pages and public ledgers of farm-assistance campaigns.

    \b
    Examples:
      python build.py check                      # check every record and ledger
      python build.py build                      # build the site into site/
      python build.py serve                      # preview at http://127.0.0.1:8000/
      python build.py new product wanrong-apple  # start a new product record
    """


config_option = click.option(
    "-f",
    "--config-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=ROOT / "mkdocs.yml",
    show_default="mkdocs.yml",
    help="The site configuration.",
)


@cli.command()
@config_option
@click.option(
    "-d",
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to put the built site (default: site/ beside mkdocs.yml).",
)
@click.option("-v", "--verbose", is_flag=True, help="Show every step MkDocs takes.")
def build(config_file: Path, site_dir: Path | None, verbose: bool) -> None:
    """Check everything, then build the site into site/.

    The site is built in a temporary folder and swapped in only when the build succeeds,
    so a mistake never leaves a broken or half-built site/: the last good one stays.

    \b
    Example:
      python build.py build
      python build.py build --site-dir public
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import Abort, ConfigurationError

    _logging(verbose)
    target = (site_dir or config_file.parent / "site").resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".site-", dir=target.parent))
    try:
        try:
            config = _config(config_file, site_dir=str(tmp))
            mkdocs_build(config)
        except (Abort, ConfigurationError) as e:
            if "BuildError" in str(e):
                sys.exit(1)  # the problems and what to do were printed above
            fail(f"The site was not built; {target.name}/ was left as it was. {e}")
        old = target.with_name(target.name + ".old")
        if target.exists():
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
        tmp.rename(target)
        shutil.rmtree(old, ignore_errors=True)
        os.chmod(target, 0o755)
        click.echo(f"Built the site into {target}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@cli.command()
@config_option
def check(config_file: Path) -> None:
    """Check every record, story and ledger without building.

    Prints every problem found, each with its file, line and field, and how to fix it.
    Exits with status 1 when there is any problem.

    \b
    Example:
      python build.py check
    """
    from mkdocs.exceptions import ConfigurationError

    from hooks.catalog import load_site
    from hooks.problems import report

    _logging(False)
    try:
        config = _config(config_file)
    except ConfigurationError as e:
        fail(f"mkdocs.yml: {e}")
    site, problems = load_site(config_file.parent.resolve(), Path(config.docs_dir), config.site_url, config.extra)
    if problems or site is None:
        fail(report(problems).replace("the site was not built and site/ was left as it was", "nothing was built"))
    n = site.records
    click.echo(
        f"All good: {len(n.products)} products, {len(n.campaigns)} campaigns, "
        f"{len(site.extras.get('ledgers', {}))} ledgers checked."
    )


@cli.command()
@config_option
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
def serve(config_file: Path, dev_addr: str) -> None:
    """Preview the site on this computer, rebuilding when a file changes.

    Changes under products/, campaigns/, ledgers/ and content/ are picked up at once;
    mistakes are shown here and the preview keeps the last good version.

    \b
    Example:
      python build.py serve            # then open http://127.0.0.1:8000/
    """
    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import Abort

    _logging(False)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    try:
        mkdocs_serve(str(config_file), dev_addr=dev_addr, livereload=True)
    except Abort as e:
        fail(str(e))


@cli.group()
def new() -> None:
    """Start a new record from a commented example.

    \b
    Examples:
      python build.py new product wanrong-apple
      python build.py new campaign wanrong-apples-2020
    """


def _new_file(path: Path, text: str) -> None:
    if path.exists():
        fail(f"{path.relative_to(ROOT)} already exists; choose another id or edit that file.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {path.relative_to(ROOT)}")


def _slug(value: str) -> str:
    import re

    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", value) or len(value) > 64:
        raise click.BadParameter(
            f"'{value}' is not an id: use lowercase letters, digits and single dashes, like wanrong-apple"
        )
    return value


@new.command("product")
@click.argument("product_id", callback=lambda ctx, param, v: _slug(v))
def new_product(product_id: str) -> None:
    """Write products/<id>.yml and content/stories/<id>.md to start from.

    \b
    Example:
      python build.py new product wanrong-apple
    """
    from hooks.scaffold import STORY, product_record

    _new_file(ROOT / "products" / f"{product_id}.yml", product_record(product_id))
    _new_file(ROOT / "content" / "stories" / f"{product_id}.md", STORY)
    click.echo("Fill in the fields, then run: python build.py check")


@new.command("campaign")
@click.argument("campaign_id", callback=lambda ctx, param, v: _slug(v))
def new_campaign(campaign_id: str) -> None:
    """Write campaigns/<id>.yml to start from.

    \b
    Example:
      python build.py new campaign wanrong-apples-2020
    """
    from hooks.scaffold import campaign_record

    _new_file(ROOT / "campaigns" / f"{campaign_id}.yml", campaign_record(campaign_id))
    click.echo("Fill in the fields, then run: python build.py check")


if __name__ == "__main__":
    cli()
