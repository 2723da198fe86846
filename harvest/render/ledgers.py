"""Ledger pages, campaign ledger summaries, the transparency page and the open data files.

Every figure shown here comes from `Book.figures` (computed once in `figures.py`); this
module only lays them out. Large ledgers are never put whole into one page or request: the
page shows the newest entries and loads older ones in static JSON chunks of 1,000.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

from harvest.ledger.figures import ledger_json
from harvest.ledger.parse import Entry
from harvest.proofs import published
from harvest.proofs.books import Book
from harvest.render.charts import Series, line_chart
from harvest.render.html import e, front_matter, number, rel, yuan
from harvest.site import Output, Site

FIRST_SCREEN = 50  # entries shown in the page itself
CHUNK = 1000  # entries in each static JSON chunk
TYPE_LABELS = {"donation": "捐赠", "sale": "销售", "disbursement": "拨付", "expense": "支出"}
TOTAL_LABELS = {
    "donation": "捐赠收入",
    "sale": "销售额",
    "disbursement": "拨付给受助方",
    "expense": "活动支出",
    "balance": "结余",
}
GOAL_LABELS = {"sales_quantity": "销售数量", "sales_amount": "销售额", "donations": "捐赠"}
ZERO = Decimal(0)


def ledger_url(cid: str) -> str:
    return f"ledgers/{cid}/"


def totals_table(book: Book) -> str:
    """Donations, sales, disbursements, expenses and balance, one column a currency."""
    currencies = list(book.figures.totals) or ["CNY"]
    head = "".join(f'<th scope="col">{e(c)}</th>' for c in currencies)
    rows = []
    for kind, label in TOTAL_LABELS.items():
        cells = "".join(
            f'<td class="hl-num">{e(yuan(book.figures.totals.get(c, {}).get(kind, ZERO), c))}</td>' for c in currencies
        )
        cls = ' class="hl-balance"' if kind == "balance" else ""
        rows.append(f'<tr{cls}><th scope="row">{label}</th>{cells}</tr>')
    return (
        f'<table>\n<tr><th scope="col">项目</th>{head}</tr>\n'
        + "\n".join(rows)
        + "\n</table>\n<p>结余 = 捐赠收入 − 拨付给受助方 − 活动支出。销售额是农户通过各渠道卖出的货款，不计入结余。</p>"
    )


def goals_block(book: Book) -> str:
    """Goal progress bars, with the numbers written out beside each."""
    if not book.goals:
        return ""
    items = []
    for g in book.goals:
        percent = (g.ratio * 100).quantize(Decimal("0.1"))
        if g.name == "sales_quantity":
            done, target = f"{number(g.achieved)} {g.unit}", f"{number(g.target)} {g.unit}"
        else:
            done, target = yuan(g.achieved, g.unit), yuan(g.target, g.unit)
        label = GOAL_LABELS.get(g.name, g.name)
        items.append(
            f'<li><span class="hl-goal__label">{e(label)}：{e(done)} / 目标 {e(target)}（{percent}%）</span>'
            f'<progress max="100" value="{min(percent, Decimal(100))}" aria-label="{e(label)} {percent}%">'
            f"{percent}%</progress></li>"
        )
    return '<h2 id="progress">目标进度</h2>\n<ul class="hl-goal">\n' + "\n".join(items) + "\n</ul>"


def chart_block(book: Book, currency: str = "CNY") -> str:
    """Cumulative sales and donations over time, as SVG, with the same numbers in a table."""
    days = [d for d in book.figures.days if currency in d.cumulative]
    if not days:
        return ""
    sales = Series("累计销售额", "#2e7d32", [(d.date, d.cumulative[currency].get("sale", ZERO)) for d in days])
    gifts = Series("累计捐赠", "#ef6c00", [(d.date, d.cumulative[currency].get("donation", ZERO)) for d in days])
    chart = line_chart([sales, gifts], f"累计销售额与捐赠（{currency}）")
    rows = "\n".join(
        f"<tr><td>{d.date.isoformat()}</td>"
        f'<td class="hl-num">{e(yuan(d.amounts[currency].get("sale", ZERO), currency))}</td>'
        f'<td class="hl-num">{e(yuan(d.amounts[currency].get("donation", ZERO), currency))}</td>'
        f'<td class="hl-num">{e(yuan(d.cumulative[currency].get("sale", ZERO), currency))}</td>'
        f'<td class="hl-num">{e(yuan(d.cumulative[currency].get("donation", ZERO), currency))}</td></tr>'
        for d in days
    )
    return (
        f'<h2 id="over-time">销售与捐赠走势</h2>\n<figure class="hl-chart-figure">{chart}</figure>\n'
        '<details class="hl-chart-table"><summary>图表中的数字</summary>\n<table>\n'
        "<tr><th>日期</th><th>当日销售额</th><th>当日捐赠</th><th>累计销售额</th><th>累计捐赠</th></tr>\n"
        f"{rows}\n</table>\n</details>"
    )


def campaign_ledger_section(site: Site, cid: str) -> str:
    """What a campaign page shows of its ledger: summary, goals, chart, link to every entry."""
    book = site.books.get(cid)
    if book is None:
        return '<h2 id="ledger">公开账本</h2>\n<p>这个活动还没有公开账本。</p>'
    here = f"campaigns/{cid}/"
    return "\n\n".join(
        x
        for x in (
            f'<h2 id="ledger">公开账本</h2>\n{totals_table(book)}\n'
            f'<p><a class="md-button" href="{rel(here, ledger_url(cid))}">查看全部 {book.figures.size:,} 条账目</a></p>',
            goals_block(book),
            chart_block(book),
        )
        if x
    )


def _entry_row(site: Site, here: str, entry: Entry, corrected_by: list[int]) -> str:
    product = site.records.products.get(entry.product)
    what = e(product.name) if product else e(entry.product)
    if product:
        what = f'<a href="{rel(here, f"products/{entry.product}/")}">{what}</a>'
    channel = site.channels[entry.channel].label if entry.channel in site.channels else entry.channel
    qty = f"{number(entry.quantity)} {entry.unit}" if entry.quantity is not None else ""
    notes = [e(entry.note)] if entry.note else []
    if entry.corrects is not None:
        notes.append(f'更正 <a href="#seq-{entry.corrects}">第 {entry.corrects} 条</a>')
    notes += [f'已由 <a href="#seq-{s}">第 {s} 条</a> 更正' for s in corrected_by]
    return (
        f'<tr id="seq-{entry.seq}"><td>{entry.seq}</td><td>{entry.date.isoformat()}</td>'
        f"<td>{TYPE_LABELS[entry.type]}</td><td>{what}</td><td>{e(channel)}</td><td>{e(qty)}</td>"
        f"<td>{'' if entry.orders is None else entry.orders}</td>"
        f'<td class="hl-num">{e(yuan(entry.amount, entry.currency))}</td><td>{e(entry.party)}</td>'
        f"<td>{e(entry.reference)}</td><td>{'；'.join(notes)}</td></tr>"
    )


ENTRY_HEAD = (
    "<tr><th>序号</th><th>日期</th><th>类型</th><th>产品</th><th>渠道</th><th>数量</th><th>订单</th>"
    "<th>金额</th><th>对方</th><th>凭证号</th><th>备注</th></tr>"
)


def ledger_page(site: Site, cid: str) -> str:
    """The ledger page: totals first, the receipt check, how to verify, then the entries."""
    book = site.books[cid]
    here = ledger_url(cid)
    campaign = site.records.campaigns[cid]
    size = book.figures.size
    newest = book.ledger.entries[::-1][:FIRST_SCREEN]
    rows = "\n".join(_entry_row(site, here, x, book.figures.corrections.get(x.seq, [])) for x in newest)
    chunks = (size + CHUNK - 1) // CHUNK
    older = size - len(newest)
    more = ""
    if older:
        more = (
            f'<p><button type="button" class="md-button" data-ledger-more data-ledger-chunks="{chunks}"'
            f' data-ledger-shown="{len(newest)}" data-ledger-size="{size}">再显示 1,000 条更早的账目</button></p>'
            f'<p>还有 {older:,} 条更早的账目。没有 JavaScript 也可以<a href="../{cid}.csv">下载完整账本（CSV）</a>。</p>'
        )
    heads = "".join(
        f'<li>{h.date.isoformat()} 封存了前 {h.size:,} 条：<a href="consistency/{h.size}">一致性证明</a></li>'
        for h in book.heads
    )
    return "\n".join(
        [
            front_matter(
                title=e(f"{campaign.name} · 公开账本"),
                description=e(f"{campaign.name}的全部 {size} 条公开账目"),
                hl_ledger=cid,
                hide=["navigation"],  # the entries table needs the width
            ),
            f"<h1>{e(campaign.name)} · 公开账本</h1>",
            f'<p>活动：<a href="{rel(here, f"campaigns/{cid}/")}">{e(campaign.name)}</a> · 共 {size:,} 条账目 · '
            f'下载：<a href="../{cid}.csv" download>CSV</a> · <a href="../{cid}.json">JSON</a> · '
            f'<a href="checkpoint">树头（checkpoint）</a></p>',
            _trust(site, cid, book),
            "",
            '<h2 id="totals">合计</h2>',
            totals_table(book),
            "",
            _receipt_form(),
            "",
            '<h2 id="entries">全部账目（最新的在前）</h2>',
            f'<div class="hl-entries-wrap"><table data-ledger-table>\n{ENTRY_HEAD}\n{rows}\n</table></div>',
            more,
            "",
            _how_to_check(cid, book, heads),
            '<script src="../../assets/javascripts/receipt.js" defer></script>',
            '<script src="../../assets/javascripts/ledger.js" defer></script>',
            "",
        ]
    )


def _trust(site: Site, cid: str, book: Book) -> str:
    """Who vouches for the current head: the ledger's signature and the witnesses' cosignatures."""
    policy = site.witnesses
    seen = published.witnessed(site, cid, book).valid
    names = "、".join(
        f"<strong>{e(name)}</strong>（{datetime.fromtimestamp(t, UTC):%Y-%m-%d %H:%M} UTC）" for name, t, _ in seen
    )
    if not policy.witnesses:
        status = "本站没有设定见证方。"
    elif seen:
        status = f"见证方 {names} 核对了历史一致后为当前树头联署（{len(seen)} 个，要求 {policy.quorum} 个）。"
    else:
        status = f"还没有见证方为当前树头联署（要求 {policy.quorum} 个）。"
    if site.signer is None:
        return ('<p class="hl-unsigned" data-unsigned-preview><strong>未签名预览（unsigned preview）</strong>：'
                f"这次构建没有签名密钥，树头没有签名。正式发布的站点一定是签名的。{status}</p>")
    signed = f"树头由本账本的密钥 <code>{e(published.origin_of(site, cid))}</code> 签名。"
    return f"<p data-witnesses>{signed}{status}</p>"


def _receipt_form() -> str:
    return (
        '<h2 id="receipt">查询我的捐赠</h2>\n'
        '<form class="hl-receipt" data-receipt-form data-ledger="./">'
        '<label for="receipt-code">收据号</label> '
        '<input id="receipt-code" name="receipt" autocomplete="off" placeholder="例如 BJ2019-0001" required> '
        '<button type="submit" class="md-button md-button--primary">查询并核验</button></form>\n'
        '<div data-receipt-result aria-live="polite"></div>\n'
        "<p>查询在你自己的浏览器里完成：它下载这条账目和所需的哈希值，重新计算默克尔树，"
        "并与公开的树头比对。不向任何服务器发送你的收据号以外的信息。</p>"
    )


def _how_to_check(cid: str, book: Book, heads: str) -> str:
    sealed = f"<ul>{heads}</ul>" if heads else "<p>这个账本还没有封存的树头。</p>"
    return (
        '<h2 id="verify">怎样自己核对</h2>\n'
        f"<p>当前树头：共 <strong>{book.figures.size:,}</strong> 条，默克尔树根 "
        f"<code>{book.root_hex}</code>。</p>\n"
        "<ol>\n"
        f'<li>下载 <a href="../{cid}.csv">CSV 账本</a>。除第一行表头外，每一行就是一条账目。</li>\n'
        "<li>每一行（不含换行符）的叶子哈希是 SHA-256(0x00 ‖ 这一行的字节)；两个节点合并的哈希是 "
        "SHA-256(0x01 ‖ 左 ‖ 右)。这是 RFC 6962 / RFC 9162 规定的默克尔树。</li>\n"
        '<li>算出的树根应与<a href="checkpoint">树头文件</a>第三行（base64）一致。</li>\n'
        "<li>如果你保存过上个月的树头，用 <code>consistency/&lt;条数&gt;</code> 里的一致性证明，"
        "可以证明当时看到的每一条账目都还在、没有改动、位置不变。</li>\n"
        "<li>也可以运行 <code>python build.py verify site</code>（检查整个站点）或 "
        f"<code>python build.py proof {cid} &lt;收据号&gt;</code>（给出一条捐赠的包含证明）。</li>\n"
        "</ol>\n"
        f"<h3>封存记录</h3>\n{sealed}"
    )


def ledger_outputs(site: Site) -> Iterator[Output]:
    """Each ledger's page, its JSON, checkpoint, proofs and the keys. Its CSV and its
    thousands of look-up files are written straight into the site by the build's
    `publish.publisher.Publisher`."""
    if site.signer:
        keys = "".join(f"{published.verifier_of(site, cid)}\n" for cid in sorted(site.books))
        yield Output("ledgers/verifier-key.txt", keys.encode())
    yield Output("ledgers/logs.json", published.logs_json(site))
    for cid, book in site.books.items():
        base = f"ledgers/{cid}"
        yield Output(f"{base}.md", ledger_page(site, cid), page=True)
        data = ledger_json(cid, book.figures, book.root_hex)
        yield Output(f"{base}.json", (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode())
        for name, content in sorted(published.log_files(site, cid, book).items()):
            yield Output(f"{base}/{name}", content)


def transparency_outputs(site: Site) -> Iterator[Output]:
    """The site-wide page: every campaign's raised, sold, disbursed, spent and balance, and the sums."""
    here = "transparency/"
    kinds = list(TOTAL_LABELS)
    sums: dict[str, dict[str, Decimal]] = {}
    rows = []
    for cid, campaign in sorted(site.records.campaigns.items(), key=lambda kv: (kv[1].start, kv[0])):
        book = site.books.get(cid)
        name = f'<a href="{rel(here, f"campaigns/{cid}/")}">{e(campaign.name)}</a>'
        if book is None:
            rows.append(f'<tr><th scope="row">{name}</th><td colspan="{len(kinds) + 1}">尚无账本</td></tr>')
            continue
        for currency, totals in book.figures.totals.items():
            acc = sums.setdefault(currency, {k: ZERO for k in kinds})
            for k in kinds:
                acc[k] += totals.get(k, ZERO)
            cells = "".join(f'<td class="hl-num">{e(yuan(totals.get(k, ZERO), currency))}</td>' for k in kinds)
            link = f'<a href="{rel(here, ledger_url(cid))}">{book.figures.size:,} 条</a>'
            rows.append(f'<tr><th scope="row">{name}</th>{cells}<td>{link}</td></tr>')
    for currency, acc in sorted(sums.items()):
        cells = "".join(f'<td class="hl-num"><strong>{e(yuan(acc[k], currency))}</strong></td>' for k in kinds)
        rows.append(f'<tr><th scope="row">合计（{e(currency)}）</th>{cells}<td></td></tr>')
    head = "".join(f'<th scope="col">{TOTAL_LABELS[k]}</th>' for k in kinds)
    body = (
        front_matter(title="公开账本", hide=["navigation"]) + "# 公开账本\n\n"
        "每个助农活动的收入、销售、拨付、支出与结余，全部由逐笔公开的账目算出。点击条数查看每一条账目。\n\n"
        f'<div class="hl-entries-wrap"><table>\n<tr><th scope="col">活动</th>{head}'
        f'<th scope="col">账目</th></tr>\n' + "\n".join(rows) + "\n</table></div>\n"
    )
    yield Output("transparency/index.md", body, page=True, in_nav=True)
