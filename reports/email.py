"""Compose the digest e-mail and deliver it over SMTP.

Composition is pure: :func:`compose` turns rendered HTML and text, the charts' PNGs and the
headers into one ``multipart/alternative`` message (text first, then a ``multipart/related``
HTML part carrying each chart as a CID image), with the CSS inlined by css-inline so Gmail and
Outlook keep the styles.  Header values never carry CR or LF (the stdlib's header policy
refuses them, and the config refuses them earlier), so a feed title cannot inject headers.

Delivery (:func:`send`) is the only network code here: STARTTLS, implicit TLS (SSL) or plain,
login when a user is set, and retries for transient failures (connection errors, timeouts, 4xx
replies) but not for permanent ones (5xx).  Credentials never appear in messages or logs.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

import css_inline

from monitors.errors import NewswatchError

log = logging.getLogger(__name__)
MAX_EMAIL_BYTES = 100_000
RETRY_BACKOFF = 2.0  # seconds; the n-th retry waits n times this


class DeliveryError(NewswatchError):
    """The digest could not be delivered. ``transient`` says whether a retry may succeed."""

    def __init__(self, message: str, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int = 587
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = "newswatch@localhost"
    recipients: tuple[str, ...] = ()
    tls: str = "starttls"  # "starttls" | "ssl" | "none"
    timeout: float = 30.0

    def describe(self) -> str:
        """For logs: where mail goes, never the password."""
        who = f"{self.user}@" if self.user else ""
        return f"smtp {self.tls} {who}{self.host}:{self.port} -> {', '.join(self.recipients)}"


def settings_from_env(
    env: Mapping[str, str], recipients: Sequence[str] = ()
) -> MailSettings | None:
    """Mail settings from NEWSWATCH_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM, _TO, _TLS.
    None when no host is set. _TO (comma-separated) overrides the config's recipients."""
    host = env.get("NEWSWATCH_SMTP_HOST", "").strip()
    if not host:
        return None
    tls = env.get("NEWSWATCH_SMTP_TLS", "starttls").strip().lower() or "starttls"
    if tls not in ("starttls", "ssl", "none"):
        raise NewswatchError(f"NEWSWATCH_SMTP_TLS: expected starttls, ssl or none, got {tls!r}")
    port_text = env.get("NEWSWATCH_SMTP_PORT", "").strip()
    try:
        port = int(port_text) if port_text else (465 if tls == "ssl" else 587)
    except ValueError as e:
        raise NewswatchError(f"NEWSWATCH_SMTP_PORT: not a port number: {port_text!r}") from e
    to = tuple(r.strip() for r in env.get("NEWSWATCH_SMTP_TO", "").split(",") if r.strip())
    return MailSettings(
        host=host,
        port=port,
        user=env.get("NEWSWATCH_SMTP_USER") or None,
        password=env.get("NEWSWATCH_SMTP_PASSWORD") or None,
        sender=env.get("NEWSWATCH_SMTP_FROM")
        or env.get("NEWSWATCH_SMTP_USER")
        or "newswatch@localhost",
        recipients=validate_recipients(to or tuple(recipients)),
        tls=tls,
    )


def validate_recipients(addresses: Sequence[str]) -> tuple[str, ...]:
    out = []
    for a in addresses:
        if "@" not in a or any(c in a for c in "\r\n<>,; \t"):
            raise NewswatchError(f"not an e-mail address: {a!r}")
        out.append(a)
    return tuple(out)


def message_id_for(window_id: str, domain: str = "newswatch.local") -> str:
    """A stable Message-ID per digest window: a re-send after a crash reuses it, so mail
    clients that already have the message show it once."""
    return f"<digest.{window_id}@{domain}>"


def image_cid(name: str) -> str:
    """The Content-ID (without angle brackets) of the inline image ``name``."""
    return f"{name}@newswatch"


def inline_css(html: str) -> str:
    """Move the <style> rules onto the elements (keeping @media rules in <style> for clients
    that support them: dark mode, phone width)."""
    return css_inline.CSSInliner(keep_style_tags=True).inline(html)


def compose(
    *,
    subject: str,
    html: str,
    text: str,
    sender: str,
    recipients: Sequence[str],
    message_id: str,
    date: datetime,
    list_id: str,
    images: Sequence[tuple[str, bytes]] = (),
) -> EmailMessage:
    """The digest as one multipart/alternative message; each of ``images`` (name, PNG bytes:
    Content-ID :func:`image_cid`) is an inline image of the HTML part."""
    for name, value in (("subject", subject), ("sender", sender), ("list_id", list_id)):
        if "\r" in value or "\n" in value:
            raise NewswatchError(f"{name}: line breaks are not allowed in mail headers")
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = ", ".join(validate_recipients(recipients))
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    msg["List-Id"] = list_id
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(inline_css(html), subtype="html", charset="utf-8", cte="quoted-printable")
    if images:
        html_part = msg.get_payload()[1]
        for name, png in images:
            html_part.add_related(
                png,
                maintype="image",
                subtype="png",
                cid=f"<{image_cid(name)}>",
                filename=f"{name}.png",
            )
    return msg


def send(
    msg: EmailMessage, settings: MailSettings, *, attempts: int = 3, backoff: float | None = None
) -> None:
    """Deliver ``msg``; retry transient failures. Raises DeliveryError when it cannot."""
    last: DeliveryError | None = None
    for attempt in range(1, attempts + 1):
        try:
            _send_once(msg, settings)
            return
        except DeliveryError as e:
            last = e
            if not e.transient or attempt == attempts:
                break
            log.warning("SMTP attempt %d of %d failed (%s); retrying", attempt, attempts, e)
            time.sleep((RETRY_BACKOFF if backoff is None else backoff) * attempt)
    assert last is not None
    raise last


def _send_once(msg: EmailMessage, s: MailSettings) -> None:
    try:
        if s.tls == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                s.host, s.port, timeout=s.timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        with client:
            if s.tls == "starttls":
                client.starttls(context=ssl.create_default_context())
            if s.user and s.password:
                client.login(s.user, s.password)
            refused = client.send_message(msg, from_addr=s.sender, to_addrs=list(s.recipients))
        if refused:
            raise DeliveryError(
                f"recipients refused: {', '.join(sorted(refused))}", transient=False
            )
    except smtplib.SMTPAuthenticationError as e:
        raise DeliveryError(f"SMTP login refused ({e.smtp_code})", transient=False) from e
    except smtplib.SMTPResponseException as e:
        raise DeliveryError(
            f"SMTP server said {e.smtp_code}: {_text(e.smtp_error)}",
            transient=400 <= e.smtp_code < 500,
        ) from e
    except smtplib.SMTPRecipientsRefused as e:
        raise DeliveryError(
            f"recipients refused: {', '.join(sorted(e.recipients))}", transient=False
        ) from e
    except smtplib.SMTPNotSupportedError as e:
        raise DeliveryError(f"SMTP server does not support {s.tls}: {e}", transient=False) from e
    except OSError as e:  # refused, reset, timed out, disconnected (smtplib's are OSErrors too)
        raise DeliveryError(
            f"cannot reach SMTP server {s.host}:{s.port}: {e}", transient=True
        ) from e


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
