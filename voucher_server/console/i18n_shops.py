"""The console's words for a shop's public details, shown to holders (merged into ``i18n.TEXTS``)."""

from __future__ import annotations

SHOP_TEXTS: dict[str, tuple[str, str]] = {
    "shop_public": ("Fiche publique (porteurs de bons)", "Public details (voucher holders)"),
    "shop_public_title": ("Fiche publique de {name}", "Public details of {name}"),
    "shop_public_intro": ("Ce que les porteurs de bons voient de ce commerce dans la liste « Où dépenser les bons » "
                          "de chacune de ses opérations. L'adresse et la ville viennent de la fiche du commerce.",
                          "What voucher holders see of this shop on the \"Where to spend the vouchers\" list of "
                          "each of its schemes. The address and town come from the shop's record."),
    "shop_category": ("Type de commerce", "Kind of shop"),
    "shop_category_hint": ("Ex. : Boulangerie, Librairie, Restaurant (60 caractères au plus)",
                           "E.g. Bakery, Bookshop, Restaurant (60 characters at most)"),
    "shop_hours": ("Horaires d'ouverture", "Opening hours"),
    "shop_hours_hint": ("Une ligne par période, comme le commerce les donne : « Mar–Sam 7 h – 19 h ». "
                        "Vide : non communiqués.", "One line per span, as the shop gives them: \"Tue–Sat 7am – "
                        "7pm\". Empty: not given."),
    "shop_listed": ("Affiché dans la liste des porteurs", "Shown on the holders' list"),
    "shop_public_saved": ("Fiche publique enregistrée.", "Public details saved."),
    "shop_public_address": ("Adresse affichée", "Address shown"),
    "shop_public_pages": ("Listes publiques", "Public lists"),
    "err_too_long": ("Trop long.", "Too long."),
    "a_shop_public_edit": ("Fiche publique d'un commerce", "Shop's public details"),
}
