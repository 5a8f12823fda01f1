"""The console's words for the operator's commission and its invoices (merged into ``i18n.TEXTS``)."""

from __future__ import annotations

COMMISSION_TEXTS: dict[str, tuple[str, str]] = {
    "nav_commission": ("Commission", "Commission"),
    "nav_invoices": ("Factures de commission", "Commission invoices"),
    "commission_title": ("Commission de l'opérateur", "Operator's commission"),
    "commission_intro": ("Un taux par campagne sur les remboursements des commerces, en points de base "
                         "(500 = 5 %), daté : il s'applique à partir d'un jour, jamais avant aujourd'hui ni sur "
                         "un jour déjà payé ou facturé. La TVA sur la commission est datée de même.",
                         "A rate per campaign on shop reimbursements, in basis points (500 = 5 %), dated: it "
                         "applies from a day on, never before today nor on a day already paid or invoiced. The "
                         "VAT on the commission is dated the same way."),
    "commission_in_force": ("En vigueur aujourd'hui", "In force today"),
    "commission_history": ("Historique", "History"),
    "commission_never": ("jamais fixée : 0 %, TVA 20 %, déduite", "never set: 0 %, VAT 20 %, deducted"),
    "commission_set": ("Fixer une commission", "Set a commission"),
    "commission_saved": ("Commission enregistrée.", "Commission saved."),
    "rate_bp": ("Taux HT (points de base)", "Rate excl. VAT (basis points)"),
    "vat_bp": ("TVA (points de base)", "VAT (basis points)"),
    "bp_hint": ("500 = 5 % ; 2000 = 20 %", "500 = 5 %; 2000 = 20 %"),
    "from_day": ("À partir du", "From"),
    "mode": ("Règlement", "Settlement"),
    "mode_deducted": ("déduite du remboursement", "deducted from the payout"),
    "mode_invoiced": ("facturée à part", "invoiced apart"),
    "mode_mixed": ("mixte", "mixed"),
    "set_by": ("Par", "By"),
    "err_bp": ("Nombre entier de points de base de 0 à 10000 : 550 pour 5,5 %.",
               "A whole number of basis points from 0 to 10000: 550 for 5.5 %."),
    "err_bp_percent": ("En points de base, sans % : {bp} pour {percent} %.",
                       "In basis points, without %: {bp} for {percent} %."),
    "commission_retroactive": ("Ce jour est passé : une commission change à partir d'aujourd'hui au plus tôt.",
                               "That day is past: a commission changes from today at the earliest."),
    "commission_period_closed": ("Un relevé payé ou une facture émise couvre déjà ce jour : choisissez un jour "
                                 "après.", "A paid statement or an issued invoice already covers that day: "
                                 "choose a later day."),
    "commission_bad_rate": ("Taux de 0 à 10000 points de base.", "Rates from 0 to 10000 basis points."),
    "unknown_campaign": ("Campagne inconnue.", "Unknown campaign."),
    "commission_ht": ("Commission HT", "Commission excl. VAT"),
    "commission_vat": ("TVA", "VAT"),
    "commission_ttc": ("Commission TTC", "Commission incl. VAT"),
    "paid_to_shop": ("Versé", "Paid"),
    "invoices_title": ("Factures de commission", "Commission invoices"),
    "invoices_intro": ("Une facture par commerce et par période, numérotées sans trou ; un avoir en annule une, "
                       "rien n'est jamais modifié ni supprimé.", "One invoice per shop and period, numbered "
                       "without gaps; a credit note cancels one, nothing is ever edited or deleted."),
    "invoices_to_issue": ("À facturer sur la période", "To invoice for the period"),
    "invoices_issue": ("Émettre les factures de la période", "Issue the period's invoices"),
    "invoices_issued": ("{count} facture(s) émise(s).", "{count} invoice(s) issued."),
    "invoice_number": ("Numéro", "Number"),
    "invoice_kind_invoice": ("facture", "invoice"),
    "invoice_kind_credit_note": ("avoir", "credit note"),
    "invoice_date": ("Date", "Date"),
    "invoice_due": ("Échéance", "Due"),
    "invoice_to_pay": ("Reste à payer", "Left to pay"),
    "invoice_credited": ("annulée par {number}", "cancelled by {number}"),
    "invoice_corrects": ("annule {number}", "cancels {number}"),
    "credit_note": ("Émettre un avoir", "Issue a credit note"),
    "credit_note_reason": ("Motif", "Reason"),
    "credit_note_issued": ("Avoir {number} émis.", "Credit note {number} issued."),
    "unknown_invoice": ("Facture inconnue.", "Unknown invoice."),
    "not_an_invoice": ("C'est un avoir : il ne s'annule pas.", "It is a credit note: it cannot be cancelled."),
    "invoice_already_credited": ("Cette facture est déjà annulée par un avoir.",
                                 "This invoice is already cancelled by a credit note."),
    "credit_note_reason_missing": ("Un avoir dit pourquoi : écrivez le motif.",
                                   "A credit note says why: write the reason."),
    "operator_identity_incomplete": ("Identité de l'opérateur incomplète sur le serveur (nom, adresse, SIRET, "
                                     "n° de TVA : VOUCHER_SERVER_OPERATOR_*).", "The operator's identity is "
                                     "incomplete on the server (name, address, SIRET, VAT number: "
                                     "VOUCHER_SERVER_OPERATOR_*)."),
    "facturx": ("Factur-X", "Factur-X"),
    "a_commission_set": ("commission fixée", "commission set"),
    "a_invoices_issue": ("factures émises", "invoices issued"),
    "a_credit_note": ("avoir émis", "credit note issued"),
}
