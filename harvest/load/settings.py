"""The site's settings in mkdocs.yml beyond MkDocs' own: the editors' forms (`extra.admin`: which
forge they commit to) and the product categories with their Chinese labels (`extra.categories`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from harvest.i18n import _
from harvest.load import models
from harvest.load.names import listed
from harvest.problems import Problem, shown
from harvest.vocabulary import CATEGORIES

BACKENDS = ("github", "gitlab", "gitea", "forgejo")
# Gitea's Decap backend has no editorial workflow (Forgejo's has): see README.md.
WORKFLOW = {"github": "editorial_workflow", "gitlab": "editorial_workflow", "forgejo": "editorial_workflow",
            "gitea": "simple"}
DEFAULT_API = {"github": "https://api.github.com", "gitlab": "https://gitlab.com/api/v4"}
REPO_PATTERN = r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$"


@dataclass(frozen=True)
class Forge:
    """Where the forms commit: `extra.admin` in mkdocs.yml."""

    backend: str
    repo: str
    branch: str = "main"
    base_url: str | None = None
    api_root: str | None = None
    app_id: str | None = None
    auth_endpoint: str | None = None

    def origins(self) -> list[str]:
        """Every origin the browser talks to for this forge (for the page's CSP)."""
        urls = [self.api_root or DEFAULT_API.get(self.backend), self.base_url]
        out = {f"{p.scheme}://{p.netloc}" for u in urls if u for p in [urlsplit(u)]}
        return sorted(out)


@dataclass(frozen=True)
class Admin:
    """The forms' settings from mkdocs.yml: the forge (None when not connected) and the categories."""

    forge: Forge | None
    categories: dict[str, str]


def read_admin(extra: Mapping[str, Any] | None, path: str = "mkdocs.yml") -> tuple[Admin, list[Problem]]:
    """`extra.admin` (backend, repo, branch, base_url, api_root, app_id, auth_endpoint) and
    `extra.categories`, both optional."""
    extra = extra or {}
    problems: list[Problem] = []
    categories = dict(CATEGORIES)
    raw_categories = extra.get("categories")
    if raw_categories is not None:
        if isinstance(raw_categories, Mapping) and raw_categories and all(
            isinstance(k, str) and re.fullmatch(models.LINE_PATTERN, k) and isinstance(v, str)
            for k, v in raw_categories.items()
        ):
            categories = {str(k): str(v) for k, v in raw_categories.items()}
        else:
            problems.append(Problem(path, None, "extra.categories", _("categories with their Chinese labels"),
                                    shown(raw_categories), _("write it like\n      {example}").format(
                                        example="categories: {fruit: 水果, tea: 茶叶}")))
    raw = extra.get("admin")
    if raw is None:
        return Admin(None, categories), problems
    example = "admin: {backend: github, repo: county-office/harvest-site, branch: main, base_url: https://oauth.example.org}"
    if not isinstance(raw, Mapping):
        problems.append(Problem(path, None, "extra.admin", _("the forge settings of the forms"), shown(raw),
                                _("write it like\n      {example}").format(example=example)))
        return Admin(None, categories), problems
    known = {"backend", "repo", "branch", "base_url", "api_root", "app_id", "auth_endpoint"}
    for key in sorted(set(map(str, raw)) - known):
        problems.append(Problem(path, None, f"extra.admin.{key}", _("one of {choices}").format(choices=listed(sorted(known))),
                                _('an unknown setting "{key}"').format(key=key), _("check the spelling, or remove it")))
    backend, repo = raw.get("backend"), raw.get("repo")
    if backend not in BACKENDS:
        problems.append(Problem(path, None, "extra.admin.backend", _("one of {choices}").format(choices=listed(BACKENDS)),
                                shown(backend), _("say which forge holds the site's repository")))
    if not isinstance(repo, str) or not re.fullmatch(REPO_PATTERN, repo):
        problems.append(Problem(path, None, "extra.admin.repo", _("the repository as owner/name"), shown(repo),
                                _("write it like\n      {example}").format(example="repo: county-office/harvest-site")))
    for key in ("base_url", "api_root", "auth_endpoint"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or urlsplit(value).scheme != "https"
                                  or not urlsplit(value).hostname):
            problems.append(Problem(path, None, f"extra.admin.{key}", _("an address starting with https://"),
                                    shown(value), _("copy the address from the forge's settings")))
    for key in ("branch", "app_id"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_./-]+", value)):
            problems.append(Problem(path, None, f"extra.admin.{key}", _("letters, digits, dots, dashes"),
                                    shown(value), _("copy it from the forge")))
    if backend in ("gitea", "forgejo") and not raw.get("app_id"):
        problems.append(Problem(path, None, "extra.admin.app_id", _("the OAuth application's client id ({backend})").format(backend=backend), shown(None),
                                _("create an OAuth2 application on the forge (see README.md) and copy its id")))
    if problems:
        return Admin(None, categories), problems
    forge = Forge(backend=str(backend), repo=str(repo), branch=raw.get("branch") or "main", base_url=raw.get("base_url"),
                  api_root=raw.get("api_root"), app_id=raw.get("app_id"), auth_endpoint=raw.get("auth_endpoint"))
    return Admin(forge, categories), []


# --- fields -------------------------------------------------------------------------------
