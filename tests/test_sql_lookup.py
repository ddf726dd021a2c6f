"""``GEOZONE_LOOKUP=sql``: hits from PostGIS give the same bytes as the in-memory index.

Three engines over the demo layers, each answering the same queries: the folder catalog
with the in-memory index, the catalog loaded from the database with the in-memory index,
and the database catalog with :class:`~geozone.db.sql_finder.SqlFinder` (spatial SQL on
the session's throw-away PostGIS cluster, no mocks). Golden answers, seeded points (some
beside feature vertices, tolerances past the point grid's margin), hypothesis parcels,
GCJ-02 hints, the parcel budget, batch rows and the CLI must all agree byte for byte.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import shapely
from click.testing import CliRunner
from conftest import LAYERS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pg_cluster import PgCluster, free_port
from shapely.geometry import box, mapping
from test_golden import AS_OF, CASES, GOLDEN

from geozone.batch import BatchInput, lookup_rows
from geozone.catalog import Catalog, load_catalog
from geozone.cli import cli
from geozone.db.connection import Database
from geozone.db.layer_store import PostgisLayerStore
from geozone.db.sql_finder import CELL_M, SqlFinder
from geozone.db.transfer import import_dir
from geozone.errors import DatabaseUnavailable, QueryTooLarge
from geozone.feature_index import MEMORY_FINDER
from geozone.hits import HitFinder
from geozone.lookup import answer, answer_bytes, lookup, selection
from geozone.lookup_mode import default_finder, memory_index_wanted, use_finder
from geozone.query import Query, geojson_query, point_query
from geozone.rules import RuleTable, load_rules
from geozone.settings import QuerySettings

Engine = tuple[Catalog, RuleTable, HitFinder]


@pytest.fixture(scope="module")
def demo_url(pg_cluster: PgCluster, pg_template: str) -> str:
    """A database holding the demo layers (imported once for the module)."""
    url = pg_cluster.create_database("geozone_sql_lookup", template=pg_template)
    with Database(url) as db:
        import_dir(db, LAYERS)
    return url


@pytest.fixture(scope="module")
def engines(demo_url: str) -> Iterator[dict[str, Engine]]:
    """``files``, ``db_memory`` and ``sql``: (catalog, rules, finder) each."""
    folder = load_catalog(LAYERS)
    db = Database(demo_url)
    state = PostgisLayerStore(db).load()
    finder = SqlFinder(demo_url, max_connections=2)
    yield {
        "files": (folder, load_rules(folder.rules_dir), MEMORY_FINDER),
        "db_memory": (state.catalog, state.rules, MEMORY_FINDER),
        "sql": (state.catalog, state.rules, finder),
    }
    finder.close()
    db.close()


def _same(engines: dict[str, Engine], make: Any) -> bytes:
    """The answer bytes of every engine to ``make(catalog)``'s query; all must agree.

    Both paths of each engine: :func:`answer` (point templates) and the full
    :func:`lookup`.
    """
    got: dict[str, bytes] = {}
    for name, (catalog, rules, finder) in engines.items():
        query: Query = make(catalog)
        body, _ = answer(catalog, rules, query, finder)
        assert answer_bytes(lookup(catalog, rules, query, finder).to_dict()) == body, name
        got[name] = body
    want = got["files"]
    for name, body in got.items():
        assert body == want, f"{name} differs from the folder's answer"
    return want


def _case_query(case: dict[str, Any]) -> Query:
    if "geometry" in case:
        return geojson_query(
            case["geometry"],
            crs=case.get("crs"),
            activities=case.get("activity"),
            as_of=AS_OF,
            detail=case.get("detail"),
        )
    return point_query(case["lon"], case["lat"], activities=case.get("activity"), as_of=AS_OF)


@pytest.mark.parametrize("name", list(CASES))
def test_golden_answers_from_sql_mode(name: str, engines: dict[str, Engine]) -> None:
    body = _same(engines, lambda _c: _case_query(CASES[name]))
    # the full lookup's JSON (what the golden files hold) from the SQL finder
    catalog, rules, finder = engines["sql"]
    full = lookup(catalog, rules, _case_query(CASES[name]), finder).to_json().encode()
    assert (GOLDEN / f"{name}.json").read_bytes() == full + b"\n"
    assert json.loads(body) == json.loads(full)


def _points(catalog: Catalog, n: int, seed: int) -> list[tuple[float, float]]:
    """Random points over the territory and beyond, and points beside feature vertices."""
    in_force = catalog.select(date.fromisoformat(AS_OF))
    geoms = [g for lv in in_force for g in lv.frame.geometry.values if g is not None]
    rng = random.Random(seed)
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    pts = [(rng.uniform(minx - 3000, maxx + 3000), rng.uniform(miny - 3000, maxy + 3000))]
    pts += [(rng.uniform(minx, maxx), rng.uniform(miny, maxy)) for _ in range(n // 2)]
    while len(pts) < n:
        xy = shapely.get_coordinates(geoms[rng.randrange(len(geoms))])
        x, y = xy[rng.randrange(len(xy))]
        pts.append((x + rng.uniform(-40, 40), y + rng.uniform(-40, 40)))
    return pts


def test_points_give_the_same_bytes_in_every_mode(engines: dict[str, Engine]) -> None:
    rng = random.Random(18)
    hits = 0
    for x, y in _points(engines["files"][0], 300, 5):
        t = rng.choice([0.0, 5.0, 30.0, 80.0])  # 80 m: beyond the grid's margin
        acts = rng.choice([(), "polluting_industry", "urban_housing,commercial"])
        body = _same(
            engines,
            lambda _c, x=x, y=y, t=t, acts=acts: point_query(
                x, y, crs="EPSG:4548", as_of=AS_OF, tolerance_m=t, activities=acts
            ),
        )
        hits += body.count(b'"feature_id"')
    assert hits > 500  # the points do hit things


def test_points_in_a_cell_asked_before_need_no_database_round_trip(
    engines: dict[str, Engine], demo_url: str
) -> None:
    # a finder of its own, its pool closed after the first pass: the second pass (the
    # same points, and points a metre away in the same 100 m cells) must come from the
    # thread's cell and feature caches, with the bytes of the in-memory index
    catalog, rules, _ = engines["sql"]
    finder = SqlFinder(demo_url, max_connections=1)
    pts = [
        (x, y)
        for x, y in _points(engines["files"][0], 60, 9)
        if int(x // CELL_M) == int((x + 1) // CELL_M) and int(y // CELL_M) == int((y + 1) // CELL_M)
    ]
    try:
        for x, y in pts:
            answer(catalog, rules, point_query(x, y, crs="EPSG:4548", as_of=AS_OF), finder)
    finally:
        finder.close()
    hits = 0
    for x, y in [*pts, *((x + 1, y + 1) for x, y in pts)]:
        q = point_query(x, y, crs="EPSG:4548", as_of=AS_OF)
        body, _ = answer(catalog, rules, q, finder)
        assert body == answer(catalog, rules, q, MEMORY_FINDER)[0]
        hits += body.count(b'"feature_id"')
    assert hits > 100


def test_gcj02_hints_are_the_same_in_sql_mode(engines: dict[str, Engine]) -> None:
    rng = random.Random(3)
    flagged = 0
    for _ in range(120):  # WGS84 points around the territory's edge
        lon, lat = rng.uniform(116.4, 117.6), rng.uniform(39.5, 40.9)
        body = _same(engines, lambda _c, lon=lon, lat=lat: point_query(lon, lat, as_of=AS_OF))
        flagged += b"GCJ-02" in body
    assert flagged > 0


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    i=st.integers(0, 10_000),
    w=st.floats(5, 1500),
    h=st.floats(5, 1500),
    t=st.sampled_from([0.0, 2.0, 10.0]),
    detail=st.sampled_from(["full", "summary"]),
)
def test_parcels_give_the_same_bytes_in_every_mode(
    engines: dict[str, Engine], i: int, w: float, h: float, t: float, detail: str
) -> None:
    x, y = _points(engines["files"][0], 60, 9)[i % 60]
    parcel = mapping(box(x - w / 2, y - h / 2, x + w / 2, y + h / 2))
    _same(
        engines,
        lambda _c: geojson_query(
            parcel, crs="EPSG:4548", as_of=AS_OF, tolerance_m=t, detail=detail
        ),
    )


def test_the_parcel_budget_refuses_alike(engines: dict[str, Engine]) -> None:
    """A parcel over its work budget: the same 413 (same estimate) from SQL as from memory."""
    parcel = CASES["parcel_across_pinggu_miyun"]["geometry"]
    details = []
    for _name, (catalog, rules, finder) in engines.items():
        q = geojson_query(
            parcel, as_of=AS_OF, tolerance_m=50, settings=QuerySettings(max_parcel_work=20)
        )
        with pytest.raises(QueryTooLarge) as exc:
            lookup(catalog, rules, q, finder)
        details.append((exc.value.message, exc.value.detail))
    assert details[0][1]["candidates"] > 1
    assert details[1] == details[0] and details[2] == details[0]


def test_batch_rows_are_the_same_in_sql_mode(engines: dict[str, Engine]) -> None:
    catalog = engines["files"][0]
    items = []
    for k, (x, y) in enumerate(_points(catalog, 40, 11)):
        geom = (
            mapping(box(x - 200, y - 150, x + 200, y + 150))
            if k % 2
            else mapping(shapely.Point(x, y))
        )
        items.append(BatchInput(row=k, source_id=str(k), geometry=geom, crs="EPSG:4548"))
    got = {}
    for name, (cat, rules, finder) in engines.items():
        rows = lookup_rows(cat, rules, items, as_of=AS_OF, max_total_work=10**9, finder=finder)
        got[name] = [(r.status, r.hits, r.result.to_json() if r.result else None) for r in rows]
    assert any(h for _s, h, _j in got["files"])
    assert got["sql"] == got["files"] and got["db_memory"] == got["files"]


def test_sql_mode_builds_no_in_memory_index(engines: dict[str, Engine]) -> None:
    catalog, rules, finder = engines["sql"]
    day = "2026-11-20"  # a selection no other test has built
    answer(catalog, rules, point_query(116.900113, 39.795985, as_of=day), finder)
    q = geojson_query(CASES["parcel_across_redline"]["geometry"], as_of=day)
    lookup(catalog, rules, q, finder)

    assert "index" not in selection(catalog, date.fromisoformat(day)).memo


def test_cli_lookup_in_sql_mode(
    engines: dict[str, Engine], demo_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``GEOZONE_LOOKUP=sql`` chooses the SQL finder; the CLI prints the same bytes."""
    case = CASES["point_tongzhou_redline_core"]
    args = ["lookup", "--lon", str(case["lon"]), "--lat", str(case["lat"]), "--json"]
    args += ["--activity", case["activity"], "--as-of", AS_OF, "--layers", str(LAYERS)]
    want = CliRunner().invoke(cli, args)
    assert want.exit_code == 0, want.output
    monkeypatch.setenv("GEOZONE_LOOKUP", "sql")
    monkeypatch.setenv("GEOZONE_DATABASE_URL", demo_url)
    use_finder(None)  # choose again from the environment
    try:
        assert isinstance(default_finder(), SqlFinder)
        assert not memory_index_wanted()
        got = CliRunner().invoke(cli, args)
        assert got.exit_code == 0, got.output
        assert got.output == want.output
        parcel = tmp_path / "parcel.geojson"
        parcel.write_text(json.dumps(CASES["parcel_across_redline"]["geometry"]))
        pargs = ["lookup", str(parcel), "--json", "--as-of", AS_OF]
        pargs += ["--layers", str(LAYERS)]
        sql_out = CliRunner().invoke(cli, pargs)
        assert sql_out.exit_code == 0, sql_out.output
    finally:
        use_finder(MEMORY_FINDER)
    mem_out = CliRunner().invoke(cli, pargs)
    assert sql_out.output == mem_out.output
    monkeypatch.delenv("GEOZONE_LOOKUP")
    use_finder(None)
    assert memory_index_wanted()
    assert default_finder() is MEMORY_FINDER


def test_sql_mode_needs_a_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    from geozone.errors import GeozoneError
    from geozone.lookup_mode import finder_for
    from geozone.settings import Settings

    monkeypatch.delenv("GEOZONE_DATABASE_URL", raising=False)
    with pytest.raises(GeozoneError, match="GEOZONE_DATABASE_URL"):
        finder_for(Settings(lookup="sql"))


def test_database_down_is_a_503_naming_it(engines: dict[str, Engine]) -> None:
    catalog, rules, _ = engines["db_memory"]
    dead = SqlFinder(f"postgresql://geozone:s3cret@127.0.0.1:{free_port()}/zones")
    try:
        with pytest.raises(DatabaseUnavailable) as exc:
            lookup(catalog, rules, point_query(116.9, 39.79, as_of=AS_OF), dead)
    finally:
        dead.close()
    assert exc.value.status == 503
    assert "127.0.0.1" in exc.value.message and "s3cret" not in exc.value.message


def test_a_new_import_under_the_same_labels_is_not_answered_from_the_cache(
    pg_url: str, tmp_path: Path
) -> None:
    """Features cached by a thread are keyed by the version's file hash too."""
    import geopandas as gpd
    from tiny_layers import build_tiny_layers, rel_box, xy

    root = build_tiny_layers(tmp_path / "tiny")
    finder = SqlFinder(pg_url, max_connections=1)
    x, y = xy(1500, 7500)  # inside red line RL-GEN (and RL-CORE)

    def ask() -> tuple[bytes, bytes]:
        with Database(pg_url) as db:
            import_dir(db, root, validate=False)
            state = PostgisLayerStore(db).load()
        q = point_query(x, y, crs="EPSG:4548", as_of="2026-01-01")
        sql, _ = answer(state.catalog, state.rules, q, finder)
        mem, _ = answer(state.catalog, state.rules, q, MEMORY_FINDER)
        return sql, mem

    try:
        sql, mem = ask()
        assert sql == mem and b"RL-GEN" in sql
        path = root / "data" / "redline.gpkg"
        frame = gpd.read_file(path)
        moved = [rel_box(5000, 7000, 6000, 8000), rel_box(5400, 7400, 5600, 7600)]
        frame = frame.set_geometry(gpd.GeoSeries(moved, crs=frame.crs))
        frame.to_file(path, driver="GPKG")
        sql, mem = ask()  # the same layer id and version label, other features
        assert sql == mem and b"RL-GEN" not in sql
    finally:
        finder.close()


def test_the_service_answers_the_golden_cases_in_sql_mode(demo_url: str, tmp_path: Path) -> None:
    """``create_app`` with ``lookup="sql"``: served bytes equal the golden files."""
    from api_client import api_client
    from test_golden import ask

    try:
        with api_client(LAYERS, tmp_path, lookup="sql", database_url=demo_url) as client:
            assert isinstance(default_finder(), SqlFinder)
            for name, case in CASES.items():
                body = ask(client, case)
                assert (GOLDEN / f"{name}.json").read_bytes() == body + b"\n", name
    finally:
        use_finder(MEMORY_FINDER)  # closes the service's SQL finder
        use_finder(None)


def test_a_database_holding_another_layer_set_is_refused(pg_url: str, tmp_path: Path) -> None:
    """The catalog's versions in force must be in the database as loaded: 503, not a mix."""
    from tiny_layers import build_tiny_layers, xy

    catalog = load_catalog(build_tiny_layers(tmp_path / "tiny"))
    rules = load_rules(catalog.rules_dir)
    with Database(pg_url) as db:
        import_dir(db, LAYERS)  # the demo set, not the tiny one
    finder = SqlFinder(pg_url, max_connections=1)
    try:
        with pytest.raises(DatabaseUnavailable, match="does not hold the layer versions"):
            lookup(catalog, rules, point_query(*xy(1500, 7500), crs="EPSG:4548"), finder)
    finally:
        finder.close()
