"""Words a shop owner reads: one line explaining each figure, conflicts and refusals said in full, the
regularisations carried from earlier days. French first, English with ``lang="en"``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from voucher_core.claims import ClaimRefusal
from voucher_core.verdicts import Verdict

from ..core import daybook
from ..core.carryover import Regularisation
from .labels import day_text, money, t, when

# The central API's refusals of an offline claim (voucher_core.claims), as the report says them.
_CLAIMS: dict[ClaimRefusal, tuple[str, str]] = {
    ClaimRefusal.OFFLINE_NOT_ALLOWED: ("Hors ligne non autorisé pour cette caisse",
                                       "Offline use is not allowed for this till"),
    ClaimRefusal.CLAIM_IN_FUTURE: ("Refusé : l'heure de la caisse est en avance", "Refused: the till's clock is ahead"),
    ClaimRefusal.CLAIM_TOO_OLD: ("Refusé : opération hors ligne trop ancienne", "Refused: offline operation too old"),
    ClaimRefusal.CLAIM_BEFORE_SALE: ("Refusé : bon utilisé avant d'avoir été vendu",
                                     "Refused: voucher used before it was sold"),
    ClaimRefusal.EXPIRED: ("Bon expiré à cette date", "Voucher expired on that date"),
    ClaimRefusal.NOT_YET_VALID: ("Bon pas encore valable à cette date", "Voucher not valid yet on that date"),
    ClaimRefusal.OFFLINE_LIMIT_REACHED: ("Refusé : plafond hors ligne du jour dépassé",
                                         "Refused: daily offline limit exceeded"),
}


def claim_message(refusal: ClaimRefusal, lang: str = "fr") -> str:
    fr, en = _CLAIMS[refusal]
    return en if lang == "en" else fr



# (French, English) templates; {n} a count, {a} an amount
_FIGURES: dict[str, tuple[str, str]] = {
    "taken": ("valeur des {n} bon(s) gardé(s) par la caisse ce jour (confirmés, en attente et en conflit)",
              "face value of the {n} voucher(s) the till kept today (confirmed, pending and in conflict)"),
    "owed_by_operator": ("les {n} bon(s) de la journée confirmés par le serveur central : l'opérateur les rembourse",
                         "the day's {n} voucher(s) confirmed by the central server: the operator reimburses them"),
    "pending": ("{n} bon(s) accepté(s) hors ligne, pas encore confirmé(s) : compté(s) dans la clôture qui suivra "
                "leur confirmation", "{n} voucher(s) accepted offline, not confirmed yet: counted in the closing "
                "after their confirmation"),
    "conflict": ("{n} bon(s) refusé(s) par le serveur après coup (déjà encaissé ailleurs...) : non remboursable(s)",
                 "{n} voucher(s) refused by the server afterwards (already redeemed elsewhere...): not reimbursed"),
    "voided": ("{n} encaissement(s) annulé(s) : rien n'est dû", "{n} redemption(s) voided: nothing is owed"),
    "regularisations": ("{n} bon(s) de journées déjà clôturées dont l'état a changé depuis (détail plus bas)",
                        "{n} voucher(s) of days already closed whose state changed since (details below)"),
    "reimbursement": ("dû pour la journée + régularisations : ce que cette clôture réclame à l'opérateur",
                      "owed for the day + regularisations: what this closing claims from the operator"),
    "collected": ("prix payé par les clients pour {n} bon(s) vendu(s) (hors annulations)",
                  "price paid by customers for {n} voucher(s) sold (voids excluded)"),
    "sales_face": ("ce que valent ces bons chez les commerçants", "what these vouchers are worth in the shops"),
    "sales_topup": ("valeur faciale − prix payé : payé par le financeur de la campagne, pas par le client ni par "
                    "vous", "face value − price paid: paid by the campaign's funder, not by the customer nor you"),
    "owed_to_operator": ("prix des {n} vente(s) confirmée(s) par le serveur central : à reverser à l'opérateur",
                         "price of the {n} sale(s) confirmed by the central server: to remit to the operator"),
    "sales_pending": ("{n} vente(s) hors ligne pas encore confirmée(s) : à reverser après confirmation",
                      "{n} offline sale(s) not confirmed yet: to remit once confirmed"),
    "remittance": ("à reverser pour la journée + régularisations : ce que cette clôture doit à l'opérateur",
                   "to remit for the day + regularisations: what this closing owes the operator"),
    "refused": ("{n} scan(s) refusé(s) en ligne : aucun bon pris, aucun montant",
                "{n} scan(s) refused online: no voucher taken, no amount"),
}

_NOTES: dict[str, tuple[str, str]] = {
    "not_synced": ("pas encore envoyé au serveur (file d'attente)", "not sent to the server yet (queued)"),
    "missing_on_server": ("absent du serveur : à signaler à l'opérateur", "missing on the server: tell the operator"),
    "amount_differs": ("montant différent sur le serveur", "amount differs on the server"),
    "void_differs": ("annulation enregistrée d'un seul côté", "void recorded on one side only"),
    "confirmed_on_server": ("confirmé par le serveur", "confirmed by the server"),
    "voided": ("annulé", "voided"),
    "refused": ("refusé par le serveur", "refused by the server"),
}


# a refused voucher's verdict as the printed report says it (the till's screens have their own, pos_app/ui/words.py)
_VERDICTS: dict[Verdict, tuple[str, str]] = {
    Verdict.ACCEPTED: ("Bon valable", "Voucher accepted"),
    Verdict.ALREADY_REDEEMED: ("Déjà utilisé", "Already redeemed"),
    Verdict.EXPIRED: ("Bon expiré", "Voucher expired"),
    Verdict.NOT_YET_VALID: ("Pas encore valable", "Not valid yet"),
    Verdict.NOT_ACTIVATED: ("Bon non vendu : pas encore activé", "Not activated: this voucher was never sold"),
    Verdict.UNKNOWN: ("Bon inconnu", "Unknown voucher"),
    Verdict.FORGED: ("Faux bon : signature invalide", "Forged voucher: bad signature"),
    Verdict.NOT_ACCEPTED_HERE: ("Non accepté dans ce commerce", "Not accepted in this shop"),
    Verdict.BLOCKED: ("Bon bloqué par l'opérateur", "Voucher blocked by the operator"),
    Verdict.MALFORMED: ("Code illisible", "Unreadable code"),
    Verdict.OFFLINE_REFUSED: ("Hors ligne : acceptation impossible", "Offline: cannot accept now"),
}


def verdict_message(verdict: Verdict, lang: str = "fr") -> str:
    fr, en = _VERDICTS[verdict]
    return en if lang == "en" else fr


def _fill(key: str, lang: str, n: int = 0) -> str:
    fr, en = _FIGURES[key]
    return (en if lang == "en" else fr).format(n=n)


def _bucket(totals: Mapping[str, Any], kind: str, status: str) -> tuple[int, int]:
    b = totals.get(kind, {}).get("by_status", {}).get(status, {})
    return int(b.get("count", 0)), int(b.get("cents", 0))


def redemption_figures(totals: Mapping[str, Any], lang: str = "fr") -> list[tuple[str, int, str]]:
    """(label, cents, one line saying what it is) for the redemption side, in reading order."""
    R = daybook.REDEMPTION
    acc, pend, conf = (_bucket(totals, R, s) for s in (daybook.ACCEPTED, daybook.PENDING, daybook.CONFLICT))
    out = [(t("taken", lang), int(totals.get("taken_cents", 0)), _fill("taken", lang, acc[0] + pend[0] + conf[0])),
           (t("owed_by_operator", lang), int(totals.get("owed_by_operator_cents", 0)),
            _fill("owed_by_operator", lang, acc[0]))]
    if pend[0]:
        out.append((t("fig_pending", lang), pend[1], _fill("pending", lang, pend[0])))
    if conf[0]:
        out.append((t("fig_conflict", lang), conf[1], _fill("conflict", lang, conf[0])))
    voided = _bucket(totals, R, daybook.VOIDED)
    if voided[0]:
        out.append((t("fig_voided", lang), voided[1], _fill("voided", lang, voided[0])))
    out += _claim_lines(totals, lang, "owed_by_operator_cents", "reimbursement_cents", "reimbursement")
    return out


def sales_figures(totals: Mapping[str, Any], lang: str = "fr") -> list[tuple[str, int, str]]:
    """The tobacconist's figures: collected, face value, the funder's top-up, to remit (and what waits)."""
    S = daybook.SALE
    acc, pend, conf = (_bucket(totals, S, s) for s in (daybook.ACCEPTED, daybook.PENDING, daybook.CONFLICT))
    out = [(t("collected", lang), int(totals.get("sales_collected_cents", 0)),
            _fill("collected", lang, acc[0] + pend[0] + conf[0])),
           (t("sales_face", lang), int(totals.get("sales_face_value_cents", 0)), _fill("sales_face", lang)),
           (t("sales_topup", lang), int(totals.get("sales_topup_cents", 0)), _fill("sales_topup", lang)),
           (t("owed_to_operator", lang), int(totals.get("owed_to_operator_cents", 0)),
            _fill("owed_to_operator", lang, acc[0]))]
    if pend[0]:
        pending_price = int(totals.get("sales_collected_cents", 0)) - int(totals.get("owed_to_operator_cents", 0))
        out.append((t("fig_pending", lang), pending_price, _fill("sales_pending", lang, pend[0])))
    out += _claim_lines(totals, lang, "owed_to_operator_cents", "remittance_cents", "remittance")
    return out


def _claim_lines(totals: Mapping[str, Any], lang: str, own: str, claim: str, label: str) -> list[tuple[str, int, str]]:
    regs = totals.get("regularisations") or {}
    if claim not in totals:
        return []
    out = []
    if regs.get("count"):
        out.append((t("regularisations", lang), int(totals[claim]) - int(totals.get(own, 0)),
                    _fill("regularisations", lang, int(regs["count"]))))
    out.append((t(label, lang), int(totals[claim]), _fill(label, lang)))
    return out


def refused_line(totals: Mapping[str, Any], lang: str = "fr") -> str:
    n = int(totals.get("refused_count", 0))
    return _fill("refused", lang, n) if n else ""


def conflict_words(verdict: str, by: str = "", at: str = "", lang: str = "fr") -> str:
    """A conflict or refusal in words: "déjà encaissé par Boulangerie Martin le 23/11 à 10:02 : non remboursable"."""
    if verdict == Verdict.ALREADY_REDEEMED.value:
        fr, en = "déjà encaissé", "already redeemed"
        if by:
            fr, en = f"{fr} par {by}", f"{en} by {by}"
        if at:
            stamp = when(at, lang)
            fr += f" le {stamp[:5]} à {stamp[11:16]}"
            en += f" on {stamp[:16]}"
        return en + ": not reimbursed" if lang == "en" else fr + " : non remboursable"
    try:
        head = verdict_message(Verdict(verdict), lang)
    except ValueError:
        head = note_words(verdict or "refused", lang)
    return f"{head}: not reimbursed" if lang == "en" else f"{head} : non remboursable"


def note_words(note: str, lang: str = "fr") -> str:
    """A reconciliation note (a stable code) in words; a verdict code is said as the cashier saw it."""
    if note in _NOTES:
        fr, en = _NOTES[note]
        return en if lang == "en" else fr
    try:
        return verdict_message(Verdict(note), lang)
    except ValueError:
        pass
    try:  # the central API's refusals of an offline claim (voucher_core.claims)
        return claim_message(ClaimRefusal(note), lang)
    except ValueError:
        return note


def regularisation_words(r: Regularisation, lang: str = "fr") -> str:
    """"Bon du 23/11/2026 : en attente de synchro → acceptée (+12,00 €)", with the conflict said in full."""
    delta = r.owed_by_operator_delta_cents or r.owed_to_operator_delta_cents
    sign = "+" if delta > 0 else ""
    head = (f"{t(r.kind, lang)} {'of' if lang == 'en' else 'du'} {day_text(r.origin_day, lang)} : "
            f"{t(r.before, lang)} → {t(r.after, lang)} ({sign}{money(delta, lang)})")
    if r.after == daybook.CONFLICT:
        head += " — " + conflict_words(r.verdict, r.conflict_by, r.conflict_at, lang)
    return head


def statement_note(lang: str = "fr") -> str:
    """What a difference between a till's closing and the server's figure for the day means."""
    if lang == "en":
        return ("A till's closing claims the day's vouchers confirmed at the closing plus regularisations of earlier "
                "days; the server counts the day's vouchers confirmed now. A difference is a voucher confirmed, "
                "refused or voided after the closing (claimed in the next closing) or a regularisation.")
    return ("La clôture d'une caisse réclame les bons du jour confirmés au moment de la clôture, plus les "
            "régularisations des jours précédents ; le serveur compte les bons du jour confirmés aujourd'hui. Une "
            "différence vient d'un bon confirmé, refusé ou annulé après la clôture (compté dans la clôture "
            "suivante) ou d'une régularisation.")
