"""Every generated page and file of a site, in a stable order."""

from __future__ import annotations

from collections.abc import Iterator

from harvest.load.schemas import schema_texts
from harvest.render import admin, campaigns, images, ledgers, opendata, prints, products
from harvest.site import Output, Site


def outputs(site: Site) -> Iterator[Output]:
    """Pages, redirects, QR codes and data files, each once."""
    pictures = images.pictures(site, site.docs_dir)
    yield from products.product_outputs(site, pictures)
    yield from images.outputs(pictures, site.docs_dir, site.cache)
    yield from prints.print_outputs(site, pictures)
    yield from products.index_outputs(site, pictures)
    yield from campaigns.campaign_outputs(site, pictures)
    yield from ledgers.ledger_outputs(site)
    yield from ledgers.transparency_outputs(site)
    yield Output("data/products.json", products.products_json(site))
    yield Output("data/datapackage.json", opendata.datapackage(site))
    yield from admin_outputs(site)
    for path, text in schema_texts().items():  # for editors' tools (yaml-language-server)
        yield Output(path, text)


def admin_outputs(site: Site) -> Iterator[Output]:
    """The editors' forms at admin/ (see hooks/admin.py)."""
    if site.admin is None:
        return
    files = admin.site_admin_files(
        site_url=site.site_url, docs_rel=site.docs_dir.relative_to(site.root).as_posix(), channels=site.channels,
        used_categories=[p.category for p in site.records.products.values()], admin=site.admin,
    )
    for name, content in files:
        yield Output(f"admin/{name}", content)
