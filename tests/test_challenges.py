"""Challenges ("报告错误 / report an inaccuracy"): a round trip through the API (create,
admin list, triage, close with a version link), the 4xx cases, a store that cannot write
(503, nothing stored), and the report stays byte-identical and verifiable."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_client import api_client
from conftest import LAYERS
from fastapi.testclient import TestClient

from geozone.challenges import ChallengeStore

TOKEN = "challenge-admin"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
POINT = {"lon": 116.85, "lat": 40.45}
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[116.85, 40.45], [116.851, 40.45], [116.851, 40.451], [116.85, 40.451], [116.85, 40.45]]
    ],
}
BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [[116.85, 40.45], [116.851, 40.451], [116.851, 40.45], [116.85, 40.451], [116.85, 40.45]]
    ],
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with api_client(LAYERS, tmp_path_factory.mktemp("challenges"), admin_token=TOKEN) as c:
        yield c


@pytest.fixture(scope="module")
def report(client: TestClient) -> dict[str, Any]:
    data: dict[str, Any] = client.get("/api/v1/lookup", params=POINT).json()
    assert any(h["layer_id"] == "redline" for h in data["hits"])
    return data


def _hit(report: dict[str, Any], layer_id: str = "redline") -> dict[str, Any]:
    hit = next(h for h in report["hits"] if h["layer_id"] == layer_id)
    return {
        "layer_id": hit["layer_id"],
        "version": hit["layer_version"],
        "feature_id": hit["feature_id"],
    }


def test_challenge_round_trip(client: TestClient, report: dict[str, Any]) -> None:
    rid = report["report_id"]
    before = client.get(f"/api/v1/reports/{rid}").content
    body = {**_hit(report), "comment": "红线边界偏北约30米 / the boundary is ~30 m too far north"}
    made = client.post(f"/api/v1/reports/{rid}/challenges", json={**body, "correction": SQUARE})
    assert made.status_code == 201, made.text
    challenge = made.json()
    assert challenge["status"] == "open"
    assert challenge["report_id"] == rid
    assert (challenge["layer_id"], challenge["version"]) == ("redline", body["version"])
    assert challenge["feature_id"] == body["feature_id"]
    assert challenge["comment"] == body["comment"]
    assert challenge["correction"]["type"] == "Polygon"
    ring = challenge["correction"]["coordinates"][0]
    assert sorted({tuple(p) for p in ring}) == sorted({tuple(p) for p in SQUARE["coordinates"][0]})

    listed = client.get("/api/v1/admin/challenges", params={"status": "open"}, headers=AUTH)
    assert listed.status_code == 200
    assert challenge["id"] in [c["id"] for c in listed.json()["challenges"]]
    cid = challenge["id"]

    triaged = client.post(
        f"/api/v1/admin/challenges/{cid}/triage", json={"note": "checking survey"}, headers=AUTH
    )
    assert triaged.status_code == 200, triaged.text
    assert triaged.json()["status"] == "triaged"
    assert triaged.json()["events"][-1] == {
        "at": triaged.json()["updated_at"],
        "who": "admin",
        "status": "triaged",
        "note": "checking survey",
    }
    still_open = client.get("/api/v1/admin/challenges", params={"status": "open"}, headers=AUTH)
    assert still_open.json()["count"] == 0

    missing = client.post(
        f"/api/v1/admin/challenges/{cid}/close", json={"fixed_in_version": "2099"}, headers=AUTH
    )
    assert missing.status_code == 422 and "2099" in missing.json()["message"]
    closed = client.post(
        f"/api/v1/admin/challenges/{cid}/close",
        json={"note": "fixed in the 2026 survey", "fixed_in_version": "2026"},
        headers=AUTH,
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed" and closed.json()["fixed_in_version"] == "2026"
    assert [e["status"] for e in closed.json()["events"]] == ["open", "triaged", "closed"]
    again = client.post(f"/api/v1/admin/challenges/{cid}/triage", headers=AUTH)
    assert again.status_code == 409
    assert client.get(f"/api/v1/admin/challenges/{cid}", headers=AUTH).json()["status"] == "closed"

    # the report is untouched: same bytes, still verifies
    assert client.get(f"/api/v1/reports/{rid}").content == before
    assert client.get(f"/api/v1/reports/{rid}/verify").json()["valid"] is True


def test_open_challenge_can_be_closed_directly(client: TestClient, report: dict[str, Any]) -> None:
    rid = report["report_id"]
    body = {**_hit(report, "water_protection"), "comment": "水源地范围已调整"}
    cid = client.post(f"/api/v1/reports/{rid}/challenges", json=body).json()["id"]
    closed = client.post(f"/api/v1/admin/challenges/{cid}/close", headers=AUTH)
    assert closed.status_code == 200 and closed.json()["fixed_in_version"] is None


@pytest.mark.parametrize(
    ("change", "status", "needle"),
    [
        ({"feature_id": "NOT-A-HIT"}, 422, "not a hit"),
        ({"version": "2021"}, 422, "not a hit"),  # a version the report did not use
        ({"layer_id": "parks"}, 422, "not a hit"),
        ({"comment": "x"}, 422, "comment"),
        ({"comment": "  ab  "}, 422, "comment"),
        ({"comment": "x" * 2001}, 422, "comment"),
        ({"correction": BOWTIE}, 422, "not valid"),
        ({"correction": {"type": "Point", "coordinates": [116.85, 40.45]}}, 422, "Polygon"),
        ({"correction": {"type": "Polygon", "coordinates": "x"}}, 422, ""),
        ({"extra": 1}, 422, ""),
    ],
)
def test_bad_challenges_are_refused(
    client: TestClient, report: dict[str, Any], change: dict[str, Any], status: int, needle: str
) -> None:
    rid = report["report_id"]
    body = {**_hit(report), "comment": "boundary wrong", **change}
    count = len(client.get("/api/v1/admin/challenges", headers=AUTH).json()["challenges"])
    response = client.post(f"/api/v1/reports/{rid}/challenges", json=body)
    assert response.status_code == status, response.text
    assert needle in response.text
    after = len(client.get("/api/v1/admin/challenges", headers=AUTH).json()["challenges"])
    assert after == count  # nothing stored


def test_unknown_report_and_challenge_are_404(client: TestClient, report: dict[str, Any]) -> None:
    body = {**_hit(report), "comment": "boundary wrong"}
    assert client.post(f"/api/v1/reports/{'0' * 32}/challenges", json=body).status_code == 404
    assert client.get("/api/v1/admin/challenges/999999", headers=AUTH).status_code == 404
    assert client.post("/api/v1/admin/challenges/999999/close", headers=AUTH).status_code == 404


def test_anonymous_and_unknown_tokens_cannot_list_or_triage(client: TestClient) -> None:
    assert client.get("/api/v1/admin/challenges").status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert client.get("/api/v1/admin/challenges", headers=wrong).status_code == 403
    assert client.post("/api/v1/admin/challenges/1/triage").status_code == 401
    bad = client.get("/api/v1/admin/challenges", params={"status": "done"}, headers=AUTH)
    assert bad.status_code == 422


def test_store_that_cannot_write_answers_503_and_stores_nothing(
    client: TestClient, report: dict[str, Any], tmp_path: Path
) -> None:
    store: ChallengeStore = client.app.state.challenges  # type: ignore[attr-defined]
    before = len(store.find(limit=10_000))
    writable = store._conn
    store._conn = sqlite3.connect(
        f"file:{store.path}?mode=ro", uri=True, check_same_thread=False, isolation_level=None
    )
    try:
        body = {**_hit(report), "comment": "boundary wrong"}
        response = client.post(f"/api/v1/reports/{report['report_id']}/challenges", json=body)
        assert response.status_code == 503, response.text
        assert response.json()["code"] == "challenge_store_unavailable"
        assert response.headers["retry-after"] == "5"
    finally:
        store._conn.close()
        store._conn = writable
    assert len(store.find(limit=10_000)) == before


def test_challenges_survive_a_reopen(tmp_path: Path) -> None:
    answer = {
        "report_id": "a" * 32,
        "hits": [{"layer_id": "redline", "layer_version": "2026", "feature_id": "RL-1"}],
    }
    store = ChallengeStore(tmp_path / "challenges.sqlite")
    made = store.create(
        answer, layer_id="redline", version="2026", feature_id="RL-1", comment="wrong edge"
    )
    store.close()
    again = ChallengeStore(tmp_path / "challenges.sqlite")
    assert again.get(made.id) == made
    again.close()
