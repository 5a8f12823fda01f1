"""Voucher codes: the signed QR payload and the numeric serial with its check digits.

A serial is 20 digits: 18 drawn at random (nobody can guess a voucher from its neighbours) and 2 check digits;
vouchers printed before that carry 12-digit serials (10 sequential digits and 2 check digits), still valid.

Specified in docs/voucher-codes.md. Parsing is tolerant of what scanners and keyboards add;
validity is strict: a check digit or a signature either verifies or the code is refused.
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SIGNED_PREFIX = "VC1"
RANDOM_DIGITS = 18  # of a serial issued today: 10^18 numbers, see docs/voucher-codes.md for the odds of a guess
SERIAL_DIGITS = RANDOM_DIGITS + 2
LEGACY_BODY_DIGITS = 10  # serials printed before random numbers: a sequence number, still accepted
LEGACY_SERIAL_DIGITS = LEGACY_BODY_DIGITS + 2
GROUP = 4  # digits per group, as printed and typed
MAX_SCAN_LENGTH = 512  # longer input is not a voucher; refuse before any work

_CAMPAIGN_RE = re.compile(r"^[A-Z0-9]{1,16}$")
_KID_RE = re.compile(r"^[A-Z0-9]{1,8}$")
_SIG_RE = re.compile(r"^[A-Z2-7]{103}$")  # 64-byte Ed25519 signature, base32 without padding
# AIM symbology identifier a scanner may prepend: "]" + symbology letter + modifier.
_AIM_RE = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
# The QR of a voucher printed since public pages: the page's URL, https://<host>[/<path>]/v/<code>
# (upper case when printed with a bare host, so the QR stays in alphanumeric mode). The till takes the code out.
_URL_RE = re.compile(r"^https?://[^/\s?#]+(?:/[^\s?#]*)?/v/([^/\s?#]+)/?$", re.IGNORECASE)
PAGE_PATH = "/v/"  # the voucher page's path on the public site, before the code

# What a US-layout scanner typing on a French AZERTY till produces -> what it meant.
# Digits are the classic case; letters and ":" matter for signed codes sent by a 2D wedge scanner.
_US_ON_AZERTY = {
    "&": "1", "é": "2", '"': "3", "'": "4", "(": "5", "-": "6", "è": "7", "_": "8", "ç": "9", "à": "0",
    "A": "Q", "Q": "A", "Z": "W", "W": "Z", "?": "M", "M": ":",
    "a": "q", "q": "a", "z": "w", "w": "z", ",": "m", "m": ";",
    "$": "]",  # the first character of an AIM prefix ("]Q1" arrives as "$A&")
    "!": "/", ":": ".",  # a page URL's slashes and dots ("HTTPS://" arrives as "HTTPSM!!")
}
_AZERTY_DIGITS = set("&é\"'(-è_çà")


class CodeError(ValueError):
    """A scanned or typed text that is not a well-formed voucher code.

    ``reason`` is stable: empty, too_long, malformed, bad_check_digit, too_short, not_digits.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class SerialCode:
    """A numeric serial (1D barcode or typed): the voucher is found by serial in the cache or the API."""

    serial: str


@dataclass(frozen=True, slots=True)
class SignedCode:
    """A signed QR payload: verifiable offline with the campaign's public key ``key_id``."""

    campaign_id: str
    key_id: str
    serial: str
    signature: bytes

    @property
    def signed_bytes(self) -> bytes:
        """The exact bytes the signature covers."""
        return signed_message(self.campaign_id, self.key_id, self.serial)

    @property
    def text(self) -> str:
        """The canonical payload text, as printed in the QR code."""
        sig = base64.b32encode(self.signature).decode("ascii").rstrip("=")
        return f"{SIGNED_PREFIX}:{self.campaign_id}:{self.key_id}:{self.serial}:{sig}"


ParsedCode = SerialCode | SignedCode


# --- serial check digits (ISO 7064 MOD 97-10, as IBAN) -------------------------------------------------

def check_digits(body: str) -> str:
    """The two ISO 7064 MOD 97-10 check digits for a string of digits."""
    if not body.isdigit() or not body.isascii():
        raise ValueError("body must be ASCII digits")
    return f"{98 - (int(body) * 100) % 97:02d}"


def make_serial(number: int) -> str:
    """The legacy 12-digit serial for a voucher number (0 ≤ number < 10¹⁰): 10 digits + 2 check digits.

    Only for vouchers printed before random serials (and their tests): new vouchers get :func:`new_serial`.
    """
    if not 0 <= number < 10**LEGACY_BODY_DIGITS:
        raise ValueError("voucher number out of range")
    body = f"{number:0{LEGACY_BODY_DIGITS}d}"
    return body + check_digits(body)


def new_serial(randbelow: Callable[[int], int] = secrets.randbelow) -> str:
    """A fresh 20-digit serial: 18 digits from the OS's cryptographic random source + 2 check digits.

    ``randbelow`` is for tests (a fixed body); the issuer keeps serials unique (a repeat is drawn again).
    """
    body = f"{randbelow(10**RANDOM_DIGITS):0{RANDOM_DIGITS}d}"
    return body + check_digits(body)


def format_serial(serial: str) -> str:
    """The serial as people read and type it: groups of 4 digits (``1234 5678 9012 3456 7890``)."""
    return " ".join(serial[i:i + GROUP] for i in range(0, len(serial), GROUP))


def serial_problem(text: str) -> CodeError | None:
    """What is wrong with a typed serial, or None when it is a valid serial. For live checking as one types."""
    digits = re.sub(r"[\s.\-]", "", text)
    if not digits:
        return CodeError("empty", "Saisissez le numéro du bon.")
    if not (digits.isascii() and digits.isdigit()):
        return CodeError("not_digits", "Le numéro ne contient que des chiffres.")
    if len(digits) > SERIAL_DIGITS:
        return CodeError("too_long", f"Trop de chiffres : {SERIAL_DIGITS} attendus.")
    if len(digits) not in (SERIAL_DIGITS, LEGACY_SERIAL_DIGITS):
        missing = f"Il manque {SERIAL_DIGITS - len(digits)} chiffre(s)"
        if len(digits) < LEGACY_SERIAL_DIGITS:
            missing += f" ({LEGACY_SERIAL_DIGITS - len(digits)} sur un ancien bon à {LEGACY_SERIAL_DIGITS} chiffres)"
        return CodeError("too_short", missing + ".")
    # Strict: the check digits must be the ones the issuer writes (02..98). A bare "mod 97 == 1" test would
    # also take 00, 01 and 99 (body + 97), giving two valid spellings of one voucher.
    if digits[-2:] != check_digits(digits[:-2]):
        if len(digits) == LEGACY_SERIAL_DIGITS:  # may also be the first 12 digits of a number still being typed
            return CodeError("bad_check_digit", "Numéro incorrect ou incomplet : un chiffre est faux ou inversé.")
        return CodeError("bad_check_digit", "Numéro incorrect : un chiffre est faux ou inversé.")
    return None


def is_valid_serial(text: str) -> bool:
    """True for a 20-digit (or legacy 12-digit) serial whose check digits verify."""
    return len(text) in (SERIAL_DIGITS, LEGACY_SERIAL_DIGITS) and serial_problem(text) is None


# --- signed payload ----------------------------------------------------------------------------------

def signed_message(campaign_id: str, key_id: str, serial: str) -> bytes:
    """The bytes an issuer signs for a voucher."""
    return f"{SIGNED_PREFIX}:{campaign_id}:{key_id}:{serial}".encode("ascii")


def sign_code(campaign_id: str, key_id: str, serial: str, private_key: Ed25519PrivateKey) -> str:
    """The QR payload text for a voucher, signed with the campaign key ``key_id``."""
    if not _CAMPAIGN_RE.match(campaign_id) or not _KID_RE.match(key_id) or not is_valid_serial(serial):
        raise ValueError("campaign id, key id or serial not in the code alphabet")
    sig = private_key.sign(signed_message(campaign_id, key_id, serial))
    return SignedCode(campaign_id, key_id, serial, sig).text


def verify_signed(code: SignedCode, public_keys: Mapping[str, bytes]) -> bool:
    """True only when ``code`` carries a valid signature by the campaign key it names.

    ``public_keys`` maps key id -> raw 32-byte Ed25519 public key, for the campaign named in the code.
    """
    raw = public_keys.get(code.key_id)
    if raw is None:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(code.signature, code.signed_bytes)
    except (InvalidSignature, ValueError):
        return False
    return True


# --- parsing what a scanner or a keyboard gives us ---------------------------------------------------

def unscramble_us_on_azerty(text: str) -> str:
    """Undo what a US-layout scanner's keystrokes become on a French AZERTY keyboard."""
    return "".join(_US_ON_AZERTY.get(ch, ch) for ch in text)


def _strip(text: str) -> str:
    text = text.strip().strip("\x00\r\n\t")
    if _AIM_RE.match(text):
        text = text[3:]
    text = text.strip()
    url = _URL_RE.match(text)
    return unquote(url.group(1)) if url else text


def page_url(public_url: str, code: str) -> str:
    """What the QR of a voucher carries when the operator runs public pages: the voucher's page
    (``parse_code`` takes the code back out). A bare host is written in upper case (host names and our route
    ignore case) so that the whole text is in the QR alphanumeric set: a smaller symbol."""
    base = public_url.rstrip("/")
    text = f"{base}{PAGE_PATH}{code}"
    return text.upper() if "/" not in base.partition("://")[2] else text


def _parse_strict(text: str) -> ParsedCode:
    compact = re.sub(r"[\s.\-]", "", text)
    if compact.isascii() and compact.isdigit():
        problem = serial_problem(compact)
        if problem:
            raise problem
        return SerialCode(compact)
    upper = text.replace(" ", "").upper()
    parts = upper.split(":")
    if len(parts) != 5 or parts[0] != SIGNED_PREFIX:
        raise CodeError("malformed", "Ce code n'est pas un bon d'achat.")
    _, campaign, kid, serial, sig = parts
    if not (_CAMPAIGN_RE.match(campaign) and _KID_RE.match(kid) and _SIG_RE.match(sig)):
        raise CodeError("malformed", "Ce code n'est pas un bon d'achat.")
    if not is_valid_serial(serial):
        raise CodeError("malformed", "Ce code n'est pas un bon d'achat.")
    signature = base64.b32decode(sig + "=" * (-len(sig) % 8))
    if base64.b32encode(signature).decode("ascii").rstrip("=") != sig:
        # b32decode ignores the unused low bits of the last character: refuse those other spellings,
        # so one voucher has exactly one valid payload text.
        raise CodeError("malformed", "Ce code n'est pas un bon d'achat.")
    return SignedCode(campaign, kid, serial, signature)


def parse_code(text: str) -> ParsedCode:
    """Parse a scanned or typed voucher code.

    Tolerates surrounding whitespace, AIM symbology prefixes (``]Q1``, ``]C0``...), lower case and
    the characters of a US-layout scanner on an AZERTY keyboard. Raises :class:`CodeError` otherwise.
    """
    if not isinstance(text, str):
        raise CodeError("malformed", "Ce code n'est pas un bon d'achat.")
    if len(text) > MAX_SCAN_LENGTH:
        raise CodeError("too_long", "Code trop long : ce n'est pas un bon d'achat.")
    cleaned = _strip(text)
    if not cleaned:
        raise CodeError("empty", "Aucun code lu.")
    try:
        return _parse_strict(cleaned)
    except CodeError as first:
        # A scanner typing in the wrong layout changes every digit: real scrambled text has no ASCII digit.
        has_ascii_digit = any("0" <= ch <= "9" for ch in cleaned)
        looks_scrambled = not has_ascii_digit and (
            any(ch in _AZERTY_DIGITS for ch in cleaned) or cleaned.upper().startswith("VC&M"))
        if not looks_scrambled:
            raise
        try:
            return _parse_strict(_strip(unscramble_us_on_azerty(cleaned)))
        except CodeError:
            raise first from None


def serial_of(text: str) -> str:
    """The serial a code names (for looking it up), or raise :class:`CodeError`."""
    return parse_code(text).serial
