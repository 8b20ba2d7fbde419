"""The `[send]` table of briefing.toml, overridden by the command line; the SMTP password.

The password is never in a file of the project nor on the command line: it comes
from the environment (BRIEFING_SMTP_PASSWORD) or the system keyring, and is
never printed, logged or stored.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline.errors import BriefingError, UsageError

CONFIG = "briefing.toml"
PASSWORD_VARIABLE = "BRIEFING_SMTP_PASSWORD"
KEYRING_SERVICE = "briefing-smtp"
DEFAULT_LEDGER = Path(".briefing/ledger.sqlite")  # outside output/, git-ignored
Security = Literal["none", "starttls", "tls"]
_PORTS = {"none": 25, "starttls": 587, "tls": 465}


class _SendTable(BaseModel):
    """What `[send]` may hold; a typo is an error, not a silent default."""

    model_config = ConfigDict(extra="forbid", strict=True)

    smtp_host: str = "localhost"
    smtp_port: int | None = Field(default=None, ge=1, le=65535)
    smtp_security: Security = "starttls"
    smtp_user: str | None = None
    smtp_ca: str | None = None
    smtp_timeout: float = Field(default=30.0, gt=0)
    sender: str | None = Field(default=None, alias="from")
    size_limit: int = Field(default=10 * 1024 * 1024, ge=0)
    link_base: str | None = None
    ledger: str = str(DEFAULT_LEDGER)
    rate_per_minute: float = Field(default=30.0, ge=0)
    retries: int = Field(default=3, ge=0, le=10)
    backoff: float = Field(default=2.0, ge=0, le=60)


@dataclass(frozen=True)
class Settings:
    """How and where `briefing send` submits mail, and where its ledger is."""

    smtp_host: str = "localhost"
    smtp_port: int | None = None
    smtp_security: Security = "starttls"
    smtp_user: str | None = None
    smtp_ca: Path | None = None
    smtp_timeout: float = 30.0
    sender: str | None = None
    size_limit: int = 10 * 1024 * 1024  # bytes: a larger pack is linked, not attached
    link_base: str | None = None  # where linked packs are published: <link_base>/<id>.pdf
    ledger: Path = DEFAULT_LEDGER
    rate_per_minute: float = 30.0  # 0: no limit
    retries: int = 3  # further attempts of a message after a transient failure, in one run
    backoff: float = 2.0  # seconds before the first retry, doubled each time, at most 60

    @property
    def port(self) -> int:
        return self.smtp_port or _PORTS[self.smtp_security]

    def override(self, **given: Any) -> Settings:
        """Return these settings with the options given on the command line (None: not given)."""
        chosen = {name: value for name, value in given.items() if value is not None}
        for name in ("smtp_ca", "ledger"):
            if name in chosen:
                chosen[name] = Path(chosen[name])
        return replace(self, **chosen)

    def check(self) -> None:
        """Refuse plain SMTP except to this machine, and a sender that is missing."""
        if self.smtp_security == "none" and not is_loopback(self.smtp_host):
            raise UsageError(
                f"--smtp-security none sends the packs and the password in clear: "
                f"only allowed to a server on this machine, not {self.smtp_host}"
            )
        if not self.sender:
            raise UsageError(f"no sender: set `from` in [send] of {CONFIG}, or give --from")


def is_loopback(host: str) -> bool:
    """Say whether every address of `host` is on the loopback interface."""
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False
    return bool(found) and all(
        ipaddress.ip_address(str(a).split("%")[0]).is_loopback for a in found
    )


def load_settings(root: Path) -> Settings:
    """Read `[send]` of ROOT/briefing.toml; no file or no table means the defaults."""
    path = root / CONFIG
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise BriefingError(f"{path}: not TOML: {error}") from None
    table = data.get("send", {})
    if not isinstance(table, dict):
        raise BriefingError(f"{path}: [send] must be a table")
    if any("password" in str(key).lower() for key in table):
        raise BriefingError(
            f"{path}: no password in the config file: use {PASSWORD_VARIABLE} or the keyring"
        )
    try:
        model = _SendTable.model_validate(table)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise BriefingError(f"{path}: [send]: {problems}") from None
    values = model.model_dump()
    values["smtp_ca"] = Path(values["smtp_ca"]) if values["smtp_ca"] else None
    values["ledger"] = Path(values["ledger"])
    return Settings(**values)


def password(settings: Settings) -> str | None:
    """Return the SMTP password: the environment first, then the keyring; None if neither."""
    if settings.smtp_user is None:
        return None
    given = os.environ.get(PASSWORD_VARIABLE)
    if given:
        return given
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            found = keyring.get_password(
                KEYRING_SERVICE, f"{settings.smtp_user}@{settings.smtp_host}"
            )
        except KeyringError:
            return None
    except Exception:  # a keyring backend that cannot start: as if it held nothing
        return None
    return found
