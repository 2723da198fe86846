"""Commented records that `build.py new` writes for editors to start from."""

from __future__ import annotations

PRODUCT = """\
# yaml-language-server: $schema=../schemas/product.schema.json
# A product record. Lines starting with # are comments; delete the ones you do not need.
# Text with a colon (:) or a # in it must be put in quotes.
name: 新产品名称                      # required: the product's name
summary: 一句话介绍这件产品，不超过200字。   # required: shown on cards and when the page is shared
origin:                              # required: where it grows
  province: 湖南省
  county: 保靖县
  # town: 葫芦镇                      # optional
  # village: 国茶村                    # optional
producer: 某某专业合作社                # required: who grows or makes it
category: fruit                      # required: fruit, tea, flowers, mushrooms, grain …
# price: {amount: "39.90", currency: CNY, unit: 5 kg 箱}   # optional; amount in quotes
# season: 11月–次年2月                 # optional
# images: [images/{id}.jpg]           # optional; put the picture in content/images/
# gtin: "06901234567892"              # optional; the barcode number, in quotes
# verified: {{by: 内容平台扶贫小组, on: 2019-02-12, note: 实地走访果园与合作社}}   # optional
# campaigns: [baojing-oranges-2019]   # optional; ids of files in campaigns/
purchase:                            # required: at least one place to buy
  - channel: jd                      # one of the channels in mkdocs.yml (jd, taobao, pinduoduo …)
    url: https://item.jd.com/100001234567.html   # https, on that channel's own domain
    # share_code: ￥AbCdEfGh123￥           # optional: the shop app's 口令, copied inside apps that do not open the shop
"""

STORY = """\
这里写产品的故事：产地是什么样子，谁在种，团队去核实了什么，怎么种、怎么做。
可以用 Markdown：**加粗**、列表、[链接](https://example.org/) 和图片。
"""

CAMPAIGN = """\
# yaml-language-server: $schema=../schemas/campaign.schema.json
# A campaign record. Lines starting with # are comments.
name: 新的助农活动                      # required
summary: 一句话介绍这个活动，不超过200字。  # required
organizer: 某某县商务局                 # required
# partners: [京东, 腾讯内容开放平台]      # optional
start: 2026-01-01                     # required, written YYYY-MM-DD
# end: 2026-01-31                     # optional, not before start
# products: [baojing-navel-orange]    # optional; products can also name the campaign
# goals:                              # optional
#   sales_quantity: {{amount: "50000", unit: kg}}
#   sales_amount: {{amount: "280000.00", currency: CNY}}
#   donations: {{amount: "100000.00", currency: CNY}}
"""


def product_record(pid: str) -> str:
    """The commented product record for a new id."""
    return PRODUCT.replace("{id}", pid).replace("{{", "{").replace("}}", "}")


def campaign_record(cid: str) -> str:
    """The commented campaign record for a new id."""
    return CAMPAIGN.replace("{{", "{").replace("}}", "}")
