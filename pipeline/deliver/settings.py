"""The `[send]` table of briefing.toml, overridden by the command line; the SMTP password.

briefing.toml is read and checked in one place, `pipeline.config`; this module
turns its `[send]` table into the sender's settings.

The password is never in a file of the project nor on the command line: it comes
from the environment (BRIEFING_SMTP_PASSWORD) or the system keyring, and is
never printed, logged or stored.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from pipeline.config import CONFIG, DEFAULT_LEDGER, PASSWORD_VARIABLE, ProjectConfig, load_config
from pipeline.errors import UsageError

KEYRING_SERVICE = "briefing-smtp"
Security = Literal["none", "starttls", "tls"]
_PORTS = {"none": 25, "starttls": 587, "tls": 465}


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
    return settings_from(load_config(path) if path.is_file() else ProjectConfig())


def settings_from(config: ProjectConfig) -> Settings:
    """The settings of `[send]` in a project's config (checked by `pipeline.config`)."""
    table = dict(config.send)
    values: dict[str, Any] = {k: v for k, v in table.items() if k not in ("from", "smtp_ca")}
    if "from" in table:
        values["sender"] = table["from"]
    values["smtp_ca"] = config.send_path("smtp_ca")
    values["ledger"] = config.send_path("ledger") or config.root / DEFAULT_LEDGER
    for name in ("smtp_timeout", "rate_per_minute", "backoff"):
        if name in values:
            values[name] = float(values[name])
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
