"""Fill fr.ts from this glossary after `pyside6-lupdate` (keeps existing translations; leaves unknown strings
unfinished so tests/ui/test_i18n.py fails until they are translated here or in Qt Linguist).

    .venv/bin/pyside6-lupdate -extensions py -locations none -no-obsolete pos_app/ui pos_app/demo \
        -ts resources/translations/fr.ts
    .venv/bin/python resources/translations/fill_fr.py
"""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

FR = {
    "disk full: nothing was saved. Free some space, then try again":
        "disque plein : rien n'a été enregistré. Libérez de la place puis réessayez",
    "the till's file is read-only: nothing was saved":
        "le fichier de la caisse est en lecture seule : rien n'a été enregistré",
    "the till's file is busy: try again in a moment": "le fichier de la caisse est occupé : réessayez dans un instant",
    "the till's file is damaged: call for support": "le fichier de la caisse est endommagé : contactez l'assistance",
    "this till's file comes from a newer version of the application":
        "ce fichier de caisse vient d'une version plus récente de l'application",
    "local storage error: nothing was saved ({detail})":
        "erreur de stockage local : rien n'a été enregistré ({detail})",
    "No camera": "Pas de caméra",
    "Today: %1 voucher(s), %2": "Aujourd'hui : %1 bon(s), %2",
    "Camera unavailable — type the number or use the USB scanner":
        "Caméra indisponible — tapez le numéro ou utilisez la douchette USB",
    "Camera: end of video": "Caméra : fin de la vidéo",
    "This installation cannot open network cameras (no video codecs in it): use a USB camera, type the number or "
    "use the USB scanner": "Cette installation ne peut pas ouvrir de caméra réseau (elle n'a pas les codecs "
    "vidéo) : branchez une caméra USB, tapez le numéro ou utilisez la douchette",
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


FR_MORE = {
    # Caisse
    "Valid number: press Enter": "Numéro valide : appuyez sur Entrée",
    "%1 digits missing": "Il manque %1 chiffres",
    "1 digit missing": "Il manque 1 chiffre",
    "%1 digits missing (%2 on an old 12-digit voucher)":
        "Il manque %1 chiffres (%2 sur un ancien bon à 12 chiffres)",
    "Type the voucher's number, then Enter": "Tapez le numéro du bon, puis Entrée",
    "Day of %1: %2 voucher(s), %3": "Journée du %1 : %2 bon(s), %3",
    "Resume the camera (F4)": "Reprendre la caméra (F4)",
    "Pause the camera (F4)": "Mettre la caméra en pause (F4)",
    "Camera paused — F4 to resume": "Caméra en pause — F4 pour reprendre",
    # Gestion
    "(offline)": "(hors ligne)",
    "&Day:": "&Journée :",
    "Saving…": "Enregistrement…",
    "Choose the owner's PIN. It protects Gestion (closings, reports, settings). Forgotten? On this computer run "
    "“pos-app reset-pin”.": "Choisissez le code du gérant. Il protège la Gestion (clôtures, rapports, réglages). "
    "Oublié ? Sur cet ordinateur, lancez « pos-app reset-pin ».",
    "New PIN (4 to 8 digits):": "Nouveau code (4 à 8 chiffres) :",
    "Same PIN again:": "Le même code à nouveau :",
    "Save the PIN": "Enregistrer le code",
    "The PIN must have 4 to 8 digits.": "Le code doit avoir de 4 à 8 chiffres.",
    "Too easy to guess: avoid 0000, 1234, one repeated digit or a run of digits.":
        "Trop facile à deviner : évitez 0000, 1234, un même chiffre répété ou une suite de chiffres.",
    "The two PINs differ.": "Les deux codes sont différents.",
    "Confirm: close %1 (irreversible)": "Confirmer : clôturer la journée du %1 (irréversible)",
    "%1 is closed. The closing is signed and chained in the ledger.":
        "Journée du %1 clôturée. La clôture est signée et chaînée dans le journal.",
    "Camera (index or URL, empty: none)": "Caméra (numéro ou URL, vide : aucune)",
    "New PIN (4 to 8 digits)": "Nouveau code (4 à 8 chiffres)",
    "report": "rapport",
    # Vente
    "card %1: %2": "carte %1 : %2",
    "✓ Card %1: collect %2 — face value %3": "✓ Carte %1 : encaissez %2 — valeur %3",
    "✓ Card %1 sold. Receipt below.": "✓ Carte %1 vendue. Reçu ci-dessous.",
    "Valid": "Validité",
    "from %1 to %2": "du %1 au %2",
    "Sale of card %1 cancelled: give back %2.": "Vente de la carte %1 annulée : rendez %2.",
    "Not cancelled: %1": "Non annulée : %1",
    "Day of %1: %2 card(s) sold, %3 collected, %4 owed to the operator":
        "Journée du %1 : %2 carte(s) vendue(s), %3 encaissés, %4 dus à l'opérateur",
    "Check": "Vérifier",
    "Cash received (Enter)": "Espèces reçues (Entrée)",
    "Cancel sale (Ctrl+Z)": "Annuler la vente (Ctrl+Z)",
    "Ready for the next card.": "Prêt pour la carte suivante.",
    # status bar
    "⚠ Token refused by the central server: no offline acceptance (check the till's configuration)":
        "⚠ Jeton refusé par le serveur central : pas d'acceptation hors ligne (vérifiez la configuration)",
    # words.py: codes from the services, the API and the books
    "accepted": "accepté",
    "already redeemed": "déjà utilisé",
    "expired": "expiré",
    "not valid yet": "pas encore valable",
    "not activated: this voucher was never sold": "non activé : ce bon n'a jamais été vendu",
    "unknown voucher": "bon inconnu",
    "forged: the signature is wrong": "faux bon : signature invalide",
    "not accepted in this shop": "non accepté dans ce commerce",
    "blocked by the operator": "bloqué par l'opérateur",
    "unreadable code: scan or type it again": "code illisible : rescannez ou retapez-le",
    "offline: cannot accept it now": "hors ligne : impossible de l'accepter maintenant",
    "already sold": "déjà vendu",
    "already cancelled": "déjà annulé",
    "the voucher was already spent: the sale cannot be cancelled": "le bon a déjà été utilisé : vente non annulable",
    "wrong sale price": "prix de vente incorrect",
    "refused by the central server": "refusé par le serveur central",
    "not found on the central server": "introuvable sur le serveur central",
    "access token missing or refused by the central server": "jeton d'accès absent ou refusé par le serveur central",
    "this till is not allowed to do that": "cette caisse n'a pas le droit de faire cela",
    "too many requests: try again in a moment": "trop de demandes : réessayez dans un instant",
    "this operation was already sent with other details": "cette opération a déjà été envoyée avec d'autres données",
    "the central server did not understand the request": "le serveur central n'a pas compris la demande",
    "request too large": "demande trop volumineuse",
    "internal error of the central server": "erreur interne du serveur central",
    "this till's journal went back since the last sync":
        "le journal de cette caisse a reculé depuis la dernière synchronisation",
    "refused: the till's clock is ahead": "refusé : l'heure de la caisse est en avance",
    "refused: offline operation too old": "refusé : opération hors ligne trop ancienne",
    "refused: voucher used before it was sold": "refusé : bon utilisé avant d'avoir été vendu",
    "refused: daily offline limit exceeded": "refusé : plafond hors ligne du jour dépassé",
    "the central server does not answer in time": "le serveur central ne répond pas à temps",
    "the central server cannot be reached": "le serveur central est injoignable",
    "network error": "erreur réseau",
    "secure connection refused: the server's certificate is not valid":
        "connexion sécurisée refusée : le certificat du serveur n'est pas valide",
    "unreadable answer from the central server": "réponse illisible du serveur central",
    "the central server refused this till's access token: no offline acceptance until it accepts it again":
        "le serveur central a refusé le jeton de cette caisse : pas d'acceptation hors ligne tant qu'il ne "
        "l'accepte pas à nouveau",
    "offline acceptance is not allowed": "l'acceptation hors ligne n'est pas autorisée",
    "the offline list was never downloaded": "la liste hors ligne n'a jamais été téléchargée",
    "the offline list is older than {max_hours} h": "la liste hors ligne a plus de {max_hours} h",
    "today's offline limit is reached ({cap_cents})": "plafond hors ligne du jour atteint ({cap_cents})",
    "type the voucher's number": "tapez le numéro du bon",
    "the number has digits only": "le numéro ne contient que des chiffres",
    "the number is too short": "le numéro est trop court",
    "the number is too long": "le numéro est trop long",
    "wrong number: a digit is wrong or two are swapped": "numéro incorrect : un chiffre est faux ou deux sont inversés",
    "One voucher at a time": "Un seul bon à la fois",
    "this till is not allowed to sell vouchers": "cette caisse n'est pas habilitée à vendre des bons",
    "card unknown to this till: synchronise (F5) and try again":
        "carte inconnue de cette caisse : synchronisez (F5) puis réessayez",
    "its campaign is over: it cannot be sold": "sa campagne est terminée : invendable",
    "already sold, or unknown to the offline list": "déjà vendue, ou inconnue de la liste hors ligne",
    "forged card: the signature is wrong": "fausse carte : signature invalide",
    "sold here offline: active for the shops after the next sync":
        "vendue ici hors ligne : active pour les commerces après la prochaine synchronisation",
    "no sale to cancel": "aucune vente à annuler",
    "cancelled here, sent to the central server at the next sync":
        "annulée ici, transmise au serveur central à la prochaine synchronisation",
    "Cancelled.": "Annulé.",
    "Redemption cancelled (it will be sent to the central server).":
        "Encaissement annulé (sera transmis au serveur central).",
    "No redemption to cancel.": "Aucun encaissement à annuler.",
    "Too late to cancel (the limit is {window_min} min).": "Trop tard pour annuler (limite : {window_min} min).",
    "The central server has no trace of this redemption: it cannot be cancelled.":
        "Le serveur central n'a pas trace de cet encaissement : annulation impossible.",
    "Cancellation refused by the central server.": "Annulation refusée par le serveur central.",
    "the till is not configured: run “pos-app configure --server URL”":
        "la caisse n'est pas configurée : lancez « pos-app configure --server URL »",
    "the till has no access token: configure it again": "la caisse n'a pas de jeton d'accès : reconfigurez-la",
    "the access token is empty": "le jeton d'accès est vide",
    "the server address must start with https://": "l'adresse du serveur doit commencer par https://",
    "invalid server address: it must start with https://":
        "adresse du serveur invalide : elle doit commencer par https://",
    "address refused: the central server must be reached with https:// (http:// only on this machine, 127.0.0.1 "
    "or localhost)": "Adresse refusée : le serveur central doit être joint en https:// (http:// seulement sur "
    "cette machine, 127.0.0.1 ou localhost)",
    "the central server refused this access token": "le serveur central a refusé ce jeton d'accès",
    "the central server cannot be reached or is failing": "le serveur central est injoignable ou en erreur",
    "the period {period} is already closed": "la période {period} est déjà clôturée",
    "the day {period} has not started yet": "la journée du {period} n'a pas encore commencé",
    "a later day ({day}) is already closed": "une journée plus récente ({day}) est déjà clôturée",
    "close the earlier days first: {days}": "clôturez d'abord les journées précédentes : {days}",
    "the period {period} is not over yet (last day: {last_day})":
        "la période {period} n'est pas terminée (dernier jour : {last_day})",
    "days of this period not closed yet: {days}": "journées de cette période non clôturées : {days}",
    "an operation must reach the central server before its cancellation":
        "une opération doit parvenir au serveur central avant son annulation",
    "no secure keyring is available on this computer: the access token cannot be stored (enable the system "
    "keyring, or set POS_APP_TOKEN)": "aucun trousseau sécurisé (keyring) n'est disponible sur ce poste : le jeton "
    "d'accès ne peut pas être enregistré (activez le trousseau du système, ou définissez POS_APP_TOKEN)",
    "the system keyring cannot be read ({kind})": "le trousseau du système est illisible ({kind})",
    "the access token cannot be stored in the system keyring ({kind})":
        "impossible d'enregistrer le jeton d'accès dans le trousseau du système ({kind})",
    "POS_APP_TOKEN is set: the token comes from the environment, nothing is stored":
        "POS_APP_TOKEN est défini : le jeton vient de l'environnement, rien n'est enregistré",
    "the end date is before the start date": "la date de fin précède la date de début",
    "not sent yet": "pas encore transmis",
    "sent, but the server has no trace of it": "transmis, mais le serveur n'en a pas trace",
    "the amounts differ": "les montants diffèrent",
    "cancelled on one side only": "annulé d'un seul côté",
    "confirmed by the server": "confirmé par le serveur",
    "unexpected answer (code “{code}”): tell the operator if it lasts":
        "réponse inattendue (code « {code} ») : prévenez l'opérateur si cela dure",
    "unexpected error ({kind})": "erreur inattendue ({kind})",
    "on {when}": "le {when}",
    "last valid day: {day}": "dernier jour de validité : {day}",
    "valid from {day}": "valable à partir du {day}",
    "(checked online)": "(vérifié en ligne)",
    "top-up over (last day {day}): worth the price paid":
        "abondement terminé (dernier jour : {day}) : vaut le prix payé",
    "(checked offline)": "(vérifié hors ligne)",
}
FR_MORE.update({
    # Qt's own dialogs: labels missing from qtbase_fr.qm (pos_app/ui/dialogs.py)
    "&Look in:": "&Voir dans :",
    "Files of &type:": "&Type de fichier :",
    "Page &Set:": "&Jeu de pages :",
    "Export": "Exporter",
    "Owner PIN (4 to 8 digits)": "Code du gérant (4 à 8 chiffres)",
    "Asking the central server…": "Interrogation du serveur central…",
    # the demo's toolbar (pos_app/demo/window.py)
    "simulated (video of demo vouchers)": "simulée (vidéo de bons de démo)",
    "webcam": "webcam",
    "none": "aucune",
    "DEMO MODE — local central server %1, camera: %2. Nothing is real. Owner PIN: %3.":
        "MODE DÉMO — serveur central local %1, caméra : %2. Rien n'est réel. Code gérant : %3.",
    "Role:": "Rôle :",
    "Cashier": "Caissier·ère",
    "Tobacconist (sales)": "Buraliste (vente)",
    "Owner": "Gérant·e",
    "Print demo vouchers (PDF)…": "Imprimer des bons de démo (PDF)…",
    "demo-vouchers.pdf": "bons-demo.pdf",
    "Cannot print: %1": "Impression impossible : %1",
    "Voucher sheet saved: %1": "Planche de bons enregistrée : %1",
})
FR.update(FR_MORE)


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
