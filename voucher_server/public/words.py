"""Every word the public pages show, French first, English second. One key, two sentences."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from voucher_core.money import format_cents
from voucher_core.timeutil import PARIS, paris_text


class Lang(StrEnum):
    FR = "fr"
    EN = "en"


def lang_of(raw: str | None) -> Lang:
    return Lang.EN if raw == "en" else Lang.FR


def lang_of_header(accept_language: str) -> Lang:
    """English when the first of French or English in an Accept-Language header (by q, then order) is English."""
    best: tuple[float, int, Lang] | None = None
    for i, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in ("fr", "en"):
            continue
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if q > 0 and (best is None or (q, -i) > (best[0], best[1])):
            best = (q, -i, Lang(primary))
    return best[2] if best else Lang.FR


WORDS: dict[str, tuple[str, str]] = {
    "site": ("Bons d'achat", "Gift vouchers"),
    "switch": ("English", "Français"),
    "voucher": ("Bon d'achat", "Voucher"),
    "number_end": ("Numéro se terminant par", "Number ending in"),
    "value_today": ("Vaut aujourd'hui", "Worth today"),
    "valid_until": ("Valable jusqu'au", "Valid until"),
    "valid_from": ("Valable à partir du", "Valid from"),
    "topup_note": ("Jusqu'au {day} il vaut {face} ; du lendemain à sa fin, {after}.",
                   "Until {day} it is worth {face}; from the next day to its end, {after}."),
    "state_valid": ("Valable", "Valid"),
    "state_not_yet_valid": ("Pas encore valable", "Not valid yet"),
    "state_not_activated": ("Pas activé : ce bon n'a pas été vendu.", "Not activated: this voucher was not sold."),
    "state_used": ("Utilisé", "Used"),
    "used_on": ("Utilisé le {when} chez {shop}.", "Used on {when} at {shop}."),
    "state_expired": ("Expiré", "Expired"),
    "expired_on": ("Sa validité a pris fin le {day}.", "It stopped being valid on {day}."),
    "state_blocked": ("Bloqué : adressez-vous à l'organisateur de l'opération.",
                      "Blocked: please contact the scheme's organiser."),
    "where": ("Où le dépenser", "Where to spend it"),
    "once": ("Un bon s'utilise une fois, pour toute sa valeur ; la monnaie n'est pas rendue.",
             "A voucher is used once, for its full value; no change is given."),
    "unknown_title": ("Bon introuvable", "Voucher not found"),
    "unknown_text": ("Ce code ne correspond à aucun bon. Vérifiez-le, ou scannez à nouveau le QR code du bon.",
                     "This code matches no voucher. Check it, or scan the voucher's QR code again."),
    "limited_title": ("Trop de demandes", "Too many requests"),
    "limited_text": ("Trop de pages demandées depuis cette adresse. Réessayez dans {seconds} secondes.",
                     "Too many pages asked from this address. Try again in {seconds} seconds."),
    "code_label": ("Numéro du bon (20 chiffres)", "Voucher number (20 digits)"),
    "open": ("Voir le bon", "Open the voucher"),
    "shops_title": ("Où dépenser les bons", "Where to spend the vouchers"),
    "shops_intro": ("Les commerces qui acceptent les bons {campaign}.", "The shops that take {campaign} vouchers."),
    "search_label": ("Nom, type de commerce ou ville", "Name, kind of shop or town"),
    "town_label": ("Ville", "Town"),
    "all_towns": ("Toutes les villes", "All towns"),
    "search": ("Chercher", "Search"),
    "shop_count": ("{shown} commerce(s) sur {total}", "{shown} shop(s) of {total}"),
    "no_shop": ("Aucun commerce ne correspond à cette recherche.", "No shop matches this search."),
    "show_all": ("Voir tous les commerces", "Show every shop"),
    "hours": ("Horaires", "Opening hours"),
    "open_maps": ("Ouvrir dans Plans", "Open in Maps"),
    "maps_web": ("Carte en ligne", "Online map"),
    "campaign_unknown_title": ("Opération introuvable", "Scheme not found"),
    "campaign_unknown_text": ("Aucune opération de bons d'achat ne porte ce nom.", "No voucher scheme has that name."),
}


def t(lang: Lang, key: str, **facts: object) -> str:
    fr, en = WORDS[key]
    text = en if lang is Lang.EN else fr
    return text.format(**facts) if facts else text


def money(cents: int, lang: Lang) -> str:
    """12,00 € in French, €12.00 in English."""
    if lang is Lang.FR:
        return format_cents(cents)
    sign = "-" if cents < 0 else ""
    return f"{sign}€{abs(cents) // 100:,}.{abs(cents) % 100:02d}"


def day_text(day: date, lang: Lang) -> str:
    return day.strftime("%d/%m/%Y") if lang is Lang.FR else day.isoformat()


def moment_text(moment: datetime, lang: Lang) -> str:
    """A moment in Paris time (stored in UTC): 23/11/2026 15:05, or 2026-11-23 15:05 in English."""
    if lang is Lang.FR:
        return paris_text(moment)
    return moment.astimezone(PARIS).strftime("%Y-%m-%d %H:%M")
