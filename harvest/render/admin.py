"""The editors' forms at /admin/: Decap CMS, configured from the record models.

The form of every field (label, hint, required, pattern, length, choices) is made here from
`models.py`, the same models that validate the records and make the JSON Schemas, so the forms
can never ask for something the build refuses. Which forge the forms commit to is read from
`extra.admin` in mkdocs.yml. The app itself (Decap CMS and js-yaml, vendored, see
`admin/VENDOR.md`) is published with the site; `build.py edit` serves the same app against the
files of this computer (`harvest/commands/edit_backend.py`).
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import annotated_types
import jinja2
import yaml
from pydantic import BaseModel, StringConstraints

from harvest import ADMIN_APP
from harvest.load import models
from harvest.load.models import Campaign, Product
from harvest.load.settings import WORKFLOW, Admin, Forge
from harvest.render.admin_fields import COLLECTIONS, FIELDS, PATTERN_MESSAGES
from harvest.vocabulary import CURRENCIES

APP_DIR = ADMIN_APP
# Published under admin/ as they are (the page and the configuration are made per site).
APP_FILES = ("decap-cms.js", "js-yaml.min.js", "harvest-cms.js", "LICENSE", "decap-cms.js.LICENSE.txt",
             "js-yaml.LICENSE")
@dataclass(frozen=True)
class Rules:
    """What the model asks of one value."""

    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    positive: bool = False
    two_places: bool = False


def _unwrap(annotation: Any) -> tuple[Any, Rules]:
    """The bare type of an annotation and the rules its metadata sets."""
    meta: list[Any] = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *more = typing.get_args(annotation)
            meta.extend(more)
        elif origin in (typing.Union, types.UnionType):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        else:
            break
    return annotation, _rules(meta)


def _rules(meta: Iterable[Any]) -> Rules:
    found: dict[str, Any] = {}
    for m in meta:
        if isinstance(m, StringConstraints):
            found.update({k: getattr(m, k) for k in ("pattern", "min_length", "max_length") if getattr(m, k) is not None})
        elif isinstance(m, annotated_types.MinLen):
            found["min_length"] = m.min_length
        elif isinstance(m, annotated_types.MaxLen):
            found["max_length"] = m.max_length
        elif isinstance(m, annotated_types.Gt) and m.gt == 0:
            found["positive"] = True
        elif getattr(m, "func", None) is models._two_places:  # noqa: SLF001 - the model's own rule
            found["two_places"] = True
        elif hasattr(m, "metadata"):  # a FieldInfo inside Annotated (Field(gt=0, …))
            nested = _rules(m.metadata)
            found.update({k: v for k, v in vars(nested).items() if v not in (None, False)})
    return Rules(**found)


def text_pattern(rules: Rules) -> str:
    """One JavaScript regular expression for a text's pattern and length together."""
    body = rules.pattern.removeprefix("^") if rules.pattern else "[\\s\\S]*$"
    if rules.min_length is None and rules.max_length is None:
        return "^" + body
    low = rules.min_length or 0
    high = "" if rules.max_length is None else str(rules.max_length)
    return f"^(?=[\\s\\S]{{{low},{high}}}$)" + body


def decimal_pattern(rules: Rules) -> str:
    """A number greater than 0 written with digits (and at most 2 places when the model says so)."""
    places = "{1,2}" if rules.two_places else "+"
    return f"^(?=.*[1-9])\\d+(\\.\\d{places})?$"


def _message(rules: Rules) -> str:
    kinds = {models.LINE_PATTERN: "line", models.SLUG_PATTERN: "slug", models.GTIN_PATTERN: "gtin",
             r"^[A-Z]{3}$": "currency"}
    kind = kinds.get(rules.pattern or "", "text")
    return PATTERN_MESSAGES[kind].format(max=rules.max_length)


@dataclass(frozen=True)
class Choices:
    """The lists the forms offer: channels (with their domains), categories, currencies."""

    channels: dict[str, tuple[str, tuple[str, ...]]]  # id -> (label, domains)
    categories: dict[str, str]
    currencies: dict[str, str]


def url_pattern(domains: Iterable[str]) -> str:
    """An https link on one of the domains or a subdomain of one (the form's first check; the
    build checks each link against its own channel)."""
    hosts = "|".join(re.escape(d) for d in sorted(set(domains)))
    return f"^https://([a-z0-9-]+\\.)*({hosts})([/?#]\\S*)?$"


def _options(mapping: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"label": label, "value": value} for value, label in mapping.items()]


def form_fields(model: type[BaseModel], choices: Choices, optional_group: bool = False) -> list[dict[str, Any]]:
    """The Decap fields of a model, in the model's order.

    Inside an optional group (a price, a verification) every field is optional in the form:
    Decap would otherwise insist on a price's amount even when no price is given. A half-filled
    group is refused on saving (by `build.py edit`) or reported by `build.py check`.
    """
    return [_field(model.__name__, name, info.annotation, info.metadata, info.is_required() and not optional_group,
                   choices) for name, info in model.model_fields.items()]


def _field(owner: str, name: str, annotation: Any, metadata: list[Any], required: bool, choices: Choices) -> dict[str, Any]:
    label, hint = FIELDS[(owner, name)]
    kind, inner_rules = _unwrap(annotation)
    outer = _rules(metadata)
    # A required field's rules sit on the field, an optional one's inside its annotation.
    rules = Rules(**{k: v for r in (outer, inner_rules) for k, v in vars(r).items() if v not in (None, False)})
    base: dict[str, Any] = {"name": name, "label": label, "hint": hint, "required": required}
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return {**base, "widget": "object", "fields": form_fields(kind, choices, optional_group=not required)}
    if typing.get_origin(kind) is list:
        item, item_rules = _unwrap(typing.get_args(kind)[0])
        least = {"min": outer.min_length} if outer.min_length else {}
        if isinstance(item, type) and issubclass(item, BaseModel):
            return {**base, "widget": "list", **least, "fields": form_fields(item, choices, optional_group=not required),
                    "summary": "{{fields.channel}} {{fields.url}}" if item is models.Purchase else None}
        if name in ("campaigns", "products"):
            return {**base, "widget": "relation", "collection": name, "multiple": True, "value_field": "{{slug}}",
                    "search_fields": ["name"], "display_fields": ["name"], "options_length": 200}
        inner: dict[str, Any] = {"name": name[:-1] if name.endswith("s") else "item", "label": label}
        if name == "images":
            inner.update({"widget": "image", "choose_url": False})
        else:
            inner.update({"widget": "string", "pattern": [text_pattern(item_rules), _message(item_rules)]})
        return {**base, "widget": "list", **least, "field": inner}
    if kind is date:
        return {**base, "widget": "datetime", "format": "YYYY-MM-DD", "date_format": "YYYY-MM-DD",
                "time_format": False, "picker_utc": True}
    if kind is Decimal:
        message = PATTERN_MESSAGES["amount" if rules.two_places else "quantity"]
        return {**base, "widget": "string", "pattern": [decimal_pattern(rules), message]}
    if name == "channel":
        return {**base, "widget": "select", "options": _options({k: f"{v[0]}（{k}）" for k, v in choices.channels.items()})}
    if name == "currency":
        # No default: an untouched price must stay empty (the build fills in CNY, as the model says).
        return {**base, "widget": "select", "options": _options(choices.currencies)}
    if name == "category":
        return {**base, "widget": "select", "options": _options({k: f"{v}（{k}）" for k, v in choices.categories.items()})}
    if name == "url":
        domains = [d for _label, ds in choices.channels.values() for d in ds]
        message = PATTERN_MESSAGES["url"].format(domains="、".join(sorted(set(domains))))
        return {**base, "widget": "string", "pattern": [url_pattern(domains), message]}
    return {**base, "widget": "string", "pattern": [text_pattern(rules), _message(rules)]}


def _id_field(what: str, example: str) -> dict[str, Any]:
    rules = Rules(pattern=models.SLUG_PATTERN, max_length=64)
    return {"name": "id", "label": f"{what}编号（新建时填写）", "widget": "string", "required": False,
            "pattern": [text_pattern(rules), PATTERN_MESSAGES["slug"]],
            "hint": f"只在新建时填写，保存后就是文件名和网址，不能再改。用小写拼音字母、数字和短横线，例如 {example}。"}


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def decap_config(
    *, site_url: str, docs_rel: str, choices: Choices, forge: Forge | None,
    local_api: str | None = None, preview_url: str | None = None,
) -> dict[str, Any]:
    """The whole Decap configuration (config.yml) for a site.

    `local_api` is the address of `build.py edit`'s local backend (only in its own copy);
    `preview_url` the preview that "view on the site" links lead to.
    """
    if forge is None:
        backend: dict[str, Any] = {"name": "github", "repo": "local/site", "branch": "main"}
    else:
        backend = {"name": forge.backend, "repo": forge.repo, "branch": forge.branch, "base_url": forge.base_url,
                   "api_root": forge.api_root, "auth_endpoint": forge.auth_endpoint, "app_id": forge.app_id}
        if forge.backend == "gitlab" and forge.app_id:
            backend["auth_type"] = "pkce"
        backend["squash_merges"] = True if forge.backend == "github" else None
    def collection(name: str, folder: str, fmt: str, fields: list[dict[str, Any]], **more: Any) -> dict[str, Any]:
        label, singular, description = COLLECTIONS[name]
        return {"name": name, "label": label, "label_singular": singular, "description": description,
                "folder": folder, "extension": fmt.split(":")[1], "format": fmt.split(":")[0],
                "create": True, "delete": False, "fields": fields, **more}

    product_fields = [_id_field("产品", "baojing-navel-orange"), *form_fields(Product, choices)]
    campaign_fields = [_id_field("活动", "baojing-oranges-2019"), *form_fields(Campaign, choices)]
    story_fields: list[dict[str, Any]] = [
        {"name": "product", "label": "产品（新建时选择）", "widget": "relation", "collection": "products",
         "value_field": "{{slug}}", "search_fields": ["name"], "display_fields": ["name"], "required": False,
         "options_length": 200, "hint": "只在新建故事时选择：故事显示在这个产品的页面上，文件名就是产品编号。"},
        {"name": "body", "label": "故事正文", "widget": "markdown", "modes": ["rich_text", "raw"],
         "buttons": ["bold", "italic", "link", "heading-two", "heading-three", "quote", "bulleted-list",
                     "numbered-list"], "editor_components": ["image"],
         "hint": "产地是什么样子，谁在种，团队去核实了什么。引用账本里的数字请写 {{ figure 活动编号 名称 }}。"},
    ]
    config: dict[str, Any] = {
        "locale": "zh_Hans",
        "backend": backend,
        "publish_mode": WORKFLOW[forge.backend] if forge else "simple",
        "media_folder": f"{docs_rel}/images",
        "public_folder": "images",
        "site_url": site_url,
        "display_url": preview_url or site_url,
        "show_preview_links": True,
        "slug": {"encoding": "unicode", "clean_accents": False, "sanitize_replacement": "-"},
        "collections": [
            collection("products", "products", "harvest-product:yml", product_fields, identifier_field="id",
                       slug="{{id}}", summary="{{name}}（{{filename}}）", preview_path="products/{{slug}}/",
                       sortable_fields=["name"]),
            collection("stories", f"{docs_rel}/stories", "harvest-story:md", story_fields,
                       identifier_field="product", slug="{{product}}", summary="{{filename}}",
                       preview_path="products/{{slug}}/"),
            collection("campaigns", "campaigns", "harvest-campaign:yml", campaign_fields, identifier_field="id",
                       slug="{{id}}", summary="{{name}}（{{filename}}）", preview_path="campaigns/{{slug}}/",
                       sortable_fields=["name"]),
        ],
    }
    if local_api:
        config["local_backend"] = {"url": local_api, "allowed_hosts": ["127.0.0.1"]}
    return _drop_none(config)


def choices_for(channels: Mapping[str, Any], categories: Mapping[str, str], used: Iterable[str]) -> Choices:
    """The form's lists: a category already used by a record is always offered."""
    offered = dict(categories)
    for category in sorted(set(used) - set(offered)):
        offered[category] = category
    return Choices(
        channels={cid: (c.label, tuple(c.domains)) for cid, c in sorted(channels.items())},
        categories=offered,
        currencies=dict(CURRENCIES),
    )


def config_text(config: Mapping[str, Any]) -> str:
    """config.yml as published: stable order, UTF-8."""
    head = "# Made by the build from harvest/load/models.py and mkdocs.yml (extra.admin); do not edit.\n"
    return head + yaml.safe_dump(dict(config), allow_unicode=True, sort_keys=False, width=1000)


def admin_csp(forge: Forge | None) -> str:
    """The admin page's Content-Security-Policy: nothing but this site and its forge.

    Decap needs 'unsafe-eval' (its configuration check compiles schemas with `new Function`)
    and inline styles (its components are styled with Emotion, which writes <style> tags);
    pictures being uploaded are shown from blob: and data: addresses.
    """
    forge_origins = forge.origins() if forge else []
    images = ["'self'", "data:", "blob:", *forge_origins]
    if forge and forge.backend == "github":
        images.append("https://avatars.githubusercontent.com")
    parts = [
        "default-src 'none'",
        "script-src 'self' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src " + " ".join(images),
        "media-src 'self' blob:",
        "font-src 'self' data:",
        "connect-src " + " ".join(["'self'", "blob:", *forge_origins]),
        "frame-src 'self' blob:",
        "worker-src 'self' blob:",
        "manifest-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ]
    return "; ".join(parts)


def admin_page(title: str, app: bool, csp: str) -> str:
    """admin/index.html."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(APP_DIR), autoescape=True, keep_trailing_newline=True)
    return env.get_template("index.html").render(title=title, app=app, csp=csp)


def admin_files(config: Mapping[str, Any] | None, title: str, forge: Forge | None) -> Iterator[tuple[str, str | bytes]]:
    """The files of /admin/, by name: the page, its configuration and the app (when connected)."""
    csp = admin_csp(forge)
    yield "index.html", admin_page(title, config is not None, csp)
    if config is None:
        return
    yield "config.yml", config_text(config)
    for name in APP_FILES:
        yield name, (APP_DIR / name).read_bytes()


def site_admin_files(
    *, site_url: str, docs_rel: str, channels: Mapping[str, Any], used_categories: Iterable[str], admin: Admin,
    local_api: str | None = None, preview_url: str | None = None,
) -> Iterator[tuple[str, str | bytes]]:
    """/admin/ for a site: published by the build (no `local_api`), or served by `build.py edit`."""
    choices = choices_for(channels, admin.categories, used_categories)
    connected = admin.forge is not None or local_api is not None
    config = decap_config(site_url=site_url, docs_rel=docs_rel, choices=choices, forge=admin.forge,
                          local_api=local_api, preview_url=preview_url) if connected else None
    title = urlsplit(site_url).hostname or "site"
    yield from admin_files(config, title, admin.forge)
