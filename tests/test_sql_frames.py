"""``GEOZONE_LOOKUP=sql`` keeps large layer versions in the database only (issue #18).

With ``GEOZONE_SQL_MEMORY_MAX_FEATURES`` low enough that every demo zone layer is over it,
the service loads only the admin layer's features; lookups still give the golden bytes,
OGC items of a database-only layer are read by SQL and equal the in-memory service's,
tiles and coverage of it answer ``501 layer_in_database_only``, and ``/api/v1/layers``
counts what the database holds. On the session's throw-away PostGIS cluster, no mocks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from api_client import api_client
from conftest import LAYERS
from fastapi.testclient import TestClient
from pg_cluster import PgCluster
from test_golden import CASES, GOLDEN, ask

from geozone.catalog import load_catalog
from geozone.db.connection import Database
from geozone.db.layer_store import PostgisLayerStore
from geozone.db.transfer import import_dir
from geozone.errors import LayerInDatabaseOnly
from geozone.feature_index import MEMORY_FINDER
from geozone.lookup_mode import use_finder
from geozone.vocab import LayerKind

MAX_FEATURES = 2
"""Below every demo zone layer's feature count (each holds more), so they stay in SQL."""


@pytest.fixture(scope="module")
def frames_url(pg_cluster: PgCluster, pg_template: str) -> str:
    """A database holding the demo layers (imported once for the module)."""
    url = pg_cluster.create_database("geozone_sql_frames", template=pg_template)
    with Database(url) as db:
        import_dir(db, LAYERS)
    return url


@pytest.fixture(scope="module")
def services(frames_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """``(memory, sql)``: the folder service and the sql-mode service with a low threshold."""
    work = tmp_path_factory.mktemp("sql_frames")
    try:
        with (
            api_client(LAYERS, work / "memory") as memory,
            api_client(
                LAYERS,
                work / "sql",
                lookup="sql",
                database_url=frames_url,
                sql_memory_max_features=MAX_FEATURES,
            ) as sql,
        ):
            yield memory, sql
    finally:
        use_finder(MEMORY_FINDER)  # closes the service's SQL finder
        use_finder(None)


def test_the_threshold_keeps_zone_layers_out_of_memory(frames_url: str) -> None:
    folder = load_catalog(LAYERS)
    with Database(frames_url) as db:
        store = PostgisLayerStore(db, memory_max_features=MAX_FEATURES)
        try:
            state = store.load()
            catalog = state.catalog
            reloaded = store.load(state).catalog  # a follower's reload reuses the versions
            everything = PostgisLayerStore(db).load().catalog
        finally:
            store.close()
    zone = [v for v in catalog.all_versions() if v.kind != LayerKind.ADMIN]
    assert zone and all(v.feature_count > MAX_FEATURES for v in zone)  # the premise
    for v in catalog.all_versions():
        want = folder.get(v.id, v.version)
        assert v.feature_count == want.feature_count, v.key
        assert v.in_memory == (v.kind == LayerKind.ADMIN), v.key
        assert v.in_memory == (v.loaded_frame is not None), v.key
        if not v.in_memory:
            with pytest.raises(LayerInDatabaseOnly, match=v.key):
                _ = v.frame
            assert list(v.schema_wgs84.columns) == list(want.frame_wgs84.columns)
            assert list(v.schema_wgs84.dtypes) == list(want.frame_wgs84.dtypes)
            assert v.bounds_wgs84() == pytest.approx(tuple(want.frame_wgs84.total_bounds))
    again = [(v.key, v.in_memory, v.feature_count) for v in reloaded.all_versions()]
    assert again == [(v.key, v.in_memory, v.feature_count) for v in catalog.all_versions()]
    # without a threshold (memory mode) everything is loaded, as before
    assert all(v.in_memory for v in everything.all_versions())


def test_lookups_give_the_golden_bytes(services: Any) -> None:
    _, sql = services
    catalog = sql.app.state.layers.catalog
    assert not catalog.get("parks", "2024").in_memory
    for name, case in CASES.items():
        assert (GOLDEN / f"{name}.json").read_bytes() == ask(sql, case) + b"\n", name


def _items(client: TestClient, cid: str, **params: Any) -> dict[str, Any]:
    r = client.get(f"/ogc/collections/{cid}/items", params=params)
    assert r.status_code == 200, r.text[:500]
    body: dict[str, Any] = r.json()
    body.pop("timeStamp")
    return body


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 5},
        {"limit": 3, "offset": 4},
        {"bbox": "116.8,40.3,117.2,40.6", "limit": 7},
        {"bbox": "116.0,39.5,117.5,40.9", "limit": 4, "offset": 2, "simplify": 30},
        {"bbox": "0,0,1,1"},
    ],
)
def test_ogc_items_of_a_database_only_layer_equal_memory(
    services: Any, params: dict[str, Any]
) -> None:
    memory, sql = services
    for cid in ("parks", "redline", "control_zone"):
        want, got = _items(memory, cid, **params), _items(sql, cid, **params)
        assert got == want, cid
    assert want["numberMatched"] == 0 or params.get("bbox") != "0,0,1,1"


def test_one_item_and_collection_docs_equal_memory(services: Any) -> None:
    memory, sql = services
    page = _items(memory, "parks", limit=2)
    for f in page["features"]:
        url = f"/ogc/collections/parks/items/{f['id']}"
        assert sql.get(url).json() == memory.get(url).json()
    assert sql.get("/ogc/collections/parks/items/no-such-id").status_code == 404
    for url in ("/ogc/collections/parks", "/ogc/collections/parks/queryables"):
        assert sql.get(url).json() == memory.get(url).json(), url


def _refused(r: Any, layer: str | None = None) -> None:
    """A 501 ``layer_in_database_only`` naming the layer version and the setting."""
    assert r.status_code == 501, r.text[:300]
    body = r.json()
    assert body["code"] == "layer_in_database_only"
    key = f"{body['detail']['layer_id']}@{body['detail']['version']}"
    assert key in body["message"] and "GEOZONE_SQL_MEMORY_MAX_FEATURES" in body["message"]
    assert layer is None or key.startswith(layer)


def test_what_needs_the_frame_answers_a_clear_error(services: Any) -> None:
    memory, sql = services
    tile = "/ogc/collections/parks/tiles/WebMercatorQuad/10/387/843"
    assert memory.get(tile).status_code in (200, 204)
    _refused(sql.get(tile), "parks@")
    coverage = "/api/v1/coverage?district=110112&by=none"
    assert memory.get(coverage).status_code == 200
    _refused(sql.get(coverage))  # the first zone layer coverage reads
    filtered = sql.get("/ogc/collections/parks/items", params={"filter": "zone_class = 'x'"})
    _refused(filtered, "parks@")
    in_4548 = sql.get(
        "/ogc/collections/parks/items",
        params={"crs": "http://www.opengis.net/def/crs/EPSG/0/4548"},
    )
    _refused(in_4548, "parks@")


def test_layer_counts_are_the_same(services: Any) -> None:
    memory, sql = services
    for url in ("/api/v1/layers", "/api/v1/config"):
        want, got = memory.get(url), sql.get(url)
        assert got.status_code == 200, got.text[:300]
        assert _counts(got.json()) == _counts(want.json()), url
        assert _counts(got.json()), url


def _counts(doc: Any) -> list[Any]:
    """Every ``feature_count`` in a document, in order, with the key beside it."""
    found: list[Any] = []
    if isinstance(doc, dict):
        if "feature_count" in doc:
            found.append((doc.get("key") or doc.get("id"), doc["feature_count"]))
        for v in doc.values():
            found += _counts(v)
    elif isinstance(doc, list):
        for v in doc:
            found += _counts(v)
    return found
