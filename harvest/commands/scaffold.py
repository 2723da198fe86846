"""Commented records that `build.py new` writes for editors to start from.

The examples are YAML (ids, field names and sample values stay as they are); the comments
after them are messages, in the editor's language.
"""

from __future__ import annotations

from harvest.i18n import _


def _lines(rows: list[tuple[str, str | None]]) -> str:
    """Each row's YAML, then its comment (if any) after "# "."""
    return "".join(f"{code}# {comment}\n" if comment is not None else f"{code}\n" for code, comment in rows)


def product_record(pid: str) -> str:
    """The commented product record for a new id."""
    return _lines([
        ("# yaml-language-server: $schema=../schemas/product.schema.json", None),
        ("", _("A product record. Lines starting with # are comments; delete the ones you do not need.")),
        ("", _("Text with a colon (:) or a # in it must be put in quotes.")),
        ("name: 新产品名称                      ", _("required: the product's name")),
        ("summary: 一句话介绍这件产品，不超过200字。   ", _("required: shown on cards and when the page is shared")),
        ("origin:                              ", _("required: where it grows")),
        ("  province: 湖南省", None),
        ("  county: 保靖县", None),
        ("  # town: 葫芦镇                      ", _("optional")),
        ("  # village: 国茶村                    ", _("optional")),
        ("producer: 某某专业合作社                ", _("required: who grows or makes it")),
        ("category: fruit                      ", _("required: fruit, tea, flowers, mushrooms, grain …")),
        ('# price: {amount: "39.90", currency: CNY, unit: 5 kg 箱}   ', _("optional; amount in quotes")),
        ("# season: 11月–次年2月                 ", _("optional")),
        (f"# images: [images/{pid}.jpg]           ", _("optional; put the picture in content/images/")),
        ('# gtin: "06901234567892"              ', _("optional; the barcode number, in quotes")),
        ("# verified: {by: 内容平台扶贫小组, on: 2019-02-12, note: 实地走访果园与合作社}   ", _("optional")),
        ("# campaigns: [baojing-oranges-2019]   ", _("optional; ids of files in campaigns/")),
        ("purchase:                            ", _("required: at least one place to buy")),
        ("  - channel: jd                      ",
         _("one of the channels in mkdocs.yml (jd, taobao, pinduoduo …)")),
        ("    url: https://item.jd.com/100001234567.html   ", _("https, on that channel's own domain")),
        ("    # share_code: ￥AbCdEfGh123￥           ",
         _("optional: the shop app's 口令, copied inside apps that do not open the shop")),
    ])


def story() -> str:
    """The story file that goes with a new product, for the editor to write over."""
    return (_("Write the product's story here: what the place is like, who grows it, what the team checked, "
              "how it is grown and made.") + "\n"
            + _("You can use Markdown: **bold**, lists, [links](https://example.org/) and pictures.") + "\n")


def campaign_record(cid: str) -> str:
    """The commented campaign record for a new id."""
    return _lines([
        ("# yaml-language-server: $schema=../schemas/campaign.schema.json", None),
        ("", _("A campaign record. Lines starting with # are comments.")),
        ("name: 新的助农活动                      ", _("required")),
        ("summary: 一句话介绍这个活动，不超过200字。  ", _("required")),
        ("organizer: 某某县商务局                 ", _("required")),
        ("# partners: [京东, 腾讯内容开放平台]      ", _("optional")),
        ("start: 2026-01-01                     ", _("required, written YYYY-MM-DD")),
        ("# end: 2026-01-31                     ", _("optional, not before start")),
        ("# products: [baojing-navel-orange]    ", _("optional; products can also name the campaign")),
        ("# goals:                              ", _("optional")),
        ('#   sales_quantity: {amount: "50000", unit: kg}', None),
        ('#   sales_amount: {amount: "280000.00", currency: CNY}', None),
        ('#   donations: {amount: "100000.00", currency: CNY}', None),
    ])
