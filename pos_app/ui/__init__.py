"""The PySide6 desktop app: screens (Caisse, Vente, Gestion), the first-run wizard and their plumbing."""
