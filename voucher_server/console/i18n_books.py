"""The console's words for the accountant's books: FEC export and chart of accounts (merged into ``i18n.TEXTS``)."""

from __future__ import annotations

BOOKS_TEXTS: dict[str, tuple[str, str]] = {
    "nav_books": ("Comptabilité", "Books"),
    "chart_change_intro": ("Changer le compte d'un rôle : une nouvelle version du plan, valable pour les exports "
                           "suivants ; un export passé garde la sienne.",
                           "Change a role's account: a new version of the chart, used by the next exports; a past "
                           "export keeps its own."),
    "a_chart_set": ("compte du plan changé", "chart account changed"),
    "chart_save": ("Enregistrer le compte", "Save the account"),
    "chart_saved": ("Plan de comptes enregistré (version {version}).", "Chart of accounts saved (version {version})."),
    "chart_bad_number": ("Numéro de compte : 3 à 20 chiffres, de la classe 1 à 8.",
                         "Account number: 3 to 20 digits, class 1 to 8."),
    "chart_bad_label": ("Libellé : 1 à 100 caractères, sans tabulation.", "Label: 1 to 100 characters, no tab."),
    "chart_unknown": ("Rôle inconnu.", "Unknown role."),
    "books_title": ("Comptabilité : export FEC", "Books: FEC export"),
    "books_intro": ("Le fichier des écritures comptables (FEC, art. A47 A-1 du LPF) de la période, ou le même "
                    "journal pour un tableur. Chaque export est enregistré avec la version du plan de comptes et "
                    "son empreinte SHA-256.",
                    "The accounting entries file (FEC, art. A47 A-1 LPF) of the period, or the same journal for "
                    "a spreadsheet. Every export is recorded with the chart of accounts' version and its SHA-256."),
    "books_fec": ("Télécharger le FEC", "Download the FEC"),
    "books_csv": ("Télécharger pour un tableur (CSV)", "Download for a spreadsheet (CSV)"),
    "books_chart": ("Plan de comptes (version {version})", "Chart of accounts (version {version})"),
    "books_role": ("Rôle", "Role"),
    "books_account": ("Compte", "Account"),
    "books_label": ("Libellé", "Label"),
    "books_exports": ("Exports enregistrés", "Recorded exports"),
    "books_again": ("Refaire à l'identique", "Make again, same bytes"),
    "books_exported": ("Exporté par", "Exported by"),
    "account_role_holders": ("Porteurs (argent des acheteurs)", "Holders (buyers' money)"),
    "account_role_shops": ("Commerces et buralistes", "Shops and tobacconists"),
    "account_role_topup_accrued": ("Abondements à facturer", "Top-up to invoice"),
    "account_role_funders": ("Financeurs", "Funders"),
    "account_role_buyers": ("Acheteurs en nombre", "Bulk buyers"),
    "account_role_bank": ("Banque", "Bank"),
    "account_role_cash": ("Caisse", "Cash"),
    "account_role_commission": ("Commission", "Commission"),
    "account_role_vat": ("TVA collectée", "VAT collected"),
    "account_role_breakage": ("Bons non utilisés", "Unused vouchers"),
    "account_role_operator_cost": ("Charge de l'opérateur", "Operator's cost"),
    "account_role_bank_fees": ("Frais du prestataire de paiement", "Payment provider's fees"),
}
