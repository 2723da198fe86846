"""What readers and editors read for each slug the data files keep: one place for the words.

Records and ledgers keep short English slugs (`fruit`, `donation`, `sales_amount`, `CNY`);
pages, forms and reports show these Chinese labels. Channels are named in mkdocs.yml
(`extra.channels.<id>.label`) and categories may be too (`extra.categories`); the defaults are
here. Money shown to people is written by `money()` alone (data files keep plain decimals).

Example: ``label(ENTRY_TYPES, "donation") == "捐赠"``; ``money(Decimal("-500"), "CNY") == "-¥500.00"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache

from pypinyin import lazy_pinyin

ENTRY_TYPES: dict[str, str] = {"donation": "捐赠", "sale": "销售", "disbursement": "拨付", "expense": "支出"}

# The campaign totals (figures.KINDS), as the transparency tables head them.
TOTALS: dict[str, str] = {
    "donation": "捐赠收入",
    "sale": "销售额",
    "disbursement": "拨付给受助方",
    "expense": "活动支出",
    "balance": "结余",
}

GOALS: dict[str, str] = {"sales_quantity": "销售数量", "sales_amount": "销售额", "donations": "捐赠"}

# The currencies the forms offer (ISO 4217); the records accept any three capital letters.
CURRENCIES: dict[str, str] = {
    "CNY": "人民币 CNY",
    "HKD": "港元 HKD",
    "MOP": "澳门元 MOP",
    "TWD": "新台币 TWD",
    "USD": "美元 USD",
    "EUR": "欧元 EUR",
}
SYMBOLS: dict[str, str] = {"CNY": "¥"}

# The names editors and shop exports give the usual channels, each by a domain the channel
# declares in mkdocs.yml (天猫 is the channel whose domains include tmall.com); a channel's own
# `label` is a name for it too.
CHANNEL_ALIASES: dict[str, str] = {
    "淘宝": "taobao.com",
    "天猫": "tmall.com",
    "京东": "jd.com",
    "拼多多": "pinduoduo.com",
    "抖音": "douyin.com",
    "快手": "kuaishou.com",
    "微店": "weidian.com",
}

# The categories when mkdocs.yml declares none under `extra.categories`.
CATEGORIES: dict[str, str] = {
    "fruit": "水果",
    "vegetables": "蔬菜",
    "grain": "粮油",
    "tea": "茶叶",
    "mushrooms": "菌菇",
    "flowers": "花卉",
    "meat": "肉禽蛋",
    "aquatic": "水产",
    "honey": "蜂蜜",
    "nuts": "坚果干货",
    "sugar": "糖",
    "pastry": "糕点",
    "spices": "调味品",
    "crafts": "手工艺品",
}


def label(words: Mapping[str, str], slug: str) -> str:
    """The label of `slug`, or the slug itself when there is none (a currency the list lacks)."""
    return words.get(slug, slug)


def money(amount: Decimal, currency: str = "CNY", sign: bool = False) -> str:
    """Money as people read it: ``¥1,234.50`` for CNY, ``1,234.50 USD`` otherwise; ``-`` before
    a negative amount, and ``+`` before a positive one when `sign` (changes in a report)."""
    cents = amount.quantize(Decimal("0.01"))
    text = format(abs(cents), ",.2f")
    text = SYMBOLS[currency] + text if currency in SYMBOLS else f"{text} {currency}"
    if cents < 0:
        return "-" + text
    return "+" + text if sign and cents else text


def number(value: Decimal) -> str:
    """A quantity with thousands separators and no trailing zeros (1,250.5)."""
    return f"{value.normalize():,f}"


# Provinces in the official order (the administrative division codes, GB/T 2260: 11 北京 … 82 澳门),
# by the short name a full name starts with ("湖南省", "广西壮族自治区").
PROVINCES = ("北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽",
             "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南",
             "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "台湾", "香港", "澳门")


@lru_cache(maxsize=1 << 16)  # county and province names come back for every product
def pinyin(text: str) -> tuple[str, str]:
    """A name's place in a list sorted as Chinese readers expect: by its pinyin (重庆 as
    chongqing, 长沙 as changsha), then by the characters."""
    return " ".join(lazy_pinyin(text)).lower(), text


def province_order(name: str) -> tuple[int, tuple[str, str]]:
    """A province's place in the official order; a name not in it comes after, by pinyin."""
    index = next((i for i, short in enumerate(PROVINCES) if name.startswith(short)), len(PROVINCES))
    return index, pinyin(name)
