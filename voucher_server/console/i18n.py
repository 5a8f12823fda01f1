"""The console's words, French first and English second. Templates call ``t("key")``; a missing English text
falls back to French, a missing key shows the key (a test lists them)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from pos_app.core.money import format_cents


class Lang(StrEnum):
    FR = "fr"
    EN = "en"


TEXTS: dict[str, tuple[str, str]] = {
    # frame
    "console": ("Console de l'opérateur", "Operator console"),
    "nav_home": ("Accueil", "Home"),
    "nav_campaigns": ("Campagnes", "Campaigns"),
    "nav_merchants": ("Commerces", "Shops"),
    "nav_vouchers": ("Bons", "Vouchers"),
    "nav_audit": ("Journal", "Audit trail"),
    "nav_money": ("Règlements", "Settlements"),
    "logout": ("Se déconnecter", "Sign out"),
    "lang_switch": ("English", "Français"),
    "role_admin": ("administrateur", "administrator"),
    "role_accountant": ("comptable (lecture et exports)", "accountant (read and export)"),
    "save": ("Enregistrer", "Save"),
    "yes": ("oui", "yes"),
    "no": ("non", "no"),
    "none": ("aucun", "none"),
    "saved": ("Modification enregistrée.", "Change saved."),
    "forbidden_title": ("Action réservée aux administrateurs", "Administrators only"),
    "forbidden_text": ("Votre compte peut consulter et exporter, pas modifier.",
                       "Your account can read and export, not change anything."),
    "not_found": ("Introuvable.", "Not found."),
    "csrf_failed": ("Le formulaire a expiré : rechargez la page et recommencez.",
                    "The form has expired: reload the page and try again."),
    "download_csv": ("Télécharger en CSV", "Download as CSV"),
    # login
    "login_title": ("Connexion", "Sign in"),
    "email": ("Adresse e-mail", "E-mail address"),
    "password": ("Mot de passe", "Password"),
    "login_button": ("Se connecter", "Sign in"),
    "login_bad": ("E-mail ou mot de passe incorrect.", "Wrong e-mail or password."),
    "login_locked": ("Trop d'essais : compte bloqué pendant 15 minutes.",
                     "Too many attempts: account locked for 15 minutes."),
    # home
    "home_title": ("Campagnes en cours", "Campaigns"),
    "dashboard": ("Tableau de bord", "Dashboard"),
    # campaigns
    "campaign": ("Campagne", "Campaign"),
    "campaigns_title": ("Campagnes", "Campaigns"),
    "campaign_new": ("Nouvelle campagne", "New campaign"),
    "campaign_id": ("Identifiant (majuscules et chiffres)", "Identifier (capitals and digits)"),
    "name": ("Nom", "Name"),
    "face_value_cents": ("Valeur faciale, en centimes (1200 pour 12,00 €)",
                         "Face value, in cents (1200 for €12.00)"),
    "sale_price_cents": ("Prix de vente, en centimes (1000 pour 10,00 €)", "Sale price, in cents (1000 for €10.00)"),
    "face_value": ("Valeur faciale", "Face value"),
    "sale_price": ("Prix de vente", "Sale price"),
    "topup": ("Abondement", "Top-up"),
    "valid_from": ("Premier jour", "First day"),
    "valid_until": ("Dernier jour (inclus)", "Last day (included)"),
    "period": ("Validité", "Validity"),
    "create": ("Créer", "Create"),
    "campaign_created": ("Campagne créée.", "Campaign created."),
    "campaign_edit": ("Modifier les montants et les dates", "Change amounts and dates"),
    "campaign_edit_locked": ("Des bons sont déjà vendus : seuls la date de fin (prolongation) et les "
                             "participants peuvent encore changer.",
                             "Vouchers are already sold: only the end date (extension) and the participants can "
                             "still change."),
    "campaign_extend": ("Prolonger la campagne", "Extend the campaign"),
    "new_end": ("Nouveau dernier jour", "New last day"),
    "extend": ("Prolonger", "Extend"),
    "participants": ("Commerces participants", "Participating shops"),
    "sellers": ("Buralistes vendeurs", "Selling tobacconists"),
    "add": ("Ajouter", "Add"),
    "remove": ("Retirer", "Remove"),
    "issued_count": ("Bons émis", "Vouchers issued"),
    # merchants and terminals
    "merchants_title": ("Commerces et buralistes", "Shops and tobacconists"),
    "merchant_new": ("Enregistrer un commerce ou un buraliste", "Register a shop or a tobacconist"),
    "merchant": ("Commerce", "Shop"),
    "siret": ("SIRET (14 chiffres)", "SIRET (14 digits)"),
    "iban": ("IBAN", "IBAN"),
    "address": ("Adresse", "Address"),
    "is_merchant": ("Accepte les bons (commerce)", "Accepts vouchers (shop)"),
    "is_seller": ("Vend les bons (buraliste)", "Sells vouchers (tobacconist)"),
    "roles": ("Rôles", "Roles"),
    "role_shop": ("commerce", "shop"),
    "role_seller": ("buraliste", "tobacconist"),
    "merchant_created": ("Commerce enregistré.", "Shop registered."),
    "terminals": ("Caisses", "Tills"),
    "terminal_name": ("Nom de la caisse", "Till name"),
    "terminal_new": ("Nouvelle caisse", "New till"),
    "terminal_issue": ("Créer la caisse et son jeton", "Create the till and its token"),
    "token_once": ("Jeton de la caisse — affiché une seule fois : saisissez-le ou scannez le QR code au premier "
                   "lancement de la caisse.",
                   "The till's token — shown only once: type it or scan the QR code at the till's first run."),
    "enabled": ("Active", "Enabled"),
    "disabled": ("Désactivée", "Disabled"),
    "disable": ("Désactiver", "Disable"),
    "enable": ("Réactiver", "Re-enable"),
    "state": ("État", "State"),
    "last_sync": ("Dernier journal reçu", "Last ledger head"),
    "back_to_merchant": ("Retour au commerce", "Back to the shop"),
    # vouchers
    "vouchers_title": ("Bons", "Vouchers"),
    "voucher_lookup": ("Rechercher un bon", "Look up a voucher"),
    "voucher_number": ("Numéro du bon ou code scanné", "Voucher number or scanned code"),
    "search": ("Rechercher", "Search"),
    "issue_batch": ("Émettre un lot", "Issue a batch"),
    "count": ("Nombre de bons", "Number of vouchers"),
    "issue": ("Émettre", "Issue"),
    "issued_done": ("{count} bons émis : {first} … {last}.", "{count} vouchers issued: {first} … {last}."),
    "print_sheets": ("Imprimer des planches (PDF)", "Print sheets (PDF)"),
    "only_state": ("Seulement l'état", "Only state"),
    "all_states": ("tous", "all"),
    "max_count": ("Au plus", "At most"),
    "print": ("Télécharger le PDF", "Download the PDF"),
    "history": ("Historique", "History"),
    "when": ("Quand (heure de Paris)", "When (Paris time)"),
    "what": ("Quoi", "What"),
    "who": ("Qui", "Who"),
    "amount": ("Montant", "Amount"),
    "block": ("Bloquer", "Block"),
    "unblock": ("Débloquer", "Unblock"),
    "serial": ("Numéro", "Number"),
    "st_issued": ("émis (non vendu)", "issued (unsold)"),
    "st_active": ("vendu, valable", "sold, valid"),
    "st_redeemed": ("utilisé", "redeemed"),
    "st_blocked": ("bloqué", "blocked"),
    "st_expired": ("expiré", "expired"),
    "k_issue": ("émission", "issued"),
    "k_activate": ("vente", "sale"),
    "k_sale_void": ("vente annulée", "sale voided"),
    "k_redeem": ("encaissement", "redemption"),
    "k_void": ("encaissement annulé", "redemption voided"),
    "k_block": ("blocage", "blocked"),
    "k_unblock": ("déblocage", "unblocked"),
    "offline": ("hors ligne", "offline"),
    # dashboard
    "sold": ("Vendus", "Sold"),
    "redeemed": ("Utilisés", "Redeemed"),
    "outstanding": ("En circulation", "Outstanding"),
    "expired": ("Expirés", "Expired"),
    "unsold": ("Non vendus", "Unsold"),
    "topup_spent": ("Abondement dépensé", "Top-up spent"),
    "leverage": ("Effet de levier", "Leverage"),
    "leverage_help": ("chiffre d'affaires dans les commerces par euro d'argent public",
                      "turnover in shops per euro of public money"),
    "per_day": ("Par jour", "Per day"),
    "per_shop": ("Par commerce", "Per shop"),
    "day": ("Jour", "Day"),
    "vouchers_n": ("bons", "vouchers"),
    "no_activity": ("Aucune activité pour l'instant.", "No activity yet."),
    "sold_amount": ("Ventes (prix payé)", "Sales (price paid)"),
    "redeemed_amount": ("Encaissé dans les commerces", "Spent in shops"),
    # audit
    "audit_title": ("Journal des modifications", "Audit trail"),
    "action": ("Action", "Action"),
    "target": ("Objet", "Object"),
    "before": ("Avant", "Before"),
    "after": ("Après", "After"),
    # audit actions (AuditAction values)
    "a_login": ("connexion", "sign-in"),
    "a_logout": ("déconnexion", "sign-out"),
    "a_locked_out": ("compte bloqué (essais)", "locked out (attempts)"),
    "a_operator_set": ("compte opérateur défini", "operator account set"),
    "a_campaign_create": ("campagne créée", "campaign created"),
    "a_campaign_edit": ("campagne modifiée", "campaign changed"),
    "a_campaign_extend": ("campagne prolongée", "campaign extended"),
    "a_campaign_member_add": ("participant ajouté", "participant added"),
    "a_campaign_member_remove": ("participant retiré", "participant removed"),
    "a_merchant_create": ("commerce enregistré", "shop registered"),
    "a_merchant_edit": ("commerce modifié", "shop changed"),
    "a_terminal_create": ("caisse créée (jeton émis)", "till created (token issued)"),
    "a_terminal_enable": ("caisse réactivée", "till re-enabled"),
    "a_terminal_disable": ("caisse désactivée", "till disabled"),
    "a_vouchers_issue": ("lot de bons émis", "batch of vouchers issued"),
    "a_voucher_block": ("bon bloqué", "voucher blocked"),
    "a_voucher_unblock": ("bon débloqué", "voucher unblocked"),
    "a_statement_paid": ("relevé marqué payé", "statement marked paid"),
    "a_remittance_received": ("versement reçu", "remittance received"),
    "a_order_place": ("commande enregistrée", "order placed"),
    "a_order_paid": ("commande payée", "order paid"),
    # field errors
    "err_required": ("Champ obligatoire.", "Required."),
    "err_siret_format": ("Un SIRET a 14 chiffres.", "A SIRET has 14 digits."),
    "err_siret_check": ("SIRET invalide (chiffre de contrôle faux) : vérifiez la saisie.",
                        "Invalid SIRET (wrong check digit): check what you typed."),
    "err_iban_format": ("Ce n'est pas un IBAN (deux lettres, deux chiffres, puis le compte).",
                        "Not an IBAN (two letters, two digits, then the account)."),
    "err_iban_length": ("Un IBAN {country} a {length} caractères.", "A {country} IBAN has {length} characters."),
    "err_iban_check": ("IBAN invalide (clé de contrôle fausse) : vérifiez la saisie.",
                       "Invalid IBAN (wrong check digits): check what you typed."),
    "err_negative": ("Un montant ne peut pas être négatif.", "An amount cannot be negative."),
    "err_cents_not_euros": ("Montant en centimes, sans virgule : 1200 pour 12,00 €.",
                            "Amount in cents, no decimal point: 1200 for €12.00."),
    "err_cents_format": ("Nombre entier de centimes attendu.", "A whole number of cents is expected."),
    "err_cents_too_small": ("{cents} centimes ? Les montants sont en centimes : {euros}00 pour {euros},00 €.",
                            "{cents} cents? Amounts are in cents: {euros}00 for €{euros}.00."),
    "err_too_large": ("Montant trop élevé.", "Amount too large."),
    "err_price_above_face": ("Le prix de vente dépasse la valeur faciale.", "The sale price is above the face value."),
    "err_count": ("Nombre entier positif attendu.", "A positive whole number is expected."),
    "err_count_max": ("{maximum} au plus à la fois.", "At most {maximum} at a time."),
    "err_date": ("Date attendue (AAAA-MM-JJ).", "A date is expected (YYYY-MM-DD)."),
    "err_end_before_start": ("La fin est avant le début.", "The end is before the start."),
    "err_not_later": ("La nouvelle date doit être après le {current}.", "The new date must be after {current}."),
    "err_too_long": ("{maximum} caractères au plus.", "At most {maximum} characters."),
    "err_campaign_id": ("Jusqu'à 16 majuscules et chiffres, sans espace.", "Up to 16 capitals and digits, no space."),
    "err_campaign_exists": ("Cet identifiant existe déjà.", "This identifier already exists."),
    "err_already_sold": ("Des bons sont vendus : montants et début ne changent plus.",
                         "Vouchers are sold: amounts and start no longer change."),
    "err_no_role": ("Choisissez au moins un rôle.", "Choose at least one role."),
    "err_no_secret": ("VOUCHER_SERVER_SECRET n'est pas défini sur le serveur : impossible de signer.",
                      "VOUCHER_SERVER_SECRET is not set on the server: cannot sign."),
    "err_unknown_voucher": ("Aucun bon avec ce numéro.", "No voucher with this number."),
    "err_transition": ("Impossible dans l'état actuel du bon.", "Not possible in the voucher's current state."),
    "err_unknown_merchant": ("Commerce inconnu.", "Unknown shop."),
    "err_wrong_role": ("Ce commerce n'a pas ce rôle.", "This shop does not have this role."),
}


def translator(lang: Lang) -> Callable[..., str]:
    """``t(key, **params)`` in ``lang``."""
    index = 1 if lang is Lang.EN else 0

    def t(key: str, **params: Any) -> str:
        pair = TEXTS.get(key)
        text = key if pair is None else (pair[index] or pair[0])
        return text.format(**params) if params else text

    return t


def money(cents: int, lang: Lang) -> str:
    return format_cents(cents, lang.value)
