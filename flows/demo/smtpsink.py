"""A real SMTP server on 127.0.0.1 that keeps what it receives (aiosmtpd).

Used by ``newswatch demo --smtp-sink`` and by the e-mail tests: the digest goes through a real
SMTP conversation, and the received message can be saved as an ``.eml`` file.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.received.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),  # type: ignore[attr-defined]
                envelope.original_content or envelope.content,
            )
        )  # type: ignore[attr-defined]
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SmtpSink:
    """Context manager: an SMTP server on 127.0.0.1:<port>; ``received`` lists the messages."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self._handler = _Handler()
        self._controller = Controller(self._handler, hostname="127.0.0.1", port=self.port)

    @property
    def received(self) -> list[Received]:
        return self._handler.received

    def env(self, to: str = "analysts@example.org") -> dict[str, str]:
        """NEWSWATCH_SMTP_* variables that point newswatch at this sink."""
        return {
            "NEWSWATCH_SMTP_HOST": "127.0.0.1",
            "NEWSWATCH_SMTP_PORT": str(self.port),
            "NEWSWATCH_SMTP_TLS": "none",
            "NEWSWATCH_SMTP_FROM": "newswatch@localhost",
            "NEWSWATCH_SMTP_TO": to,
        }

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
