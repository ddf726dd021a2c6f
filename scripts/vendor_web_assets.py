"""Copy the web map's npm assets that the pages use into the committed ``static/vendor/``.

npm is a developer tool here: ``static/package.json`` pins the packages, ``npm ci`` fills
``static/node_modules``, and this script copies from it only the files the pages load, so
a ``pip install`` of the wheel serves a working map with no npm (``make vendor`` runs both).

What is copied, found by reading the pages (nothing is listed by hand):

- every ``/static/vendor/<path>`` URL in ``static/*.html``, ``static/js/**``,
  ``static/css/**`` and ``api/templates/*.html`` (``<link href>``, ``<script src>``, the
  import map's targets, an absolute ``import``);
- what those files load in turn: a CSS file's ``url(...)``/``@import`` (Leaflet's marker
  and layer images), an ES module's ``import``/``export ... from``/``import()`` specifiers,
  relative ones resolved against the file and bare ones through the pages' import map
  (a bare specifier missing from the import map is an error: the browser could not load it);
- each package's LICENSE/LICENCE/COPYING/NOTICE files, and ``vendor.json`` listing the
  packages, versions, licences and files.

Source maps are not copied. Classic scripts (``<script src>`` without ``type="module"``,
Leaflet's UMD bundles) are copied as they are and not parsed for imports. The output is
deterministic: the folder is rebuilt from scratch and ``vendor.json`` is sorted.

    .venv/bin/python scripts/vendor_web_assets.py            # rebuild static/vendor
    .venv/bin/python scripts/vendor_web_assets.py --check    # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import json
import posixpath
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STATIC = REPO / "static"
NODE_MODULES = STATIC / "node_modules"
VENDOR = STATIC / "vendor"
PREFIX = "/static/vendor/"
MANIFEST = "vendor.json"
LICENSE_NAMES = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE)([.-].*)?$", re.IGNORECASE)

_VENDOR_URL = re.compile(
    r"/static/vendor/[^\s\"'`()<>]+?\.(?:m?js|css|png|svg|gif|jpe?g|webp|woff2?|ttf|json|wasm)(?![^\s\"'`()<>,;])"
)
_DATA_URL = re.compile(r"([\"'])data:.*?\1", re.DOTALL)
_IMPORTMAP = re.compile(
    r"<script\b[^>]*type=[\"']importmap[\"'][^>]*>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE
)
_SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
_SRC = re.compile(r"\bsrc=[\"']([^\"']+)[\"']", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*[\"']?([^\"')]+?)[\"']?\s*\)|@import\s+[\"']([^\"']+)[\"']")
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
"""A JS block comment: JSDoc such as ``/** @import {Feature} from 'geojson' */`` names
type-only modules the browser never loads."""
_ESM_SPEC = re.compile(r"(?:\bfrom\s*|\bimport\s*\(\s*|(?<![\w$.])import\s*)[\"']([^\"'\n]+)[\"']")

LOADED_BY_SCRIPT = {
    # Leaflet's L.Icon.Default finds its images folder through leaflet.css (marker-icon.png)
    # and then loads these two by a computed name, which no text search can see
    "leaflet/dist/leaflet.js": ("images/marker-icon-2x.png", "images/marker-shadow.png"),
}
"""Files a classic script loads by a computed URL, relative to the script's folder."""


def page_files(repo: Path = REPO) -> list[Path]:
    """The repository's own web files that may reference ``/static/vendor/...``."""
    static = repo / "static"
    files = sorted(static.glob("*.html")) + sorted((repo / "api" / "templates").glob("*.html"))
    for sub in ("js", "css"):
        files += sorted(p for p in (static / sub).rglob("*") if p.is_file())
    return files


def import_map(repo: Path = REPO) -> dict[str, str]:
    """The bare specifiers of every page's import map and their ``/static/vendor`` URLs.

    Raises ``ValueError`` when two pages map one specifier to different URLs.
    """
    merged: dict[str, str] = {}
    for page in page_files(repo):
        if page.suffix != ".html":
            continue
        for body in _IMPORTMAP.findall(page.read_text(encoding="utf-8")):
            for spec, url in json.loads(body).get("imports", {}).items():
                if merged.get(spec, url) != url:
                    raise ValueError(f"import map of {page.name}: {spec!r} mapped twice")
                merged[spec] = url
    return merged


def _strip_query(ref: str) -> str:
    return ref.split("#", 1)[0].split("?", 1)[0]


def _vendor_path(url: str) -> str:
    return posixpath.normpath(_strip_query(url)[len(PREFIX) :])


@dataclass
class References:
    """What the pages load from ``/static/vendor``: paths relative to the vendor root."""

    files: set[str] = field(default_factory=set)
    modules: set[str] = field(default_factory=set)
    missing: list[str] = field(default_factory=list)


def page_references(repo: Path = REPO) -> tuple[set[str], set[str]]:
    """(all ``/static/vendor`` paths named by the pages, the ones loaded as ES modules)."""
    files: set[str] = set()
    modules: set[str] = set()
    imap = import_map(repo)
    for page in page_files(repo):
        text = page.read_text(encoding="utf-8")
        for url in _VENDOR_URL.findall(text):
            files.add(_vendor_path(url))
        if page.suffix == ".html":
            for attrs in _SCRIPT_TAG.findall(text):
                src = _SRC.search(attrs)
                if src and src.group(1).startswith(PREFIX) and "module" in attrs.lower():
                    modules.add(_vendor_path(src.group(1)))
        elif page.suffix in (".js", ".mjs"):
            for spec in _ESM_SPEC.findall(_BLOCK_COMMENT.sub("", text)):
                if spec.startswith(PREFIX):
                    modules.add(_vendor_path(spec))
                elif spec in imap:
                    modules.add(_vendor_path(imap[spec]))
    modules |= {_vendor_path(url) for url in imap.values() if url.startswith(PREFIX)}
    return files | modules, modules


def collect(root: Path, repo: Path = REPO) -> References:
    """Every file under ``root`` (node_modules or the vendor folder) the pages load.

    Follows CSS ``url()``/``@import`` and ES-module imports from the pages' references;
    a reference whose file is not under ``root`` is listed in ``missing`` (as
    ``"<path> (from <referrer>)"``), and so is a bare import the import map lacks.
    """
    imap = import_map(repo)
    files, modules = page_references(repo)
    refs = References()
    todo = [(p, "the pages", p in modules) for p in sorted(files)]
    seen: set[str] = set()
    while todo:
        path, referrer, is_module = todo.pop()
        if (path, is_module) in seen:
            continue
        seen.add((path, is_module))
        if path.startswith("..") or not (root / path).is_file():
            refs.missing.append(f"{path} (from {referrer})")
            continue
        refs.files.add(path)
        if is_module:
            refs.modules.add(path)
        base = posixpath.dirname(path)
        for extra in LOADED_BY_SCRIPT.get(path, ()):
            todo.append((posixpath.join(base, extra), path, False))
        if path.endswith(".css"):
            text = (root / path).read_text(encoding="utf-8", errors="replace")
            for m in _CSS_URL.finditer(_DATA_URL.sub("''", text)):
                ref = _strip_query(m.group(1) or m.group(2) or "")
                if not ref or ref.startswith(("data:", "http:", "https:", "//", "#", "%23")):
                    continue
                target = _vendor_path(ref) if ref.startswith(PREFIX) else ref
                if not ref.startswith(PREFIX):
                    target = posixpath.normpath(posixpath.join(base, ref))
                todo.append((target, path, False))
        elif is_module:
            text = (root / path).read_text(encoding="utf-8", errors="replace")
            for spec in _ESM_SPEC.findall(_BLOCK_COMMENT.sub("", text)):
                if spec.startswith(("./", "../")):
                    todo.append((posixpath.normpath(posixpath.join(base, spec)), path, True))
                elif spec.startswith(PREFIX):
                    todo.append((_vendor_path(spec), path, True))
                elif spec in imap:
                    todo.append((_vendor_path(imap[spec]), path, True))
                elif not spec.startswith(("/", "http:", "https:", "data:")):
                    refs.missing.append(f"import map entry for {spec!r} (imported by {path})")
    refs.missing.sort()
    return refs


def package_of(path: str) -> str:
    """The npm package a vendored path belongs to (``@scope/name`` or ``name``)."""
    parts = path.split("/")
    return "/".join(parts[:2]) if parts[0].startswith("@") else parts[0]


def plan(
    node_modules: Path = NODE_MODULES, repo: Path = REPO
) -> tuple[dict[str, bytes], list[str]]:
    """The vendor folder's contents (relative path -> bytes) and any unresolved references."""
    refs = collect(node_modules, repo)
    out: dict[str, bytes] = {p: (node_modules / p).read_bytes() for p in sorted(refs.files)}
    packages: dict[str, dict[str, object]] = {}
    for pkg in sorted({package_of(p) for p in refs.files}):
        meta = json.loads((node_modules / pkg / "package.json").read_text(encoding="utf-8"))
        licences = sorted(
            f.name
            for f in (node_modules / pkg).iterdir()
            if f.is_file() and LICENSE_NAMES.match(f.name)
        )
        for name in licences:
            out[f"{pkg}/{name}"] = (node_modules / pkg / name).read_bytes()
        packages[pkg] = {
            "version": meta.get("version"),
            "license": meta.get("license"),
            "license_files": licences,
            "files": sorted(p for p in refs.files if package_of(p) == pkg),
        }
    body = {
        "about": "Generated by scripts/vendor_web_assets.py from static/node_modules "
        "(npm ci); do not edit by hand.",
        "packages": packages,
    }
    out[MANIFEST] = (json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
    return out, refs.missing


def current(vendor: Path = VENDOR) -> dict[str, bytes]:
    """The vendor folder as it is now (relative path -> bytes)."""
    if not vendor.is_dir():
        return {}
    return {
        p.relative_to(vendor).as_posix(): p.read_bytes()
        for p in sorted(vendor.rglob("*"))
        if p.is_file()
    }


def write(contents: dict[str, bytes], vendor: Path = VENDOR) -> None:
    """Rebuild ``vendor`` from scratch with exactly ``contents``."""
    if vendor.exists():
        shutil.rmtree(vendor)
    for rel, data in sorted(contents.items()):
        target = vendor / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def main(argv: list[str] | None = None) -> int:
    """Rebuild (or with ``--check`` compare) ``static/vendor``; the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare only; exit 1 if out of date")
    args = ap.parse_args(argv)
    if not NODE_MODULES.is_dir():
        print("static/node_modules is missing: run `cd static && npm ci` first", file=sys.stderr)
        return 2
    contents, missing = plan()
    if missing:
        print("unresolved references (npm ci? import map?):", file=sys.stderr)
        for m in missing:
            print(f"  {m}", file=sys.stderr)
        return 1
    if args.check:
        now = current()
        stale = sorted(k for k in contents.keys() | now.keys() if contents.get(k) != now.get(k))
        if stale:
            print(
                "static/vendor is out of date; run scripts/vendor_web_assets.py:", file=sys.stderr
            )
            for k in stale:
                print(f"  {k}", file=sys.stderr)
            return 1
        print(f"static/vendor is up to date ({len(contents)} files)")
        return 0
    write(contents)
    size = sum(len(v) for v in contents.values())
    print(f"wrote {len(contents)} files ({size / 1e6:.2f} MB) to static/vendor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
