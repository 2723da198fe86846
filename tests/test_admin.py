"""The editors' forms: their configuration against the models, field by field; the vendored app;
the published /admin/; the forge settings."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel, ValidationError

from harvest.load.models import Campaign, MoneyGoal, Price, Product, QuantityGoal, schema_for
from harvest.load.records import Channel
from harvest.load.settings import Forge, read_admin
from harvest.render import admin as cms
from harvest.render.admin_fields import FIELDS
from harvest.vocabulary import CATEGORIES
from tests.sitekit import ROOT, TinySite

CHANNELS = {
    "jd": Channel("jd", "京东", ("jd.com", "3.cn")),
    "taobao": Channel("taobao", "淘宝", ("taobao.com", "tmall.com", "tb.cn")),
}
PROBES = ["", "a", "x" * 64, "x" * 65, "x" * 200, "x" * 201, "x" * 500, "x" * 501, "a<b", "line\nbreak",
          "baojing-oranges-2019", "Bad_Id", "-a", "CNY", "cny", "CNYY", "06901234567892", "0690123456789",
          "湖南省", "5 kg 箱"]


def _config(forge: Forge | None = None) -> dict[str, Any]:
    choices = cms.choices_for(CHANNELS, CATEGORIES, ["fruit", "odd-one"])
    return cms.decap_config(site_url="https://e.org/", docs_rel="content", choices=choices, forge=forge)


def _collection(config: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in config["collections"] if c["name"] == name)


def _schema_accepts(prop: dict[str, Any], text: str) -> bool:
    if "pattern" in prop and not re.search(prop["pattern"], text):
        return False
    return prop.get("minLength", 0) <= len(text) <= prop.get("maxLength", 10**9)


def _resolve(schema: dict[str, Any], prop: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in prop:
        return schema["$defs"][prop["$ref"].rsplit("/", 1)[1]]
    options = [p for p in prop.get("anyOf", []) if p.get("type") != "null"]
    if len(options) == 1:
        return _resolve(schema, options[0])
    return prop


def _compare(schema: dict[str, Any], node: dict[str, Any], fields: list[dict[str, Any]], required_here: bool,
             model: type[BaseModel], where: str) -> int:
    """Every property of the schema node against its form field; returns how many were compared."""
    by_name = {f["name"]: f for f in fields}
    assert set(by_name) == set(node["properties"]), f"{where}: form fields differ from the model's"
    compared = 0
    for name, raw in node["properties"].items():
        prop, form = _resolve(schema, raw), by_name[name]
        here = f"{where}.{name}"
        label, hint = FIELDS[(model.__name__, name)]
        assert (form["label"], form["hint"]) == (label, hint), here
        assert form["required"] is (required_here and name in node.get("required", [])), here
        compared += 1
        if prop.get("type") == "object":
            sub = model.model_fields[name].annotation
            sub = next(a for a in getattr(sub, "__args__", (sub,)) if isinstance(a, type) and issubclass(a, BaseModel))
            assert form["widget"] == "object", here
            compared += _compare(schema, prop, form["fields"], form["required"], sub, here)
        elif prop.get("type") == "array":
            assert form["widget"] in ("list", "relation"), here
            assert form.get("min", 0) == prop.get("minItems", 0) or form["widget"] == "relation", here
            items = _resolve(schema, prop["items"])
            if items.get("type") == "object":
                sub = model.model_fields[name].annotation.__args__[0]  # type: ignore[union-attr]
                compared += _compare(schema, items, form["fields"], form["required"], sub, here)
            elif form["widget"] == "relation":
                assert items["pattern"] == r"^[a-z0-9]+(-[a-z0-9]+)*$" and form["collection"] == name, here
            else:
                inner = form["field"]
                if inner["widget"] == "string":
                    _same_text_rules(items, inner, here)
                else:
                    assert inner["widget"] == "image" and name == "images", here
        elif prop.get("format") == "date":
            assert form["widget"] == "datetime" and form["format"] == "YYYY-MM-DD" and form["time_format"] is False
        elif "anyOf" in prop:  # a decimal: number or text
            assert form["widget"] == "string", here
            _same_amounts(model, name, form, here)
        elif form["widget"] == "select":
            values = [o["value"] for o in form["options"]]
            assert values and all(_schema_accepts(prop, v) for v in values), here
            if name == "channel":
                assert values == sorted(CHANNELS), here
            if "default" in prop:
                assert prop["default"] in values, here
        elif name == "url":
            pattern = re.compile(form["pattern"][0])
            assert pattern.fullmatch("https://item.jd.com/1.html") and pattern.fullmatch("https://detail.tmall.com/x")
            assert not pattern.fullmatch("http://item.jd.com/1.html"), here
            assert not pattern.fullmatch("https://item.jd.com.example.net/1.html"), here
        else:
            _same_text_rules(prop, form, here)
    return compared


def _same_text_rules(prop: dict[str, Any], form: dict[str, Any], where: str) -> None:
    assert form["widget"] == "string", where
    pattern = re.compile(form["pattern"][0])
    for probe in PROBES:
        assert bool(pattern.fullmatch(probe)) == _schema_accepts(prop, probe), f"{where}: {probe!r}"


def _same_amounts(model: type[BaseModel], name: str, form: dict[str, Any], where: str) -> None:
    pattern = re.compile(form["pattern"][0])
    other = {Price: {"unit": "箱"}, QuantityGoal: {"unit": "kg"}, MoneyGoal: {}}[model]  # type: ignore[index]
    for probe in ("39.90", "39.9", "39", "0", "0.00", "0.01", "1.234", "-1", "1e3", "abc", "12,50"):
        try:
            model.model_validate({name: probe, **other})
            valid = Decimal(probe) == Decimal(probe)
        except ValidationError:
            valid = False
        # The form asks for plain digits; the model also takes 1e3, which nobody types.
        if probe == "1e3":
            continue
        assert bool(pattern.fullmatch(probe)) == valid, f"{where}: {probe!r}"


@pytest.mark.parametrize(("collection", "model"), [("products", Product), ("campaigns", Campaign)])
def test_the_form_has_every_model_field_with_the_models_rules(collection: str, model: type[BaseModel]) -> None:
    config = _config()
    fields = _collection(config, collection)["fields"]
    assert fields[0]["name"] == "id" and fields[0]["required"] is False  # names the new file, never written
    schema = schema_for(model, "x")
    compared = _compare(schema, schema, fields[1:], True, model, collection)
    assert compared >= (20 if model is Product else 14)


def test_every_label_belongs_to_a_model_field() -> None:
    owners: dict[str, type[BaseModel]] = {}

    def walk(model: type[BaseModel]) -> None:
        owners[model.__name__] = model
        for info in model.model_fields.values():
            for arg in [info.annotation, *getattr(info.annotation, "__args__", ())]:
                for inner in [arg, *getattr(arg, "__args__", ())]:
                    if isinstance(inner, type) and issubclass(inner, BaseModel) and inner.__name__ not in owners:
                        walk(inner)

    walk(Product)
    walk(Campaign)
    expected = {(name, field) for name, model in owners.items() for field in model.model_fields}
    assert set(FIELDS) == expected


def test_ledgers_stay_out_of_the_forms() -> None:
    config = _config()
    assert [c["name"] for c in config["collections"]] == ["products", "stories", "campaigns"]
    assert all("ledger" not in c["folder"] for c in config["collections"])
    assert all(c["delete"] is False for c in config["collections"])
    assert config["media_folder"] == "content/images" and config["locale"] == "zh_Hans"


def test_categories_offer_the_ones_records_already_use() -> None:
    field = next(f for f in _collection(_config(), "products")["fields"] if f["name"] == "category")
    assert {"fruit", "odd-one", "tea"} <= {o["value"] for o in field["options"]}


@pytest.mark.parametrize("name", ["decap-cms.js", "js-yaml.min.js"])
def test_vendored_files_are_the_ones_recorded(name: str) -> None:
    vendor = (ROOT / "admin/VENDOR.md").read_text(encoding="utf-8")
    digest = hashlib.sha256((ROOT / "admin" / name).read_bytes()).hexdigest()
    assert digest in vendor
    assert b"sourceMappingURL" not in (ROOT / "admin" / name).read_bytes()[-200:]


# --- forge settings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("admin", "field"),
    [
        ({"backend": "svn", "repo": "a/b"}, "extra.admin.backend"),
        ({"backend": "github", "repo": "just-a-name"}, "extra.admin.repo"),
        ({"backend": "github", "repo": "a/b", "base_url": "http://oauth.example.org"}, "extra.admin.base_url"),
        ({"backend": "gitea", "repo": "a/b", "api_root": "https://git.example.org/api/v1"}, "extra.admin.app_id"),
        ({"backend": "github", "repo": "a/b", "brnach": "main"}, "extra.admin.brnach"),
    ],
)
def test_bad_forge_settings_are_named(admin: dict[str, str], field: str) -> None:
    settings, problems = read_admin({"admin": admin})
    assert settings.forge is None
    assert [p.field for p in problems] == [field]
    assert problems[0].path == "mkdocs.yml"


def test_forge_settings_become_the_backend_and_the_pages_policy() -> None:
    settings, problems = read_admin({"admin": {
        "backend": "forgejo", "repo": "county/site", "branch": "main", "app_id": "abc-123",
        "api_root": "https://git.county.example/api/v1", "base_url": "https://git.county.example"}})
    assert problems == [] and settings.forge is not None
    config = _config(settings.forge)
    assert config["backend"] == {"name": "forgejo", "repo": "county/site", "branch": "main",
                                 "base_url": "https://git.county.example",
                                 "api_root": "https://git.county.example/api/v1", "app_id": "abc-123"}
    assert config["publish_mode"] == "editorial_workflow"
    policy = cms.admin_csp(settings.forge)
    assert "connect-src 'self' blob: https://git.county.example;" in policy
    assert "default-src 'none'" in policy and "object-src 'none'" in policy
    gitlab, _ = read_admin({"admin": {"backend": "gitlab", "repo": "a/b", "app_id": "x"}})
    assert _config(gitlab.forge)["backend"]["auth_type"] == "pkce"
    assert "https://gitlab.com" in cms.admin_csp(gitlab.forge)


ADMIN = """\
  admin: {backend: github, repo: county-office/harvest-site, branch: main, base_url: https://oauth.example.org}
"""


def test_the_build_publishes_the_forms(tiny: TinySite) -> None:
    tiny.with_basics()
    config = (tiny.path / "mkdocs.yml").read_text(encoding="utf-8")
    tiny.write("mkdocs.yml", config + ADMIN)
    result = tiny.build()
    assert result.code == 0, result.err
    site = tiny.path / "site/admin"
    assert (site / "decap-cms.js").read_bytes() == (ROOT / "admin/decap-cms.js").read_bytes()
    assert {p.name for p in site.iterdir()} == {"index.html", "config.yml", *cms.APP_FILES}
    published = yaml.safe_load((site / "config.yml").read_text(encoding="utf-8"))
    assert published["backend"]["repo"] == "county-office/harvest-site"
    assert published["publish_mode"] == "editorial_workflow"
    assert "local_backend" not in published
    page = (site / "index.html").read_text(encoding="utf-8")
    assert 'http-equiv="Content-Security-Policy"' in page and "https://oauth.example.org" in page
    assert re.findall(r'<script src="([^"]+)"', page) == ["decap-cms.js", "js-yaml.min.js", "harvest-cms.js"]


def test_without_a_forge_the_page_says_how_to_connect(tiny: TinySite) -> None:
    tiny.with_basics()
    assert tiny.build().code == 0
    site = tiny.path / "site/admin"
    assert [p.name for p in site.iterdir()] == ["index.html"]
    assert "内容管理尚未连接" in (site / "index.html").read_text(encoding="utf-8")


def test_check_names_a_bad_forge_setting(tiny: TinySite) -> None:
    tiny.with_basics()
    config = (tiny.path / "mkdocs.yml").read_text(encoding="utf-8")
    tiny.write("mkdocs.yml", config + "  admin: {backend: github, repo: no-owner}\n")
    result = tiny.run("check")
    assert result.code == 1
    assert 'mkdocs.yml: field "extra.admin.repo"' in result.err and "Traceback" not in result.err


def test_published_app_files_exist() -> None:
    for name in cms.APP_FILES:
        assert (Path(cms.APP_DIR) / name).is_file()


@pytest.mark.parametrize("option", ["--dev-addr", "--cms-addr"])
def test_edit_serves_only_this_computer(tiny: TinySite, option: str) -> None:
    tiny.with_basics()
    result = tiny.run("edit", option, "0.0.0.0:8000")
    assert result.code == 2 and "use an address on this computer only" in result.err
