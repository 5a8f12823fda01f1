"""Every word of the online purchase pages, French first, English second (same shape as words.py)."""

from __future__ import annotations

from .words import Lang

WORDS: dict[str, tuple[str, str]] = {
    "buy_title": ("Acheter des bons en ligne", "Buy vouchers online"),
    "buy_lead": ("Un bon de {face} pour {price}, valable jusqu'au {until}, à dépenser chez les commerçants "
                 "participants.", "A {face} voucher for {price}, valid until {until}, to spend in the participating "
                 "shops."),
    "topup_lead": ("Le complément de {topup} par bon est offert par la collectivité jusqu'au {day} ; ensuite le bon "
                   "vaut ce que vous l'avez payé.", "The {topup} top-up per voucher is paid by the town until {day}; "
                   "after that the voucher is worth what you paid."),
    "quantity": ("Nombre de bons", "Number of vouchers"),
    "email": ("Votre adresse e-mail (les bons y sont envoyés)", "Your e-mail address (the vouchers are sent there)"),
    "pay": ("Payer par carte", "Pay by card"),
    "limits": ("Au plus {per_buyer} bons par personne.", "At most {per_buyer} vouchers per person."),
    "limits_day": ("Au plus {per_day} bons par personne et par jour.",
                   "At most {per_day} vouchers per person per day."),
    "test_banner": ("MODE TEST : aucun paiement réel, les bons achetés ici sont des bons de test.",
                    "TEST MODE: no real payment; vouchers bought here are test vouchers."),
    "err_no_campaign": ("Cette opération n'existe pas.", "There is no such scheme."),
    "err_not_online": ("Cette opération ne se vend pas en ligne. Ses bons s'achètent chez les buralistes "
                       "participants.", "This scheme is not sold online. Its vouchers are sold by the participating "
                       "tobacconists."),
    "err_ended": ("Cette opération est terminée.", "This scheme has ended."),
    "err_bad_email": ("Adresse e-mail invalide.", "Invalid e-mail address."),
    "err_bad_quantity": ("Choisissez de 1 à {max} bons.", "Choose 1 to {max} vouchers."),
    "err_over_buyer_limit": ("Limite atteinte : au plus {limit} bons par personne pour cette opération.",
                             "Limit reached: at most {limit} vouchers per person for this scheme."),
    "err_over_day_limit": ("Limite du jour atteinte : au plus {limit} bons par personne et par jour.",
                           "Today's limit reached: at most {limit} vouchers per person per day."),
    "err_provider": ("Le service de paiement ne répond pas. Rien n'a été débité ; réessayez dans un moment.",
                     "The payment service does not answer. Nothing was charged; try again in a moment."),
    "err_off": ("La vente en ligne n'est pas ouverte.", "Online sales are not open."),
    "tp_title": ("Page de paiement de TEST", "TEST payment page"),
    "tp_lead": ("Cette page remplace la page de paiement du prestataire. Aucune carte n'est demandée et aucun argent "
                "ne circule.", "This page stands for the provider's payment page. No card is asked and no money "
                "moves."),
    "tp_amount": ("Montant", "Amount"),
    "tp_pay": ("Payer (TEST)", "Pay (TEST)"),
    "tp_cancel": ("Abandonner", "Give up"),
    "order_title": ("Votre commande", "Your order"),
    "order_pending": ("Paiement en attente de confirmation par le prestataire. Cette page se met à jour seule.",
                      "Waiting for the provider to confirm the payment. This page updates itself."),
    "order_paid": ("Paiement confirmé. Vos bons vous ont été envoyés par e-mail à {email} ; les voici aussi.",
                   "Payment confirmed. Your vouchers were sent by e-mail to {email}; here they are too."),
    "order_expired": ("Le paiement n'a pas abouti : aucun bon n'a été émis.",
                      "The payment did not go through: no voucher was issued."),
    "order_refunded": ("Commande remboursée : ses bons sont bloqués.", "Order refunded: its vouchers are blocked."),
    "order_pdf": ("Télécharger les bons (PDF)", "Download the vouchers (PDF)"),
    "order_keep": ("Gardez ce lien : il rouvre vos bons. Ne le partagez pas.",
                   "Keep this link: it reopens your vouchers. Do not share it."),
    "voucher_n": ("Bon n° {serial}", "Voucher no. {serial}"),
    "open_voucher": ("Voir ce bon", "Open this voucher"),
    "paid_total": ("{n} bon(s) de {face}, payé {amount}", "{n} voucher(s) of {face}, {amount} paid"),
    "not_found_title": ("Commande introuvable", "Order not found"),
    "not_found_text": ("Ce lien ne correspond à aucune commande.", "This link matches no order."),
    "refund_used": ("Remboursement refusé : au moins un bon de cette commande a déjà été utilisé.",
                    "Refund refused: at least one voucher of this order has already been used."),
    "refund_done": ("Commande remboursée : ses bons sont bloqués.", "Order refunded: its vouchers are blocked."),
    "refund_not_paid": ("Cette commande n'a pas été payée : rien à rembourser.",
                        "This order was not paid: nothing to refund."),
    "refund_already": ("Cette commande est déjà remboursée.", "This order is already refunded."),
}


def t(lang: Lang, key: str, **facts: object) -> str:
    fr, en = WORDS[key]
    text = en if lang is Lang.EN else fr
    return text.format(**facts) if facts else text
