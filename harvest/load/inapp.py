"""What a buy link does inside the in-app browsers of WeChat, QQ, Weibo and the others.

Each channel in mkdocs.yml may say, per in-app browser, one of three choices:
`open` (go to the shop, as in any browser), `guide` (stay on our page and show how to open it
in a browser) or `copy` (offer the shop link or the record's share code to copy). An app the
channel does not name is `open`. The browser tells which app it is in from its user agent
(`theme/assets/javascripts/hl-inapp.js`); the build only declares the choices and reports them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harvest.i18n import _
from harvest.load.names import Names, listed
from harvest.problems import Problem, shown

# The in-app browsers the pages recognise, with the names readers know them by.
APPS: dict[str, str] = {
    "wechat": "微信",
    "qq": "QQ",
    "weibo": "微博",
    "alipay": "支付宝",
    "dingtalk": "钉钉",
    "douyin": "抖音",
    "kuaishou": "快手",
}
CHOICES = ("open", "guide", "copy")
EXAMPLE = "taobao: {label: 淘宝, domains: [taobao.com, tmall.com, tb.cn], in_app: {wechat: guide, douyin: copy}}"


def parse_in_app(raw: Any, field: str, path: str) -> tuple[dict[str, str], list[Problem]]:
    """A channel's `in_app` mapping (app -> choice), with only the apps that are not `open`."""
    if raw is None:
        return {}, []
    if not isinstance(raw, Mapping):
        return {}, [Problem(path, None, field, _("a group like {example}").format(example="{wechat: guide, qq: guide}"),
                            shown(raw), _("write it like\n      {example}").format(example=EXAMPLE))]
    policy: dict[str, str] = {}
    problems: list[Problem] = []
    for app, choice in raw.items():
        if app not in APPS:
            problems.append(Problem(path, None, f"{field}.{app}",
                                    _("one of the apps: {choices}").format(choices=listed(APPS)), shown(app),
                                    Names.of("app", APPS).hint(str(app)) + _("use one of those names,"
                                                                " or remove the line (other apps open the shop)")))
        elif choice not in CHOICES:
            problems.append(Problem(path, None, f"{field}.{app}",
                                    _("one of: {choices}").format(choices=listed(CHOICES)), shown(choice),
                                    _("open goes to the shop, guide shows how to open it in a browser,"
                                      " copy offers the link or share code to copy")))
        elif choice != "open":
            policy[app] = choice
    return dict(sorted(policy.items(), key=lambda kv: list(APPS).index(kv[0]))), problems


def policy_attr(policy: Mapping[str, str]) -> str:
    """The policy as the pages' script reads it: `wechat:guide douyin:copy` (empty: open everywhere)."""
    return " ".join(f"{app}:{choice}" for app, choice in policy.items())


def policy_summary(cid: str, label: str, policy: Mapping[str, str]) -> str:
    """One line of the build's report: which in-app browsers open, guide or copy for a channel."""
    if not policy:
        return _("  {id} ({label}): open in every app").format(id=cid, label=label)
    by_choice: dict[str, list[str]] = {c: [] for c in CHOICES}
    for app in APPS:
        by_choice[policy.get(app, "open")].append(app)
    said = {"open": _("open the shop ({choice}): {apps}"), "guide": _("guide to the browser ({choice}): {apps}"),
            "copy": _("offer the link to copy ({choice}): {apps}")}
    choices = _("; ").join(said[c].format(choice=c, apps=listed(apps)) for c, apps in by_choice.items() if apps)
    return _("  {id} ({label}): {choices}").format(id=cid, label=label, choices=choices)


def report_title() -> str:
    """The first line of the build's report on in-app browsers (`policy_summary` gives the others)."""
    return _("In-app browsers (mkdocs.yml, extra.channels: in_app), what each buy link does:")


def copies(policy: Mapping[str, str]) -> list[str]:
    """The apps in which this channel's go/ page offers its link or share code to copy."""
    return [app for app, choice in policy.items() if choice == "copy"]
