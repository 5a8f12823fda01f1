"""Fill fr.ts from this glossary after `pyside6-lupdate` (keeps existing translations; leaves unknown strings
unfinished so tests/ui/test_i18n.py fails until they are translated here or in Qt Linguist).

    .venv/bin/pyside6-lupdate -extensions py -locations none -no-obsolete pos_app/ui -ts resources/translations/fr.ts
    .venv/bin/python resources/translations/fill_fr.py
"""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

FR = {
    "No camera": "Pas de caméra",
    "Today: %1 voucher(s), %2": "Aujourd'hui : %1 bon(s), %2",
    "Camera unavailable — type the number or use the USB scanner":
        "Caméra indisponible — tapez le numéro ou utilisez la douchette USB",
    "Camera: end of video": "Caméra : fin de la vidéo",
    "Voucher &number:": "&Numéro du bon :",
    "Type the 12 digits, then Enter": "Tapez les 12 chiffres, puis Entrée",
    "Redeem (Enter)": "Encaisser (Entrée)",
    "Undo last (Ctrl+Z)": "Annuler le dernier (Ctrl+Z)",
    "Till set-up": "Installation de la caisse",
    "Central server": "Serveur central",
    "Server address": "Adresse du serveur",
    "Terminal token": "Jeton du terminal",
    "This till": "Cette caisse",
    "Cashier and tobacconist": "Caisse et buraliste",
    "Cashier (redeem vouchers)": "Caisse (encaisser des bons)",
    "Tobacconist (sell cards)": "Buraliste (vendre des cartes)",
    "Role": "Rôle",
    "Language": "Langue",
    "Owner PIN (4+ digits)": "Code du gérant (4 chiffres ou plus)",
    "Camera and scanner test": "Essai de la caméra et de la douchette",
    "Test camera": "Essayer la caméra",
    "Click here and scan a voucher with the USB scanner": "Cliquez ici et scannez un bon avec la douchette USB",
    "Camera (index or URL)": "Caméra (numéro ou URL)",
    "The PIN must have at least 4 digits.": "Le code doit avoir au moins 4 chiffres.",
    "Camera read: %1": "Caméra a lu : %1",
    "Scanner read: %1": "Douchette a lu : %1",
    "Voucher till": "Caisse bons d'achat",
    "Till (F1)": "Caisse (F1)",
    "Sale (F2)": "Vente (F2)",
    "Management (F3)": "Gestion (F3)",
    "Wrong PIN.": "Code incorrect.",
    "Kept: %1 · owed by the operator: %2 · sales collected: %3":
        "Encaissé : %1 · dû par l'opérateur : %2 · ventes perçues : %3",
    "Redemption": "Encaissement",
    "Sale": "Vente",
    "accepted": "accepté",
    "waiting to sync": "en attente d'envoi",
    "voided": "annulé",
    "conflict": "conflit",
    "refused": "refusé",
    "Day closed. The closing is signed and chained in the ledger.":
        "Journée clôturée. La clôture est signée et chaînée dans le journal.",
    "Export": "Exporter",
    "Exporting…": "Export en cours…",
    "Saved: %1": "Enregistré : %1",
    "Asking the central server…": "Interrogation du serveur central…",
    "Reconciliation impossible: %1": "Rapprochement impossible : %1",
    "recorded here but unknown to the server (not synced yet?)":
        "enregistré ici mais inconnu du serveur (pas encore envoyé ?)",
    "known to the server but missing here": "connu du serveur mais absent ici",
    "accepted offline but refused by the server: not reimbursed":
        "accepté hors ligne mais refusé par le serveur : non remboursé",
    "Matched: %1, only here: %2, only on the server: %3, conflicts: %4":
        "Concordants : %1, seulement ici : %2, seulement sur le serveur : %3, conflits : %4",
    "No discrepancy.": "Aucun écart.",
    "Settings saved.": "Réglages enregistrés.",
    "Owner &PIN:": "&Code du gérant :",
    "Unlock": "Déverrouiller",
    "Ledger": "Journal",
    "Closing && reports": "Clôture && rapports",
    "Reconciliation": "Rapprochement",
    "Settings": "Réglages",
    "All": "Tout",
    "Redemptions": "Encaissements",
    "Sales": "Ventes",
    "Accepted": "Acceptés",
    "Waiting to sync": "En attente d'envoi",
    "Voided": "Annulés",
    "Conflicts": "Conflits",
    "Refused": "Refusés",
    "Time": "Heure",
    "Type": "Type",
    "Voucher": "Bon",
    "Campaign": "Campagne",
    "Amount": "Montant",
    "Status": "État",
    "Close the day…": "Clôturer la journée…",
    "Confirm: close the day (irreversible)": "Confirmer : clôturer la journée (irréversible)",
    "Print…": "Imprimer…",
    "Export PDF…": "Exporter en PDF…",
    "Export CSV…": "Exporter en CSV…",
    "Reconcile with the central server": "Rapprocher avec le serveur central",
    "Accept offline": "Accepter hors ligne",
    "Offline cap per day (0 = operator's)": "Plafond hors ligne par jour (0 = celui de l'opérateur)",
    "Undo window": "Délai d'annulation",
    "Redeem automatically on scan": "Encaisser automatiquement au scan",
    "Scanner max key gap": "Écart maximal entre touches de la douchette",
    "New PIN": "Nouveau code",
    "Save settings": "Enregistrer les réglages",
    "Selling…": "Vente en cours…",
    "✓ Collect %1 — face value %2": "✓ Encaissez %1 — valeur faciale %2",
    "✗ Not sold: %1": "✗ Non vendue : %1",
    "! Problem — try again: %1": "! Problème — réessayez : %1",
    "✓ Paid. Receipt below.": "✓ Payé. Reçu ci-dessous.",
    "Shop": "Commerce",
    "Date": "Date",
    "Face value": "Valeur faciale",
    "Price paid": "Prix payé",
    "Reference": "Référence",
    "Today: %1 card(s) sold, %2 collected, %3 owed to the operator":
        "Aujourd'hui : %1 carte(s) vendue(s), %2 perçus, %3 dus à l'opérateur",
    "&Card:": "&Carte :",
    "Scan the card or type its number": "Scannez la carte ou tapez son numéro",
    "Sell": "Vendre",
    "Cash received": "Espèces reçues",
    "Cancel sale": "Annuler la vente",
    "Print receipt": "Imprimer le reçu",
    "Receipt — voucher sale": "Reçu — vente de bon",
    "Mode: …": "Mode : …",
    "● Online": "● En ligne",
    "● OFFLINE": "● HORS LIGNE",
    "Cache: none": "Cache : aucun",
    "Cache: %1 min old": "Cache : %1 min",
    "To send: %1": "À envoyer : %1",
    "never": "jamais",
    "Last sync: %1": "Dernière synchro : %1",
    "✓ REDEEMED": "✓ ENCAISSÉ",
    "✓ VALID — press Enter to redeem": "✓ VALIDE — Entrée pour encaisser",
    "✗ ALREADY REDEEMED": "✗ DÉJÀ UTILISÉ",
    "✗ EXPIRED": "✗ EXPIRÉ",
    "! NOT VALID YET": "! PAS ENCORE VALABLE",
    "✗ NOT ACTIVATED (not sold)": "✗ NON ACTIVÉ (pas vendu)",
    "✗ UNKNOWN VOUCHER": "✗ BON INCONNU",
    "✗ FORGED CODE": "✗ CODE FALSIFIÉ",
    "✗ NOT ACCEPTED IN THIS SHOP": "✗ NON ACCEPTÉ DANS CE COMMERCE",
    "✗ BLOCKED VOUCHER": "✗ BON BLOQUÉ",
    "! UNREADABLE — scan or type again": "! ILLISIBLE — rescannez ou retapez",
    "! OFFLINE — cannot accept now": "! HORS LIGNE — impossible d'accepter",
    "Ready: show a voucher to the camera or scan it": "Prêt : présentez un bon à la caméra ou scannez-le",
    "Checking…": "Vérification…",
    "! Problem — try again": "! Problème — réessayez",
    "OFFLINE": "HORS LIGNE",
    "ONLINE": "EN LIGNE",
}


def main() -> int:
    ts = Path(__file__).with_name("fr.ts")
    tree = ET.parse(ts)
    tree.getroot().set("language", "fr_FR")  # lupdate refuses to update a .ts without a target language
    tree.getroot().set("sourcelanguage", "en")
    missing = []
    for message in tree.iter("message"):
        source = message.findtext("source") or ""
        tr = message.find("translation")
        if tr is None:
            tr = ET.SubElement(message, "translation")
        if source in FR:
            tr.text = FR[source]
            tr.attrib.pop("type", None)
        elif not (tr.text or "").strip():
            missing.append(source)
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    text = ts.read_text(encoding="utf-8")
    if "<!DOCTYPE TS>" not in text:
        text = text.replace("?>\n", "?>\n<!DOCTYPE TS>\n", 1)
        ts.write_text(text, encoding="utf-8")
    for s in missing:
        print("untranslated:", s)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
