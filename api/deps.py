"""Dependencies that resolve request state to domain objects."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from geozone.catalog import Catalog
from geozone.settings import Settings


def get_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


def get_catalog(request: Request) -> Catalog:
    """The layer catalog currently in force (swapped atomically on admin uploads)."""
    catalog: Catalog = request.app.state.catalog
    return catalog


SettingsDep = Annotated[Settings, Depends(get_settings)]
CatalogDep = Annotated[Catalog, Depends(get_catalog)]
