"""Qt's own dialogs, made to fit the till: the words Qt's French catalogue lacks, and a save dialog that opens in
the user's documents folder (then the last folder used), wide enough for its column headers."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QHeaderView, QTreeView, QWidget

# Labels of Qt's dialogs missing from qtbase_fr.qm (they showed in English in the French app); kept here so
# lupdate keeps them in fr.ts, in Qt's own contexts.
QT_GAPS = (
    QT_TRANSLATE_NOOP("QFileDialog", "&Look in:"),
    QT_TRANSLATE_NOOP("QFileDialog", "Files of &type:"),
    QT_TRANSLATE_NOOP("QPrintDialog", "Page &Set:"),
    QT_TRANSLATE_NOOP("QUnixPrintWidget", "Page &Set:"),
)

LAST_FOLDER = "dialogs/last_folder"


def documents_folder() -> str:
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())


def ask_save_path(parent: QWidget, settings: QSettings, title: str, name: str, filters: str) -> Path | None:
    """A save-as dialog in the last folder used (else Documents); remembers the folder chosen."""
    folder = str(settings.value(LAST_FOLDER) or documents_folder())
    dialog = QFileDialog(parent, title, str(Path(folder) / name), filters)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.selectFile(name)
    dialog.resize(900, 560)
    for view in dialog.findChildren(QTreeView):  # the widget dialog: no header cut to "Dernière moc"
        view.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if not dialog.exec() or not dialog.selectedFiles():
        return None
    path = Path(dialog.selectedFiles()[0])
    settings.setValue(LAST_FOLDER, str(path.parent))
    return path
