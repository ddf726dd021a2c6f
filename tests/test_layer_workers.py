"""Layer changes under ``geozone serve --workers 2``: every worker follows the new
generation within 2 s, a change that lands on a stale worker is applied on top of the
folder's current state, and nothing acknowledged is lost, also across a restart.

Each request opens a new connection (urllib), so the kernel spreads them over both
workers' ``SO_REUSEPORT`` sockets; ``worker_pid`` in answers says which one answered.
"""

from __future__ import annotations

import itertools
import json
import time
import tomllib
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from layerset_builder import X0, Y0, rect
from live_server import Server, run_server
from pyproj import Transformer
from test_admin import make_layers, redline_geojson

from geozone.tokens import Role, new_token

pytestmark = pytest.mark.server

LON, LAT = Transformer.from_crs("EPSG:4548", "EPSG:4326", always_xy=True).transform(
    X0 + 1700, Y0 + 500
)  # inside every red-line version used here


def call(
    srv: Server,
    method: str,
    path: str,
    token: str | None = None,
    body: bytes | None = None,
    content_type: str | None = None,
) -> tuple[int, Any]:
    """One request on a new connection: (status, JSON body)."""
    req = urllib.request.Request(srv.url + path, data=body, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if content_type:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def retire(srv: Server, token: str, layer: str, version: str, valid_to: str) -> tuple[int, Any]:
    body = json.dumps({"valid_to": valid_to}).encode()
    path = f"/api/v1/admin/layers/{layer}/versions/{version}/retire"
    return call(srv, "POST", path, token, body, "application/json")


def upload(srv: Server, token: str, version: str, valid_from: str, geom: Any) -> tuple[int, Any]:
    boundary = uuid.uuid4().hex
    fields = {"version": version, "valid_from": valid_from, "source_crs": "EPSG:4326"}
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="redline_{version}.geojson"\r\n'
        "Content-Type: application/geo+json\r\n\r\n".encode()
        + redline_geojson([geom])
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return call(
        srv,
        "POST",
        "/api/v1/admin/layers/redline/versions",
        token,
        b"".join(parts),
        f"multipart/form-data; boundary={boundary}",
    )


def worker_pids(srv: Server, seconds: float = 20.0) -> set[int]:
    """Both workers' pids, from /healthz over fresh connections."""
    seen: set[int] = set()
    deadline = time.monotonic() + seconds
    while len(seen) < 2 and time.monotonic() < deadline:
        seen.add(call(srv, "GET", "/healthz")[1]["worker_pid"])
    assert len(seen) == 2, f"only workers {seen} answered"
    return seen


def wait_all_at(srv: Server, pids: set[int], generation: str, seconds: float = 2.0) -> float:
    """Seconds until every worker's /healthz names ``generation`` (fails after ``seconds``)."""
    started = time.monotonic()
    current: dict[int, str] = {}
    while True:
        health = call(srv, "GET", "/healthz")[1]
        current[health["worker_pid"]] = health["generation"]["id"]
        if all(current.get(p) == generation for p in pids):
            return time.monotonic() - started
        assert time.monotonic() - started < seconds, f"workers at {current}, not {generation}"
        time.sleep(0.02)


def redline_version(srv: Server, as_of: str) -> str | None:
    """The red-line version a lookup at the test point uses on ``as_of`` (None: no hit)."""
    answer = call(srv, "GET", f"/api/v1/lookup?lon={LON:.7f}&lat={LAT:.7f}&as_of={as_of}")[1]
    hits = [h["layer_version"] for h in answer["hits"] if h["layer_id"] == "redline"]
    return hits[0] if hits else None


def manifest_redline(root: Path) -> list[tuple[str, str, str | None]]:
    manifest = tomllib.loads((root / "manifest.toml").read_text(encoding="utf-8"))
    return [
        (e["version"], str(e["valid_from"]), str(e["valid_to"]) if "valid_to" in e else None)
        for e in manifest["layer"]
        if e["id"] == "redline"
    ]


def serve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, poll_s: str) -> tuple[Path, list[str]]:
    """A layer folder and two named admin tokens, for servers started with run_server."""
    root = make_layers(tmp_path / "layers")
    tokens_file = tmp_path / "tokens.toml"
    tokens = [new_token(tokens_file, name, Role.ADMIN) for name in ("li.wei", "zhang.min")]
    monkeypatch.setenv("GEOZONE_TOKENS_FILE", str(tokens_file))
    monkeypatch.setenv("GEOZONE_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    monkeypatch.setenv("GEOZONE_LAYER_POLL_S", poll_s)
    monkeypatch.delenv("GEOZONE_ADMIN_TOKEN", raising=False)
    return root, tokens


def test_every_worker_follows_each_change_within_2_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, tokens = serve(tmp_path, monkeypatch, "0.5")
    inner, outer = rect(1600, 200, 1800, 800), rect(1550, 150, 1850, 850)
    # (change, as_of to look up, red-line version expected there afterwards)
    steps: list[tuple[Callable[[Server, str], tuple[int, Any]], str, str | None]] = [
        (lambda s, t: retire(s, t, "redline", "v1", "2026-12-31"), "2027-06-01", None),
        (lambda s, t: upload(s, t, "v2", "2027-01-01", inner), "2027-06-01", "v2"),
        (lambda s, t: retire(s, t, "redline", "v2", "2027-12-31"), "2028-06-01", None),
        (lambda s, t: upload(s, t, "v3", "2028-01-01", outer), "2028-06-01", "v3"),
        (lambda s, t: retire(s, t, "parks", "v1", "2030-12-31"), "2028-06-01", "v3"),
        (lambda s, t: retire(s, t, "redline", "v3", "2029-12-31"), "2030-06-01", None),
    ]
    latencies: list[float] = []
    answered_by: list[int] = []
    with run_server(root, tmp_path, workers=2) as srv:
        pids = worker_pids(srv)
        for i, (change, as_of, expected) in enumerate(steps):
            status, body = change(srv, tokens[i % 2])
            assert status in (200, 201), body
            assert body["generation"]["counter"] == i + 1
            answered_by.append(body["worker_pid"])
            latencies.append(wait_all_at(srv, pids, body["generation"]["id"]))
            for _ in range(6):  # fresh connections: both workers answer with the new state
                assert redline_version(srv, as_of) == expected
            assert redline_version(srv, "2025-06-01") == "v1"  # retired, still as-of
        generation = body["generation"]
        audit = call(srv, "GET", "/api/v1/admin/audit", tokens[0])[1]["entries"]
    print(f"reload latencies (s): {[round(x, 3) for x in latencies]}; answered by {answered_by}")
    assert [e["who"] for e in reversed(audit)] == ["li.wei", "zhang.min"] * 3
    assert all(e["outcome"]["status"] in (200, 201) for e in audit)
    assert manifest_redline(root) == [
        ("v1", "2020-01-01", "2026-12-31"),
        ("v2", "2027-01-01", "2027-12-31"),
        ("v3", "2028-01-01", "2029-12-31"),
    ]
    # a restart serves the same generation: nothing acknowledged was lost
    with run_server(root, tmp_path, workers=2) as srv:
        pids = worker_pids(srv)
        wait_all_at(srv, pids, generation["id"], seconds=5)
        health = call(srv, "GET", "/healthz")[1]
        assert health["generation"]["counter"] == generation["counter"] == len(steps)
        assert redline_version(srv, "2028-06-01") == "v3"
        assert redline_version(srv, "2030-06-01") is None


def test_a_change_on_a_stale_worker_is_applied_on_top(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # workers look at the folder only every 10 minutes: the one that did not make the last
    # change is stale. A chain of changes that each depend on the one before (retire
    # v_k, then upload v_k+1 starting the next day) must all be accepted, whichever
    # worker they land on: no spurious 422 (overlap with an unretired version), no 404,
    # no retire undone by a stale manifest.
    root, tokens = serve(tmp_path, monkeypatch, "600")
    answered_by: list[int] = []
    stale_hits = 0
    with run_server(root, tmp_path, workers=2) as srv:
        pids = worker_pids(srv)
        k = 1
        while k <= 10 and (stale_hits < 2 or k <= 3):
            year = 2025 + k
            status, body = retire(srv, tokens[k % 2], "redline", f"v{k}", f"{year}-12-31")
            assert status == 200, body
            answered_by.append(body["worker_pid"])
            status, body = upload(
                srv, tokens[k % 2], f"v{k + 1}", f"{year + 1}-01-01", rect(1600, 200, 1800, 800)
            )
            assert status == 201, body
            answered_by.append(body["worker_pid"])
            stale_hits = sum(a != b for a, b in itertools.pairwise(answered_by))
            k += 1
        assert stale_hits >= 1, f"every change landed on one worker: {answered_by}"
        assert set(answered_by) <= pids
        # the worker that made the last change serves it; the other is still stale (it
        # looks once every 10 minutes), yet each change it made started from the folder
        last = body["generation"]
        counters: dict[int, int] = {}
        while len(counters) < 2:
            health = call(srv, "GET", "/healthz")[1]
            counters[health["worker_pid"]] = health["generation"]["counter"]
        assert counters[answered_by[-1]] == last["counter"]
        [other] = pids - {answered_by[-1]}
        assert counters[other] < last["counter"]
    versions = manifest_redline(root)
    assert len(versions) == k
    assert [v for v, _, _ in versions] == [f"v{i}" for i in range(1, k + 1)]
    assert all(end is not None for _, _, end in versions[:-1])  # every retire kept
    assert versions[-1][2] is None
    assert last["counter"] == 2 * (k - 1)
    lines = (tmp_path / "audit.jsonl").read_text().splitlines()
    assert len(lines) == 2 * (k - 1)
    assert all(json.loads(x)["outcome"]["status"] in (200, 201) for x in lines)
    print(f"changes answered by {answered_by}; {stale_hits} landed on the other worker")
