"""A tiny site whose channels carry the example site's in-app policies (mkdocs.yml), plus one
test channel that copies a link without a share code, and a product sold on every channel."""

from __future__ import annotations

from typing import Any

import yaml

from tests.sitekit import CONFIG, ROOT, TinySite

APPS = ("wechat", "qq", "weibo", "alipay", "dingtalk", "douyin", "kuaishou")
SHARE_CODE = "￥Xq7GbT2mK9a￥"
# channel -> the purchase link of the test product
LINKS = {
    "jd": "https://item.jd.com/100001234567.html",
    "taobao": "https://item.taobao.com/item.htm?id=593840126637",
    "pinduoduo": "https://mobile.yangkeduo.com/goods.html?goods_id=1234",
    "douyin": "https://haohuo.jinritemai.com/views/product/item2?id=3587654321",
    "kuaishou": "https://app.kwaixiaodian.com/merchant/shop/detail?id=22334455",
    "weidian": "https://weidian.com/item.html?itemID=2811530947",
    "shop": "https://shop.example.net/item/7?from=qr&ref=a%20b",
}
SHOP = {"label": "测试商城", "domains": ["example.net"],
        "in_app": {"wechat": "copy", "weibo": "copy", "alipay": "guide", "dingtalk": "guide", "douyin": "guide"}}


def channels() -> dict[str, Any]:
    """The example site's channels, policies included, and the test channel `shop`."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    declared = dict(config["extra"]["channels"])
    assert set(declared) | {"shop"} == set(LINKS), "a channel of mkdocs.yml has no test link here"
    return {**declared, "shop": SHOP}


def policy(cid: str, app: str | None) -> str:
    """What the test expects: the declared choice, `open` when the app is not named."""
    if app is None:
        return "open"
    return str(channels()[cid].get("in_app", {}).get(app, "open"))


def write_site(tiny: TinySite) -> TinySite:
    tiny.with_basics()
    config = CONFIG.split("extra:")[0] + yaml.safe_dump({"extra": {"channels": channels()}}, allow_unicode=True)
    tiny.write("mkdocs.yml", config)
    purchase = "".join(
        f"  - channel: {cid}\n    url: {url}\n" + (f"    share_code: {SHARE_CODE}\n" if cid == "taobao" else "")
        for cid, url in LINKS.items()
    )
    product = (tiny.path / "products/test-orange.yml").read_text(encoding="utf-8")
    tiny.write("products/test-orange.yml", product.split("purchase:")[0] + "purchase:\n" + purchase)
    return tiny
