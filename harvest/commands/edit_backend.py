"""The forms' local backend for `build.py edit`: Decap CMS's proxy API, on 127.0.0.1 only.

Decap CMS in local mode (`local_backend`) sends JSON requests (`{"action": …, "params": …}`) to
one address; Decap's own `decap-server` (Node.js) answers them from a local clone. This is the
same small API in Python, so that editors need nothing but the project's virtual environment.
It also serves the forms themselves at /admin/, so that the page and the API share one origin.

It is stricter than decap-server:
- it answers only requests addressed to 127.0.0.1 with its own port (no DNS rebinding) and,
  for the API, only JSON from its own page (no other site can post to it);
- it reads and writes only records (`products/<id>.yml`, `campaigns/<id>.yml`), stories
  (`content/stories/<id>.md`) and pictures (`content/images/`), never through a symlink, and
  never ledgers (appended by `build.py import`, sealed by `build.py seal`);
- pictures must be JPEG, PNG or WebP files that open, of at most `MAX_PICTURE_BYTES`;
- a record keeps its comments and layout when only values change (`yamlpatch.py`), empty
  optional fields are left out, and a save that would give the site a new problem (the same
  check as `build.py check`) is undone and refused with the problems, in check's words.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import http.server
import io
import json
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import yaml
from PIL import Image

from harvest.commands.yamlpatch import patch_scalars
from harvest.i18n import _
from harvest.load.models import SLUG
from harvest.load.records import IMAGE_TYPES, load_channels, load_records
from harvest.load.settings import read_admin
from harvest.load.yamlfile import parse_yaml
from harvest.problems import Problem, report
from harvest.render import admin as cms
from harvest.site import load_stories

MAX_PICTURE_BYTES = 5 * 1024 * 1024
MAX_PICTURE_PIXELS = 40_000_000
MAX_REQUEST_BYTES = 10 * 1024 * 1024  # a picture, base64-encoded, and its record
PICTURE_FORMATS = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",), "WEBP": (".webp",)}
SCHEMA_LINE = {"products": "# yaml-language-server: $schema=../schemas/product.schema.json\n",
               "campaigns": "# yaml-language-server: $schema=../schemas/campaign.schema.json\n"}


class Refused(Exception):
    """A request the backend will not carry out; the message is shown in the form."""


@dataclass
class Workspace:
    """The files of one site repository that the forms may read and write."""

    root: Path
    docs_rel: str
    extra: Mapping[str, Any]
    log: Callable[[str], None] = print
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.root = self.root.resolve()
        docs = re.escape(self.docs_rel)
        self.kinds = [
            (re.compile(rf"(products|campaigns)/{SLUG}\.yml"), "record"),
            (re.compile(rf"{docs}/stories/{SLUG}\.md"), "story"),
            (re.compile(rf"{docs}/images/[^/\\\x00-\x1f.][^/\\\x00-\x1f]{{0,99}}", re.IGNORECASE), "picture"),
        ]
        self.folders = {"products", "campaigns", f"{self.docs_rel}/stories", f"{self.docs_rel}/images"}

    # --- paths ---------------------------------------------------------------------------

    def _inside(self, rel: str) -> Path:
        pure = PurePosixPath(rel)
        if not rel or "\\" in rel or "\x00" in rel or pure.is_absolute() or ".." in pure.parts:
            raise Refused(_("{path}: not a path inside the site's folder").format(path=rel))
        path = self.root
        for part in pure.parts:
            path = path / part
            if path.is_symlink():
                raise Refused(_("{path}: {link} is a symbolic link; the forms do not follow links")
                              .format(path=rel, link=path.relative_to(self.root).as_posix()))
        if not path.resolve().is_relative_to(self.root):
            raise Refused(_("{path}: outside the site's folder").format(path=rel))
        return path

    def file(self, rel: str) -> tuple[Path, str]:
        """The path of a file the forms may touch, and its kind (record, story, picture)."""
        for pattern, kind in self.kinds:
            if pattern.fullmatch(rel):
                if kind == "picture" and PurePosixPath(rel).suffix.lower() not in IMAGE_TYPES:
                    raise Refused(_("{path}: pictures must end in {suffixes}").format(path=rel, suffixes=", ".join(IMAGE_TYPES)))
                return self._inside(rel), kind
        raise Refused(_("{path}: the forms edit only products/, campaigns/, {docs}/stories/ and {docs}/images/ "
                        "(ledgers change only through build.py import and seal)").format(path=rel, docs=self.docs_rel))

    def folder(self, rel: str) -> Path:
        rel = rel.strip("/")
        if rel not in self.folders:
            raise Refused(_("{path}: not a folder the forms use").format(path=rel))
        return self._inside(rel)

    def listing(self, rel: str, extension: str) -> list[str]:
        folder = self.folder(rel)
        if not folder.is_dir():
            return []
        names = sorted(p.name for p in folder.iterdir() if p.is_file() and not p.is_symlink()
                       and p.name.endswith(extension) and not p.name.startswith("."))
        return [f"{rel.strip('/')}/{name}" for name in names]

    # --- reading -------------------------------------------------------------------------

    def entry(self, rel: str) -> dict[str, Any]:
        path, _ = self.file(rel)
        if not path.is_file():
            return {"data": None, "file": {"path": rel, "id": None}}
        raw = path.read_bytes()
        return {"data": raw.decode("utf-8", errors="replace"), "file": {"path": rel, "id": hashlib.sha256(raw).hexdigest()}}

    def media(self, rel: str) -> dict[str, Any]:
        path, kind = self.file(rel)
        if kind != "picture" or not path.is_file():
            raise Refused(_("{path}: no such picture").format(path=rel))
        raw = path.read_bytes()
        return {"id": hashlib.sha256(raw).hexdigest(), "content": base64.b64encode(raw).decode("ascii"),
                "encoding": "base64", "path": rel, "name": path.name}

    # --- writing -------------------------------------------------------------------------

    def picture_bytes(self, rel: str, content: str, encoding: str) -> bytes:
        if encoding != "base64":
            raise Refused(_("{path}: a picture must be sent as base64").format(path=rel))
        if len(content) > MAX_PICTURE_BYTES * 4 // 3 + 4:
            raise Refused(_("{path}: pictures may be at most {size} MB").format(path=rel, size=MAX_PICTURE_BYTES // 1024 // 1024))
        try:
            raw = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            raise Refused(_("{path}: the picture did not arrive whole; try again").format(path=rel)) from None
        suffix = PurePosixPath(rel).suffix.lower()
        try:
            with Image.open(io.BytesIO(raw)) as picture:
                fmt = picture.format or ""
                width, height = picture.size
                picture.verify()
        except (OSError, SyntaxError, Image.DecompressionBombError):
            raise Refused(_("{path}: not a JPEG, PNG or WebP picture that opens").format(path=rel)) from None
        if suffix not in PICTURE_FORMATS.get(fmt, ()):
            raise Refused(_("{path}: the file is a {format} picture, but its name ends in {suffix}")
                          .format(path=rel, format=fmt or _("unknown"), suffix=suffix))
        if width * height > MAX_PICTURE_PIXELS:
            raise Refused(_("{path}: {width}×{height} pixels is too large; make it smaller than 40 million pixels")
                          .format(path=rel, width=width, height=height))
        return raw

    def record_bytes(self, rel: str, raw: str, old: bytes | None) -> bytes:
        doc, problems = parse_yaml(raw.removeprefix("\ufeff"), rel)
        if doc is None or problems:
            raise Refused(report(problems, _("nothing was saved.")))
        data = _without_empty(doc.data if isinstance(doc.data, dict) else {})
        if old is not None:
            patched = patch_scalars(old.decode("utf-8", errors="strict").removeprefix("\ufeff"), data)
            if patched is not None:
                return patched.encode("utf-8")
        head = SCHEMA_LINE[rel.split("/", 1)[0]]
        return (head + yaml.safe_dump(_plain(data), allow_unicode=True, sort_keys=False, width=1000)).encode("utf-8")

    def problems(self) -> list[Problem]:
        """What `build.py check` says about the records and stories (ledgers are not touched here)."""
        docs_dir = self.root / self.docs_rel
        channels, problems = load_channels(self.extra)
        records, more = load_records(self.root, docs_dir, channels)
        stories_problems = load_stories(docs_dir, self.root, records.files_of("products"))[1]
        return problems + more + stories_problems

    def apply(self, writes: dict[str, bytes | None], what: str) -> None:
        """Write (or, for None, delete) the files; undo all of them if the site gets a new problem."""
        with self.lock:
            paths = {rel: self.file(rel)[0] for rel in writes}
            before = {_key(p) for p in self.problems()}
            old = {rel: path.read_bytes() if path.is_file() else None for rel, path in paths.items()}
            try:
                for rel, content in writes.items():
                    _put(paths[rel], content)
                new = [p for p in self.problems() if p.path in writes or _key(p) not in before]
            except BaseException:
                for rel, content in old.items():
                    _put(paths[rel], content)
                raise
            if new:
                for rel, content in old.items():
                    _put(paths[rel], content)
                raise Refused(report(new, _("nothing was saved.")))
        for rel, content in writes.items():
            if content is None or old[rel] != content:
                self.log((_("Deleted {file}") if content is None else _("Saved {file}")).format(file=rel))

    # --- the API -------------------------------------------------------------------------

    def handle(self, action: str, params: Mapping[str, Any]) -> Any:  # noqa: C901 - one branch per action
        """One request of Decap's proxy API (see decap-server's localFs middleware)."""
        if action == "info":
            return {"repo": self.root.name, "publish_modes": ["simple"], "type": "local_fs"}
        if action == "entriesByFolder":
            return [self.entry(rel) for rel in self.listing(str(params.get("folder", "")), str(params.get("extension", "")))]
        if action == "entriesByFiles":
            return [self.entry(str(f.get("path", ""))) for f in params.get("files", []) if isinstance(f, Mapping)]
        if action == "getEntry":
            return self.entry(str(params.get("path", "")))
        if action == "getMedia":
            folder = str(params.get("mediaFolder", ""))
            return [self.media(rel) for rel in self.listing(folder, "")
                    if PurePosixPath(rel).suffix.lower() in IMAGE_TYPES]
        if action == "getMediaFile":
            return self.media(str(params.get("path", "")))
        if action == "persistMedia":
            asset = params.get("asset") or {}
            rel = str(asset.get("path", ""))
            if self.file(rel)[1] != "picture":
                raise Refused(_("{path}: pictures go into {docs}/images/").format(path=rel, docs=self.docs_rel))
            self.apply({rel: self.picture_bytes(rel, str(asset.get("content", "")), str(asset.get("encoding", "")))},
                       "picture")
            return self.media(rel)
        if action == "persistEntry":
            return self.persist_entry(params)
        if action in ("deleteFile", "deleteFiles"):
            rels = [str(params.get("path", ""))] if action == "deleteFile" else [str(p) for p in params.get("paths", [])]
            if any(self.file(rel)[1] != "picture" for rel in rels):
                raise Refused(_("The forms do not delete records or stories; ask the site's maintainer."))
            self.apply(dict.fromkeys(rels), "delete")
            return {"message": "deleted " + ", ".join(rels)}
        if action == "getDeployPreview":
            return None
        raise Refused(_("Unknown action {action}").format(action=action))

    def persist_entry(self, params: Mapping[str, Any]) -> dict[str, str]:
        files = params.get("dataFiles") or [params.get("entry") or {}]
        writes: dict[str, bytes | None] = {}
        for asset in params.get("assets") or []:
            rel = str(asset.get("path", ""))
            if self.file(rel)[1] != "picture":
                raise Refused(_("{path}: pictures go into {docs}/images/").format(path=rel, docs=self.docs_rel))
            writes[rel] = self.picture_bytes(rel, str(asset.get("content", "")), str(asset.get("encoding", "")))
        for data_file in files:
            rel = str(data_file.get("path", ""))
            if data_file.get("newPath") and data_file.get("newPath") != rel:
                raise Refused(_("{path}: a record keeps its id; make a new one instead of renaming").format(path=rel))
            path, kind = self.file(rel)
            raw = str(data_file.get("raw", ""))
            old = path.read_bytes() if path.is_file() else None
            if kind == "record":
                writes[rel] = self.record_bytes(rel, raw, old)
            elif kind == "story":
                text = raw.replace("\r\n", "\n")
                writes[rel] = (text if text.endswith("\n") else text + "\n").encode("utf-8")
            else:
                raise Refused(_("{path}: not a record or a story").format(path=rel))
        self.apply(writes, "entry")
        return {"message": "entry persisted"}


def _key(p: Problem) -> tuple[str, str, str, str]:
    return (p.path, p.field, p.expected, p.got)


def _put(path: Path, content: bytes | None) -> None:
    if content is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.saving")
    tmp.write_bytes(content)
    tmp.replace(path)


def _without_empty(value: Any) -> Any:
    """Empty optional fields are left out (the records never require an empty value)."""
    if isinstance(value, dict):
        cleaned = {k: _without_empty(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [v for v in (_without_empty(v) for v in value) if v not in (None, "", [], {})]
    return value.strip() if isinstance(value, str) else value


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return str(value) if isinstance(value, Decimal) else value


class _Handler(http.server.BaseHTTPRequestHandler):
    workspace: Workspace
    files: dict[str, tuple[bytes, str]]  # /admin/<name> -> body, content type
    origin: str

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass

    def _host_ok(self) -> bool:
        return self.headers.get("Host", "") == urlsplit(self.origin).netloc

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        if not self._host_ok():
            self._send(421, b"wrong host", "text/plain; charset=utf-8")
            return
        path = urlsplit(self.path).path
        if path in ("/", "/admin"):
            self.send_response(302)
            self.send_header("Location", "/admin/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        found = self.files.get(path + "index.html" if path.endswith("/") else path)
        if found is None:
            self._send(404, _("No such file").encode(), "text/plain; charset=utf-8")
            return
        self._send(200, *found)

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        origin = self.headers.get("Origin")
        if (not self._host_ok() or urlsplit(self.path).path != "/api/v1" or (origin is not None and origin != self.origin)
                or self.headers.get_content_type() != "application/json"):
            self._send(403, b'{"error": "refused"}', "application/json")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_REQUEST_BYTES:
            self._send(413, json.dumps({"error": _("Too large: pictures may be at most 5 MB")}, ensure_ascii=False).encode(),
                       "application/json")
            return
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
            result = self.workspace.handle(str(body.get("action")), body.get("params") or {})
        except Refused as e:
            self._send(422, json.dumps({"error": str(e)}, ensure_ascii=False).encode(), "application/json")
            return
        except (ValueError, AttributeError, TypeError, UnicodeDecodeError) as e:
            self._send(400, json.dumps({"error": _("Malformed request: {reason}").format(reason=e)}, ensure_ascii=False)
                       .encode(), "application/json")
            return
        self._send(200, json.dumps(result, ensure_ascii=False).encode(), "application/json")


TYPES = {".html": "text/html; charset=utf-8", ".yml": "text/yaml; charset=utf-8",
         ".js": "text/javascript; charset=utf-8", ".txt": "text/plain; charset=utf-8"}


def make_server(
    workspace: Workspace, *, site_url: str, port: int = 8081, preview_url: str | None = None,
) -> http.server.ThreadingHTTPServer:
    """The forms and their API on http://127.0.0.1:<port>/ (port 0: any free port)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Handler)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    channels, _ = load_channels(workspace.extra)
    admin, _ = read_admin(workspace.extra)
    records, _ = load_records(workspace.root, workspace.root / workspace.docs_rel, channels)
    served = cms.site_admin_files(
        site_url=site_url, docs_rel=workspace.docs_rel, channels=channels,
        used_categories=[p.category for p in records.products.values()], admin=admin,
        local_api=origin + "/api/v1", preview_url=preview_url,
    )
    files = {}
    for name, content in served:
        body = content.encode("utf-8") if isinstance(content, str) else content
        files[f"/admin/{name}"] = (body, TYPES.get(PurePosixPath(name).suffix, "text/plain; charset=utf-8"))
    server.RequestHandlerClass = type("Handler", (_Handler,), {"workspace": workspace, "files": files, "origin": origin})
    return server
