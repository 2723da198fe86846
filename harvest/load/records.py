"""Loading and checking product and campaign records.

`load_records` reads every `products/*.yml` and `campaigns/*.yml`, checks each against the
models in `models.py` and against the other files (channels, campaigns, images), and returns
the records together with every problem found, each with file, line and field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError

from harvest.i18n import _
from harvest.load import addresses, git, inapp, inputs, models
from harvest.load.links import check_link
from harvest.load.models import Campaign, Product
from harvest.load.names import Names, listed
from harvest.load.privacy import find_personal_data
from harvest.load.sanity import control_character, date_in_window, visible, window_text
from harvest.load.yamlfile import YamlDoc, dotted, parse_yaml
from harvest.problems import Problem, shown
from harvest.vocabulary import CATEGORIES, CHANNEL_ALIASES


@dataclass(frozen=True)
class Channel:
    """A place to buy, declared once in mkdocs.yml under `extra.channels`."""

    id: str
    label: str
    domains: tuple[str, ...]
    # In-app browser -> "guide" or "copy" (see inapp.py); an app not named here opens the shop.
    in_app: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Records:
    """Every valid record, by id, sorted by id."""

    products: dict[str, Product]
    campaigns: dict[str, Campaign]
    # Where each record came from, for messages found later (ledgers, stories).
    files: dict[str, str]

    def files_of(self, kind: str) -> set[str]:
        """Ids of every record file of a kind ("products" or "campaigns"), valid or not."""
        return {key.split("/", 1)[1] for key in self.files if key.startswith(kind + "/")}

    def campaign_products(self, campaign_id: str) -> list[str]:
        """The campaign's own list, joined with the products that name the campaign."""
        ids = set(self.campaigns[campaign_id].products)
        ids.update(pid for pid, p in self.products.items() if campaign_id in p.campaigns)
        return sorted(ids)


def load_channels(
    extra: Mapping[str, Any] | None, path: str = "mkdocs.yml"
) -> tuple[dict[str, Channel], list[Problem]]:
    """Read `extra.channels` from the site config."""
    problems: list[Problem] = []
    raw = (extra or {}).get("channels")
    example = "channels:\n      jd: {label: 京东, domains: [jd.com, 3.cn]}"
    if not isinstance(raw, Mapping) or not raw:
        return {}, [
            Problem(
                path,
                None,
                "extra.channels",
                _("a list of purchase channels under `extra:`"),
                shown(raw),
                _("add under `extra:` for example\n      {example}").format(example=example),
            )
        ]
    channels: dict[str, Channel] = {}
    for cid, spec in sorted(raw.items()):
        field = f"extra.channels.{cid}"
        label = spec.get("label") if isinstance(spec, Mapping) else None
        domains = spec.get("domains") if isinstance(spec, Mapping) else None
        ok_domains = (
            isinstance(domains, list)
            and domains
            and all(isinstance(d, str) and d == d.lower() and "." in d and "/" not in d for d in domains)
        )
        if not isinstance(cid, str) or not models.is_slug(cid) or not isinstance(label, str) or not ok_domains:
            problems.append(
                Problem(
                    path,
                    None,
                    field,
                    _("a channel id (lowercase letters, digits, dashes) with a label and a list of lowercase domains"),
                    shown(spec),
                    _("write it like\n      {example}").format(example=example),
                )
            )
            continue
        policy, more = inapp.parse_in_app(spec.get("in_app"), f"{field}.in_app", path)
        problems += more
        channels[cid] = Channel(cid, label, tuple(domains), policy)  # type: ignore[arg-type]
    return channels, problems


def channel_names(channels: Mapping[str, Channel]) -> Names:
    """The channels by id, by their `label` and by the usual names of their shops
    (`vocabulary.CHANNEL_ALIASES`: 天猫 is the channel whose domains include tmall.com)."""
    return Names("channel", {
        c.id: [c.label, *(name for name, domain in CHANNEL_ALIASES.items() if domain in c.domains)]
        for c in channels.values()
    })


def product_names(products: Mapping[str, Product], ids: Iterable[str] = ()) -> Names:
    """The products by id and by name (云南普洱茶 names `puer-tea` when no other product has it);
    `ids` adds products known by their file alone (a record with mistakes of its own)."""
    return Names("product", {**{pid: [] for pid in ids}, **{pid: [p.name] for pid, p in products.items()}})


def category_names(categories: Mapping[str, str] | None = None) -> Names:
    """The categories by slug and by Chinese label (`extra.categories`, or the defaults)."""
    return Names("category", {slug: [text] for slug, text in (categories or CATEGORIES).items()})


def _hint_for(field: str) -> str:
    example = models.EXAMPLES.get(field)
    return _("write it like\n      {example}").format(example=example) if example else _("see the example record in README.md")


def _pydantic_problems(err: ValidationError, path: str, doc: YamlDoc, model: type[BaseModel]) -> list[Problem]:
    out: list[Problem] = []
    for e in err.errors(include_url=False):
        loc = tuple(e["loc"])
        # pydantic puts the failing validator's name at the end of some locations.
        loc = tuple(p for p in loc if not (isinstance(p, str) and "[" in p))
        field = dotted(loc)
        name = next((str(p) for p in reversed(loc) if isinstance(p, str)), field)
        line = doc.line(loc)
        kind = e["type"]
        got = shown(e.get("input"))
        if kind == "missing":
            out.append(
                Problem(
                    path,
                    line,
                    field,
                    _('a field "{name}"').format(name=name),
                    _("no such field"),
                    _("add the line\n      {example}").format(example=models.EXAMPLES.get(name, name + ": …")),
                )
            )
        elif kind == "extra_forbidden":
            known = _known_fields(model, loc[:-1])
            out.append(
                Problem(
                    path,
                    line,
                    field,
                    _("one of the known fields: {fields}").format(fields=listed(known)),
                    _('an unknown field "{field}"').format(field=loc[-1]),
                    Names.of("field", known).hint(str(loc[-1])) + _("check the spelling, or remove the line"),
                )
            )
        else:
            out.append(Problem(path, line, field, _expected(kind, name, e), got, _hint_for(name)))
    return out


def _known_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return []
        current = _inner_model(info.annotation)
        if current is None:
            return []
    return sorted(current.model_fields)


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _expected(kind: str, name: str, e: Any) -> str:
    """What a field should hold, by the kind of pydantic's error (`e`, for the field `name`)."""
    ctx = e.get("ctx") or {}
    if kind == "gtin_check_digit":
        return _("a GTIN whose last digit is its GS1 check digit")
    if kind == "two_places":
        return _("an amount with at most 2 decimal places, like 39.90")
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        if pattern == models.SLUG_PATTERN:
            return _("an id of lowercase letters, digits and single dashes, like baojing-oranges-2019")
        if pattern == models.LINE_PATTERN:
            return _("plain text on one line, without < or > (markup is not allowed)")
        if pattern == models.GTIN_PATTERN:
            return _("a GTIN of 8, 12, 13 or 14 digits, in quotes")
        if pattern == models.SHARE_CODE_PATTERN:
            return _("the code alone, like ￥AbCdEfGh123￥: letters and digits between the app's marks, no link or text")
        return _("a 3-letter currency code in capitals, like CNY")
    if kind == "string_too_long":
        return _("at most {count} characters").format(count=ctx.get("max_length"))
    if kind == "too_short":
        return _("at least one item")
    if kind == "string_too_short":
        return _("some text")
    if kind == "string_type":
        return _('text in quotes, like "06901234567892"') if name == "gtin" else _("text")
    if kind.startswith("date"):
        return _("a date written YYYY-MM-DD, like 2019-02-12")
    if kind == "greater_than":
        return _("a number greater than 0, like 39.90")
    if kind.startswith("decimal") or kind == "finite_number":
        return _("a number like 39.90")
    if kind == "list_type":
        return _("a list, like [a, b]")
    if kind in ("model_type", "dict_type"):
        return _("a group of fields")
    # A kind the models do not make today: pydantic's own words (in English) say what it is.
    return _("a value of the right kind ({detail})").format(detail=e.get("msg", kind))


def _strings(value: Any, path: tuple[Any, ...] = ()) -> Iterable[tuple[tuple[Any, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from _strings(v, (*path, str(k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, (*path, i))


# A shop's item number in a link's query (`?id=861234567890`, `goods_id=…`, `itemID=…`) is
# the product's, not a person's, however it happens to start.
_ITEM_ID = re.compile(r"(?i)(?:^|&)(?:item|goods|sku|product|shop|spu)?_?id=\d+(?=&|$)")


def _without_item_ids(query: str) -> str:
    return _ITEM_ID.sub("&", query)


def _privacy(doc: YamlDoc, path: str) -> list[Problem]:
    out = []
    for loc, text in _strings(doc.data):
        if loc and loc[-1] == "gtin" and re.fullmatch(models.GTIN_PATTERN, text) and models.gtin_check_digit_ok(text):
            continue  # a valid GTIN is a product's code, not a person's number
        if loc and loc[-1] == "url":
            # Item ids in a link's path are not personal; a query string may be.
            parts = urlsplit(text) if text.startswith("http") else None
            text = f"{_without_item_ids(parts.query)} {parts.fragment}" if parts else text
        kind = find_personal_data(text)
        if kind:
            out.append(
                Problem(
                    path,
                    doc.line(loc),
                    dotted(loc),
                    _("no personal data on a public page"),
                    _("what looks like {kind}").format(kind=kind),
                    _("remove it; name a cooperative or an office instead of a person's contact details"),
                )
            )
    return out


# Before a record is validated: its names put to ids, and the problems of the fields told.
_NameStep = Callable[[YamlDoc, str], tuple[list[Problem], set[str]]]


def _load(
    folder: Path, root: Path, model: type[BaseModel], names: _NameStep | None = None
) -> tuple[dict[str, tuple[Any, YamlDoc, str]], list[Problem]]:
    found: dict[str, tuple[Any, YamlDoc, str]] = {}
    problems: list[Problem] = []
    if not folder.is_dir():
        return found, problems
    for file in sorted(folder.iterdir()):
        rel = file.relative_to(root).as_posix()
        if file.suffix == ".yaml":
            problems.append(
                Problem(rel, None, "", _("a file name ending in .yml"), file.name,
                        _("rename it to {name}").format(name=f"{file.stem}.yml"))
            )
            continue
        if file.suffix != ".yml":
            continue
        if not models.is_slug(file.stem):
            problems.append(
                Problem(
                    rel,
                    None,
                    "",
                    _("a file name that is an id: lowercase letters,"
                      " digits and single dashes, at most 64, like baojing-navel-orange.yml"),
                    shown(file.name),
                    _("rename the file"),
                )
            )
            continue
        if file.stem in addresses.RESERVED_IDS:
            problems.append(Problem(rel, None, "", _("an id other than {id} ({folder}/{id}/ is the list of all {folder})")
                                    .format(id=file.stem, folder=folder.name), shown(file.name), _("rename the file")))
            continue
        try:
            data = inputs.read_bytes(root, rel, inputs.RECORD_BYTES)
        except inputs.Refused as e:
            problems.append(e.problem(rel))
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            line = data[: e.start].count(b"\n") + 1
            problems.append(
                Problem(
                    rel,
                    line,
                    "",
                    _("text saved as UTF-8"),
                    _("bytes that are not UTF-8"),
                    _('save the file as UTF-8 in your editor ("Save with encoding")'),
                )
            )
            continue
        doc, errs = parse_yaml(text.removeprefix("\ufeff"), rel)
        problems += errs
        if doc is None:
            # Unreadable, but there: its story and the records naming it are not told again.
            found[file.stem] = (None, YamlDoc({}, {}), rel)
            continue
        if not isinstance(doc.data, dict):
            problems.append(
                Problem(
                    rel,
                    1,
                    "",
                    _("fields written as `key: value`"),
                    shown(doc.data),
                    _("start from `{command}`").format(command=f"python build.py new {folder.name[:-1]} <id>"),
                )
            )
            continue
        problems += _privacy(doc, rel) + _invisible(doc, rel)
        told: set[str] = set()
        if names is not None:
            more, told = names(doc, rel)
            problems += more
        try:
            record = model.model_validate(doc.data)
        except ValidationError as err:
            problems += [p for p in _pydantic_problems(err, rel, doc, model) if p.field not in told]
            record = None
        found[file.stem] = (record, doc, rel)
    return found, problems


def load_records(
    root: Path, docs_dir: Path, channels: Mapping[str, Channel], today: date | None = None,
    categories: Mapping[str, str] | None = None,
) -> tuple[Records, list[Problem]]:
    """Every product and campaign under `root`, checked, with every problem found.

    Dates must lie between 2000-01-01 and a year after `today` (by default the date of the
    checked-out commit, or today outside git). Purchase links are kept as the URL parser
    writes them (what browsers read); a product whose link is refused is left out. A channel
    or category written by its name (淘宝, 水果) is kept as its id; `categories` are the
    site's (`extra.categories`), by default `vocabulary.CATEGORIES`.
    """
    today = today or git.commit_date(root)
    by_name = channel_names(channels), category_names(categories)
    products, problems = _load(root / "products", root, Product,
                               lambda doc, rel: _product_names(doc, rel, *by_name))
    campaigns, more = _load(root / "campaigns", root, Campaign)
    problems += more
    # Records with mistakes of their own still count as existing here, so that a mistake in
    # one file is not reported again as "unknown id" in every file that names it.
    problems += _address_clashes(products.values())
    campaign_names = Names("campaign", {k: [c.name] if c else [] for k, (c, _, _) in campaigns.items()})
    product_hints = Names("product", {k: [p.name] if p else [] for k, (p, _, _) in products.items()})
    unknown: set[Problem] = set()  # ids in a record's list that no file has
    for pid, (product, doc, rel) in products.items():
        more, hrefs = _cross_check_product(doc, rel, root, docs_dir, channels)
        missing = _unknown_ids(rel, doc, "campaigns", campaign_names)
        unknown.update(missing)
        problems += more + missing + _dates(product, doc, rel, today)
        if product is not None:
            products[pid] = (_with_links(product, hrefs), doc, rel)
    for campaign, doc, rel in campaigns.values():
        problems += _dates(campaign, doc, rel, today)
        missing = _unknown_ids(rel, doc, "products", product_hints)
        unknown.update(missing)
        problems += missing
        if campaign is None:
            continue
        if campaign.end is not None and campaign.end < campaign.start:
            problems.append(
                Problem(
                    rel,
                    doc.line(("end",)),
                    "end",
                    _("a date not before start ({start})").format(start=campaign.start),
                    str(campaign.end),
                    _("correct the start or the end date"),
                )
            )
    files = {f"products/{k}": v[2] for k, v in products.items()}
    files.update({f"campaigns/{k}": v[2] for k, v in campaigns.items()})
    records = Records(
        products={k: products[k][0] for k in sorted(products) if products[k][0] is not None},
        campaigns={k: campaigns[k][0] for k in sorted(campaigns) if campaigns[k][0] is not None},
        files=files,
    )
    return records, _one_per_id(problems, unknown)


def _one_per_id(problems: list[Problem], unknown: set[Problem]) -> list[Problem]:
    """An unknown id in a list (`campaigns[0]`, `products[2]`) is told once, with its hint,
    not also as a malformed id."""
    places = {(p.path, p.field) for p in unknown}
    return [p for p in problems if p in unknown or (p.path, p.field) not in places]


def _with_links(product: Product, hrefs: Mapping[int, str]) -> Product | None:
    """The product with its links as the parser writes them; None when any was refused."""
    if len(hrefs) != len(product.purchase):
        return None
    links = [buy.model_copy(update={"url": hrefs[i]}) for i, buy in enumerate(product.purchase)]
    return product.model_copy(update={"purchase": links})


def _invisible(doc: YamlDoc, path: str) -> list[Problem]:
    """Control and invisible characters: text that reads differently from how it is stored."""
    out = []
    for loc, text in _strings(doc.data):
        code = control_character(text)
        if code and not (loc and loc[-1] == "url"):  # links have their own check and message
            out.append(Problem(path, doc.line(loc), dotted(loc), _("text without control or invisible characters"),
                               _("the character {code} in {text}").format(code=code, text=shown(visible(text))),
                               _("retype the text (the character was pasted with it and cannot be seen)")))
    return out


def _dates(record: Product | Campaign | None, doc: YamlDoc, path: str, today: date) -> list[Problem]:
    """Dates far from now are typing mistakes (2109 for 2019, 1019 for 2019)."""
    found: list[tuple[tuple[str, ...], date]] = []
    if isinstance(record, Product) and record.verified is not None:
        found.append((("verified", "on"), record.verified.on))
    if isinstance(record, Campaign):
        found += [(("start",), record.start)] + ([(("end",), record.end)] if record.end else [])
    return [
        Problem(path, doc.line(loc), dotted(loc), window_text(today), str(value), _("check the year"))
        for loc, value in found
        if not date_in_window(value, today)
    ]


def _address_clashes(products: Iterable[tuple[Product | None, YamlDoc, str]]) -> list[Problem]:
    """Two products on one GS1 page, two spellings of one province or county, two pictures
    whose resized copies would get one name."""
    gtins: list[addresses.Claim] = []
    provinces: list[addresses.Claim] = []
    counties: list[addresses.Claim] = []
    pictures: list[addresses.Claim] = []
    for product, doc, rel in products:
        if product is None:
            continue
        if product.gtin:
            gtins.append(addresses.Claim(addresses.gtin_key(product.gtin), product.gtin, rel,
                                         doc.line(("gtin",)), "gtin"))
        o = product.origin
        provinces.append(addresses.Claim(addresses.place_key(o.province), o.province, rel,
                                         doc.line(("origin", "province")), "origin.province"))
        counties.append(addresses.Claim(addresses.place_key(o.province, o.county), o.county, rel,
                                        doc.line(("origin", "county")), "origin.county"))
        pictures += [addresses.Claim(addresses.picture_key(src), src, rel, doc.line(("images", i)), f"images[{i}]")
                     for i, src in enumerate(product.images)]
    # How to fix a clash; {where} is the other file and line, {text} its spelling.
    fix_name = _('write it exactly as {where} does ("{text}"), or, if they are different, make the names differ'
                 " by more than punctuation, spaces, width or case")
    return (addresses.clashes(gtins, _("a product code (GTIN)"),
                              _("each product has its own code (leading zeros do not make another one): check the"
                                " code on the package, and correct this one or the one in {where}"),
                              same_text_clashes=True)
            + addresses.clashes(provinces, _("a province name"), fix_name)
            + addresses.clashes(counties, _("a county name"), fix_name)
            + addresses.clashes(pictures, _("a picture name"),
                                _('rename one of the two pictures ({where} uses "{text}"): their resized copies would'
                                  " be published under one name")))


def _unknown_ids(rel: str, doc: YamlDoc, kind: str, known: Names) -> list[Problem]:
    """Each product or campaign (`kind`: "products", "campaigns") a record's list of that name
    holds that has no file in its folder. Read from the file as written, so that a name
    (测试脐橙) gets its hint even though it is no id."""
    expected = _("the id of a product in products/") if kind == "products" else _("the id of a campaign in campaigns/")
    return [Problem(rel, doc.line((kind, i)), f"{kind}[{i}]", expected, shown(value),
                    known.hint(value) + _("add {file} or fix the id").format(file=f"{kind}/{value}.yml"))
            for i, value in _items(doc.data, kind) if isinstance(value, str) and value not in known]


def _product_names(doc: YamlDoc, rel: str, channels: Names, categories: Names) -> tuple[list[Problem], set[str]]:
    """Put a channel or category written by its name (淘宝, 水果) to its id in the record, and
    tell each one that is neither an id nor a name, once."""
    out: list[Problem] = []
    data = doc.data
    category = data.get("category")
    if isinstance(category, str):
        found = categories.resolve(category)
        if found is not None:
            data["category"] = found
        else:
            out.append(Problem(rel, doc.line(("category",)), "category",
                               _("a category of mkdocs.yml (extra.categories): {choices}")
                               .format(choices=categories.listing()),
                               shown(category), categories.hint(category)
                               + _("use one of those, or add the category under extra.categories in mkdocs.yml")))
    for i, buy in _items(data, "purchase"):
        cid = buy.get("channel") if isinstance(buy, dict) else None
        if not isinstance(cid, str):
            continue  # the model check reports the missing or malformed channel
        found = channels.resolve(cid)
        if found is not None:
            buy["channel"] = found
            continue
        out.append(Problem(rel, doc.line(("purchase", i, "channel")), f"purchase[{i}].channel",
                           _("a channel declared in mkdocs.yml: {choices}")
                           .format(choices=channels.listing()),
                           shown(cid), channels.hint(cid)
                           + _("use one of those, or declare the channel under extra.channels in mkdocs.yml")))
    return out, {p.field for p in out}


def _items(data: Any, key: str) -> list[tuple[int, Any]]:
    value = data.get(key) if isinstance(data, dict) else None
    return list(enumerate(value)) if isinstance(value, list) else []


def _cross_check_product(
    doc: YamlDoc,
    rel: str,
    root: Path,
    docs_dir: Path,
    channels: Mapping[str, Channel],
) -> tuple[list[Problem], dict[int, str]]:
    """Checks that need other files. They read the raw record, so that they run (and report)
    even when the record has other mistakes: every problem is told in one go. Also returns
    each accepted purchase link as the parser writes it, by its place in the list."""
    out: list[Problem] = []
    hrefs: dict[int, str] = {}
    seen_channels: set[str] = set()
    for i, buy in _items(doc.data, "purchase"):
        cid, url = (buy.get("channel"), buy.get("url")) if isinstance(buy, dict) else (None, None)
        if not isinstance(cid, str):
            continue  # the model check reports the missing or malformed channel
        channel = channels.get(cid)
        if channel is None:
            continue  # told by `_product_names`
        if cid in seen_channels:
            out.append(
                Problem(
                    rel,
                    doc.line(("purchase", i, "channel")),
                    f"purchase[{i}].channel",
                    _("each channel once per product"),
                    shown(cid),
                    _("keep one link per channel (each gets its own QR code)"),
                )
            )
        elif isinstance(url, str):
            where = _('{domains} (channel "{channel}")').format(domains=_(" or ").join(channel.domains), channel=channel.id)
            verdict = check_link(url, channel.domains, where)
            if verdict.href is None:
                out.append(Problem(rel, doc.line(("purchase", i, "url")), f"purchase[{i}].url",
                                   verdict.expected, shown(visible(url)), verdict.fix))
            else:
                hrefs[i] = verdict.href
        seen_channels.add(cid)
    for i, image in _items(doc.data, "images"):
        bad = _check_image(image, docs_dir) if isinstance(image, str) else None
        if isinstance(bad, inputs.Refused):
            out.append(bad.problem(rel, doc.line(("images", i)), f"images[{i}]"))
        elif bad:
            out.append(
                Problem(
                    rel,
                    doc.line(("images", i)),
                    f"images[{i}]",
                    bad,
                    shown(image),
                    _("put the picture in {folder}/images/ and write its path like images/baojing-orange.jpg")
                    .format(folder=docs_dir.relative_to(root).as_posix()),
                )
            )
    return out, hrefs


IMAGE_TYPES = (".jpg", ".jpeg", ".png", ".webp")


def _check_image(image: str, docs_dir: Path) -> str | inputs.Refused | None:
    pure = PurePosixPath(image)
    if pure.is_absolute() or ".." in pure.parts or "\\" in image or ":" in image:
        return _("a path inside content/, like images/orange.jpg (no /, .. or drive letters at the start)")
    if pure.suffix.lower() not in IMAGE_TYPES:
        return _("a picture file ending in {endings}").format(endings=listed(IMAGE_TYPES))
    target = (docs_dir / image).resolve()
    if not target.is_relative_to(docs_dir.resolve()) or not target.is_file():
        return _("a picture that exists inside content/")
    try:
        inputs.picture_size(docs_dir, image)  # no link followed, pixels bounded, every byte decoded
    except inputs.Refused as e:
        e.got = _("{file}: {reason}").format(file=shown(image), reason=e.got)
        return e
    return None
