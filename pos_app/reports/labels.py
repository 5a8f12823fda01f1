"""Report wording, French first, English with ``lang="en"``."""

from __future__ import annotations

from datetime import date

from voucher_core.money import format_cents
from voucher_core.timeutil import PARIS, paris_text, parse_utc_text

_T: dict[str, tuple[str, str]] = {
    "title": ("Rapport de rapprochement du", "Reconciliation report for"),
    "sales_title": ("Rapport des ventes du", "Sales report for"),
    "month_title": ("Récapitulatif mensuel pour la demande de remboursement —",
                    "Monthly summary for the reimbursement claim —"),
    "shop": ("Commerce", "Shop"),
    "siret": ("SIRET", "SIRET"),
    "till": ("Caisse", "Till"),
    "day": ("Journée", "Day"),
    "campaign": ("Campagne", "Campaign"),
    "campaigns": ("Campagnes", "Campaigns"),
    "generated": ("Édité le (heure de Paris)", "Generated at (Paris time)"),
    "time": ("Heure", "Time"),
    "code": ("Code / n° de série", "Code / serial"),
    "face": ("Valeur faciale", "Face value"),
    "price": ("Prix payé", "Price paid"),
    "topup": ("Abondement", "Top-up"),
    "mode": ("Mode", "Mode"),
    "status": ("Statut", "Status"),
    "type": ("Type", "Type"),
    "count": ("Nombre", "Count"),
    "amount": ("Montant", "Amount"),
    "lines": ("Bons de la journée", "Vouchers of the day"),
    "totals": ("Totaux par campagne et par statut", "Totals per campaign and status"),
    "redemption": ("Encaissement", "Redemption"),
    "sale": ("Vente", "Sale"),
    "online": ("en ligne", "online"),
    "offline": ("hors ligne", "offline"),
    "accepted": ("acceptée", "accepted"),
    "voided": ("annulée", "voided"),
    "pending_sync": ("en attente de synchro", "pending sync"),
    "conflict": ("conflit", "conflict"),
    "rejected": ("refusée", "rejected"),
    "taken": ("Bons encaissés (total de la période)", "Vouchers taken (period total)"),
    "owed_by_operator": ("Dû par l'opérateur (encaissements confirmés)",
                         "Owed by the operator (confirmed redemptions)"),
    "collected": ("Encaissé pour les ventes", "Collected for sales"),
    "owed_to_operator": ("À reverser à l'opérateur", "Owed to the operator"),
    "sales_topup": ("Abondement du financeur", "Funder's top-up"),
    "perpetual": ("Total perpétuel", "Perpetual total"),
    "discrepancies": ("Écarts avec le serveur", "Discrepancies with the server"),
    "no_recon": ("Rapprochement avec le serveur non effectué (hors ligne).",
                 "Not reconciled with the server (offline)."),
    "matched": ("concordants", "matched"),
    "only_here": ("seulement ici (pas encore synchronisés)", "only here (not yet synced)"),
    "only_server": ("seulement sur le serveur (autre caisse)", "only on the server (another till)"),
    "none": ("Aucun écart.", "No discrepancy."),
    "closing": ("Clôture", "Closing"),
    "not_closed": ("Journée non clôturée : ces chiffres peuvent encore changer.",
                   "Day not closed: these figures may still change."),
    "closing_hash": ("Empreinte de la clôture (SHA-256)", "Closing hash (SHA-256)"),
    "closing_seq": ("Écriture n°", "Ledger entry no."),
    "fingerprint": ("Empreinte de la clé de la caisse (Ed25519)", "Till key fingerprint (Ed25519)"),
    "how_verify": (
        "Vérification : « pos-app verify-ledger » sur la caisse, ou « pos-app verify-archive FICHIER » sur une "
        "archive exportée ; l'empreinte de la clé publique de l'archive doit être celle imprimée ci-dessus.",
        "To verify: run “pos-app verify-ledger” on the till, or “pos-app verify-archive FILE” on an exported "
        "archive; the archive's public key fingerprint must match the one printed above."),
    "changed_since": ("Changements depuis la clôture : ils seront comptés dans la prochaine clôture "
                      "(régularisations)", "Changes since the closing: counted in the next closing (regularisations)"),
    "sales_face": ("Valeur faciale des bons vendus", "Face value of the vouchers sold"),
    "regularisations": ("Régularisations des jours précédents", "Regularisations of earlier days"),
    "reimbursement": ("Total réclamé à l'opérateur", "Total claimed from the operator"),
    "remittance": ("Total à reverser à l'opérateur", "Total to remit to the operator"),
    "figures": ("Les montants, expliqués", "The amounts, explained"),
    "origin_day": ("Journée d'origine", "Day of origin"),
    "change": ("Changement", "Change"),
    "explanation": ("Explication", "Explanation"),
    "recon_failed": ("Rapprochement impossible : le serveur central n'a pas répondu.",
                     "Not reconciled: the central server did not answer."),
    "statement": ("Relevé du commerce (serveur central)", "Shop statement (central server)"),
    "shop_total": ("Total dû au commerce (toutes caisses)", "Total owed to the shop (all tills)"),
    "own_claims": ("Réclamé par sa clôture du jour", "Claimed by its closing of the day"),
    "fig_pending": ("En attente de confirmation", "Waiting for confirmation"),
    "fig_conflict": ("En conflit (non remboursables)", "In conflict (not reimbursed)"),
    "fig_voided": ("Annulés", "Voided"),
    "difference": ("Différence", "Difference"),
    "total": ("Total", "Total"),
    "kind_day": ("journalière", "day"),
    "kind_month": ("mensuelle", "month"),
    "kind_year": ("annuelle", "year"),
    "days": ("Jours", "Days"),
    "closed": ("clôturée", "closed"),
    "open": ("ouverte", "open"),
}


def t(key: str, lang: str = "fr") -> str:
    """The label ``key`` in ``lang`` (French unless "en")."""
    fr, en = _T[key]
    return en if lang == "en" else fr


def money(cents: int, lang: str = "fr") -> str:
    return format_cents(int(cents), lang)


def when(ts_utc: str, lang: str = "fr") -> str:
    """UTC text shown as Paris time."""
    moment = parse_utc_text(ts_utc)
    if lang == "en":
        return moment.astimezone(PARIS).strftime("%Y-%m-%d %H:%M:%S")
    return paris_text(moment, with_seconds=True)


def day_text(day: str, lang: str = "fr") -> str:
    d = date.fromisoformat(day)
    return d.isoformat() if lang == "en" else d.strftime("%d/%m/%Y")
