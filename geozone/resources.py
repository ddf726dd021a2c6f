"""Where the shipped files are: the web map's ``static/`` folder, the demo layer set, state.

From a source checkout they are the repository's top-level ``static/`` and ``layers/``;
from an installed wheel they are package data, ``geozone/web_static`` and
``geozone/demo_layers`` (``pyproject.toml`` maps the two top-level folders there, so the
repository keeps its layout). Writable state (report store, tokens, audit log, jobs, and
the installed package's working copy of the demo layers) never goes into site-packages:
a checkout keeps it in its ``var/``, an installed package in ``$XDG_STATE_HOME/geozone``
(default ``~/.local/state/geozone``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT = PACKAGE_DIR.parent
"""The repository root when running from a source checkout (else site-packages)."""


def is_checkout() -> bool:
    """True when geozone runs from a source checkout (not from an installed wheel)."""
    return (CHECKOUT / "pyproject.toml").is_file() and (
        CHECKOUT / "layers" / "manifest.toml"
    ).is_file()


def static_dir() -> Path:
    """The web map folder (``index.html``, ``js/``, ``css/``, ``vendor/``)."""
    return CHECKOUT / "static" if is_checkout() else PACKAGE_DIR / "web_static"


def shipped_layers_dir() -> Path:
    """The shipped (synthetic demo) layer set as it is in the checkout or the package."""
    return CHECKOUT / "layers" if is_checkout() else PACKAGE_DIR / "demo_layers"


def state_dir() -> Path:
    """Where writable state goes by default: ``<checkout>/var`` or ``$XDG_STATE_HOME/geozone``."""
    if is_checkout():
        return CHECKOUT / "var"
    xdg = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(xdg) / "geozone"


def default_layers_dir() -> Path:
    """The layer folder served when none is configured (``GEOZONE_LAYERS_DIR``).

    A checkout serves its ``layers/``. An installed package serves a working copy of the
    packaged demo layers in ``state_dir()/layers``, copied there on first use, because
    the service writes into its layer folder (the change lock, admin uploads).
    """
    if is_checkout():
        return CHECKOUT / "layers"
    copy = state_dir() / "layers"
    if not (copy / "manifest.toml").is_file():
        copy.parent.mkdir(parents=True, exist_ok=True)
        tmp = copy.with_name(f".layers-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(
            shipped_layers_dir(), tmp, ignore=shutil.ignore_patterns("__pycache__", "*.py")
        )
        try:
            tmp.rename(copy)
        except OSError:  # another process made it first, or a stale partial copy
            shutil.rmtree(tmp, ignore_errors=True)
    return copy
