"""Campaign pages and the campaign index."""

from __future__ import annotations

from collections.abc import Iterator

from harvest.load.models import Campaign
from harvest.render.html import e, front_matter, rel
from harvest.render.ledgers import campaign_ledger_section
from harvest.render.products import campaign_url, cards
from harvest.site import Output, Site
from harvest.vocabulary import GOALS, money, number


def _dates(c: Campaign) -> str:
    start = f'<time datetime="{c.start.isoformat()}">{c.start.isoformat()}</time>'
    if c.end is None or c.end == c.start:
        return start
    return f'{start} 至 <time datetime="{c.end.isoformat()}">{c.end.isoformat()}</time>'


def _goals(c: Campaign) -> str:
    if c.goals is None:
        return ""
    rows = []
    for key, label in GOALS.items():
        goal = getattr(c.goals, key)
        if goal is None:
            continue
        target = f"{number(goal.amount)} {goal.unit}" if key == "sales_quantity" else money(goal.amount, goal.currency)
        rows.append(f'<tr><th scope="row">{e(label)}</th><td>{e(target)}</td></tr>')
    return (
        '<h2 id="goals">活动目标</h2>\n<table>\n<tr><th>目标</th><th>数额</th></tr>\n'
        + "\n".join(rows)
        + "\n</table>"
    )


def campaign_page(site: Site, cid: str) -> str:
    c = site.records.campaigns[cid]
    here = campaign_url(cid)
    facts = [("时间", _dates(c)), ("组织方", e(c.organizer))]
    if c.partners:
        facts.append(("合作方", "、".join(e(p) for p in c.partners)))
    rows = "\n".join(f'<tr><th scope="row">{k}</th><td>{v}</td></tr>' for k, v in facts)
    parts = [
        front_matter(title=e(c.name), description=e(c.summary), hl_campaign=cid),
        f"<h1>{e(c.name)}</h1>",
        f'<p class="hl-lead">{e(c.summary)}</p>',
        f'<table>\n{rows}\n</table>',
        "",
        "" if cid in site.books else _goals(c),  # with a ledger, the progress section shows the goals
        "",
        '<h2 id="products">活动产品</h2>',
        cards(site, here, site.records.campaign_products(cid)),
        "",
    ]
    parts += [campaign_ledger_section(site, cid), ""]
    return "\n".join(parts) + "\n"


def campaign_outputs(site: Site) -> Iterator[Output]:
    here = "campaigns/"
    items = []
    for cid, c in sorted(site.records.campaigns.items(), key=lambda kv: (kv[1].start, kv[0]), reverse=True):
        yield Output(f"campaigns/{cid}.md", campaign_page(site, cid), page=True)
        items.append(
            f'<li class="hl-card"><a href="{rel(here, campaign_url(cid))}"><strong>{e(c.name)}</strong></a>'
            f'<span class="hl-card__meta">{_dates(c)} · {e(c.organizer)}</span>'
            f"<span>{e(c.summary)}</span></li>"
        )
    body = '<ul class="hl-cards">\n' + "\n".join(items) + "\n</ul>" if items else "<p>暂无活动。</p>"
    yield Output(
        "campaigns/index.md", front_matter(title="助农活动") + "# 助农活动\n\n" + body + "\n", page=True, in_nav=True
    )
