"""Storage interfaces: where layer sets and answered lookups live.

Two implementations of each:

- a layer folder and a SQLite file (the embedded default): :class:`FolderLayerStore`
  here (over :func:`~geozone.catalog.load_catalog` and :mod:`geozone.layer_changes`)
  and :class:`geozone.report_store.ReportStore`;
- PostgreSQL/PostGIS (``GEOZONE_DATABASE_URL``): :class:`geozone.db.layer_store.PostgisLayerStore`
  and :class:`geozone.db.report_store.PostgresReportStore`.

A **generation** (:class:`~geozone.layer_changes.Generation`) is a state of a layer set:
its hash (:attr:`Catalog.hash`, manifest bytes + data file hashes) and a change counter
that only grows. :meth:`LayerStore.load` gives the catalog, the rule table and the
generation of one state together (:class:`~geozone.layer_follower.LayerState`), never a
mix. Feature pages (:meth:`LayerStore.features`) are in WGS84 for output, bounding boxes
in degrees (lon/lat); analysis geometries are EPSG:4548, metres.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import geopandas as gpd
import numpy as np
import shapely

from geozone.audit import AuditLog, utc_now
from geozone.catalog import Catalog, load_catalog
from geozone.layer_changes import Generation, LayerChanges, disk_generation, read_counter
from geozone.layer_follower import LayerState
from geozone.report_store import StoredReport
from geozone.rules import load_rules

BBox = tuple[float, float, float, float]
"""``(min lon, min lat, max lon, max lat)`` in degrees (WGS84)."""


@dataclass(frozen=True)
class FeaturePage:
    """One page of a layer version's features.

    Attributes
    ----------
    frame
        The features of the page in WGS84 (EPSG:4326), normalised columns first, in the
        layer's own order.
    matched
        How many features match in all (for ``numberMatched``).
    """

    frame: gpd.GeoDataFrame
    matched: int


@runtime_checkable
class LayerStore(Protocol):
    """Where a layer set lives, with its versions, features and rule tables."""

    def generation(self) -> Generation:
        """The current generation (layer-set hash and change counter)."""
        ...

    def load(self, previous: LayerState | None = None) -> LayerState:
        """Catalog, rules and generation of the current state, consistent together.

        ``previous`` (a state loaded earlier from this store) lets unchanged versions be
        reused instead of loaded again.
        """
        ...

    def features(
        self,
        layer_id: str,
        version: str,
        *,
        bbox: BBox | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> FeaturePage:
        """Features of ``layer_id@version`` intersecting ``bbox``, ``limit`` from ``offset``."""
        ...

    def feature(self, layer_id: str, version: str, feature_id: str) -> gpd.GeoDataFrame:
        """The features whose ``feature_id`` is ``feature_id`` (WGS84; empty if none)."""
        ...

    def add_version(
        self,
        layer_id: str,
        fields: Mapping[str, str | None],
        data: bytes,
        filename: str,
        *,
        who: str = "cli",
        expected: str | None = None,
    ) -> Generation:
        """Add a version of an existing layer (the fields and file of an admin upload).

        Validated against the current state first; one atomic change that bumps the
        generation. Raises what :meth:`geozone.layer_changes.LayerChanges.upload` does.
        """
        ...

    def retire_version(
        self,
        layer_id: str,
        version: str,
        valid_to: str,
        *,
        who: str = "cli",
        expected: str | None = None,
    ) -> Generation:
        """End a version on ``valid_to`` (``YYYY-MM-DD``), validated; bumps the generation."""
        ...

    def wait_for_change(self, after: Generation, timeout_s: float) -> Generation | None:
        """Block until the generation is no longer ``after`` (the new one), or ``None``."""
        ...

    def close(self) -> None:
        """Release connections and threads."""
        ...


@runtime_checkable
class ReportStore(Protocol):
    """Where answered lookups are kept: a save returns once its answer is durable."""

    def save(
        self,
        answer_json: str | bytes,
        *,
        source: str = "api",
        answer: Mapping[str, Any] | None = None,
    ) -> str:
        """Store an answer; its report id once committed (503 if it cannot be)."""
        ...

    def save_async(
        self,
        answer_json: str | bytes,
        *,
        source: str = "api",
        answer: Mapping[str, Any] | None = None,
    ) -> Awaitable[str]:
        """:meth:`save` for the event loop."""
        ...

    def save_many(self, answers: Iterable[str | bytes], *, source: str = "api") -> list[str]:
        """Store several answers in one commit; their report ids."""
        ...

    def get(self, report_id: str) -> StoredReport:
        """A stored report (404 ``ReportNotFound`` if none)."""
        ...

    def health(self) -> dict[str, Any]:
        """``{"writable", "error", "since"}``."""
        ...

    def count(self) -> int:
        """Number of stored reports."""
        ...

    def flush(self) -> None:
        """Write pending ask counts now."""
        ...

    def close(self) -> None:
        """Write what is pending and release the store."""
        ...


# --- pages of features, shared by both layer stores ---------------------------------------


def page_of(frame: gpd.GeoDataFrame, bbox: BBox | None, limit: int, offset: int) -> FeaturePage:
    """The page of ``frame`` (WGS84) intersecting ``bbox``, in frame order."""
    if bbox is None:
        matched = len(frame)
        rows = frame.iloc[offset : offset + limit]
    else:
        box = shapely.box(*bbox)
        hit = shapely.intersects(np.asarray(frame.geometry.values), box)
        matched = int(hit.sum())
        rows = frame[hit].iloc[offset : offset + limit]
    return FeaturePage(rows, matched)


# --- the folder implementation ----------------------------------------------------------------


class FolderLayerStore:
    """A layer folder (``manifest.toml``, data files, ``rules/``) as a :class:`LayerStore`.

    Changes follow :mod:`geozone.layer_changes` (change lock, audit log, generation file);
    :meth:`wait_for_change` polls the folder every ``poll_s`` seconds.
    """

    def __init__(self, root: Path | str, audit: AuditLog, poll_s: float = 0.5) -> None:
        self.root = Path(root).resolve()
        self.audit = audit
        self.poll_s = poll_s
        self._state: LayerState | None = None

    def generation(self) -> Generation:
        """The folder's generation: the hash of its files and its change counter."""
        return disk_generation(self.root)

    def load(self, previous: LayerState | None = None) -> LayerState:
        """:func:`load_catalog` and :func:`load_rules` of the folder, with its counter."""
        catalog = load_catalog(self.root, previous=previous.catalog if previous else None)
        rules = load_rules(catalog.rules_dir)
        counter = read_counter(self.root)
        state = LayerState(catalog, rules, Generation(catalog.hash, counter, utc_now()))
        self._state = state
        return state

    def _catalog(self) -> Catalog:
        state = self._state
        if state is None or state.catalog.hash != self.generation().id:
            state = self.load(state)
        return state.catalog

    def features(
        self,
        layer_id: str,
        version: str,
        *,
        bbox: BBox | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> FeaturePage:
        """A page of the loaded WGS84 frame (bbox tested with shapely)."""
        lv = self._catalog().get(layer_id, version)
        return page_of(lv.frame_wgs84, bbox, limit, offset)

    def feature(self, layer_id: str, version: str, feature_id: str) -> gpd.GeoDataFrame:
        """The rows of the loaded WGS84 frame with that ``feature_id``."""
        frame = self._catalog().get(layer_id, version).frame_wgs84
        return frame[frame["feature_id"] == feature_id]

    def add_version(
        self,
        layer_id: str,
        fields: Mapping[str, str | None],
        data: bytes,
        filename: str,
        *,
        who: str = "cli",
        expected: str | None = None,
    ) -> Generation:
        """:meth:`LayerChanges.upload` on the folder; the new generation."""
        changes = LayerChanges(self.root, self.audit)
        result = changes.upload(
            self._catalog(), who, layer_id, dict(fields), data, filename, expected
        )
        return result.generation

    def retire_version(
        self,
        layer_id: str,
        version: str,
        valid_to: str,
        *,
        who: str = "cli",
        expected: str | None = None,
    ) -> Generation:
        """:meth:`LayerChanges.retire` on the folder; the new generation."""
        changes = LayerChanges(self.root, self.audit)
        result = changes.retire(self._catalog(), who, layer_id, version, valid_to, expected)
        return result.generation

    def wait_for_change(self, after: Generation, timeout_s: float) -> Generation | None:
        """Poll the folder every ``poll_s`` seconds until its generation is not ``after``."""
        deadline = time.monotonic() + timeout_s
        while True:
            now = self.generation()
            if (now.id, now.counter) != (after.id, after.counter):
                return now
            if time.monotonic() >= deadline:
                return None
            time.sleep(min(self.poll_s, max(0.0, deadline - time.monotonic())))

    def close(self) -> None:
        """Forget the loaded state."""
        self._state = None
