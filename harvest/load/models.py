"""What a product record and a campaign record may hold: the one definition of the rules.

The build validates records with these pydantic models, and the JSON Schemas that editors'
tools use are generated from them (`schema_for`), so the two can never disagree. Rules that
need other files (channels, campaigns, images) are checked in `records.py`.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

# An id (of a product, campaign, channel; a file's name): lowercase letters, digits, single dashes.
SLUG = r"[a-z0-9]+(-[a-z0-9]+)*"
SLUG_PATTERN = f"^{SLUG}$"
MAX_SLUG = 64
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=MAX_SLUG)]


def is_slug(text: str) -> bool:
    """Whether `text` is an id, as `Slug` checks it: ``is_slug("wanrong-apple")``."""
    return len(text) <= MAX_SLUG and re.fullmatch(SLUG, text) is not None


# One line of public text: no markup, no line breaks (names, producers, units …).
LINE_PATTERN = r"^[^<>\n\r]*$"
Line = Annotated[str, StringConstraints(pattern=LINE_PATTERN, min_length=1, max_length=200)]
Summary = Annotated[str, StringConstraints(pattern=LINE_PATTERN, min_length=1, max_length=200)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
GTIN_PATTERN = r"^(\d{8}|\d{12}|\d{13}|\d{14})$"
# A shop app's share code (淘口令 and the like), e.g. ￥AbCdEfGh123￥ or (AbCdEfGh123): ASCII
# letters and digits, at least 6 in a row, between the marks the apps put around them. No dot,
# colon, @ or slash is allowed, so a link, a domain or an e-mail address can never pass.
_SHARE_CHARS = "[ A-Za-z0-9()（）《》「」￥¥$€£₤₳₴¢₰₵₲₭₮₱₩₸+-]"
SHARE_CODE_PATTERN = rf"^{_SHARE_CHARS}*[A-Za-z0-9]{{6,}}{_SHARE_CHARS}*$"


def gtin_check_digit_ok(gtin: str) -> bool:
    """GS1 mod-10: weights 3,1,3,1… from the right, the check digit excluded."""
    digits = [int(c) for c in gtin]
    body, check = digits[:-1], digits[-1]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def _gtin(value: str) -> str:
    if not gtin_check_digit_ok(value):
        raise PydanticCustomError("gtin_check_digit", "the last digit is not the GS1 check digit")
    return value


def _two_places(value: Decimal) -> Decimal:
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or exponent < -2:
        raise PydanticCustomError("two_places", "more than 2 decimal places")
    return value


Gtin = Annotated[str, StringConstraints(pattern=GTIN_PATTERN), AfterValidator(_gtin)]
Amount = Annotated[Decimal, Field(gt=0, allow_inf_nan=False), AfterValidator(_two_places)]
Quantity = Annotated[Decimal, Field(gt=0, allow_inf_nan=False)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class Origin(_Record):
    """Where the product grows: province and county, town and village when known."""

    province: Line
    county: Line
    town: Line | None = None
    village: Line | None = None


class Price(_Record):
    """The usual retail price of one unit, e.g. 39.90 CNY for a 5 kg box."""

    amount: Amount
    currency: Currency = "CNY"
    unit: Line


class Verified(_Record):
    """Who checked the facts on the spot, when, and what they checked."""

    by: Line
    on: date
    note: Annotated[str, StringConstraints(pattern=LINE_PATTERN, max_length=500)] | None = None


class Purchase(_Record):
    """One place to buy: a channel declared in mkdocs.yml and an https link on its domains."""

    channel: Slug
    url: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    # Copied by the go/ page where the channel's policy is `copy` (README, "In-app browsers").
    share_code: Annotated[str, StringConstraints(pattern=SHARE_CODE_PATTERN, max_length=40)] | None = None


class Product(_Record):
    """A product record, `products/<id>.yml`."""

    name: Line
    summary: Summary
    origin: Origin
    producer: Line
    category: Line
    price: Price | None = None
    season: Line | None = None
    images: list[Annotated[str, StringConstraints(min_length=1)]] = []
    gtin: Gtin | None = None
    verified: Verified | None = None
    campaigns: list[Slug] = []
    purchase: Annotated[list[Purchase], Field(min_length=1)]


class QuantityGoal(_Record):
    """A goal counted in goods, e.g. 50000 kg."""

    amount: Quantity
    unit: Line


class MoneyGoal(_Record):
    """A goal counted in money, e.g. 280000.00 CNY."""

    amount: Amount
    currency: Currency = "CNY"


class Goals(_Record):
    """What the campaign set out to reach; progress is computed from its ledger."""

    sales_quantity: QuantityGoal | None = None
    sales_amount: MoneyGoal | None = None
    donations: MoneyGoal | None = None


class Campaign(_Record):
    """A campaign record, `campaigns/<id>.yml`."""

    name: Line
    summary: Summary
    organizer: Line
    partners: list[Line] = []
    start: date
    end: date | None = None
    products: list[Slug] = []
    goals: Goals | None = None


# Examples shown in messages, by field name: what a correct line looks like.
EXAMPLES: dict[str, str] = {
    "name": "name: 保靖黄金脐橙",
    "summary": "summary: 湘西保靖县山地种植的脐橙，果园直发。",
    "origin": "origin: {province: 湖南省, county: 保靖县}",
    "province": "province: 湖南省",
    "county": "county: 保靖县",
    "producer": "producer: 保靖县柑橘专业合作社",
    "category": "category: fruit",
    "price": 'price: {amount: "39.90", currency: CNY, unit: 5 kg 箱}',
    "amount": 'amount: "39.90"',
    "currency": "currency: CNY",
    "unit": "unit: 5 kg 箱",
    "season": "season: 11月–次年2月",
    "images": "images: [images/baojing-orange.jpg]",
    "gtin": 'gtin: "06901234567892"',
    "verified": "verified: {by: 内容平台扶贫小组, on: 2019-02-12, note: 实地走访果园}",
    "by": "by: 内容平台扶贫小组",
    "on": "on: 2019-02-12",
    "campaigns": "campaigns: [baojing-oranges-2019]",
    "purchase": "purchase:\n      - channel: jd\n        url: https://item.jd.com/100001234567.html",
    "channel": "channel: jd",
    "url": "url: https://item.jd.com/100001234567.html",
    "share_code": "share_code: ￥AbCdEfGh123￥",
    "organizer": "organizer: 保靖县商务局",
    "partners": "partners: [京东, 腾讯内容开放平台]",
    "start": "start: 2019-02-20",
    "end": "end: 2019-02-22",
    "products": "products: [baojing-navel-orange]",
    "goals": 'goals:\n      sales_amount: {amount: "280000.00", currency: CNY}',
    "sales_quantity": 'sales_quantity: {amount: "50000", unit: kg}',
    "sales_amount": 'sales_amount: {amount: "280000.00", currency: CNY}',
    "donations": 'donations: {amount: "100000.00", currency: CNY}',
}


def schema_for(model: type[BaseModel], title: str) -> dict[str, Any]:
    """The JSON Schema editors' tools use, generated from the model the build uses."""
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = title
    return schema
