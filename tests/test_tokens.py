"""Named tokens: stored hashed, identified by role, re-read when the file changes."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from geozone.cli import cli
from geozone.errors import GeozoneError, InvalidInput
from geozone.tokens import Role, TokenRegistry, new_token, token_digest


def test_digest_is_sha256_of_utf8() -> None:
    # sha256("abc"), FIPS 180-2 appendix B.1
    assert token_digest("abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_new_token_stores_only_the_hash(tmp_path: Path) -> None:
    path = tmp_path / "tokens.toml"
    secret = new_token(path, "li.wei", Role.ADMIN)
    text = path.read_text()
    assert secret not in text
    assert token_digest(secret) in text
    assert os.stat(path).st_mode & 0o777 == 0o600
    reg = TokenRegistry(path)
    p = reg.identify(secret)
    assert p is not None and p.name == "li.wei" and p.is_admin and p.sees_restricted
    assert reg.identify(secret + "x") is None
    with pytest.raises(InvalidInput):
        new_token(path, "li.wei", Role.READER)
    with pytest.raises(InvalidInput):
        new_token(path, "bad name", Role.READER)


def test_reader_sees_restricted_but_is_not_admin(tmp_path: Path) -> None:
    path = tmp_path / "tokens.toml"
    secret = new_token(path, "permit-system", Role.READER)
    p = TokenRegistry(path).identify(secret)
    assert p is not None and not p.is_admin and p.sees_restricted


def test_file_is_reread_when_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "tokens.toml"
    reg = TokenRegistry(path, admin_token="legacy")
    assert not path.exists()
    assert [p.name for p in reg.principals()] == ["admin"]
    secret = new_token(path, "second", Role.ADMIN)
    time.sleep(1.1)  # the registry checks the file at most once a second
    assert reg.identify(secret) is not None
    assert reg.identify("legacy") is not None


def test_bad_file_names_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "tokens.toml"
    path.write_text('[[token]]\nname = "x"\nrole = "god"\nsha256 = "' + "0" * 64 + '"\n')
    with pytest.raises(GeozoneError, match="role 'god'"):
        TokenRegistry(path)


def test_cli_new_and_list(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    out = CliRunner().invoke(cli, ["token", "new", "ana", "--role", "reader", "--file", str(path)])
    assert out.exit_code == 0, out.output
    secret = out.stdout.strip().splitlines()[0]
    assert TokenRegistry(path).identify(secret) is not None
    listed = CliRunner().invoke(cli, ["token", "list", "--file", str(path)])
    assert listed.stdout.strip() == "ana\treader"
