"""Pinned JS/CSS assets: exact CDN URLs with integrity, and offline copies from npm checked by hash.

Offline copies come from ``npm pack <package>@<version>`` into a cache folder
(``$KUNSHAN_HEATMAP_ASSETS``, else ``~/.cache/kunshan-heatmap/npm``); each tarball is checked against
the registry's sha512 integrity and each file against its sha256 before it is used.
"""

from __future__ import annotations

import base64
import hashlib
import os
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
                       type=f["type"], sha256=f["sha256"], integrity=p["integrity"])
                 for p in _registry()["packages"] for f in p["files"])


def asset(name: str) -> Asset:
    """The pinned asset called ``name`` (e.g. ``"leaflet"``)."""
    for item in assets():
        if item.name == name:
            return item
    raise AssetError(f"no pinned asset named {name!r}; known: {', '.join(a.name for a in assets())}")


def cdn_url(item: Asset) -> str:
    return _registry()["cdn"].format(package=item.package, version=item.version, path=item.path)


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


def _tag_pattern(url: str, kind: str) -> re.Pattern:
    if kind == "js":
        return re.compile(rf'<script src="{re.escape(url)}"></script>')
    return re.compile(rf'<link rel="stylesheet" href="{re.escape(url)}"/>')


def pin_links(page: str) -> str:
    """Add Subresource Integrity to the links of pinned assets in a rendered page."""
    for item in assets():
        if item.type == "js":
            tag = f'<script src="{item.url}" integrity="{item.sri}" crossorigin="anonymous"></script>'
        elif item.type == "css":
            tag = f'<link rel="stylesheet" href="{item.url}" integrity="{item.sri}" crossorigin="anonymous"/>'
        else:
            continue
        page = _tag_pattern(item.url, item.type).sub(lambda _m, tag=tag: tag, page)
    return page


def _css_inline(item: Asset) -> str:
    css = asset_bytes(item).decode("utf-8")
    base = item.path.rsplit("/", 1)[0]
    images = {a.path: a for a in assets() if a.type == "image" and a.package == item.package}

    def data_uri(match: re.Match) -> str:
        image = images.get(f"{base}/{match['ref']}")
        if image is None:
            return match[0]
        encoded = base64.b64encode(asset_bytes(image)).decode()
        return f"url(data:image/png;base64,{encoded})"

    return re.sub(r"url\((?P<ref>images/[^)]+)\)", data_uri, css)


def inline_links(page: str) -> str:
    """Replace the links of pinned assets by their verified content; fail if any remote script or
    stylesheet is left, so an offline page never depends on the network."""
    for item in assets():
        if item.type == "js":
            code = asset_bytes(item).decode("utf-8").replace("</script", "<\\/script")
            page = _tag_pattern(item.url, "js").sub(lambda _m, c=code: f"<script>{c}</script>", page)
        elif item.type == "css":
            css = _css_inline(item).replace("</style", "<\\/style")
            page = _tag_pattern(item.url, "css").sub(lambda _m, c=css: f"<style>{c}</style>", page)
    remote = re.findall(r'<script[^>]+src="(https?://[^"]+)"|<link[^>]+href="(https?://[^"]+)"', page)
    if remote:
        urls = sorted({a or b for a, b in remote})
        raise AssetError(f"offline page still links remote assets that are not pinned: {', '.join(urls)}")
    return page
