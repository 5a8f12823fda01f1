<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR" sourcelanguage="en">
<context>
    <name>CameraView</name>
    <message>
        <source>No camera</source>
        <translation>Pas de caméra</translation>
    </message>
</context>
<context>
    <name>CashierScreen</name>
    <message>
        <source>Today: %1 voucher(s), %2</source>
        <translation>Aujourd'hui : %1 bon(s), %2</translation>
    </message>
    <message>
        <source>Camera unavailable — type the number or use the USB scanner</source>
        <translation>Caméra indisponible — tapez le numéro ou utilisez la douchette USB</translation>
    </message>
    <message>
        <source>Camera: end of video</source>
        <translation>Caméra : fin de la vidéo</translation>
    </message>
    <message>
        <source>Voucher &amp;number:</source>
        <translation>&amp;Numéro du bon :</translation>
    </message>
    <message>
        <source>Type the 12 digits, then Enter</source>
        <translation>Tapez les 12 chiffres, puis Entrée</translation>
    </message>
    <message>
        <source>Redeem (Enter)</source>
        <translation>Encaisser (Entrée)</translation>
    </message>
    <message>
        <source>Undo last (Ctrl+Z)</source>
        <translation>Annuler le dernier (Ctrl+Z)</translation>
    </message>
    <message>
        <source>No camera</source>
        <translation>Pas de caméra</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <source>Till set-up</source>
        <translation>Installation de la caisse</translation>
    </message>
    <message>
        <source>Central server</source>
        <translation>Serveur central</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Adresse du serveur</translation>
    </message>
    <message>
        <source>Terminal token</source>
        <translation>Jeton du terminal</translation>
    </message>
    <message>
        <source>This till</source>
        <translation>Cette caisse</translation>
    </message>
    <message>
        <source>Cashier and tobacconist</source>
        <translation>Caisse et buraliste</translation>
    </message>
    <message>
        <source>Cashier (redeem vouchers)</source>
        <translation>Caisse (encaisser des bons)</translation>
    </message>
    <message>
        <source>Tobacconist (sell cards)</source>
        <translation>Buraliste (vendre des cartes)</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <source>Owner PIN (4+ digits)</source>
        <translation>Code du gérant (4 chiffres ou plus)</translation>
    </message>
    <message>
        <source>Camera and scanner test</source>
        <translation>Essai de la caméra et de la douchette</translation>
    </message>
    <message>
        <source>Test camera</source>
        <translation>Essayer la caméra</translation>
    </message>
    <message>
        <source>Click here and scan a voucher with the USB scanner</source>
        <translation>Cliquez ici et scannez un bon avec la douchette USB</translation>
    </message>
    <message>
        <source>Camera (index or URL)</source>
        <translation>Caméra (numéro ou URL)</translation>
    </message>
    <message>
        <source>The PIN must have at least 4 digits.</source>
        <translation>Le code doit avoir au moins 4 chiffres.</translation>
    </message>
    <message>
        <source>Camera read: %1</source>
        <translation>Caméra a lu : %1</translation>
    </message>
    <message>
        <source>Scanner read: %1</source>
        <translation>Douchette a lu : %1</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Voucher till</source>
        <translation>Caisse bons d'achat</translation>
    </message>
    <message>
        <source>Till (F1)</source>
        <translation>Caisse (F1)</translation>
    </message>
    <message>
        <source>Sale (F2)</source>
        <translation>Vente (F2)</translation>
    </message>
    <message>
        <source>Management (F3)</source>
        <translation>Gestion (F3)</translation>
    </message>
</context>
<context>
    <name>OwnerScreen</name>
    <message>
        <source>Wrong PIN.</source>
        <translation>Code incorrect.</translation>
    </message>
    <message>
        <source>Kept: %1 · owed by the operator: %2 · sales collected: %3</source>
        <translation>Encaissé : %1 · dû par l'opérateur : %2 · ventes perçues : %3</translation>
    </message>
    <message>
        <source>Redemption</source>
        <translation>Encaissement</translation>
    </message>
    <message>
        <source>Sale</source>
        <translation>Vente</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>accepté</translation>
    </message>
    <message>
        <source>waiting to sync</source>
        <translation>en attente d'envoi</translation>
    </message>
    <message>
        <source>voided</source>
        <translation>annulé</translation>
    </message>
    <message>
        <source>conflict</source>
        <translation>conflit</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>refusé</translation>
    </message>
    <message>
        <source>Day closed. The closing is signed and chained in the ledger.</source>
        <translation>Journée clôturée. La clôture est signée et chaînée dans le journal.</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exporter</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Export en cours…</translation>
    </message>
    <message>
        <source>Saved: %1</source>
        <translation>Enregistré : %1</translation>
    </message>
    <message>
        <source>Asking the central server…</source>
        <translation>Interrogation du serveur central…</translation>
    </message>
    <message>
        <source>Reconciliation impossible: %1</source>
        <translation>Rapprochement impossible : %1</translation>
    </message>
    <message>
        <source>recorded here but unknown to the server (not synced yet?)</source>
        <translation>enregistré ici mais inconnu du serveur (pas encore envoyé ?)</translation>
    </message>
    <message>
        <source>known to the server but missing here</source>
        <translation>connu du serveur mais absent ici</translation>
    </message>
    <message>
        <source>accepted offline but refused by the server: not reimbursed</source>
        <translation>accepté hors ligne mais refusé par le serveur : non remboursé</translation>
    </message>
    <message>
        <source>Matched: %1, only here: %2, only on the server: %3, conflicts: %4</source>
        <translation>Concordants : %1, seulement ici : %2, seulement sur le serveur : %3, conflits : %4</translation>
    </message>
    <message>
        <source>No discrepancy.</source>
        <translation>Aucun écart.</translation>
    </message>
    <message>
        <source>The PIN must have at least 4 digits.</source>
        <translation>Le code doit avoir au moins 4 chiffres.</translation>
    </message>
    <message>
        <source>Settings saved.</source>
        <translation>Réglages enregistrés.</translation>
    </message>
    <message>
        <source>Owner &amp;PIN:</source>
        <translation>&amp;Code du gérant :</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Déverrouiller</translation>
    </message>
    <message>
        <source>Ledger</source>
        <translation>Journal</translation>
    </message>
    <message>
        <source>Closing &amp;&amp; reports</source>
        <translation>Clôture &amp;&amp; rapports</translation>
    </message>
    <message>
        <source>Reconciliation</source>
        <translation>Rapprochement</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Réglages</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Tout</translation>
    </message>
    <message>
        <source>Redemptions</source>
        <translation>Encaissements</translation>
    </message>
    <message>
        <source>Sales</source>
        <translation>Ventes</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>Acceptés</translation>
    </message>
    <message>
        <source>Waiting to sync</source>
        <translation>En attente d'envoi</translation>
    </message>
    <message>
        <source>Voided</source>
        <translation>Annulés</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>Conflits</translation>
    </message>
    <message>
        <source>Refused</source>
        <translation>Refusés</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Voucher</source>
        <translation>Bon</translation>
    </message>
    <message>
        <source>Campaign</source>
        <translation>Campagne</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Montant</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Close the day…</source>
        <translation>Clôturer la journée…</translation>
    </message>
    <message>
        <source>Confirm: close the day (irreversible)</source>
        <translation>Confirmer : clôturer la journée (irréversible)</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>Imprimer…</translation>
    </message>
    <message>
        <source>Export PDF…</source>
        <translation>Exporter en PDF…</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Exporter en CSV…</translation>
    </message>
    <message>
        <source>Reconcile with the central server</source>
        <translation>Rapprocher avec le serveur central</translation>
    </message>
    <message>
        <source>Accept offline</source>
        <translation>Accepter hors ligne</translation>
    </message>
    <message>
        <source>Offline cap per day (0 = operator's)</source>
        <translation>Plafond hors ligne par jour (0 = celui de l'opérateur)</translation>
    </message>
    <message>
        <source>Undo window</source>
        <translation>Délai d'annulation</translation>
    </message>
    <message>
        <source>Redeem automatically on scan</source>
        <translation>Encaisser automatiquement au scan</translation>
    </message>
    <message>
        <source>Camera (index or URL)</source>
        <translation>Caméra (numéro ou URL)</translation>
    </message>
    <message>
        <source>Scanner max key gap</source>
        <translation>Écart maximal entre touches de la douchette</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <source>New PIN</source>
        <translation>Nouveau code</translation>
    </message>
    <message>
        <source>Save settings</source>
        <translation>Enregistrer les réglages</translation>
    </message>
</context>
<context>
    <name>SellerScreen</name>
    <message>
        <source>Selling…</source>
        <translation>Vente en cours…</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Vérification…</translation>
    </message>
    <message>
        <source>✗ Not sold: %1 — give the money back.</source>
        <translation>✗ Non vendue : %1 — rendez l'argent.</translation>
    </message>
    <message>
        <source>Sale cancelled: nothing was recorded.</source>
        <translation>Vente annulée : rien n'a été enregistré.</translation>
    </message>
    <message>
        <source>✓ Collect %1 — face value %2</source>
        <translation>✓ Encaissez %1 — valeur faciale %2</translation>
    </message>
    <message>
        <source>✗ Not sold: %1</source>
        <translation>✗ Non vendue : %1</translation>
    </message>
    <message>
        <source>! Problem — try again: %1</source>
        <translation>! Problème — réessayez : %1</translation>
    </message>
    <message>
        <source>✓ Paid. Receipt below.</source>
        <translation>✓ Payé. Reçu ci-dessous.</translation>
    </message>
    <message>
        <source>Receipt — voucher sale</source>
        <translation>Reçu — vente de bon</translation>
    </message>
    <message>
        <source>Shop</source>
        <translation>Commerce</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Voucher</source>
        <translation>Bon</translation>
    </message>
    <message>
        <source>Face value</source>
        <translation>Valeur faciale</translation>
    </message>
    <message>
        <source>Price paid</source>
        <translation>Prix payé</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>Référence</translation>
    </message>
    <message>
        <source>Today: %1 card(s) sold, %2 collected, %3 owed to the operator</source>
        <translation>Aujourd'hui : %1 carte(s) vendue(s), %2 perçus, %3 dus à l'opérateur</translation>
    </message>
    <message>
        <source>&amp;Card:</source>
        <translation>&amp;Carte :</translation>
    </message>
    <message>
        <source>Scan the card or type its number</source>
        <translation>Scannez la carte ou tapez son numéro</translation>
    </message>
    <message>
        <source>Sell</source>
        <translation>Vendre</translation>
    </message>
    <message>
        <source>Cash received</source>
        <translation>Espèces reçues</translation>
    </message>
    <message>
        <source>Cancel sale</source>
        <translation>Annuler la vente</translation>
    </message>
    <message>
        <source>Print receipt</source>
        <translation>Imprimer le reçu</translation>
    </message>
</context>
<context>
    <name>TillStatusBar</name>
    <message>
        <source>Mode: …</source>
        <translation>Mode : …</translation>
    </message>
    <message>
        <source>● Online</source>
        <translation>● En ligne</translation>
    </message>
    <message>
        <source>● OFFLINE</source>
        <translation>● HORS LIGNE</translation>
    </message>
    <message>
        <source>Cache: none</source>
        <translation>Cache : aucun</translation>
    </message>
    <message>
        <source>Cache: %1 min old</source>
        <translation>Cache : %1 min</translation>
    </message>
    <message>
        <source>To send: %1</source>
        <translation>À envoyer : %1</translation>
    </message>
    <message>
        <source>never</source>
        <translation>jamais</translation>
    </message>
    <message>
        <source>Last sync: %1</source>
        <translation>Dernière synchro : %1</translation>
    </message>
</context>
<context>
    <name>VerdictPanel</name>
    <message>
        <source>✓ REDEEMED</source>
        <translation>✓ ENCAISSÉ</translation>
    </message>
    <message>
        <source>✓ VALID — press Enter to redeem</source>
        <translation>✓ VALIDE — Entrée pour encaisser</translation>
    </message>
    <message>
        <source>✗ ALREADY REDEEMED</source>
        <translation>✗ DÉJÀ UTILISÉ</translation>
    </message>
    <message>
        <source>✗ EXPIRED</source>
        <translation>✗ EXPIRÉ</translation>
    </message>
    <message>
        <source>! NOT VALID YET</source>
        <translation>! PAS ENCORE VALABLE</translation>
    </message>
    <message>
        <source>✗ NOT ACTIVATED (not sold)</source>
        <translation>✗ NON ACTIVÉ (pas vendu)</translation>
    </message>
    <message>
        <source>✗ UNKNOWN VOUCHER</source>
        <translation>✗ BON INCONNU</translation>
    </message>
    <message>
        <source>✗ FORGED CODE</source>
        <translation>✗ CODE FALSIFIÉ</translation>
    </message>
    <message>
        <source>✗ NOT ACCEPTED IN THIS SHOP</source>
        <translation>✗ NON ACCEPTÉ DANS CE COMMERCE</translation>
    </message>
    <message>
        <source>✗ BLOCKED VOUCHER</source>
        <translation>✗ BON BLOQUÉ</translation>
    </message>
    <message>
        <source>! UNREADABLE — scan or type again</source>
        <translation>! ILLISIBLE — rescannez ou retapez</translation>
    </message>
    <message>
        <source>! OFFLINE — cannot accept now</source>
        <translation>! HORS LIGNE — impossible d'accepter</translation>
    </message>
    <message>
        <source>Ready: show a voucher to the camera or scan it</source>
        <translation>Prêt : présentez un bon à la caméra ou scannez-le</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Vérification…</translation>
    </message>
    <message>
        <source>! Problem — try again</source>
        <translation>! Problème — réessayez</translation>
    </message>
    <message>
        <source>OFFLINE</source>
        <translation>HORS LIGNE</translation>
    </message>
    <message>
        <source>ONLINE</source>
        <translation>EN LIGNE</translation>
    </message>
</context>
</TS>