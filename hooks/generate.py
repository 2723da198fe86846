"""Every generated page and file of a site, in a stable order."""

from __future__ import annotations

from collections.abc import Iterator

from hooks import campaign_pages, cms, images, ledger_pages, opendata, pages, print_pages
from hooks.catalog import Output, Site
from hooks.schemas import schema_texts


def outputs(site: Site) -> Iterator[Output]:
    """Pages, redirects, QR codes and data files, each once."""
    pictures = images.pictures(site, site.docs_dir)
    yield from pages.product_outputs(site, pictures)
    yield from images.outputs(pictures, site.docs_dir)
    yield from print_pages.print_outputs(site, pictures)
    yield from pages.index_outputs(site)
    yield from campaign_pages.campaign_outputs(site)
    yield from ledger_pages.ledger_outputs(site)
    yield from ledger_pages.transparency_outputs(site)
    yield Output("data/products.json", pages.products_json(site))
    yield Output("data/datapackage.json", opendata.datapackage(site))
    yield from admin_outputs(site)
    for path, text in schema_texts().items():  # for editors' tools (yaml-language-server)
        yield Output(path, text)


def admin_outputs(site: Site) -> Iterator[Output]:
    """The editors' forms at admin/ (see hooks/cms.py)."""
    if site.admin is None:
        return
    files = cms.site_admin_files(
        site_url=site.site_url, docs_rel=site.docs_dir.relative_to(site.root).as_posix(), channels=site.channels,
        used_categories=[p.category for p in site.records.products.values()], admin=site.admin,
    )
    for name, content in files:
        yield Output(f"admin/{name}", content)
