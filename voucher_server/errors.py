"""Errors answered as ``{"error": {"code", "message", ...}}`` with stable codes. No HTTP framework here: the
services and the command line raise them too (the app's handlers: ``http_errors.py``)."""

from __future__ import annotations

from typing import Any

MESSAGES = {
    "malformed": "Ce code n'est pas un bon d'achat.",
    "invalid_json": "Le corps de la requête n'est pas du JSON valide.",
    "unauthorized": "Jeton d'accès absent ou invalide.",
    "forbidden": "Ce terminal n'a pas le droit de faire cela.",
    "unknown": "Bon inconnu.",
    "not_found": "Introuvable.",
    "already_redeemed": "Bon déjà utilisé.",
    "expired": "Bon expiré.",
    "not_yet_valid": "Bon pas encore valable.",
    "not_activated": "Bon non vendu : pas encore activé.",
    "not_accepted_here": "Bon non accepté dans ce commerce.",
    "blocked": "Bon bloqué par l'opérateur.",
    "forged": "Faux bon : signature invalide.",
    "already_sold": "Bon déjà vendu.",
    "void_window_passed": "Délai d'annulation dépassé.",
    "already_voided": "Déjà annulé.",
    "voucher_spent": "Le bon a déjà été utilisé : vente non annulable.",
    "ledger_head_regressed": "Le journal de la caisse a reculé depuis la dernière synchronisation.",
    "ledger_chain_broken": "Le journal de la caisse ne prolonge pas celui déjà reçu : entrée modifiée ou supprimée.",
    "ledger_entry_unknown": "Le journal de la caisse contient un encaissement confirmé que le serveur ne connaît pas.",
    "ledger_broken_on_till": "La caisse a trouvé son propre journal altéré.",
    "ledger_links_missing": "Les maillons du journal depuis le dernier accusé de réception manquent.",
    "payload_too_large": "Requête trop volumineuse.",
    "invalid_request": "Requête invalide.",
    "idempotency_key_reused": "Clé d'idempotence déjà utilisée pour une autre opération.",
    "wrong_price": "Prix de vente incorrect.",
    "rate_limited": "Trop de requêtes : réessayez dans un instant.",
    "internal": "Erreur interne du serveur.",
    "method_not_allowed": "Méthode non autorisée.",
    "headers_too_large": "En-têtes de la requête trop volumineux.",
    "offline_not_allowed": "Opération hors ligne refusée : non autorisée pour ce terminal.",
    "claim_in_future": "Opération hors ligne refusée : datée dans le futur (horloge de la caisse en avance).",
    "claim_too_old": "Opération hors ligne refusée : trop ancienne pour la politique hors ligne du terminal.",
    "claim_before_sale": "Opération hors ligne refusée : datée d'avant la vente du bon.",
    "offline_limit_reached": "Opération hors ligne refusée : plafond hors ligne du jour dépassé.",
}


class ApiError(Exception):
    """An error answered as {"error": {"code", "message", ...extra}}."""

    def __init__(self, status: int, code: str, message: str | None = None, **extra: Any) -> None:
        super().__init__(code)
        self.status, self.code, self.message, self.extra = status, code, message or MESSAGES.get(code, code), extra

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, **self.extra}}
