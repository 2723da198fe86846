"""Campaign pages and the campaign index: their data, for theme/partials/hl/campaign.html and
campaigns.html."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from harvest.load.models import Campaign
from harvest.render.html import e, front_matter
from harvest.render.images import Picture
from harvest.render.ledgers import ledger_summary
from harvest.render.products import card_data
from harvest.render.urls import CAMPAIGNS_URL, campaign_url, rel
from harvest.site import Output, Site, View
from harvest.vocabulary import GOALS, money, number


def dates(c: Campaign) -> dict[str, str | None]:
    """The campaign's span for the `dates` macro (no end when it is one day)."""
    end = None if c.end is None or c.end == c.start else c.end.isoformat()
    return {"start": c.start.isoformat(), "end": end}


def _targets(c: Campaign) -> list[tuple[str, str]]:
    if c.goals is None:
        return []
    out = []
    for key, label in GOALS.items():
        goal = getattr(c.goals, key)
        if goal is not None:
            target = f"{number(goal.amount)} {goal.unit}" if key == "sales_quantity" else money(goal.amount, goal.currency)
            out.append((label, target))
    return out


def campaign_view(site: Site, cid: str, pictures: Mapping[str, Picture] | None = None) -> dict[str, Any]:
    c = site.records.campaigns[cid]
    here = campaign_url(cid)
    return {
        "name": c.name,
        "summary": c.summary,
        "dates": dates(c),
        "organizer": c.organizer,
        "partners": list(c.partners or ()),
        # With a ledger, the progress section shows the goals.
        "targets": [] if cid in site.books else _targets(c),
        "cards": card_data(site, here, site.records.campaign_products(cid), pictures),
        "ledger": ledger_summary(site, cid, here),
    }


def campaign_outputs(site: Site, pictures: Mapping[str, Picture] | None = None) -> Iterator[Output]:
    here = CAMPAIGNS_URL
    items = []
    for cid, c in sorted(site.records.campaigns.items(), key=lambda kv: (kv[1].start, kv[0]), reverse=True):
        yield Output(f"{CAMPAIGNS_URL}{cid}.md", front_matter(title=e(c.name), description=e(c.summary), hl_campaign=cid),
                     page=True, view=View("partials/hl/campaign.html", campaign_view(site, cid, pictures)))
        items.append({"href": rel(here, campaign_url(cid)), "name": c.name, "dates": dates(c),
                      "organizer": c.organizer, "summary": c.summary})
    yield Output(f"{CAMPAIGNS_URL}index.md", front_matter(title="助农活动"), page=True, in_nav=True,
                 view=View("partials/hl/campaigns.html", {"campaigns": items}))
