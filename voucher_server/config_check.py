"""``voucher-server check-config``: what a production server still lacks, in the operator's words (French, then
English). Reads the same environment the server does (the systemd EnvironmentFile, or ``--env-file``); nothing is
written anywhere. Every database call has a total deadline."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from .db import is_sqlite, normalise_url
from .services.bank import bic_error, iban_error
from .services.operator import PREFIX as OPERATOR
from .services.operator import OperatorIdentity

INVOICE_KEYS = {"name": "NAME", "address": "ADDRESS", "siret": "SIRET", "vat_number": "VAT"}  # field -> variable

MIN_SECRET = 32  # characters: `openssl rand -base64 32` gives 44
DB_DEADLINE = 5.0  # seconds for connecting and reading the migration, all told


class Missing(StrEnum):
    """One thing the deployment lacks (stable codes: scripts may test them)."""

    SECRET_UNSET = "secret_unset"
    SECRET_SHORT = "secret_short"
    DB_UNSET = "db_unset"
    DB_NOT_POSTGRES = "db_not_postgres"
    DB_UNREACHABLE = "db_unreachable"
    DB_NOT_MIGRATED = "db_not_migrated"
    DB_TOO_NEW = "db_too_new"
    PUBLIC_URL_UNSET = "public_url_unset"
    PUBLIC_URL_NOT_HTTPS = "public_url_not_https"
    OPERATOR_IBAN_INVALID = "operator_iban_invalid"
    OPERATOR_BIC_INVALID = "operator_bic_invalid"
    OPERATOR_SIRET_INVALID = "operator_siret_invalid"
    OPERATOR_NAME_UNSET = "operator_name_unset"
    OPERATOR_INVOICE_IDENTITY = "operator_invoice_identity"


# What the server can serve without (it refuses only the documents that need it): reported, exit code 0.
NOT_BLOCKING = frozenset({Missing.OPERATOR_IBAN_INVALID, Missing.OPERATOR_BIC_INVALID, Missing.OPERATOR_SIRET_INVALID,
                          Missing.OPERATOR_NAME_UNSET, Missing.OPERATOR_INVOICE_IDENTITY})


WORDS: dict[Missing, tuple[str, str]] = {
    Missing.SECRET_UNSET: (
        "VOUCHER_SERVER_SECRET n'est pas défini : sans lui, les clés de signature des campagnes ne peuvent être "
        "ni créées ni lues. Mettez-y au moins {min} caractères aléatoires (openssl rand -base64 32).",
        "VOUCHER_SERVER_SECRET is not set: without it the campaigns' signing keys can be neither created nor read. "
        "Set it to at least {min} random characters (openssl rand -base64 32)."),
    Missing.SECRET_SHORT: (
        "VOUCHER_SERVER_SECRET ne fait que {length} caractères : il en faut au moins {min}. Attention : le changer "
        "rend illisibles les clés déjà chiffrées avec l'ancien.",
        "VOUCHER_SERVER_SECRET is only {length} characters long: it needs at least {min}. Beware: changing it makes "
        "the keys encrypted with the old one unreadable."),
    Missing.DB_UNSET: (
        "VOUCHER_SERVER_DB n'est pas défini : le serveur utiliserait un fichier SQLite de démonstration. Indiquez "
        "la base PostgreSQL (postgresql+psycopg://utilisateur@hôte/base).",
        "VOUCHER_SERVER_DB is not set: the server would use a demo SQLite file. Name the PostgreSQL database "
        "(postgresql+psycopg://user@host/db)."),
    Missing.DB_NOT_POSTGRES: (
        "VOUCHER_SERVER_DB désigne une base SQLite ({url}) : elle convient à la démonstration, pas à un serveur à "
        "plusieurs processus. Utilisez PostgreSQL.",
        "VOUCHER_SERVER_DB names a SQLite database ({url}): fine for the demo, not for a multi-process server. "
        "Use PostgreSQL."),
    Missing.DB_UNREACHABLE: (
        "La base {url} ne répond pas en {deadline:g} s : {reason}. Vérifiez qu'elle tourne, son adresse et les "
        "droits de l'utilisateur.",
        "The database {url} did not answer within {deadline:g} s: {reason}. Check that it runs, its address and "
        "the user's rights."),
    Missing.DB_NOT_MIGRATED: (
        "La base {url} est à la migration {current}, ce serveur attend {head} : lancez voucher-server migrate "
        "(voucher-server migrate --dry-run montre d'abord ce qui changera).",
        "The database {url} is at migration {current}, this server expects {head}: run voucher-server migrate "
        "(voucher-server migrate --dry-run shows what would change first)."),
    Missing.DB_TOO_NEW: (
        "La base {url} est à la migration {current}, que cette version du serveur ne connaît pas (elle attend "
        "{head}) : installez la version du serveur qui l'a migrée.",
        "The database {url} is at migration {current}, which this version of the server does not know (it expects "
        "{head}): install the server version that migrated it."),
    Missing.PUBLIC_URL_UNSET: (
        "VOUCHER_SERVER_PUBLIC_URL n'est pas défini : donnez l'adresse https publique du serveur "
        "(https://bons.example.fr), celle du certificat TLS, imprimée dans le QR code de chaque bon.",
        "VOUCHER_SERVER_PUBLIC_URL is not set: give the server's public https address (https://bons.example.fr), "
        "the TLS certificate's, printed in each voucher's QR code."),
    Missing.PUBLIC_URL_NOT_HTTPS: (
        "VOUCHER_SERVER_PUBLIC_URL vaut {url} : il faut une adresse en https:// avec un nom d'hôte, servie par le "
        "proxy TLS (Caddy ou nginx) devant le serveur.",
        "VOUCHER_SERVER_PUBLIC_URL is {url}: it must be an https:// address with a host name, served by the TLS "
        "proxy (Caddy or nginx) in front of the server."),
    Missing.OPERATOR_IBAN_INVALID: (
        "L'IBAN de l'opérateur ({name}IBAN = {value}) n'est pas valide ({reason}) : les virements SEPA aux "
        "commerces seraient refusés.",
        "The operator's IBAN ({name}IBAN = {value}) is not valid ({reason}): SEPA transfers to the shops would be "
        "refused."),
    Missing.OPERATOR_BIC_INVALID: (
        "Le BIC de l'opérateur ({name}BIC = {value}) n'est pas valide : 8 ou 11 caractères (ex. AGRIFRPP).",
        "The operator's BIC ({name}BIC = {value}) is not valid: 8 or 11 characters (e.g. AGRIFRPP)."),
    Missing.OPERATOR_SIRET_INVALID: (
        "Le SIRET de l'opérateur ({name}SIRET = {value}) doit compter 14 chiffres : il figure sur chaque facture.",
        "The operator's SIRET ({name}SIRET = {value}) must be 14 digits: it is printed on every invoice."),
    Missing.OPERATOR_NAME_UNSET: (
        "Les coordonnées bancaires de l'opérateur sont données mais pas son nom ({name}NAME) : un virement SEPA "
        "doit nommer le donneur d'ordre.",
        "The operator's bank details are given but not its name ({name}NAME): a SEPA transfer must name the "
        "debtor."),
    Missing.OPERATOR_INVOICE_IDENTITY: (
        "L'identité de l'opérateur est incomplète pour ses factures de commission (manque : {keys}) : une facture "
        "française nomme son émetteur, son adresse, son SIRET et son numéro de TVA ; elles seront refusées d'ici là.",
        "The operator's identity is incomplete for its commission invoices (missing: {keys}): a French invoice names "
        "its issuer, address, SIRET and VAT number; they are refused until then."),
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One missing piece: its code and the facts its words name."""

    code: Missing
    facts: dict[str, object] = field(default_factory=dict)

    @property
    def blocking(self) -> bool:
        """Whether the server must not serve until it is fixed."""
        return self.code not in NOT_BLOCKING

    def french(self) -> str:
        return WORDS[self.code][0].format(**self.facts)

    def english(self) -> str:
        return WORDS[self.code][1].format(**self.facts)


def read_env_file(content: str) -> dict[str, str]:
    """KEY=VALUE lines as systemd's EnvironmentFile reads them (# and ; comments, optional quotes)."""
    values: dict[str, str] = {}
    for raw in content.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;" or "=" not in line:
            continue
        key, value = line.split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def _shown(url: str) -> str:
    return make_url(normalise_url(url)).render_as_string(hide_password=True)


def check_secret(env: Mapping[str, str]) -> list[Finding]:
    value = env.get("VOUCHER_SERVER_SECRET", "")
    if not value:
        return [Finding(Missing.SECRET_UNSET, {"min": MIN_SECRET})]
    if len(value) < MIN_SECRET:
        return [Finding(Missing.SECRET_SHORT, {"length": len(value), "min": MIN_SECRET})]
    return []


def database_revision(url: str, deadline: float) -> str | None:
    """The database's migration (None: empty), or TimeoutError / the driver's error past ``deadline``."""
    from .upgrades import current_revision_of

    box: dict[str, object] = {}
    millis = int(deadline * 1000)
    args = {"connect_timeout": max(1, int(deadline)), "options": f"-c statement_timeout={millis}"}
    engine = create_engine(normalise_url(url), connect_args=args, poolclass=NullPool)

    def run() -> None:
        try:
            box["rev"] = current_revision_of(engine)
        except Exception as exc:  # any failure is reported to the operator as it is
            box["error"] = exc

    worker = threading.Thread(target=run, daemon=True)  # daemon: a hung connect cannot hold the command
    worker.start()
    worker.join(deadline)
    try:
        if worker.is_alive():
            raise TimeoutError(f"no answer in {deadline:g} s")
        if "error" in box:
            raise box["error"]  # type: ignore[misc]
        rev = box.get("rev")
        return None if rev is None else str(rev)
    finally:
        if not worker.is_alive():
            engine.dispose()


def check_database(env: Mapping[str, str], head: str, known: Callable[[str], bool],
                   deadline: float = DB_DEADLINE) -> list[Finding]:
    """Set, PostgreSQL, answering within ``deadline``, at the migration head. ``known``: is a revision one of
    this server's."""
    url = env.get("VOUCHER_SERVER_DB", "")
    if not url:
        return [Finding(Missing.DB_UNSET)]
    if is_sqlite(url):
        return [Finding(Missing.DB_NOT_POSTGRES, {"url": url})]
    shown = _shown(url)
    try:
        current = database_revision(url, deadline)
    except Exception as exc:  # the driver's own words say what went wrong
        cause = getattr(exc, "orig", None) or exc  # the driver's words, without SQLAlchemy's wrapping
        reason = " ".join(str(cause).split())[:300] or type(cause).__name__
        return [Finding(Missing.DB_UNREACHABLE, {"url": shown, "deadline": deadline, "reason": reason})]
    if current == head:
        return []
    facts: dict[str, object] = {"url": shown, "current": current or "(vide / empty)", "head": head}
    if current is not None and not known(current):
        return [Finding(Missing.DB_TOO_NEW, facts)]
    return [Finding(Missing.DB_NOT_MIGRATED, facts)]


def check_public_url(env: Mapping[str, str]) -> list[Finding]:
    url = env.get("VOUCHER_SERVER_PUBLIC_URL", "").strip()
    if not url:
        return [Finding(Missing.PUBLIC_URL_UNSET)]
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return [Finding(Missing.PUBLIC_URL_NOT_HTTPS, {"url": url})]
    return []


def check_operator(env: Mapping[str, str]) -> list[Finding]:
    """The operator's identity does not block serving (invoices and SEPA files ask for it), but what is set must be
    valid, and what its invoices need is named."""
    def get(key: str) -> str:
        return env.get(OPERATOR + key, "").strip()

    found: list[Finding] = []
    iban, bic, siret = get("IBAN"), get("BIC"), get("SIRET")
    if iban and (why := iban_error(iban)) is not None:
        found.append(Finding(Missing.OPERATOR_IBAN_INVALID, {"name": OPERATOR, "value": iban, "reason": why}))
    if bic and bic_error(bic) is not None:
        found.append(Finding(Missing.OPERATOR_BIC_INVALID, {"name": OPERATOR, "value": bic}))
    if siret and not re.fullmatch(r"\d{14}", siret.replace(" ", "")):
        found.append(Finding(Missing.OPERATOR_SIRET_INVALID, {"name": OPERATOR, "value": siret}))
    if (iban or bic) and not get("NAME"):
        found.append(Finding(Missing.OPERATOR_NAME_UNSET, {"name": OPERATOR}))
    identity = OperatorIdentity(get("NAME"), get("ADDRESS"), get("SIRET"), get("VAT"), iban, bic)
    if missing := identity.missing_for_invoices():
        keys = ", ".join(OPERATOR + INVOICE_KEYS[k] for k in missing)
        found.append(Finding(Missing.OPERATOR_INVOICE_IDENTITY, {"keys": keys}))
    return found


def check_all(env: Mapping[str, str], deadline: float = DB_DEADLINE) -> list[Finding]:
    """Everything a production server lacks; empty when it is ready to serve."""
    from .upgrades import head_revision, known_revision

    return [*check_secret(env), *check_database(env, head_revision(), known_revision, deadline),
            *check_public_url(env), *check_operator(env)]
