"""Bad numbers are 422s naming the field, never 500s; limits answer clearly (issue #16).

Runs on the shipped demo layers (the work budget needs a realistic feature count).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_client import api_client
from conftest import LAYERS
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geozone.settings import CoverageSettings, QuerySettings

LOOKUP = "/api/v1/lookup"
BIG = "9" * 400


def _parcel(lon: float = 116.65, lat: float = 39.9, size: float = 0.002) -> dict[str, Any]:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def _fc(*geoms: dict[str, Any]) -> dict[str, Any]:
    feats = [{"type": "Feature", "properties": {}, "geometry": g} for g in geoms]
    return {"type": "FeatureCollection", "features": feats}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    workdir = tmp_path_factory.mktemp("limits_var")
    # parcels up to 20,000 km²: the work-budget tests below send district-sized parcels
    query = QuerySettings(max_parcel_area_m2=2e10)
    with api_client(LAYERS, workdir, coverage=CoverageSettings(max_candidates=5), query=query) as c:
        yield c


def _refused(r: Any, field: str, code: str | None = None) -> dict[str, Any]:
    assert r.status_code == 422, r.text
    body = r.json()
    assert set(body) == {"code", "message", "detail"}
    if code is not None:
        assert body["code"] == code, body
    assert field in body["message"], body
    assert "Traceback" not in r.text and "/work/" not in r.text and str(Path.cwd()) not in r.text
    return body


def _raw_post(client: TestClient, url: str, text: str) -> Any:
    return client.post(url, content=text.encode(), headers={"content-type": "application/json"})


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "Infinity", BIG, "-1", "501"])
def test_get_bad_tolerance(client: TestClient, value: str) -> None:
    r = client.get(LOOKUP, params={"lon": 116.65, "lat": 39.9, "tolerance_m": value})
    _refused(r, "tolerance_m")


@pytest.mark.parametrize("field", ["lon", "lat"])
@pytest.mark.parametrize("value", ["nan", "Infinity", "-inf", BIG, "-" + BIG])
def test_get_bad_coordinate(client: TestClient, field: str, value: str) -> None:
    params: dict[str, Any] = {"lon": 116.65, "lat": 39.9, field: value}
    _refused(client.get(LOOKUP, params=params), field)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", '"NaN"', '"inf"', BIG])
def test_post_bad_tolerance(client: TestClient, literal: str) -> None:
    text = f'{{"geometry": {json.dumps(_parcel())}, "tolerance_m": {literal}}}'
    _refused(_raw_post(client, LOOKUP, text), "tolerance_m")


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", BIG, "-" + BIG])
@pytest.mark.parametrize("kind", ["Point", "Polygon"])
def test_post_bad_coordinate(client: TestClient, literal: str, kind: str) -> None:
    if kind == "Point":
        geom = f'{{"type": "Point", "coordinates": [{literal}, 39.9]}}'
    else:
        ring = [[116.65, 39.9], [116.66, 39.9], [116.66, 39.91], [116.65, 39.9]]
        geom = json.dumps({"type": "Polygon", "coordinates": [ring]}).replace(
            "116.66, 39.9]", f"{literal}, 39.9]", 1
        )
    _refused(_raw_post(client, LOOKUP, f'{{"geometry": {geom}}}'), "coordinates")


@pytest.mark.parametrize("crs", ["IAU_2015:30100", "EPSG:4978", "EPSG:4979", "EPSG:5773"])
def test_crs_not_2d_on_earth(client: TestClient, crs: str) -> None:
    body = _refused(
        client.get(LOOKUP, params={"lon": 116.65, "lat": 39.9, "crs": crs}),
        "CRS",
        "unsupported_crs",
    )
    assert body["detail"]["crs"] == crs
    _refused(client.post(LOOKUP, json={"geometry": _parcel(), "crs": crs}), "CRS")
    r = client.post(f"{LOOKUP}/batch?crs={crs}", json=_fc(_parcel()))
    _refused(r, "CRS", "unsupported_crs")


@pytest.mark.parametrize(("lon", "lat"), [(121.47, 31.23), (-74.0, 40.7), (179.0, 0.0)])
def test_far_point_is_an_outside_answer(client: TestClient, lon: float, lat: float) -> None:
    r = client.get(LOOKUP, params={"lon": lon, "lat": lat})
    assert r.status_code == 200, r.text
    assert {v["verdict"] for v in r.json()["verdicts"]} == {"outside"}
    r = client.post(LOOKUP, json={"geometry": {"type": "Point", "coordinates": [lon, lat]}})
    assert r.status_code == 200, r.text


def test_parcel_across_antimeridian_is_refused(client: TestClient) -> None:
    ring = [[-170, 10], [170, 10], [170, 20], [-170, 20], [-170, 10]]
    r = client.post(LOOKUP, json={"geometry": {"type": "Polygon", "coordinates": [ring]}})
    body = _refused(r, "EPSG:4548", "outside_analysis_crs")
    assert "antimeridian" in body["message"]


def test_parcel_far_from_the_analysis_crs_is_refused(client: TestClient) -> None:
    r = client.post(LOOKUP, json={"geometry": _parcel(121.47, 31.23)})  # Shanghai
    _refused(r, "split", "outside_analysis_crs")


def test_batch_bad_tolerance_refused_whole(client: TestClient) -> None:
    for value in ("nan", "inf", BIG):
        r = client.post(f"{LOOKUP}/batch?tolerance_m={value}", json=_fc(_parcel()))
        _refused(r, "tolerance_m")


def test_batch_bad_row_is_an_error_row(client: TestClient) -> None:
    text = '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
    text += f'"geometry": {{"type": "Point", "coordinates": [{BIG}, 39.9]}}}}]}}'
    r = _raw_post(client, f"{LOOKUP}/batch", text)
    assert r.status_code == 200, r.text
    assert r.json()["results"][0]["status"] == "error"


def _beijing_parcel(vertices: int) -> dict[str, Any]:
    """A wobbly ring of ``vertices`` positions across most of the demo territory."""
    ring = []
    for i in range(vertices - 1):
        t = 2 * math.pi * i / (vertices - 1)
        r = 0.5 * (1 + 0.02 * math.sin(37 * t))
        ring.append([116.9 + 1.3 * r * math.cos(t), 40.3 + r * math.sin(t)])
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def test_parcel_work_budget_refuses_quickly(client: TestClient) -> None:
    start = time.process_time()
    r = client.post(LOOKUP, json={"geometry": _beijing_parcel(10_000), "tolerance_m": 500})
    cpu = time.process_time() - start
    assert r.status_code == 413, r.text[:300]
    body = r.json()
    assert body["code"] == "query_too_large"
    assert "fewer vertices" in body["message"] and "smaller tolerance" in body["message"]
    detail = body["detail"]
    assert detail["vertices"] == 10_000 and detail["work"] > detail["max_parcel_work"]
    assert cpu < 2.0  # measuring it took ~6 s of CPU


def test_parcel_work_budget_lets_realistic_parcels_through(client: TestClient) -> None:
    r = client.post(LOOKUP, json={"geometry": _beijing_parcel(200), "tolerance_m": 500})
    assert r.status_code == 200, r.text[:300]
    r = client.post(LOOKUP, json={"geometry": _parcel(size=0.01), "tolerance_m": 50})
    assert r.status_code == 200, r.text[:300]


def test_whatif_candidate_cap(client: TestClient) -> None:
    parks = _fc(*[_parcel(116.6 + 0.003 * i, 39.88) for i in range(6)])
    r = client.post("/api/v1/coverage", json={"district": "通州区", "parks": parks})
    body = _refused(r, "parks")
    assert body["detail"] == {"field": "parks", "candidates": 6, "max_candidates": 5}
    assert "coverage.max_candidates" in body["message"]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", BIG])
def test_coverage_bad_coordinates(client: TestClient, literal: str) -> None:
    body = json.dumps({"parks": _fc(_parcel()), "residential": _fc(_parcel(116.7))})
    _refused(_raw_post(client, "/api/v1/coverage", body.replace("116.65", literal, 1)), "parks")


def test_coverage_across_antimeridian_is_refused(client: TestClient) -> None:
    ring = [[-170, 10], [170, 10], [170, 20], [-170, 20], [-170, 10]]
    body = {
        "parks": _fc(_parcel()),
        "residential": _fc({"type": "Polygon", "coordinates": [ring]}),
    }
    _refused(client.post("/api/v1/coverage", json=body), "residential", "outside_analysis_crs")


# ---------------------------------------------------------------------------------------------
# Fuzz: no number or CRS text makes a lookup answer 500

_numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=100, max_value=130),
    st.floats(min_value=30, max_value=45),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.sampled_from(["nan", "NaN", "Infinity", "-inf", "1e999", BIG, "", "0x10", "1_0"]),
)
_crs = st.one_of(
    st.none(),
    st.sampled_from(
        [
            *("EPSG:4326", "EPSG:4548", "GCJ02", "BD09", "IAU_2015:30100", "EPSG:4978"),
            *("EPSG:4979", "EPSG:5773", "EPSG:3857", "EPSG:32650", "ESRI:102100", "OGC:CRS84"),
            *("urn:x", "+proj"),
        ]
    ),
    st.text(max_size=30),
)
_FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _literal(value: Any) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return json.dumps(value)


@_FUZZ
@given(lon=_numbers, lat=_numbers, tol=st.one_of(st.none(), _numbers), crs=_crs)
def test_fuzz_get_lookup_never_500(
    client: TestClient, lon: Any, lat: Any, tol: Any, crs: Any
) -> None:
    params = {"lon": str(lon), "lat": str(lat)}
    if tol is not None:
        params["tolerance_m"] = str(tol)
    if crs is not None:
        params["crs"] = crs
    r = client.get(LOOKUP, params=params)
    assert r.status_code in (200, 413, 422), r.text[:300]
    assert "Traceback" not in r.text


@_FUZZ
@given(
    lon=_numbers,
    lat=_numbers,
    size=st.one_of(_numbers, st.floats(min_value=1e-6, max_value=5)),
    tol=st.one_of(st.none(), _numbers),
    crs=_crs,
)
def test_fuzz_post_lookup_never_500(
    client: TestClient, lon: Any, lat: Any, size: Any, tol: Any, crs: Any
) -> None:
    def num(v: Any) -> str:
        return _literal(v) if not isinstance(v, str) else json.dumps(v)

    def add(a: Any, b: Any) -> str:
        try:
            return _literal(float(a) + float(b))
        except (TypeError, ValueError, OverflowError):
            return num(a)

    x0, y0, x1, y1 = num(lon), num(lat), add(lon, size), add(lat, size)
    ring = f"[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]"
    parts = [f'"geometry": {{"type": "Polygon", "coordinates": [{ring}]}}']
    if tol is not None:
        parts.append(f'"tolerance_m": {num(tol)}')
    if crs is not None:
        parts.append(f'"crs": {json.dumps(crs)}')
    r = _raw_post(client, LOOKUP, "{" + ", ".join(parts) + "}")
    assert r.status_code in (200, 413, 422), r.text[:300]
    assert "Traceback" not in r.text
