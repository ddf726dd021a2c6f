"""``geozone token``: named admin and reader tokens (stored hashed, shown once)."""

from __future__ import annotations

from pathlib import Path

import click

from geozone.tokens import Role, TokenRegistry, new_token


def _tokens_file(path: Path | None) -> Path:
    if path is not None:
        return path
    from geozone.settings import Settings

    return Settings().tokens_path


_FILE = click.option(
    "--file",
    "tokens_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Tokens file (default: GEOZONE_TOKENS_FILE, else var/tokens.toml).",
)


@click.group()
def token() -> None:
    """Named bearer tokens for admins and readers of restricted layers."""


@token.command("new")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    required=True,
    help="admin: change layers, read the audit log; reader: see restricted layers.",
)
@_FILE
def token_new(name: str, role: str, tokens_file: Path | None) -> None:
    """Make a token for NAME; its hash is stored and the token printed once."""
    path = _tokens_file(tokens_file)
    secret = new_token(path, name, Role(role))
    click.echo(secret)
    click.echo(
        f"stored the hash of {role} token {name!r}; keep the token, it is not shown again", err=True
    )


@token.command("list")
@_FILE
def token_list(tokens_file: Path | None) -> None:
    """List token names and roles (never the tokens)."""
    for p in TokenRegistry(_tokens_file(tokens_file)).principals():
        click.echo(f"{p.name}\t{p.role.value}")
