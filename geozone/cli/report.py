"""``geozone report``: check a downloaded report's signature; print the server's public key."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import click

from geozone.errors import InvalidInput
from geozone.signing import Verdict, Verifier, parse_public_key, public_pem, read_report_file


@click.group()
def report() -> None:
    """Signed reports (Ed25519; see geozone/signing.py)."""


def _verify_remote(data: bytes, filename: str, server: str) -> Verdict:
    """POST the file to ``server``'s ``/api/v1/reports/verify``."""
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        server.rstrip("/") + "/api/v1/reports/verify",
        data=body,
        method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            doc = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        try:
            message = json.loads(exc.read()).get("message", exc.reason)
        except ValueError:
            message = exc.reason
        raise click.ClickException(f"the server refused the file ({exc.code}): {message}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise click.ClickException(f"cannot reach {server}: {exc}") from None
    return Verdict(bool(doc["valid"]), doc.get("report_id"), doc.get("key_id"), doc["reason"])


@report.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--public-key",
    "public_key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The server's public key (PEM or JWK, from /.well-known/geozone-signing-key): "
    "checks offline.",
)
@click.option("--server", default=None, help="A geozone server's base URL: it checks the file.")
def verify(file: Path, public_key: Path | None, server: str | None) -> None:
    """Check FILE (a PDF report, a signed JSON download, or with --server an answer JSON).

    Exits 0 when the signature is valid, 1 when it is not.
    """
    if (public_key is None) == (server is None):
        raise click.UsageError("give exactly one of --public-key FILE or --server URL")
    data = file.read_bytes()
    if server is not None:
        verdict = _verify_remote(data, file.name, server)
    else:
        assert public_key is not None
        key = parse_public_key(public_key.read_bytes(), f"public key file {public_key.name}")
        try:
            claim = read_report_file(data)
        except InvalidInput as exc:
            click.echo(f"INVALID: {file.name}: {exc.message}", err=True)
            sys.exit(1)
        if claim.signature is None:
            raise click.ClickException(
                "the file carries no signature (a plain answer JSON): verify the PDF or the "
                "signed download (/api/v1/reports/{id}/signed), or use --server"
            )
        verdict = Verifier(key).verify(
            claim.report_id or "", claim.answer, claim.signature, claim.key_id
        )
    if verdict.valid:
        click.echo(f"VALID: report {verdict.report_id} signed by key {verdict.key_id}")
        return
    click.echo(f"INVALID: report {verdict.report_id or '?'}: {verdict.reason}", err=True)
    sys.exit(1)


@report.command("public-key")
@click.option("--jwk", "as_jwk", is_flag=True, help="Print a JWK instead of PEM.")
def public_key_command(as_jwk: bool) -> None:
    """Print this installation's report-signing public key (creating the key if needed)."""
    from geozone.settings import Settings
    from geozone.signing import load_signer, public_jwk

    settings = Settings()
    signer = load_signer(settings.signing_key_file, settings.signing_key_path)
    if as_jwk:
        click.echo(json.dumps(public_jwk(signer.public_key), indent=2))
    else:
        click.echo(public_pem(signer.public_key), nl=False)
