"""The console's words for the online sale and the payment provider's settlement (merged into ``i18n.TEXTS``)."""

from __future__ import annotations

ONLINE_TEXTS: dict[str, tuple[str, str]] = {
    "a_online_limits": ("limites de vente en ligne", "online sale limits"),
    "a_provider_payout": ("versement du prestataire enregistré", "provider payout recorded"),
    "a_online_refund": ("achat en ligne remboursé", "online purchase refunded"),
    "nav_online": ("Vente en ligne", "Online sales"),
    "online_title": ("Vente en ligne et prestataire de paiement", "Online sales and the payment provider"),
    "online_intro": ("Le prestataire de paiement est un vendeur comme un buraliste : ses ventes entrent dans les "
                     "relevés, les versements et l'encours. Il verse l'encaissé moins ses frais ; « à venir » est "
                     "l'encaissé qu'aucun versement n'a encore couvert.",
                     "The payment provider is a seller like a tobacconist: its sales enter the statements, "
                     "remittances and liability. It pays out what it collected less its fees; \"to come\" is what "
                     "it collected that no payout covered yet."),
    "online_test": ("TEST : prestataire de test, aucun argent réel.", "TEST: test provider, no real money."),
    "provider": ("Prestataire", "Provider"),
    "collected": ("Encaissé (net des remboursements)", "Collected (net of refunds)"),
    "paid_out_gross": ("Couvert par les versements", "Covered by payouts"),
    "fees": ("Frais", "Fees"),
    "paid_out_net": ("Versé sur le compte", "Paid to the bank"),
    "to_come": ("À venir", "To come"),
    "by_payouts": ("Réglé par les versements du prestataire", "Settled by the provider's payouts"),
    "orders_paid": ("Commandes payées", "Orders paid"),
    "orders_refunded": ("Remboursées", "Refunded"),
    "payouts": ("Versements du prestataire", "Provider's payouts"),
    "payout_ref": ("Référence du versement", "Payout reference"),
    "payout_day": ("Arrivé le", "Arrived on"),
    "gross_cents": ("Brut (centimes)", "Gross (cents)"),
    "fee_cents": ("Frais (centimes)", "Fees (cents)"),
    "record_payout": ("Enregistrer un versement", "Record a payout"),
    "payout_saved": ("Versement enregistré.", "Payout saved."),
    "limits_title": ("Limites de la vente en ligne", "Online sale limits"),
    "per_buyer": ("Bons par acheteur (campagne)", "Vouchers per buyer (campaign)"),
    "per_day": ("Bons par acheteur et par jour", "Vouchers per buyer per day"),
    "no_limit": ("sans limite", "no limit"),
    "save_limits": ("Enregistrer les limites", "Save the limits"),
    "limits_saved": ("Limites enregistrées.", "Limits saved."),
    "err_limit": ("Un nombre entier d'au moins 1, ou vide pour aucune limite.",
                  "A whole number of at least 1, or empty for no limit."),
    "online_orders": ("Commandes en ligne", "Online orders"),
    "buyer": ("Acheteur", "Buyer"),
    "order_vouchers": ("Bons", "Vouchers"),
    "order_amount": ("Montant payé", "Amount paid"),
    "order_state_pending": ("en attente", "pending"),
    "order_state_paid": ("payée", "paid"),
    "order_state_expired": ("non aboutie", "not completed"),
    "order_state_refunded": ("remboursée", "refunded"),
    "refund": ("Rembourser", "Refund"),
    "refund_done": ("Commande remboursée : ses bons sont bloqués.", "Order refunded: its vouchers are blocked."),
    "refund_already_used": ("Remboursement refusé : au moins un bon de cette commande a déjà été utilisé.",
                            "Refund refused: at least one voucher of this order has already been used."),
    "refund_already_refunded": ("Cette commande est déjà remboursée.", "This order is already refunded."),
    "refund_not_paid": ("Cette commande n'a pas été payée : rien à rembourser.",
                        "This order was not paid: nothing to refund."),
    "refund_no_order": ("Commande introuvable.", "No such order."),
    "refund_provider_down": ("Bons bloqués, mais le prestataire n'a pas confirmé le remboursement : faites-le "
                             "depuis son tableau de bord.", "Vouchers blocked, but the provider did not confirm the "
                             "refund: do it from its dashboard."),
    "no_provider": ("Aucun prestataire de paiement configuré.", "No payment provider configured."),
}
