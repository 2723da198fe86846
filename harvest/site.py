"""The whole site's data, loaded and checked once per build.

`load_site` is the one place that reads editors' files: records, stories and ledgers. It
returns a `Site` (plain data, derived figures included) and every problem found. Pages and
data files are made from the `Site` only.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from harvest import THEME
from harvest.i18n import _
from harvest.ledger import citations
from harvest.load import content, inputs, links, sanitise
from harvest.load.cache import Cache
from harvest.load.records import Channel, Records, channel_names, load_channels, load_records, product_names
from harvest.load.settings import Admin, read_admin
from harvest.problems import Problem, shown
from harvest.proofs import checkpoint
from harvest.proofs.books import Book, load_books
from harvest.proofs.cosignature import Policy, parse_policy
from harvest.vocabulary import CATEGORIES, label, pinyin, province_order


@dataclass(frozen=True)
class View:
    """What a generated page shows, apart from the editor's Markdown: a template under theme/
    (`template`, e.g. "partials/hl/campaign.html") and the plain data it is filled with (`data`,
    seen by the template as `hl`). Text in `data` is escaped by the template; only values already
    made safe (`markupsafe.Markup`: inline SVG pictures such as QR codes and charts) are not."""

    template: str
    data: Mapping[str, Any]


@dataclass(frozen=True)
class Output:
    """One generated file: a Markdown page (rendered with the theme) or a finished file.

    A page with a `view` is made by its template; its `content` is only its front matter and
    the editor's Markdown (a product's story), which the template places as `story`."""

    src_uri: str
    content: str | bytes
    page: bool = False
    in_nav: bool = False
    view: View | None = None


@dataclass(frozen=True)
class Site:
    """Everything the pages are made from."""

    root: Path
    docs_dir: Path  # content/: pages, stories and pictures
    site_url: str
    channels: dict[str, Channel]
    records: Records
    stories: dict[str, str]
    books: dict[str, Book] = field(default_factory=dict)
    signer: str | None = None  # the Ed25519 signer key from HARVEST_SIGNING_KEY, never from the repository
    witnesses: Policy = Policy()  # the witnesses trusted to cosign, and the quorum (extra: witnesses:)
    admin: Admin | None = None  # the editors' forms at /admin/ (extra.admin, extra.categories)
    # `serve`: MkDocs gives the site the preview's address, so the ledgers' origins differ from
    # the ones the witnesses cosigned; the build says nothing of cosignatures it cannot use then.
    preview: bool = False
    # Work already done by earlier builds (load/cache.py): only ever a shortcut, never data.
    cache: Cache = field(default_factory=lambda: Cache(None), compare=False, repr=False)

    def category(self, slug: str) -> str:
        """A category as readers see it: its label in `extra.categories` or the defaults."""
        return label(self.admin.categories if self.admin else CATEGORIES, slug)

    def absolute(self, url: str) -> str:
        """The absolute address of a site-relative URL (what QR codes encode)."""
        return self.site_url + url

    def product_campaigns(self, pid: str) -> list[str]:
        """Campaigns a product takes part in: named by the product or by the campaign."""
        found = set(self.records.products[pid].campaigns)
        found.update(c for c, camp in self.records.campaigns.items() if pid in camp.products)
        return sorted(found)

    def products_by_place(self) -> list[str]:
        """Product ids sorted by province (in the official order), then county and product
        name by pinyin, then id."""
        return list(self._by_place)

    @cached_property
    def _by_place(self) -> tuple[str, ...]:  # sorted once a build: three page families ask
        products = self.records.products

        def key(pid: str) -> tuple[object, ...]:
            p = products[pid]
            return province_order(p.origin.province), pinyin(p.origin.county), pinyin(p.name), pid

        return tuple(sorted(products, key=key))


def check_site_url(site_url: str | None) -> tuple[str, list[Problem]]:
    """`site_url` is required: QR codes encode absolute addresses. It is read as browsers read
    it (links.site_address), and must be written the way they write it."""
    fix = _("set it in mkdocs.yml, like\n      site_url: https://harvest.example.org/")
    if not site_url:
        return "", [Problem("mkdocs.yml", None, "site_url", _("the address where the site is published"),
                            shown(None), fix)]
    href = links.site_address(site_url)
    if href is None:
        return "", [Problem("mkdocs.yml", None, "site_url", _("an address like https://harvest.example.org/"),
                            shown(site_url), fix)]
    if href.rstrip("/") != site_url.rstrip("/"):
        return "", [Problem("mkdocs.yml", None, "site_url", _("an address written as browsers write it"),
                            shown(site_url), _("write it exactly as\n      site_url: {address}").format(address=href))]
    return href, []


def load_stories(docs_dir: Path, root: Path, products: Collection[str]) -> tuple[dict[str, str], list[Problem]]:
    """`content/stories/<product-id>.md`; a story for no known product is a mistake."""
    stories: dict[str, str] = {}
    problems: list[Problem] = []
    folder = docs_dir / "stories"
    if not folder.is_dir():
        return stories, problems
    for file in sorted(folder.glob("*.md")):
        rel = file.relative_to(root).as_posix()
        try:
            text = inputs.read_text(root, rel, inputs.PAGE_BYTES)
        except inputs.Refused as e:
            problems.append(e.problem(rel))
            continue
        if file.stem not in products:
            problems.append(
                Problem(
                    rel,
                    None,
                    "",
                    _("a story named after a product id in products/"),
                    shown(file.stem),
                    _("rename it to <product-id>.md, or add products/{name}.yml").format(name=file.stem),
                )
            )
            continue
        stories[file.stem] = text
    return stories, problems


# Harvest Ledger's own theme folder: a site repository made from the template may use it
# where it was installed, outside the repository.
_OWN_THEME = THEME


def check_inputs(root: Path, docs_dir: Path, config_file: Path | None = None,
                 theme_dir: Path | None = None) -> list[Problem]:
    """Every input folder and the config file, before anything in them is read: no link,
    pipe or device anywhere, no file above its size limit, every folder inside `root`."""
    problems: list[Problem] = []
    if config_file is not None and config_file.is_symlink():
        problems.append(inputs.link_problem(root, config_file))
    elif config_file is not None:
        problems += inputs.no_environment(root, config_file)
    folders = [root / name for name in ("products", "campaigns", "ledgers")]
    # A folder the config names is walked only when inside the repository (docs_dir: / would
    # walk the whole disk); a link is told as a link.
    for folder, what, setting in ((docs_dir, _("the pages folder"), "docs_dir"),
                                  (theme_dir, _("the theme folder"), "theme.custom_dir")):
        if folder is None:
            continue
        outside = None if folder.is_symlink() or folder.resolve() == _OWN_THEME else inputs.inside(root, folder, what, setting)
        if outside is None:
            folders.append(folder)
        else:
            problems.append(outside)
    return problems + inputs.scan(root, folders)


def load_site(
    root: Path, docs_dir: Path, site_url: str | None, extra: Mapping[str, Any] | None,
    environ: Mapping[str, str] | None = None, *, config_file: Path | None = None, theme_dir: Path | None = None,
    cache: Cache | None = None,
) -> tuple[Site | None, list[Problem]]:
    """Read and check every record, story and ledger; None when anything is wrong.

    The input folders are checked first (`check_inputs`); when a link or an oversized file
    is found, nothing else is read. Loading starts no process but git's reading history and
    writes nothing, except into the build `cache` when one is given (the build's: what checking
    each ledger found, so that the next build checks only appended lines).
    """
    cache = cache or Cache(None)
    problems = check_inputs(root, docs_dir, config_file, theme_dir)
    if problems:
        return None, problems
    url, problems = check_site_url(site_url)
    channels, more = load_channels(extra)
    problems += more
    admin, more = read_admin(extra)
    problems += more
    records, more = load_records(root, docs_dir, channels, categories=admin.categories)
    problems += more
    stories, more = load_stories(docs_dir, root, records.files_of("products"))
    problems += more + content.check_content(docs_dir, root, records)
    books, more = load_books(root, records.campaigns, records.files_of("campaigns"),
                             products=product_names(records.products, records.files_of("products")),
                             channels=channel_names(channels), cache=cache)
    problems += more
    signer, more = _signer(environ if environ is not None else os.environ)
    problems += more
    problems += sanitise.check_files(docs_dir, root)
    witnesses, more = parse_policy(extra)
    problems += more
    if problems:
        return None, problems
    problems = citations.check_files(records, books, root, docs_dir)  # read from the ledgers, now known good
    if problems:
        return None, problems
    return Site(root=root, docs_dir=docs_dir, site_url=url, channels=channels, records=records, stories=stories,
                books=books, signer=signer, witnesses=witnesses, admin=admin, cache=cache), []


def _signer(environ: Mapping[str, str]) -> tuple[str | None, list[Problem]]:
    try:
        return checkpoint.signer_from_env(environ), []
    except ValueError as e:
        return None, [Problem("HARVEST_SIGNING_KEY", None, "",
                              _("an Ed25519 signer key like PRIVATE+KEY+<name>+<hash>+<key>"),
                              _("a malformed key"),
                              _("{reason}. Make a new key with: python build.py keygen").format(reason=e))]
