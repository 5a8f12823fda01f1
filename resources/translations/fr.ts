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
        <source>Valid number: press Enter</source>
        <translation>Numéro valide : appuyez sur Entrée</translation>
    </message>
    <message>
        <source>%1 digits missing (%2 on an old 12-digit voucher)</source>
        <translation>Il manque %1 chiffres (%2 sur un ancien bon à 12 chiffres)</translation>
    </message>
    <message>
        <source>1 digit missing</source>
        <translation>Il manque 1 chiffre</translation>
    </message>
    <message>
        <source>%1 digits missing</source>
        <translation>Il manque %1 chiffres</translation>
    </message>
    <message>
        <source>Day of %1: %2 voucher(s), %3</source>
        <translation>Journée du %1 : %2 bon(s), %3</translation>
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
        <source>This installation cannot open network cameras (no video codecs in it): use a USB camera, type the number or use the USB scanner</source>
        <translation>Cette installation ne peut pas ouvrir de caméra réseau (elle n'a pas les codecs vidéo) : branchez une caméra USB, tapez le numéro ou utilisez la douchette</translation>
    </message>
    <message>
        <source>Resume the camera (F4)</source>
        <translation>Reprendre la caméra (F4)</translation>
    </message>
    <message>
        <source>Pause the camera (F4)</source>
        <translation>Mettre la caméra en pause (F4)</translation>
    </message>
    <message>
        <source>Camera paused — F4 to resume</source>
        <translation>Caméra en pause — F4 pour reprendre</translation>
    </message>
    <message>
        <source>Voucher &amp;number:</source>
        <translation>&amp;Numéro du bon :</translation>
    </message>
    <message>
        <source>Type the voucher's number, then Enter</source>
        <translation>Tapez le numéro du bon, puis Entrée</translation>
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
    <name>DemoControls</name>
    <message>
        <source>simulated (video of demo vouchers)</source>
        <translation>simulée (vidéo de bons de démo)</translation>
    </message>
    <message>
        <source>webcam</source>
        <translation>webcam</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucune</translation>
    </message>
    <message>
        <source>DEMO MODE — local central server %1, camera: %2. Nothing is real. Owner PIN: %3.</source>
        <translation>MODE DÉMO — serveur central local %1, caméra : %2. Rien n'est réel. Code gérant : %3.</translation>
    </message>
    <message>
        <source>Role:</source>
        <translation>Rôle :</translation>
    </message>
    <message>
        <source>Cashier</source>
        <translation>Caissier·ère</translation>
    </message>
    <message>
        <source>Tobacconist (sales)</source>
        <translation>Buraliste (vente)</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Gérant·e</translation>
    </message>
    <message>
        <source>Print demo vouchers (PDF)…</source>
        <translation>Imprimer des bons de démo (PDF)…</translation>
    </message>
    <message>
        <source>demo-vouchers.pdf</source>
        <translation>bons-demo.pdf</translation>
    </message>
    <message>
        <source>Cannot print: %1</source>
        <translation>Impression impossible : %1</translation>
    </message>
    <message>
        <source>Voucher sheet saved: %1</source>
        <translation>Planche de bons enregistrée : %1</translation>
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
        <source>Owner PIN (4 to 8 digits)</source>
        <translation>Code du gérant (4 à 8 chiffres)</translation>
    </message>
    <message>
        <source>Asking the central server…</source>
        <translation>Interrogation du serveur central…</translation>
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
        <source>Camera read: %1</source>
        <translation>Caméra a lu : %1</translation>
    </message>
    <message>
        <source>Scanner read: %1</source>
        <translation>Douchette a lu : %1</translation>
    </message>
</context>
<context>
    <name>LedgerTab</name>
    <message>
        <source>Kept: %1 · owed by the operator: %2 · sales collected: %3</source>
        <translation>Encaissé : %1 · dû par l'opérateur : %2 · ventes perçues : %3</translation>
    </message>
    <message>
        <source>(offline)</source>
        <translation>(hors ligne)</translation>
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
        <source>&amp;Day:</source>
        <translation>&amp;Journée :</translation>
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
</context>
<context>
    <name>PinLockPage</name>
    <message>
        <source>Checking…</source>
        <translation>Vérification…</translation>
    </message>
    <message>
        <source>Wrong PIN.</source>
        <translation>Code incorrect.</translation>
    </message>
    <message>
        <source>Owner &amp;PIN:</source>
        <translation>&amp;Code du gérant :</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Déverrouiller</translation>
    </message>
</context>
<context>
    <name>PinSetupPage</name>
    <message>
        <source>The PIN must have 4 to 8 digits.</source>
        <translation>Le code doit avoir de 4 à 8 chiffres.</translation>
    </message>
    <message>
        <source>Too easy to guess: avoid 0000, 1234, one repeated digit or a run of digits.</source>
        <translation>Trop facile à deviner : évitez 0000, 1234, un même chiffre répété ou une suite de chiffres.</translation>
    </message>
    <message>
        <source>The two PINs differ.</source>
        <translation>Les deux codes sont différents.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Enregistrement…</translation>
    </message>
    <message>
        <source>Choose the owner's PIN. It protects Gestion (closings, reports, settings). Forgotten? On this computer run “pos-app reset-pin”.</source>
        <translation>Choisissez le code du gérant. Il protège la Gestion (clôtures, rapports, réglages). Oublié ? Sur cet ordinateur, lancez « pos-app reset-pin ».</translation>
    </message>
    <message>
        <source>New PIN (4 to 8 digits):</source>
        <translation>Nouveau code (4 à 8 chiffres) :</translation>
    </message>
    <message>
        <source>Same PIN again:</source>
        <translation>Le même code à nouveau :</translation>
    </message>
    <message>
        <source>Save the PIN</source>
        <translation>Enregistrer le code</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>&amp;Voir dans :</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>&amp;Type de fichier :</translation>
    </message>
</context>
<context>
    <name>QPrintDialog</name>
    <message>
        <source>Page &amp;Set:</source>
        <translation>&amp;Jeu de pages :</translation>
    </message>
</context>
<context>
    <name>QUnixPrintWidget</name>
    <message>
        <source>Page &amp;Set:</source>
        <translation>&amp;Jeu de pages :</translation>
    </message>
</context>
<context>
    <name>ReconTab</name>
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
        <source>Reconcile with the central server</source>
        <translation>Rapprocher avec le serveur central</translation>
    </message>
</context>
<context>
    <name>ReportsTab</name>
    <message>
        <source>Confirm: close %1 (irreversible)</source>
        <translation>Confirmer : clôturer la journée du %1 (irréversible)</translation>
    </message>
    <message>
        <source>%1 is closed. The closing is signed and chained in the ledger.</source>
        <translation>Journée du %1 clôturée. La clôture est signée et chaînée dans le journal.</translation>
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
        <source>Close the day…</source>
        <translation>Clôturer la journée…</translation>
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
        <source>card %1: %2</source>
        <translation>carte %1 : %2</translation>
    </message>
    <message>
        <source>✓ Card %1: collect %2 — face value %3</source>
        <translation>✓ Carte %1 : encaissez %2 — valeur %3</translation>
    </message>
    <message>
        <source>✓ Card %1 sold. Receipt below.</source>
        <translation>✓ Carte %1 vendue. Reçu ci-dessous.</translation>
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
        <source>✗ Not sold: %1</source>
        <translation>✗ Non vendue : %1</translation>
    </message>
    <message>
        <source>! Problem — try again: %1</source>
        <translation>! Problème — réessayez : %1</translation>
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
        <source>Campaign</source>
        <translation>Campagne</translation>
    </message>
    <message>
        <source>Valid</source>
        <translation>Validité</translation>
    </message>
    <message>
        <source>from %1 to %2</source>
        <translation>du %1 au %2</translation>
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
        <source>Sale of card %1 cancelled: give back %2.</source>
        <translation>Vente de la carte %1 annulée : rendez %2.</translation>
    </message>
    <message>
        <source>Not cancelled: %1</source>
        <translation>Non annulée : %1</translation>
    </message>
    <message>
        <source>Day of %1: %2 card(s) sold, %3 collected, %4 owed to the operator</source>
        <translation>Journée du %1 : %2 carte(s) vendue(s), %3 encaissés, %4 dus à l'opérateur</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Vérifier</translation>
    </message>
    <message>
        <source>Cash received (Enter)</source>
        <translation>Espèces reçues (Entrée)</translation>
    </message>
    <message>
        <source>Cancel sale (Ctrl+Z)</source>
        <translation>Annuler la vente (Ctrl+Z)</translation>
    </message>
    <message>
        <source>Ready for the next card.</source>
        <translation>Prêt pour la carte suivante.</translation>
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
        <source>Print receipt</source>
        <translation>Imprimer le reçu</translation>
    </message>
</context>
<context>
    <name>SettingsTab</name>
    <message>
        <source>Saving…</source>
        <translation>Enregistrement…</translation>
    </message>
    <message>
        <source>Settings saved.</source>
        <translation>Réglages enregistrés.</translation>
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
        <source>Camera (index or URL, empty: none)</source>
        <translation>Caméra (numéro ou URL, vide : aucune)</translation>
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
        <source>New PIN (4 to 8 digits)</source>
        <translation>Nouveau code (4 à 8 chiffres)</translation>
    </message>
    <message>
        <source>Save settings</source>
        <translation>Enregistrer les réglages</translation>
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
        <source>⚠ Token refused by the central server: no offline acceptance (check the till's configuration)</source>
        <translation>⚠ Jeton refusé par le serveur central : pas d'acceptation hors ligne (vérifiez la configuration)</translation>
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
<context>
    <name>Words</name>
    <message>
        <source>accepted</source>
        <translation>accepté</translation>
    </message>
    <message>
        <source>already redeemed</source>
        <translation>déjà utilisé</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>expiré</translation>
    </message>
    <message>
        <source>not valid yet</source>
        <translation>pas encore valable</translation>
    </message>
    <message>
        <source>not activated: this voucher was never sold</source>
        <translation>non activé : ce bon n'a jamais été vendu</translation>
    </message>
    <message>
        <source>unknown voucher</source>
        <translation>bon inconnu</translation>
    </message>
    <message>
        <source>forged: the signature is wrong</source>
        <translation>faux bon : signature invalide</translation>
    </message>
    <message>
        <source>not accepted in this shop</source>
        <translation>non accepté dans ce commerce</translation>
    </message>
    <message>
        <source>blocked by the operator</source>
        <translation>bloqué par l'opérateur</translation>
    </message>
    <message>
        <source>unreadable code: scan or type it again</source>
        <translation>code illisible : rescannez ou retapez-le</translation>
    </message>
    <message>
        <source>offline: cannot accept it now</source>
        <translation>hors ligne : impossible de l'accepter maintenant</translation>
    </message>
    <message>
        <source>already sold</source>
        <translation>déjà vendu</translation>
    </message>
    <message>
        <source>already cancelled</source>
        <translation>déjà annulé</translation>
    </message>
    <message>
        <source>the voucher was already spent: the sale cannot be cancelled</source>
        <translation>le bon a déjà été utilisé : vente non annulable</translation>
    </message>
    <message>
        <source>wrong sale price</source>
        <translation>prix de vente incorrect</translation>
    </message>
    <message>
        <source>refused by the central server</source>
        <translation>refusé par le serveur central</translation>
    </message>
    <message>
        <source>not found on the central server</source>
        <translation>introuvable sur le serveur central</translation>
    </message>
    <message>
        <source>access token missing or refused by the central server</source>
        <translation>jeton d'accès absent ou refusé par le serveur central</translation>
    </message>
    <message>
        <source>this till is not allowed to do that</source>
        <translation>cette caisse n'a pas le droit de faire cela</translation>
    </message>
    <message>
        <source>too many requests: try again in a moment</source>
        <translation>trop de demandes : réessayez dans un instant</translation>
    </message>
    <message>
        <source>this operation was already sent with other details</source>
        <translation>cette opération a déjà été envoyée avec d'autres données</translation>
    </message>
    <message>
        <source>the central server did not understand the request</source>
        <translation>le serveur central n'a pas compris la demande</translation>
    </message>
    <message>
        <source>request too large</source>
        <translation>demande trop volumineuse</translation>
    </message>
    <message>
        <source>internal error of the central server</source>
        <translation>erreur interne du serveur central</translation>
    </message>
    <message>
        <source>this till's journal went back since the last sync</source>
        <translation>le journal de cette caisse a reculé depuis la dernière synchronisation</translation>
    </message>
    <message>
        <source>refused: the till's clock is ahead</source>
        <translation>refusé : l'heure de la caisse est en avance</translation>
    </message>
    <message>
        <source>refused: offline operation too old</source>
        <translation>refusé : opération hors ligne trop ancienne</translation>
    </message>
    <message>
        <source>refused: voucher used before it was sold</source>
        <translation>refusé : bon utilisé avant d'avoir été vendu</translation>
    </message>
    <message>
        <source>refused: daily offline limit exceeded</source>
        <translation>refusé : plafond hors ligne du jour dépassé</translation>
    </message>
    <message>
        <source>the central server does not answer in time</source>
        <translation>le serveur central ne répond pas à temps</translation>
    </message>
    <message>
        <source>the central server cannot be reached</source>
        <translation>le serveur central est injoignable</translation>
    </message>
    <message>
        <source>network error</source>
        <translation>erreur réseau</translation>
    </message>
    <message>
        <source>secure connection refused: the server's certificate is not valid</source>
        <translation>connexion sécurisée refusée : le certificat du serveur n'est pas valide</translation>
    </message>
    <message>
        <source>unreadable answer from the central server</source>
        <translation>réponse illisible du serveur central</translation>
    </message>
    <message>
        <source>an operation must reach the central server before its cancellation</source>
        <translation>une opération doit parvenir au serveur central avant son annulation</translation>
    </message>
    <message>
        <source>no secure keyring is available on this computer: the access token cannot be stored (enable the system keyring, or set POS_APP_TOKEN)</source>
        <translation>aucun trousseau sécurisé (keyring) n'est disponible sur ce poste : le jeton d'accès ne peut pas être enregistré (activez le trousseau du système, ou définissez POS_APP_TOKEN)</translation>
    </message>
    <message>
        <source>the system keyring cannot be read ({kind})</source>
        <translation>le trousseau du système est illisible ({kind})</translation>
    </message>
    <message>
        <source>the access token cannot be stored in the system keyring ({kind})</source>
        <translation>impossible d'enregistrer le jeton d'accès dans le trousseau du système ({kind})</translation>
    </message>
    <message>
        <source>POS_APP_TOKEN is set: the token comes from the environment, nothing is stored</source>
        <translation>POS_APP_TOKEN est défini : le jeton vient de l'environnement, rien n'est enregistré</translation>
    </message>
    <message>
        <source>the central server refused this till's access token: no offline acceptance until it accepts it again</source>
        <translation>le serveur central a refusé le jeton de cette caisse : pas d'acceptation hors ligne tant qu'il ne l'accepte pas à nouveau</translation>
    </message>
    <message>
        <source>offline acceptance is not allowed</source>
        <translation>l'acceptation hors ligne n'est pas autorisée</translation>
    </message>
    <message>
        <source>the offline list was never downloaded</source>
        <translation>la liste hors ligne n'a jamais été téléchargée</translation>
    </message>
    <message>
        <source>the offline list is older than {max_hours} h</source>
        <translation>la liste hors ligne a plus de {max_hours} h</translation>
    </message>
    <message>
        <source>today's offline limit is reached ({cap_cents})</source>
        <translation>plafond hors ligne du jour atteint ({cap_cents})</translation>
    </message>
    <message>
        <source>type the voucher's number</source>
        <translation>tapez le numéro du bon</translation>
    </message>
    <message>
        <source>the number has digits only</source>
        <translation>le numéro ne contient que des chiffres</translation>
    </message>
    <message>
        <source>the number is too short</source>
        <translation>le numéro est trop court</translation>
    </message>
    <message>
        <source>the number is too long</source>
        <translation>le numéro est trop long</translation>
    </message>
    <message>
        <source>wrong number: a digit is wrong or two are swapped</source>
        <translation>numéro incorrect : un chiffre est faux ou deux sont inversés</translation>
    </message>
    <message>
        <source>One voucher at a time</source>
        <translation>Un seul bon à la fois</translation>
    </message>
    <message>
        <source>this till is not allowed to sell vouchers</source>
        <translation>cette caisse n'est pas habilitée à vendre des bons</translation>
    </message>
    <message>
        <source>card unknown to this till: synchronise (F5) and try again</source>
        <translation>carte inconnue de cette caisse : synchronisez (F5) puis réessayez</translation>
    </message>
    <message>
        <source>its campaign is over: it cannot be sold</source>
        <translation>sa campagne est terminée : invendable</translation>
    </message>
    <message>
        <source>already sold, or unknown to the offline list</source>
        <translation>déjà vendue, ou inconnue de la liste hors ligne</translation>
    </message>
    <message>
        <source>forged card: the signature is wrong</source>
        <translation>fausse carte : signature invalide</translation>
    </message>
    <message>
        <source>sold here offline: active for the shops after the next sync</source>
        <translation>vendue ici hors ligne : active pour les commerces après la prochaine synchronisation</translation>
    </message>
    <message>
        <source>no sale to cancel</source>
        <translation>aucune vente à annuler</translation>
    </message>
    <message>
        <source>cancelled here, sent to the central server at the next sync</source>
        <translation>annulée ici, transmise au serveur central à la prochaine synchronisation</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Annulé.</translation>
    </message>
    <message>
        <source>Redemption cancelled (it will be sent to the central server).</source>
        <translation>Encaissement annulé (sera transmis au serveur central).</translation>
    </message>
    <message>
        <source>No redemption to cancel.</source>
        <translation>Aucun encaissement à annuler.</translation>
    </message>
    <message>
        <source>Too late to cancel (the limit is {window_min} min).</source>
        <translation>Trop tard pour annuler (limite : {window_min} min).</translation>
    </message>
    <message>
        <source>The central server has no trace of this redemption: it cannot be cancelled.</source>
        <translation>Le serveur central n'a pas trace de cet encaissement : annulation impossible.</translation>
    </message>
    <message>
        <source>Cancellation refused by the central server.</source>
        <translation>Annulation refusée par le serveur central.</translation>
    </message>
    <message>
        <source>the till is not configured: run “pos-app configure --server URL”</source>
        <translation>la caisse n'est pas configurée : lancez « pos-app configure --server URL »</translation>
    </message>
    <message>
        <source>the till has no access token: configure it again</source>
        <translation>la caisse n'a pas de jeton d'accès : reconfigurez-la</translation>
    </message>
    <message>
        <source>the access token is empty</source>
        <translation>le jeton d'accès est vide</translation>
    </message>
    <message>
        <source>the server address must start with https://</source>
        <translation>l'adresse du serveur doit commencer par https://</translation>
    </message>
    <message>
        <source>invalid server address: it must start with https://</source>
        <translation>adresse du serveur invalide : elle doit commencer par https://</translation>
    </message>
    <message>
        <source>address refused: the central server must be reached with https:// (http:// only on this machine, 127.0.0.1 or localhost)</source>
        <translation>Adresse refusée : le serveur central doit être joint en https:// (http:// seulement sur cette machine, 127.0.0.1 ou localhost)</translation>
    </message>
    <message>
        <source>the central server refused this access token</source>
        <translation>le serveur central a refusé ce jeton d'accès</translation>
    </message>
    <message>
        <source>the central server cannot be reached or is failing</source>
        <translation>le serveur central est injoignable ou en erreur</translation>
    </message>
    <message>
        <source>disk full: nothing was saved. Free some space, then try again</source>
        <translation>disque plein : rien n'a été enregistré. Libérez de la place puis réessayez</translation>
    </message>
    <message>
        <source>the till's file is read-only: nothing was saved</source>
        <translation>le fichier de la caisse est en lecture seule : rien n'a été enregistré</translation>
    </message>
    <message>
        <source>the till's file is busy: try again in a moment</source>
        <translation>le fichier de la caisse est occupé : réessayez dans un instant</translation>
    </message>
    <message>
        <source>the till's file is damaged: call for support</source>
        <translation>le fichier de la caisse est endommagé : contactez l'assistance</translation>
    </message>
    <message>
        <source>this till's file comes from a newer version of the application</source>
        <translation>ce fichier de caisse vient d'une version plus récente de l'application</translation>
    </message>
    <message>
        <source>local storage error: nothing was saved ({detail})</source>
        <translation>erreur de stockage local : rien n'a été enregistré ({detail})</translation>
    </message>
    <message>
        <source>the end date is before the start date</source>
        <translation>la date de fin précède la date de début</translation>
    </message>
    <message>
        <source>not sent yet</source>
        <translation>pas encore transmis</translation>
    </message>
    <message>
        <source>sent, but the server has no trace of it</source>
        <translation>transmis, mais le serveur n'en a pas trace</translation>
    </message>
    <message>
        <source>the amounts differ</source>
        <translation>les montants diffèrent</translation>
    </message>
    <message>
        <source>cancelled on one side only</source>
        <translation>annulé d'un seul côté</translation>
    </message>
    <message>
        <source>confirmed by the server</source>
        <translation>confirmé par le serveur</translation>
    </message>
    <message>
        <source>top-up over (last day {day}): worth the price paid</source>
        <translation>abondement terminé (dernier jour : {day}) : vaut le prix payé</translation>
    </message>
    <message>
        <source>unexpected answer (code “{code}”): tell the operator if it lasts</source>
        <translation>réponse inattendue (code « {code} ») : prévenez l'opérateur si cela dure</translation>
    </message>
    <message>
        <source>unexpected error ({kind})</source>
        <translation>erreur inattendue ({kind})</translation>
    </message>
    <message>
        <source>on {when}</source>
        <translation>le {when}</translation>
    </message>
    <message>
        <source>the period {period} is already closed</source>
        <translation>la période {period} est déjà clôturée</translation>
    </message>
    <message>
        <source>the day {period} has not started yet</source>
        <translation>la journée du {period} n'a pas encore commencé</translation>
    </message>
    <message>
        <source>a later day ({day}) is already closed</source>
        <translation>une journée plus récente ({day}) est déjà clôturée</translation>
    </message>
    <message>
        <source>close the earlier days first: {days}</source>
        <translation>clôturez d'abord les journées précédentes : {days}</translation>
    </message>
    <message>
        <source>the period {period} is not over yet (last day: {last_day})</source>
        <translation>la période {period} n'est pas terminée (dernier jour : {last_day})</translation>
    </message>
    <message>
        <source>days of this period not closed yet: {days}</source>
        <translation>journées de cette période non clôturées : {days}</translation>
    </message>
    <message>
        <source>last valid day: {day}</source>
        <translation>dernier jour de validité : {day}</translation>
    </message>
    <message>
        <source>valid from {day}</source>
        <translation>valable à partir du {day}</translation>
    </message>
    <message>
        <source>(checked online)</source>
        <translation>(vérifié en ligne)</translation>
    </message>
    <message>
        <source>(checked offline)</source>
        <translation>(vérifié hors ligne)</translation>
    </message>
</context>
</TS>