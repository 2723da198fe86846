"""Synthetic site repositories for `bench/bench.py`: seeded, valid, believable records.

`project_site` writes a site repository like `tests/sitekit.py`'s TinySite (records, stories,
campaigns, mkdocs.yml with the project's hook); `plain_site` writes the same stories as
ordinary Markdown pages for plain MkDocs + Material, kept out of the nav. Both share one
theme configuration so that the difference measured is the project's own work.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PLACES: dict[str, tuple[str, ...]] = {
    "湖南省": ("保靖县", "花垣县", "凤凰县", "永顺县", "龙山县"),
    "山西省": ("万荣县", "临县", "吉县", "隰县"),
    "山东省": ("商河县", "沂水县", "平邑县"),
    "贵州省": ("从江县", "雷山县", "石阡县", "威宁彝族自治县"),
    "云南省": ("元阳县", "勐海县", "新平彝族傣族自治县"),
    "广西壮族自治区": ("田东县", "融安县", "融水苗族自治县"),
    "四川省": ("蒲江县", "苍溪县", "盐源县"),
    "甘肃省": ("静宁县", "岷县", "礼县"),
    "陕西省": ("洛川县", "延川县", "柞水县"),
    "湖北省": ("秭归县", "房县", "建始县"),
}

# slug, Chinese name, category, unit of sale, price range in fen
KINDS: tuple[tuple[str, str, str, str, tuple[int, int]], ...] = (
    ("navel-orange", "脐橙", "fruit", "5 kg 箱", (2990, 6990)),
    ("apple", "苹果", "fruit", "5 kg 箱", (3990, 8990)),
    ("kiwi", "猕猴桃", "fruit", "3 kg 箱", (4990, 9990)),
    ("walnut", "核桃", "nuts", "1 kg 袋", (3590, 7990)),
    ("brown-sugar", "古法红糖", "sugar", "500 g 盒", (1990, 4990)),
    ("green-tea", "绿茶", "tea", "250 g 罐", (5990, 19900)),
    ("shiitake", "香菇", "mushrooms", "500 g 袋", (2990, 6990)),
    ("sweet-potato-powder", "红薯粉条", "grain", "2.5 kg 箱", (2590, 4990)),
    ("honey", "土蜂蜜", "honey", "500 g 瓶", (4990, 12800)),
    ("rice", "生态大米", "grain", "10 kg 袋", (5990, 11800)),
    ("gerbera", "非洲菊", "flowers", "20 枝 束", (2990, 5990)),
    ("pepper", "花椒", "spices", "250 g 袋", (2990, 6990)),
)

QUALITIES = ("高山", "有机", "黄金", "生态", "古树", "富硒", "农家", "头茬", "精选", "")

CHANNEL_URLS = {
    "jd": "https://item.jd.com/{n}.html",
    "taobao": "https://item.taobao.com/item.htm?id={n}",
    "pinduoduo": "https://mobile.yangkeduo.com/goods.html?goods_id={n}",
    "douyin": "https://haohuo.jinritemai.com/views/product/item2?id={n}",
    "kuaishou": "https://app.kwaixiaodian.com/merchant/shop/detail?id={n}",
    "weidian": "https://weidian.com/item.html?itemID={n}",
}

SENTENCES = (
    "{county}地处山区，昼夜温差大，{kind}生长期长，口感格外好。",
    "合作社统一技术标准，农户按标准种植、采收和分级。",
    "这几年村里修通了硬化路，冷链车可以直接开到地头。",
    "过去{kind}主要靠外地客商上门收购，价格常常被压得很低。",
    "电商平台开店以后，订单直接来自全国各地的消费者。",
    "每一箱都贴有溯源标签，扫码可以看到产地和采收日期。",
    "县里的电商服务站帮助农户拍照、写介绍、学习直播。",
    "收入的增加让不少在外务工的年轻人回到了家乡。",
    "{producer}的负责人说，今年的目标是把品牌做响，把品质守住。",
    "发货前人工复检，坏果和小果不进箱，保证到手品质。",
    "村集体把分红的一部分用于修建水窖和仓储冷库。",
    "驻村工作队联系了物流企业，运费比过去降低了三成。",
    "消费者的评价和建议，合作社会逐条记录并改进。",
    "种植过程中减少化肥用量，使用农家肥和生物防治。",
    "旺季时，全村老人和妇女也能在分拣车间找到活干。",
)

CHANNELS_YAML = """\
  channels:
    jd: {label: 京东, domains: [jd.com, 3.cn]}
    taobao: {label: 淘宝, domains: [taobao.com, tmall.com, tb.cn]}
    pinduoduo: {label: 拼多多, domains: [pinduoduo.com, yangkeduo.com]}
    douyin: {label: 抖音小店, domains: [jinritemai.com, douyin.com]}
    kuaishou: {label: 快手小店, domains: [kuaishou.com, kwaixiaodian.com]}
    weidian: {label: 微店, domains: [weidian.com]}
"""

# The project's theme settings (mkdocs.yml of the template), used by both builds.
THEME_YAML = f"""\
site_url: https://harvest.example.org/bench/
docs_dir: content
use_directory_urls: true
theme:
  name: material
  custom_dir: {ROOT / "theme"}
  language: zh
  font: false
  palette:
    primary: green
    accent: orange
  features:
    - navigation.tabs
    - search.suggest
plugins:
  - search:
      separator: '[\\s\\u200b\\-]'
extra_css: [assets/stylesheets/harvest.css]
markdown_extensions: [attr_list, tables, admonition, toc]
"""


@dataclass(frozen=True)
class Product:
    """One synthetic product: what both the project site and the plain site are made from."""

    pid: str
    name: str
    province: str
    county: str
    category: str
    unit: str
    price: str
    producer: str
    channels: tuple[tuple[str, str], ...]  # (channel, url)
    campaign: str
    story: str


def campaign_ids(n: int) -> list[str]:
    """One campaign for every 100 products (at least one)."""
    return [f"bench-campaign-{i:03d}" for i in range(max(1, n // 100))]


def products(n: int, seed: int = 2020, ids: list[str] | None = None) -> list[Product]:
    """`n` valid products, the same for the same seed; `ids` fixes their ids when given."""
    rnd = random.Random(seed)
    provinces = sorted(PLACES)
    camps = campaign_ids(n)
    out: list[Product] = []
    for i in range(n):
        province = rnd.choice(provinces)
        county = rnd.choice(PLACES[province])
        slug, kind, category, unit, (lo, hi) = rnd.choice(KINDS)
        short = county.removesuffix("县")[:2]
        name = f"{short}{rnd.choice(QUALITIES)}{kind}"
        producer = f"{county}{rnd.choice(('', '绿源', '丰收', '山里'))}{kind}专业合作社"
        story = _story(rnd, county, kind, producer)
        chosen = rnd.sample(sorted(CHANNEL_URLS), 2)
        links = tuple((c, CHANNEL_URLS[c].format(n=rnd.randrange(10**11, 10**12))) for c in sorted(chosen))
        out.append(
            Product(
                pid=ids[i] if ids else f"{slug}-{i:05d}",
                name=name,
                province=province,
                county=county,
                category=category,
                unit=unit,
                price=f"{rnd.randrange(lo, hi) / 100:.2f}",
                producer=producer,
                channels=links,
                campaign=camps[i % len(camps)],
                story=story,
            )
        )
    return out


def _story(rnd: random.Random, county: str, kind: str, producer: str) -> str:
    """About 300 characters in two or three paragraphs."""
    text: list[str] = []
    while sum(len(s) for s in text) < 290:
        text.append(rnd.choice(SENTENCES).format(county=county, kind=kind, producer=producer))
    third = max(1, len(text) // 3)
    return "\n\n".join("".join(text[k : k + third]) for k in range(0, len(text), third)) + "\n"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def product_yaml(p: Product) -> str:
    """The record of `p`, as an editor would write it (SPEC.md, "Product record")."""
    purchase = "".join(f"  - channel: {c}\n    url: {u}\n" for c, u in p.channels)
    return (
        f"name: {p.name}\n"
        f"summary: {p.county}出产的{p.name}，由{p.producer}组织种植、分级和发货。\n"
        f"origin: {{province: {p.province}, county: {p.county}}}\n"
        f"producer: {p.producer}\n"
        f"category: {p.category}\n"
        f'price: {{amount: "{p.price}", currency: CNY, unit: {p.unit}}}\n'
        "verified: {by: 县电商服务中心, on: 2020-03-01, note: 实地走访基地与仓库}\n"
        f"campaigns: [{p.campaign}]\n"
        f"purchase:\n{purchase}"
    )


def campaign_yaml(cid: str) -> str:
    """A campaign record with goals."""
    return (
        f"name: 助农行动 {cid.rsplit('-', 1)[-1]} 号\n"
        "summary: 县商务局联合电商平台开展的农产品产销对接活动。\n"
        "organizer: 县商务局\n"
        "partners: [京东, 拼多多]\n"
        "start: 2020-03-01\n"
        "end: 2020-12-31\n"
        "goals:\n"
        '  sales_amount: {amount: "280000.00", currency: CNY}\n'
        '  donations: {amount: "100000.00", currency: CNY}\n'
    )


def project_site(path: Path, items: list[Product], campaigns: list[str]) -> Path:
    """A site repository for the project's build; returns its mkdocs.yml."""
    for d in ("products", "campaigns", "ledgers", "content/stories"):
        (path / d).mkdir(parents=True, exist_ok=True)
    for p in items:
        _write(path / "products" / f"{p.pid}.yml", product_yaml(p))
        _write(path / "content" / "stories" / f"{p.pid}.md", p.story)
    for cid in campaigns:
        _write(path / "campaigns" / f"{cid}.yml", campaign_yaml(cid))
    _write(path / "content" / "index.md", "# 首页\n\n助农产品与公开账本（基准测试站点）。\n")
    config = path / "mkdocs.yml"
    _write(
        config,
        "site_name: 基准测试 · 项目构建\n"
        + THEME_YAML
        + f"hooks: [{ROOT / 'hooks' / 'harvest.py'}]\n"
        + "nav:\n  - 首页: index.md\n  - 产品: products/index.md\n  - 产地: places/index.md\n"
        + "  - 助农活动: campaigns/index.md\n"
        + "extra:\n"
        + CHANNELS_YAML,
    )
    return config


def plain_site(path: Path, items: list[Product]) -> Path:
    """The same stories as ordinary pages for plain MkDocs + Material; returns its mkdocs.yml."""
    links = []
    for p in items:
        _write(path / "content" / "stories" / f"{p.pid}.md", f"# {p.name}\n\n{p.story}")
        links.append(f"- [{p.name}](stories/{p.pid}.md) · {p.province} {p.county}\n")
    _write(path / "content" / "index.md", "# 首页\n\n" + "".join(links))
    config = path / "mkdocs.yml"
    _write(
        config,
        "site_name: 基准测试 · 普通 MkDocs\n"
        + THEME_YAML
        + "nav:\n  - 首页: index.md\n"
        + "not_in_nav: |\n  /stories/\n"
        + "extra:\n"
        + CHANNELS_YAML,
    )
    return config
