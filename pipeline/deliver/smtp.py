"""SMTP submission as organisations run it: STARTTLS or implicit TLS, AUTH, timeouts.

Each message is sent by hand rather than with `sendmail`, so the moment it may
have been delivered is known: the body goes first, then the caller records the
message as uncertain, then the final "." that asks the server to take it.
Stopped before that dot, the server discards the message; after it, only the
server's reply says whether it was taken.
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Literal

from pipeline.deliver.settings import Settings
from pipeline.errors import BriefingError

Outcome = Literal["sent", "transient", "permanent", "uncertain"]


class AuthenticationFailed(BriefingError):
    """The server refused the user and password: nothing is sent."""


@dataclass(frozen=True)
class Result:
    """How one message went, with the server's reply (never the password)."""

    outcome: Outcome
    reply: str


def _reply(code: int, text: bytes | str) -> str:
    said = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(said.split())}".strip()


def _kind(code: int) -> Outcome:
    return "transient" if 400 <= code < 500 else "permanent"


class Submission:
    """One connection to the submission server, opened when first needed, reopened after a drop."""

    def __init__(self, settings: Settings, password: str | None) -> None:
        self.settings = settings
        self._password = password
        self._smtp: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        ca = self.settings.smtp_ca
        try:
            return ssl.create_default_context(cafile=str(ca) if ca else None)
        except (OSError, ssl.SSLError) as error:
            raise BriefingError(f"--smtp-ca {ca}: not a certificate file ({error})") from None

    def connect(self) -> None:
        """Open the connection, secure it and log in; a refused login stops everything."""
        if self._smtp is not None:
            return
        s = self.settings
        try:
            if s.smtp_security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.smtp_host, s.port, timeout=s.smtp_timeout, context=self._context()
                )
            else:
                smtp = smtplib.SMTP(s.smtp_host, s.port, timeout=s.smtp_timeout)
                if s.smtp_security == "starttls":
                    smtp.ehlo()
                    smtp.starttls(context=self._context())
            smtp.ehlo()
            if s.smtp_user is not None:
                if self._password is None:
                    raise AuthenticationFailed(
                        f"no password for {s.smtp_user}: set BRIEFING_SMTP_PASSWORD "
                        "or store it in the system keyring (service briefing-smtp)"
                    )
                try:
                    smtp.login(s.smtp_user, self._password)
                except smtplib.SMTPAuthenticationError as error:
                    smtp.close()
                    raise AuthenticationFailed(
                        f"the server refused the login of {s.smtp_user}: "
                        f"{_reply(error.smtp_code, error.smtp_error)}; nothing was sent"
                    ) from None
                except smtplib.SMTPNotSupportedError:
                    smtp.close()
                    raise AuthenticationFailed(
                        f"{s.smtp_host}:{s.port} offers no login (AUTH); nothing was sent"
                    ) from None
        except ssl.SSLError as error:
            raise ConnectionTrouble(f"TLS with {s.smtp_host}:{s.port} failed: {error}") from None
        except (smtplib.SMTPException, OSError) as error:
            raise ConnectionTrouble(
                f"cannot reach {s.smtp_host}:{s.port}: {_describe(error)}"
            ) from None
        self._smtp = smtp

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None

    def send(
        self, message: EmailMessage, sender: str, to: list[str], committing: Callable[[], None]
    ) -> Result:
        """Send one message; `committing` is called just before the dot that may deliver it."""
        try:
            self.connect()
        except ConnectionTrouble as trouble:
            return Result("transient", str(trouble))
        smtp = self._smtp
        assert smtp is not None
        committed = False
        try:
            code, text = smtp.mail(sender)
            if code != 250:
                smtp.rset()
                return Result(_kind(code), _reply(code, text))
            accepted = []
            refusals = []
            for address in to:
                code, text = smtp.rcpt(address)
                if code in (250, 251):
                    accepted.append(address)
                else:
                    refusals.append((code, f"{address}: {_reply(code, text)}"))
            if not accepted or (refusals and to[0] not in accepted):
                smtp.rset()
                worst = min(refusals)  # a 4xx for any address: try again later
                return Result(_kind(worst[0]), "; ".join(r for _, r in refusals))
            code, text = smtp.docmd("DATA")
            if code != 354:
                smtp.rset()
                return Result(_kind(code), _reply(code, text))
            smtp.send(_dot_stuffed(message.as_bytes()))
            committing()
            committed = True
            smtp.send(b".\r\n")
            code, text = smtp.getreply()
        except (smtplib.SMTPException, OSError) as error:
            self._drop()
            if committed:
                return Result(
                    "uncertain", f"no reply after the message was sent: {_describe(error)}"
                )
            return Result("transient", _describe(error))
        if code == 250:
            noted = "; ".join(r for _, r in refusals)
            return Result("sent", _reply(code, text) + (f" (refused: {noted})" if noted else ""))
        return Result(_kind(code), _reply(code, text))


class ConnectionTrouble(BriefingError):
    """The server could not be reached or secured: a transient failure for the message."""


def _describe(error: BaseException) -> str:
    if isinstance(error, socket.timeout | TimeoutError) or "timed out" in str(error):
        return "the server did not answer in time"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "the server closed the connection"
    if isinstance(error, smtplib.SMTPResponseException):
        return _reply(error.smtp_code, error.smtp_error)
    return str(error) or type(error).__name__


def _dot_stuffed(data: bytes) -> bytes:
    """Return the message as DATA carries it: CRLF lines, a leading dot doubled, a final CRLF."""
    data = re.sub(rb"(?:\r\n|\n|\r(?!\n))", b"\r\n", data)
    data = re.sub(rb"(?m)^\.", b"..", data)
    return data if data.endswith(b"\r\n") else data + b"\r\n"
