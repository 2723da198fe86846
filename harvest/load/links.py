"""Links from records, read the way browsers read them.

A link is parsed with a WHATWG URL Standard parser (ada, the parser Node.js uses), its host is
checked against the allowed domains, and only the parser's serialisation (`href`) is ever
published. Python's `urllib` reads some links differently from every browser
(`https://evil.example\\.jd.com/` is on jd.com for urllib, on evil.example for Chromium), so
nothing here trusts the text as typed: what the editor typed must read the same to the
parser, or it is refused with the exact text to write instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import ada_url

from harvest.i18n import _
from harvest.load.sanity import control_character

# What an editor typed between "https://" and the path: the host as the editor sees it.
_TYPED = re.compile(r"(?i)https://([^/?#]*)")
# A percent-encoded ".", "/" or "\" in the path: servers decode them into path separators
# and dot segments that the browser never saw (`/%2e%2e/`, `/%2f%2fevil.example`).
_ENCODED_SEPARATOR = re.compile(r"(?i)%(2e|2f|5c)")
# A link inside a shop app's share text (【淘宝】https://m.tb.cn/h.5abc123?tk=XyZ1 CZ0001 「…」点击链接…):
# the characters a link may hold, up to the first space or Chinese character.
_LINK_IN_TEXT = re.compile(r"https?://[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+")


@dataclass(frozen=True)
class Verdict:
    """A link's fate: `href` to publish when it is fine, else what was expected and the fix."""

    href: str | None
    expected: str = ""
    fix: str = ""


def on_domains(host: str, domains: Sequence[str]) -> bool:
    """Whether `host` is one of `domains` or a subdomain of one, label by label."""
    labels = host.removesuffix(".").split(".")
    if not all(labels):
        return False  # ".jd.com" or "a..jd.com": an empty label is no host of jd.com
    for domain in domains:
        want = domain.split(".")
        if labels[-len(want):] == want:
            return True
    return False


def _apart(before: str, after: str) -> bool:
    """Whether a link found in a text stands apart from it, as in a share message: text
    before it ending in a space or a Chinese character (【淘宝】https://…), or a space after it.
    (A link may hold Chinese characters itself, as in `?q=中文`.)"""
    return bool(before) and (before.isspace() or not before.isascii()) or after.isspace()


def check_link(url: str, domains: Sequence[str], where: str) -> Verdict:
    """Check a purchase link against the channel's `domains`; `where` names them in messages
    (like `jd.com or 3.cn (channel "jd")`)."""
    copy = _("copy the item's address from the shop's own page, like https://{domain}/…").format(domain=domains[0])
    never = _("{fix}; links elsewhere are never published").format(fix=copy)
    # A tab or an invisible character inside a link is not a share message around it.
    controls = bool(control_character(url)) or any(ord(c) < 32 or ord(c) == 127 for c in url)
    inside = _LINK_IN_TEXT.search(url)
    if (not controls and inside is not None and inside.group(0) != url
            and _apart(url[:inside.start()][-1:], url[inside.end():][:1])):
        link = inside.group(0).rstrip(".,;:!?'()")
        return Verdict(None, _("the link alone, without the text a shop app's share message puts around it"),
                       _("keep only the link:\n      {link}").format(link=link))
    if controls or any(c.isspace() for c in url):
        return Verdict(None, _("a link without spaces or control characters"),
                       _("retype the link, or {fix} (an invisible character was pasted with it)").format(fix=copy))
    if "\\" in url:
        return Verdict(None, _("a link without backslashes (\\): browsers read them as /, so the link"
                               " leads somewhere other than it seems"), never)
    try:
        parsed = ada_url.URL(url)
    except ValueError:
        return Verdict(None, _("a well-formed link"), copy)
    typed = _TYPED.match(url)
    if parsed.protocol != "https:" or typed is None:
        return Verdict(None, _("a link that starts with https://"), never)
    typed_host = typed.group(1)
    if "@" in typed_host or parsed.username or parsed.password:
        return Verdict(None, _("a link without a user name or @ before the host"), never)
    if ":" in typed_host or parsed.port:
        return Verdict(None, _("a link without a port number (like :8080) after the host"), copy)
    if "%" in typed_host:
        return Verdict(None, _("a host written in plain letters, without % codes"), never)
    host = parsed.hostname
    if not on_domains(host, domains):
        return Verdict(None, _("a link on {where}").format(where=where), never)
    if typed_host.lower() != host:
        return Verdict(None, _("a host written as browsers read it"),
                       _('write the link exactly as\n      {href}\n      (browsers read the host as "{host}")')
                       .format(href=parsed.href, host=host))
    path = url[typed.end():].split("?", 1)[0].split("#", 1)[0]
    if _ENCODED_SEPARATOR.search(path):
        return Verdict(None, _("a path without %2e, %2f or %5c (encoded dots and slashes)"), copy)
    return Verdict(parsed.href)


def site_address(url: str) -> str | None:
    """The site's own address (`site_url`) as browsers write it, ending in /; None when it is
    no http(s) address of a host, or carries a user name, a query, a fragment, a backslash
    or a blank."""
    if "\\" in url or control_character(url) or any(c.isspace() for c in url):
        return None
    try:
        parsed = ada_url.URL(url)
    except ValueError:
        return None
    if parsed.protocol not in ("https:", "http:") or not parsed.hostname or parsed.username or parsed.password:
        return None
    if parsed.search or parsed.hash or "?" in url or "#" in url:
        return None
    return parsed.href if parsed.href.endswith("/") else parsed.href + "/"
