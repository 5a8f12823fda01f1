"""Reports of the books: HTML (preview/print), PDF through Qt (headless), CSV for French spreadsheets."""
