"""The buyer's e-mail: the vouchers as a PDF (one QR per voucher, drawn by printing.py) and the link that reopens
them, sent with the standard library's SMTP client.

Settings: VOUCHER_SERVER_SMTP_HOST (none: no mail is sent, the order page still holds the vouchers),
VOUCHER_SERVER_SMTP_PORT (25), VOUCHER_SERVER_SMTP_FROM, VOUCHER_SERVER_SMTP_USER / _PASSWORD (login when set),
VOUCHER_SERVER_SMTP_STARTTLS (1 to upgrade the connection), VOUCHER_SERVER_SMTP_TIMEOUT (seconds, 20).
"""

from __future__ import annotations

import os
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from voucher_core.money import format_cents


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int = 25
    sender: str = "bons@localhost"
    user: str = ""
    password: str = ""
    starttls: bool = False
    timeout_s: float = 20.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> SmtpSettings | None:
        e = dict(os.environ) if env is None else env
        host = e.get("VOUCHER_SERVER_SMTP_HOST", "")
        if not host:
            return None
        return cls(host, int(e.get("VOUCHER_SERVER_SMTP_PORT", "25") or 25),
                   e.get("VOUCHER_SERVER_SMTP_FROM", "") or "bons@localhost", e.get("VOUCHER_SERVER_SMTP_USER", ""),
                   e.get("VOUCHER_SERVER_SMTP_PASSWORD", ""), e.get("VOUCHER_SERVER_SMTP_STARTTLS", "") == "1",
                   float(e.get("VOUCHER_SERVER_SMTP_TIMEOUT", "20") or 20))


@dataclass(frozen=True, slots=True)
class VoucherMail:
    to: str
    campaign_name: str
    quantity: int
    face_value_cents: int
    amount_cents: int
    link: str
    pdf: bytes
    test_mode: bool


def build_message(m: VoucherMail, sender: str) -> EmailMessage:
    test = "[TEST] " if m.test_mode else ""
    msg = EmailMessage()
    msg["Subject"] = f"{test}Vos bons d'achat {m.campaign_name} / Your vouchers"
    msg["From"] = sender
    msg["To"] = m.to
    msg["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1] or "localhost")
    warn_fr = ("MODE TEST : aucun paiement réel n'a eu lieu ; ces bons sont des bons de test.\n\n"
               if m.test_mode else "")
    warn_en = "TEST MODE: no real payment was made; these are test vouchers.\n\n" if m.test_mode else ""
    face, paid = format_cents(m.face_value_cents), format_cents(m.amount_cents)
    msg.set_content(
        f"{warn_fr}Bonjour,\n\nMerci pour votre achat : {m.quantity} bon(s) {m.campaign_name} de {face} "
        f"(payé {paid} au total). Vos bons sont dans le PDF joint, un QR code par bon : montrez-le en caisse "
        f"chez un commerçant participant.\nVous pouvez les rouvrir à tout moment avec ce lien personnel "
        f"(ne le partagez pas) :\n{m.link}\n\n---\n\n"
        f"{warn_en}Hello,\n\nThank you for your purchase: {m.quantity} {m.campaign_name} voucher(s) of {face} "
        f"({paid} paid in total). Your vouchers are in the attached PDF, one QR code each: show it at the till "
        f"of a participating shop.\nReopen them at any time with this personal link (do not share it):\n"
        f"{m.link}\n")
    name = "bons-TEST.pdf" if m.test_mode else "bons.pdf"
    msg.add_attachment(m.pdf, maintype="application", subtype="pdf", filename=name)
    return msg


def send(settings: SmtpSettings, m: VoucherMail) -> None:
    """Send the buyer's e-mail; raises OSError / smtplib.SMTPException when the server does not take it."""
    msg = build_message(m, settings.sender)
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_s) as smtp:
        if settings.starttls:
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password)
        smtp.send_message(msg)
