"""Pinned JS/CSS assets: exact CDN URLs with integrity, and offline copies from npm checked by hash.

Offline copies come from ``npm pack <package>@<version>`` into a cache folder
(``$KUNSHAN_HEATMAP_ASSETS``, else ``~/.cache/kunshan-heatmap/npm``); each tarball is checked against
the registry's sha512 integrity and each file against its sha256 before it is used.

The registry (``assets.json``) pins the page's own libraries and those of the folium elements a user may add
(plugins, jQuery for a Popup, d3 for a colormap): a link to any address a pinned file is known under becomes the
pinned link (CDN) or its content (offline), once per page.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import posixpath
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from geo.errors import HeatmapError
from geo.registry import load_json

__all__ = ["Asset", "AssetError", "assets", "asset", "cdn_url", "cache_dir", "fetch_assets",
           "asset_bytes", "pin_links", "inline_links"]


class AssetError(HeatmapError, RuntimeError):
    """A pinned asset is missing, cannot be fetched, or does not match its hash."""


@dataclass(frozen=True)
class Asset:
    name: str
    package: str
    version: str
    path: str
    type: str
    sha256: str
    integrity: str  # of the package tarball
    urls: tuple[str, ...] = ()  # other addresses folium links this same file (package version) under

    @property
    def url(self) -> str:
        return cdn_url(self)

    @property
    def sri(self) -> str:
        """Subresource Integrity value of the file (sha256, base64)."""
        return "sha256-" + base64.b64encode(bytes.fromhex(self.sha256)).decode()


@cache
def _registry() -> dict:
    return load_json("assets.json", "layers.publish")


@cache
def assets() -> tuple[Asset, ...]:
    """Every pinned asset file."""
    return tuple(Asset(name=f["name"], package=p["package"], version=p["version"], path=f["path"],
                       type=f["type"], sha256=f["sha256"], integrity=p["integrity"], urls=tuple(f.get("urls", ())))
                 for p in _registry()["packages"] for f in p["files"])


def asset(name: str) -> Asset:
    """The pinned asset called ``name`` (e.g. ``"leaflet"``)."""
    for item in assets():
        if item.name == name:
            return item
    raise AssetError(f"no pinned asset named {name!r}; known: {', '.join(a.name for a in assets())}")


def cdn_url(item: Asset) -> str:
    return _registry()["cdn"].format(package=item.package, version=item.version, path=item.path)


@cache
def _by_url() -> dict[str, Asset]:
    """Every address a pinned JS or CSS file is linked under: its CDN URL and its ``urls``."""
    return {url: item for item in assets() if item.type in ("js", "css") for url in (item.url, *item.urls)}


def cache_dir() -> Path:
    """Folder of the npm tarballs: ``$KUNSHAN_HEATMAP_ASSETS`` or ``~/.cache/kunshan-heatmap/npm``."""
    configured = os.environ.get("KUNSHAN_HEATMAP_ASSETS")
    return Path(configured) if configured else Path.home() / ".cache" / "kunshan-heatmap" / "npm"


def _tarball(package: str, version: str) -> Path:
    return cache_dir() / f"{package.replace('@', '').replace('/', '-')}-{version}.tgz"


def _integrity_of(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def fetch_assets(*, npm: str = "npm") -> list[Path]:
    """Make sure every pinned package tarball is in :func:`cache_dir`, verified; fetch missing ones
    with ``npm pack``. Returns the tarball paths."""
    paths = []
    for package in _registry()["packages"]:
        target = _tarball(package["package"], package["version"])
        if not (target.is_file() and _integrity_of(target) == package["integrity"]):
            _npm_pack(package["package"], package["version"], target, npm)
        if _integrity_of(target) != package["integrity"]:
            target.unlink()
            raise AssetError(f"{package['package']}@{package['version']}: tarball does not match the pinned "
                             f"integrity {package['integrity']}; removed")
        paths.append(target)
    return paths


def _npm_pack(package: str, version: str, target: Path, npm: str) -> None:
    if shutil.which(npm) is None:
        raise AssetError(f"offline assets need npm to fetch {package}@{version} (not found on PATH); "
                         f"install Node.js/npm or set KUNSHAN_HEATMAP_ASSETS to a folder holding {target.name}")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = target.parent / f".pack-{os.getpid()}"
    work.mkdir(exist_ok=True)
    try:
        done = subprocess.run([npm, "pack", f"{package}@{version}", "--json", "--pack-destination", str(work)],
                              cwd=work, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise AssetError(f"npm pack {package}@{version} failed: {done.stderr.strip()[-500:]}")
        (packed,) = list(work.glob("*.tgz"))
        os.replace(packed, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def asset_bytes(item: Asset) -> bytes:
    """Content of a pinned file from its verified tarball (fetched when missing)."""
    tarball = _tarball(item.package, item.version)
    if not tarball.is_file():
        fetch_assets()
    if _integrity_of(tarball) != item.integrity:
        raise AssetError(f"{tarball}: does not match the pinned integrity of {item.package}@{item.version}")
    with tarfile.open(tarball) as archive:
        member = archive.extractfile(f"package/{item.path}")
        data = member.read() if member else b""
    if hashlib.sha256(data).hexdigest() != item.sha256:
        raise AssetError(f"{item.package}@{item.version}/{item.path}: sha256 does not match the pinned value")
    return data


_TAG = re.compile(r'<script src="(?P<js>[^"]+)"></script>|<link rel="stylesheet" href="(?P<css>[^"]+)"/>')
_REMOTE = re.compile(r'<script\b[^>]*\ssrc="(?P<js>https?://[^"]+)"|<link\b[^>]*\shref="(?P<css>https?://[^"]+)"')
_MIME = {".png": "image/png", ".svg": "image/svg+xml", ".gif": "image/gif", ".jpg": "image/jpeg",
         ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf"}


def _pinned(match: re.Match) -> Asset | None:
    """The pinned file a link tag (of :data:`_TAG`) loads, if any."""
    item = _by_url().get(match["js"] or match["css"])
    return item if item is not None and item.type == ("js" if match["js"] else "css") else None


def _rewrite(page: str, tag_of) -> str:
    """Each link to a pinned file replaced by ``tag_of(asset)``; a second link to the same file is dropped."""
    done = set()

    def replace(match: re.Match) -> str:
        item = _pinned(match)
        if item is None:
            return match[0]
        if item.name in done:
            return ""
        done.add(item.name)
        return tag_of(item)

    return _TAG.sub(replace, page)


def _needs() -> list[dict]:
    return _registry()["needs"]["list"]


def _complete(page: str, *, offline: bool) -> str:
    """Add the links of each need (``assets.json``) the page's scripts use and its map does not declare: jQuery for
    a Popup, awesome-markers for a folium.Icon; offline, leave out the unpinned links of a need nothing uses."""
    linked = {(_pinned(m) or m["js"] or m["css"]) for m in _TAG.finditer(page)}
    added = []
    for need in _needs():
        if re.search(need["pattern"], page):
            added += [(kind, url) for kind, url in need["links"] if _by_url().get(url, url) not in linked]
        elif offline:
            unused = {url for _, url in need["links"] if url not in _by_url()}
            page = _TAG.sub(lambda m, unused=unused: "" if (m["js"] or m["css"]) in unused else m[0], page)
    tags = "".join(f'<script src="{url}"></script>' if kind == "js" else f'<link rel="stylesheet" href="{url}"/>'
                   for kind, url in dict.fromkeys(added))
    return page.replace("</head>", tags + "\n</head>", 1) if tags else page


def pin_links(page: str) -> str:
    """Link the pinned files with Subresource Integrity in a rendered page: the page's own, and those of the folium
    elements on it under whichever address they name; add what a folium element needs of a map (:func:`_complete`)."""
    def tag_of(item: Asset) -> str:
        if item.type == "js":
            return f'<script src="{item.url}" integrity="{item.sri}" crossorigin="anonymous"></script>'
        return f'<link rel="stylesheet" href="{item.url}" integrity="{item.sri}" crossorigin="anonymous"/>'

    return _rewrite(_complete(page, offline=False), tag_of)


def _data_uri(item: Asset) -> str:
    mime = _MIME.get(posixpath.splitext(item.path)[1].lower(), "application/octet-stream")
    return f"data:{mime};base64,{base64.b64encode(asset_bytes(item)).decode()}"


def _css_inline(item: Asset) -> str:
    """A pinned stylesheet with each file it refers to (images, fonts) inlined as a data: URI; a reference to a file
    nobody pinned, or to the network, is an :class:`AssetError` (the offline page could not show it)."""
    css = asset_bytes(item).decode("utf-8")
    base = posixpath.dirname(item.path)
    files = {a.path: a for a in assets() if a.type == "image" and a.package == item.package}

    def inline(match: re.Match) -> str:
        ref = match["ref"]
        if ref.startswith(("data:", "#")):
            return match[0]
        found = None if ":" in ref else files.get(posixpath.normpath(posixpath.join(base, ref)))
        if found is None:
            raise AssetError(f"{item.package}@{item.version}/{item.path} refers to {ref!r}, which is not pinned: "
                             f"add it to the package's files in layers/publish/assets.json")
        return f"url({_data_uri(found)})"

    return re.sub(r"""url\((?P<q>['"]?)(?P<ref>[^'")]+)(?P=q)\)""", inline, css)


def _default_icon(item: Asset) -> str:
    """Script setting Leaflet's default marker icon to its pinned images, for the offline copy of ``item``."""
    spec = _registry()["default_icon"]
    if item.name != spec["after"]:
        return ""
    options = {key: _data_uri(asset(name)) for key, name in spec.items() if key.endswith("Url")}
    return f'\nL.Icon.Default.imagePath = "";\nL.Icon.Default.mergeOptions({json.dumps(options)});\n'


def _inline_tag(item: Asset) -> str:
    if item.type == "js":
        code = asset_bytes(item).decode("utf-8") + _default_icon(item)
        return "<script>" + code.replace("</script", "<\\/script") + "</script>"
    return "<style>" + _css_inline(item).replace("</style", "<\\/style") + "</style>"


def inline_links(page: str) -> str:
    """Replace the links of pinned files by their verified content (Leaflet's default icon images included); fail,
    naming each address and the element that links it, if any remote script or stylesheet is left, so an offline
    page never depends on the network."""
    page = _complete(page, offline=True)
    remote = sorted({m["js"] or m["css"] for m in _REMOTE.finditer(page)} - set(_by_url()))
    if remote:
        raise AssetError(_unpinned_message(remote))
    return _rewrite(page, _inline_tag)


def _unpinned_message(urls: list[str]) -> str:
    """What an offline build says of remote files nothing pins: each address, who links it, and what to do."""
    lines = "".join(f"\n  {url} (linked by {_linked_by(url)})" for url in urls)
    return (f"an offline page cannot load these remote files, which no pinned asset provides:{lines}\n"
            "Write the page without offline (the CDN page links them), leave that element out of the map, or pin "
            "the file: add its npm package, version, path and sha256 to layers/publish/assets.json (an address it "
            "is known under in `urls`) and run `kunshan-heatmap assets fetch`.")


def _linked_by(url: str) -> str:
    """The folium (or branca) elements whose declared links include ``url``, as users write them."""
    import folium
    import folium.plugins
    from folium.elements import JSCSSMixin

    found = [need["by"] for need in _needs() if url in (u for _, u in need["links"])]
    stack = [JSCSSMixin]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        declared = [u for _, u in cls.__dict__.get("default_js", []) + cls.__dict__.get("default_css", [])]
        if url in declared:
            public = next((f"{m.__name__}.{cls.__name__}" for m in (folium, folium.plugins)
                           if getattr(m, cls.__name__, None) is cls), f"{cls.__module__}.{cls.__qualname__}")
            found.append(public)
    return ", ".join(dict.fromkeys(found)) or "an element of the map that adds the link itself"
