"""Signed reports: golden signature, key file, stored signatures, the server PDF (QR code
decoded from the rendered page), verification of JSON and PDF downloads with one flipped
byte, and the ``geozone report verify`` exit codes (offline and against a live server)."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from api_client import api_client
from conftest import LAYERS
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from live_server import run_server
from PIL import Image
from pypdf import PdfReader, PdfWriter

from geozone.errors import GeozoneError
from geozone.report_pdf import attachment_name, signed_payload
from geozone.report_store import ReportStore
from geozone.signing import (
    Signer,
    Verifier,
    b64url,
    b64url_decode,
    key_id,
    load_signer,
    parse_public_key,
    public_jwk,
    public_pem,
    read_envelope,
)

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "signing" / "report_signature.json"
PUBLIC_URL = "https://geozone.example.org"
POINT = {"lon": 116.85, "lat": 40.45}  # Miyun: red line, reservoir ring, water sources


def _flip(data: bytes, index: int) -> bytes:
    """``data`` with the lowest bit of one byte flipped (a digit stays a digit)."""
    return data[:index] + bytes([data[index] ^ 1]) + data[index + 1 :]


def _digit_index(data: bytes, after: bytes) -> int:
    """Index of the last digit of the first number after ``after`` in ``data``.

    Flipping that digit's lowest bit keeps valid JSON (no leading zero appears).
    """
    start = data.index(after) + len(after)
    first = next(i for i in range(start, len(data)) if 0x30 <= data[i] <= 0x39)
    end = first
    while 0x30 <= data[end + 1] <= 0x39 or data[end + 1] == 0x2E:
        end += 1
    assert 0x30 <= data[end] <= 0x39
    return end


# --- the signature itself --------------------------------------------------------------


def test_golden_signature_of_a_fixed_key_and_answer() -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(golden["seed_hex"]))
    signer = Signer(key)
    signature = signer.sign(golden["report_id"], golden["answer"])
    if os.environ.get("GEOZONE_UPDATE_GOLDEN"):
        golden.update(key_id=signature.key_id, signature=signature.signature)
        GOLDEN.write_text(json.dumps(golden, ensure_ascii=False, indent=2) + "\n", "utf-8")
    assert signature.signature == golden["signature"]
    assert signature.key_id == golden["key_id"]
    # the documented message, built here by hand, is what is signed
    message = (
        b"geozone-report-v1\n"
        + golden["report_id"].encode()
        + b"\n"
        + golden["answer"].encode("utf-8")
    )
    key.public_key().verify(b64url_decode(golden["signature"]), message)
    verdict = Verifier(key.public_key()).verify(
        golden["report_id"], golden["answer"], golden["signature"], golden["key_id"]
    )
    assert verdict.valid, verdict
    tampered = golden["answer"].replace("RL-1", "RL-2")
    assert (
        not Verifier(key.public_key())
        .verify(golden["report_id"], tampered, golden["signature"], None)
        .valid
    )


def test_ed25519_matches_rfc8032_test_vector_1() -> None:
    # RFC 8032 section 7.1, TEST 1 (empty message): the primitive under the scheme
    seed = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    public = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    expected = (
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac"
        "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )
    key = Ed25519PrivateKey.from_private_bytes(seed)
    assert public_jwk(key.public_key())["x"] == b64url(bytes.fromhex(public))
    assert key.sign(b"").hex() == expected


def test_key_id_is_the_rfc7638_thumbprint() -> None:
    # RFC 8037 appendix A.3: thumbprint of the RFC 8032 test key
    key = parse_public_key(
        json.dumps(
            {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
        ).encode()
    )
    assert key_id(key) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_one_flipped_byte_or_another_report_id_fails() -> None:
    signer = Signer(Ed25519PrivateKey.generate())
    rid = "ab" * 16
    answer = json.dumps({"report_id": rid, "hits": [{"distance_to_boundary_m": 12.5}]}).encode()
    sig = signer.sign(rid, answer)
    assert signer.verify(rid, answer, sig.signature, sig.key_id).valid
    for index in range(len(answer)):
        assert not signer.verify(rid, _flip(answer, index), sig.signature, sig.key_id).valid
    other = "cd" * 16
    assert not signer.verify(other, answer, sig.signature, sig.key_id).valid
    assert not signer.verify(rid, answer, _flip(sig.signature.encode(), 3).decode(), None).valid
    wrong_key = Signer(Ed25519PrivateKey.generate())
    verdict = wrong_key.verify(rid, answer, sig.signature, sig.key_id)
    assert not verdict.valid and "signed with key" in verdict.reason
    # a valid signature of an answer that names another id is refused too
    odd = json.dumps({"report_id": other}).encode()
    assert not signer.verify(rid, odd, signer.sign(rid, odd).signature, None).valid


# --- the key ---------------------------------------------------------------------------


def test_generated_key_is_made_once_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "var" / "signing-key.pem"
    first = load_signer(None, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    again = load_signer(None, path)  # a restart, or another worker
    assert again.key_id == first.key_id
    assert [p.name for p in path.parent.iterdir()] == ["signing-key.pem"]  # no temp left


def test_key_file_setting_accepts_pem_and_raw_seed_and_refuses_junk(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    pem = tmp_path / "k.pem"
    pem.write_bytes(Signer(key).private_pem())
    raw = tmp_path / "k.raw"
    raw.write_bytes(bytes(range(32)))
    default = tmp_path / "unused.pem"
    assert load_signer(pem, default).key_id == load_signer(raw, default).key_id
    assert not default.exists()  # a configured key never creates the default one
    junk = tmp_path / "junk.pem"
    junk.write_text("not a key")
    with pytest.raises(GeozoneError, match="not an Ed25519 private key"):
        load_signer(junk, default)


# --- the store -------------------------------------------------------------------------


def _answer(rid: str) -> str:
    return json.dumps(
        {"report_id": rid, "query": {"type": "point"}, "layers": [], "synthetic": True}
    )


def test_store_signs_each_answer_and_a_tampered_row_fails(tmp_path: Path) -> None:
    signer = Signer(Ed25519PrivateKey.generate())
    path = tmp_path / "reports.sqlite"
    store = ReportStore(path, signer=signer)
    rid = "1" * 32
    store.save(_answer(rid))
    report = store.get(rid)
    assert report.key_id == signer.key_id
    assert signer.verify(rid, report.answer_json, report.signature, report.key_id).valid
    store.close()
    with sqlite3.connect(path) as conn:  # someone edits the stored bytes
        conn.execute(
            "UPDATE reports SET answer_json = replace(answer_json, 'true', 'false') "
            "WHERE report_id = ?",
            (rid,),
        )
    store = ReportStore(path, signer=signer)
    report = store.get(rid)
    assert '"synthetic": false' in report.answer_json
    assert not signer.verify(rid, report.answer_json, report.signature, report.key_id).valid
    store.close()


def test_schema_2_store_gains_signature_columns_old_rows_unsigned(tmp_path: Path) -> None:
    path = tmp_path / "reports.sqlite"
    plain = ReportStore(path)  # unsigned: as before signing existed
    rid = "2" * 32
    plain.save(_answer(rid))
    plain.close()
    with sqlite3.connect(path) as conn:  # take it back to schema 2
        conn.execute("ALTER TABLE reports DROP COLUMN key_id")
        conn.execute("ALTER TABLE reports DROP COLUMN signature")
        conn.execute("PRAGMA user_version=2")
    signer = Signer(Ed25519PrivateKey.generate())
    store = ReportStore(path, signer=signer)
    old = store.get(rid)
    assert old.signature is None
    verdict = signer.verify(rid, old.answer_json, old.signature, old.key_id)
    assert not verdict.valid and "no signature" in verdict.reason
    store.save(_answer("3" * 32))
    assert store.get("3" * 32).signature is not None
    store.close()


# --- the API ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def signed_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    work = tmp_path_factory.mktemp("signed")
    with api_client(LAYERS, work, public_url=PUBLIC_URL) as client:
        yield client


@pytest.fixture(scope="module")
def report(signed_client: TestClient) -> dict[str, Any]:
    answer = signed_client.get("/api/v1/lookup", params=POINT)
    assert answer.status_code == 200
    data: dict[str, Any] = answer.json()
    assert data["hits"], "the test point must hit zones"
    return data


def test_public_key_at_the_well_known_url_and_in_openapi(
    signed_client: TestClient, report: dict[str, Any]
) -> None:
    doc = signed_client.get("/.well-known/geozone-signing-key").json()
    key = parse_public_key(json.dumps(doc["jwk"]).encode())
    assert key_id(key) == doc["key_id"] == doc["jwk"]["kid"]
    pem = signed_client.get("/.well-known/geozone-signing-key?format=pem")
    assert pem.text.startswith("-----BEGIN PUBLIC KEY-----")
    assert key_id(parse_public_key(pem.content)) == doc["key_id"]
    paths = signed_client.get("/openapi.json").json()["paths"]
    for path in (
        "/.well-known/geozone-signing-key",
        "/api/v1/reports/{report_id}/pdf",
        "/api/v1/reports/{report_id}/verify",
        "/api/v1/reports/verify",
    ):
        assert path in paths, path


def test_stored_report_verifies_and_html_shows_signature_and_qr(
    signed_client: TestClient, report: dict[str, Any]
) -> None:
    rid = report["report_id"]
    verdict = signed_client.get(f"/api/v1/reports/{rid}/verify").json()
    key = signed_client.get("/.well-known/geozone-signing-key").json()["key_id"]
    assert verdict == {"valid": True, "report_id": rid, "key_id": key, "reason": "signature valid"}
    page = signed_client.get(f"/api/v1/reports/{rid}?format=html").text
    signed = json.loads(signed_client.get(f"/api/v1/reports/{rid}/signed").content)
    assert signed["signature"] in page and key in page
    assert "<svg" in page and 'class="gz-qr"' in page
    assert f"/api/v1/reports/{rid}/pdf" in page
    assert "签名有效 / signature valid" in page


def _render_first_qr(pdf: bytes, tmp_path: Path) -> list[str]:
    """Render every page with pdftoppm and decode the QR codes found (zxing-cpp)."""
    assert shutil.which("pdftoppm"), "pdftoppm missing: run scripts/install-system-deps.sh"
    source = tmp_path / "report.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", str(source), str(tmp_path / "page")],
        check=True,
        capture_output=True,
        timeout=120,
    )
    texts = []
    for png in sorted(tmp_path.glob("page*.png")):
        texts += [b.text for b in zxingcpp.read_barcodes(Image.open(png))]
    return texts


def test_pdf_has_the_report_content_metadata_payload_and_a_qr_of_the_permalink(
    signed_client: TestClient, report: dict[str, Any], tmp_path: Path
) -> None:
    rid = report["report_id"]
    response = signed_client.get(f"/api/v1/reports/{rid}/pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.content
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert rid in text
    signed = json.loads(signed_client.get(f"/api/v1/reports/{rid}/signed").content)
    assert signed["key_id"] in text
    for hit in report["hits"]:  # every hit, by feature id (Latin text extracts as is)
        assert str(hit["feature_id"]) in text.replace("\n", ""), hit["feature_id"]
    for verdict in report["verdicts"]:
        assert verdict["activity"] in text.replace("\n", "")
    assert "SYNTHETIC DEMO DATA" in text
    meta = reader.metadata
    assert meta is not None
    assert meta["/GeozoneReportId"] == rid
    assert meta["/GeozoneKeyId"] == signed["key_id"]
    assert meta["/GeozoneSignature"] == signed["signature"]
    assert list(reader.attachments) == [attachment_name(rid)]
    payload = read_envelope(signed_payload(pdf))
    assert payload.answer == signed_client.get(f"/api/v1/reports/{rid}").content
    permalink = f"{PUBLIC_URL}/api/v1/reports/{rid}?format=html"
    assert _render_first_qr(pdf, tmp_path) == [permalink]


def _verify(client: TestClient, name: str, data: bytes) -> dict[str, Any]:
    response = client.post("/api/v1/reports/verify", files={"file": (name, data)})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_uploaded_json_and_pdf_verify_and_one_flipped_byte_fails(
    signed_client: TestClient, report: dict[str, Any]
) -> None:
    rid = report["report_id"]
    plain = signed_client.get(f"/api/v1/reports/{rid}").content
    signed = signed_client.get(f"/api/v1/reports/{rid}/signed").content
    pdf = signed_client.get(f"/api/v1/reports/{rid}/pdf").content
    for name, data in (("a.json", plain), ("s.json", signed), ("r.pdf", pdf)):
        assert _verify(signed_client, name, data)["valid"] is True, name
    # one flipped bit in a number of the answer: still parses, no longer verifies
    for name, data in (("a.json", plain), ("s.json", signed)):
        result = _verify(signed_client, name, _flip(data, _digit_index(data, b"distance")))
        assert result["valid"] is False and result["report_id"] == rid, name
        assert "changed" in result["reason"]
    # the PDF's embedded payload (stored uncompressed): flip a byte in the file itself
    flipped = _flip(pdf, _digit_index(pdf, b"distance_to_boundary_m"))
    result = _verify(signed_client, "r.pdf", flipped)
    assert result["valid"] is False and "changed" in result["reason"]
    # ... and a PDF rebuilt around a changed payload
    payload = json.loads(signed_payload(pdf))
    payload["answer"] = payload["answer"].replace('"inside":true', '"inside":false', 1)
    rebuilt = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        rebuilt.add_page(page)
    rebuilt.add_attachment(attachment_name(rid), json.dumps(payload).encode())
    out = io.BytesIO()
    rebuilt.write(out)
    assert _verify(signed_client, "r.pdf", out.getvalue())["valid"] is False


def test_verify_refuses_what_is_not_a_report(signed_client: TestClient) -> None:
    for name, data in (("x.txt", b"hello"), ("x.json", b"[1, 2]"), ("x.pdf", b"%PDF-1.4 junk")):
        response = signed_client.post("/api/v1/reports/verify", files={"file": (name, data)})
        assert response.status_code == 422, (name, response.text)
        assert response.json()["code"] == "invalid_input"
    unknown = json.dumps({"report_id": "f" * 32}).encode()
    result = _verify(signed_client, "u.json", unknown)
    assert result["valid"] is False and "no report" in result["reason"]
    assert signed_client.get(f"/api/v1/reports/{'e' * 32}/verify").status_code == 404
    assert signed_client.get(f"/api/v1/reports/{'e' * 32}/pdf").status_code == 404


# --- the CLI ---------------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geozone", "report", "verify", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_verify_offline_exit_codes(
    signed_client: TestClient, report: dict[str, Any], tmp_path: Path
) -> None:
    rid = report["report_id"]
    key = tmp_path / "key.pem"
    key.write_bytes(signed_client.get("/.well-known/geozone-signing-key?format=pem").content)
    jwk = tmp_path / "key.jwk"
    jwk.write_text(json.dumps(signed_client.get("/.well-known/geozone-signing-key").json()["jwk"]))
    signed = signed_client.get(f"/api/v1/reports/{rid}/signed").content
    pdf = signed_client.get(f"/api/v1/reports/{rid}/pdf").content
    files = {"r.json": signed, "r.pdf": pdf}
    for name, data in files.items():
        good = tmp_path / name
        good.write_bytes(data)
        for public in (key, jwk):
            done = _cli(str(good), "--public-key", str(public))
            assert done.returncode == 0, done.stderr
            assert f"VALID: report {rid}" in done.stdout
        bad = tmp_path / f"bad-{name}"
        bad.write_bytes(_flip(data, _digit_index(data, b"distance_to_boundary_m")))
        done = _cli(str(bad), "--public-key", str(key))
        assert done.returncode == 1, done.stdout + done.stderr
        assert "INVALID" in done.stderr and "changed" in done.stderr
    other = tmp_path / "other.pem"
    other.write_text(public_pem(Ed25519PrivateKey.generate().public_key()))
    done = _cli(str(tmp_path / "r.json"), "--public-key", str(other))
    assert done.returncode == 1 and "signed with key" in done.stderr
    done = _cli(str(tmp_path / "r.json"))
    assert done.returncode == 2 and "--public-key" in done.stderr


@pytest.mark.server
def test_cli_verify_against_a_live_server(tmp_path: Path) -> None:
    with run_server(LAYERS, tmp_path) as server:
        answer = server.get_json(f"/api/v1/lookup?lon={POINT['lon']}&lat={POINT['lat']}")
        rid = answer["report_id"]
        with urllib.request.urlopen(f"{server.url}/api/v1/reports/{rid}", timeout=60) as r:
            plain = r.read()
        good = tmp_path / "answer.json"
        good.write_bytes(plain)
        done = _cli(str(good), "--server", server.url)
        assert done.returncode == 0, done.stderr
        bad = tmp_path / "bad.json"
        bad.write_bytes(_flip(plain, _digit_index(plain, b"distance_to_boundary_m")))
        done = _cli(str(bad), "--server", server.url)
        assert done.returncode == 1 and "INVALID" in done.stderr
        # the key was generated beside the store with mode 0600, once for the server
        key_file = tmp_path / "signing-key.pem"
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
