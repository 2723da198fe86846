"""A synthetic site of many products, for the browser tests: seeded, valid, not the examples.

Pictures are drawn here (photo-like: colour noise at several scales, which compresses about as
badly as a real photograph) at 1600 × 1067, the size of a phone photo cut down by an editor,
so that the weight budget is measured on pictures the build had to resize.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from tests.sitekit import ROOT

PLACES = {
    "湖南省": ("保靖县", "花垣县", "凤凰县"),
    "山西省": ("万荣县", "临县", "隰县"),
    "贵州省": ("从江县", "雷山县", "石阡县"),
    "云南省": ("元阳县", "勐海县"),
    "甘肃省": ("静宁县", "岷县", "礼县"),
}
KINDS = (
    ("orange", "脐橙", "fruit", "5 kg 箱"),
    ("apple", "苹果", "fruit", "5 kg 箱"),
    ("tea", "绿茶", "tea", "250 g 罐"),
    ("honey", "土蜂蜜", "honey", "500 g 瓶"),
    ("rice", "生态大米", "grain", "10 kg 袋"),
)
CHANNELS = {
    "jd": "https://item.jd.com/{n}.html",
    "taobao": "https://item.taobao.com/item.htm?id={n}",
    "pinduoduo": "https://mobile.yangkeduo.com/goods.html?goods_id={n}",
    "douyin": "https://haohuo.jinritemai.com/views/product/item2?id={n}",
}
CONFIG = f"""\
site_name: 山货小站 · 浏览器测试
site_url: https://shanhuo.example.net/zhan/
site_description: 一个用于浏览器测试的合成站点。
docs_dir: content
theme:
  name: material
  custom_dir: {ROOT / "theme"}
  language: zh
  font: false
  palette: {{primary: green, accent: orange}}
  features: [navigation.tabs, search.suggest]
plugins:
  - search:
      separator: '[\\s\\u200b\\-]'
hooks: [{ROOT / "hooks" / "harvest.py"}]
extra_css: [assets/stylesheets/harvest.css]
markdown_extensions: [attr_list, tables, admonition, toc]
nav:
  - 首页: index.md
  - 产品: products/index.md
  - 产地: places/index.md
  - 助农活动: campaigns/index.md
extra:
  channels:
    jd: {{label: 京东, domains: [jd.com, 3.cn]}}
    taobao: {{label: 淘宝, domains: [taobao.com, tmall.com, tb.cn]}}
    pinduoduo: {{label: 拼多多, domains: [pinduoduo.com, yangkeduo.com]}}
    douyin: {{label: 抖音小店, domains: [jinritemai.com, douyin.com]}}
"""
LEDGER_HEADER = "seq,date,type,product,channel,quantity,unit,orders,amount,currency,party,reference,note\n"


def photo(seed: int, width: int = 1600, height: int = 1067) -> Image.Image:
    """A photo-like picture: colour noise at five scales and a few rings (deterministic)."""
    rnd = random.Random(seed)
    im = Image.new("RGB", (width, height), tuple(rnd.randrange(60, 200) for _ in range(3)))
    for k, alpha in ((8, 0.5), (24, 0.35), (80, 0.25), (300, 0.2), (1600, 0.12)):
        bands = [_noise(rnd, k, max(1, k * height // width)) for _ in range(3)]
        im = Image.blend(im, Image.merge("RGB", bands).resize((width, height), Image.Resampling.BICUBIC), alpha)
    draw = ImageDraw.Draw(im)
    for _ in range(25):
        x, y, r = rnd.randrange(width), rnd.randrange(height), rnd.randrange(40, 200)
        draw.ellipse([x - r, y - r, x + r, y + r], outline=tuple(rnd.randrange(256) for _ in range(3)), width=6)
    return im


def _noise(rnd: random.Random, w: int, h: int) -> Image.Image:
    # Image.effect_noise draws from C's rand(): not reproducible. Seeded bytes are.
    return Image.frombytes("L", (w, h), rnd.randbytes(w * h))


def write_site(path: Path, n: int = 1000, pictures: int = 8, seed: int = 5) -> dict[str, Any]:
    """Write a site repository of `n` products into `path`; returns what the tests expect of it."""
    rnd = random.Random(seed)
    for d in ("products", "campaigns", "ledgers", "content/stories", "content/photos"):
        (path / d).mkdir(parents=True, exist_ok=True)
    (path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    (path / "content" / "index.md").write_text("# 山货小站\n\n合成的测试站点：产品、产地与助农活动。\n", encoding="utf-8")
    for i in range(pictures):
        photo(seed * 100 + i).save(path / "content" / "photos" / f"p{i}.jpg", quality=90)
    campaigns = [f"help-{i:02d}" for i in range(max(1, n // 100))]
    for cid in campaigns:
        (path / "campaigns" / f"{cid}.yml").write_text(
            f"name: 产销对接行动 {cid[-2:]} 号\nsummary: 县商务局联合电商平台开展的农产品产销对接。\n"
            "organizer: 县商务局\nstart: 2021-03-01\nend: 2021-12-31\n"
            'goals:\n  sales_amount: {amount: "50000.00", currency: CNY}\n',
            encoding="utf-8",
        )
    products: dict[str, dict[str, Any]] = {}
    for i in range(n):
        province = rnd.choice(sorted(PLACES))
        county = rnd.choice(PLACES[province])
        slug, kind, category, unit = rnd.choice(KINDS)
        pid = f"{slug}-{i:04d}"
        channels = sorted(rnd.sample(sorted(CHANNELS), 2))
        links = {c: CHANNELS[c].format(n=rnd.randrange(10**9, 10**10)) for c in channels}
        purchase = "".join(f"  - channel: {c}\n    url: {u}\n" for c, u in links.items())
        gtin = "06901234567892" if i == 0 else None
        (path / "products" / f"{pid}.yml").write_text(
            f"name: {county[:2]}{kind} {i}\nsummary: {county}的{kind}，合作社统一分级、装箱，产地直发。\n"
            f"origin: {{province: {province}, county: {county}}}\nproducer: {county}{kind}专业合作社\n"
            f'category: {category}\nprice: {{amount: "{rnd.randrange(1990, 9990) / 100:.2f}", unit: {unit}}}\n'
            f"images: [photos/p{i % pictures}.jpg]\ncampaigns: [{campaigns[i % len(campaigns)]}]\n"
            + (f'gtin: "{gtin}"\n' if gtin else "")
            + f"purchase:\n{purchase}",
            encoding="utf-8",
        )
        (path / "content" / "stories" / f"{pid}.md").write_text(
            f"{county}山区昼夜温差大，{kind}生长期长。合作社统一技术标准，农户按标准种植和采收。\n", encoding="utf-8"
        )
        products[pid] = {"channels": links}
    first = next(iter(products))
    channel = next(iter(products[first]["channels"]))
    (path / "ledgers" / f"{campaigns[0]}.csv").write_text(
        LEDGER_HEADER
        + "1,2021-03-02,donation,,,,,,5000.00,CNY,某爱心企业,R-0001,捐赠\n"
        + f"2,2021-03-05,sale,{first},{channel},120.5,kg,35,2400.00,CNY,线上买家,S-0001,首批\n"
        + "3,2021-03-10,disbursement,,,,,,3000.00,CNY,某村合作社,V-0001,拨付\n"
        # Long names and notes, as real ledgers have: a phone must show them without sideways scrolling.
        + "4,2021-03-12,donation,,,,,,123456.78,CNY,湘西土家族苗族自治州保靖县农业农村局与某某公益基金会联合帮扶工作组,"
          "R-2021-000000000004,用于冷链物流补贴、包装材料采购以及困难农户家庭的春耕生产资料援助（第二批）\n",
        encoding="utf-8",
    )
    return {"products": products, "campaigns": campaigns, "site_url": "https://shanhuo.example.net/zhan/"}
