"""The server loads its PDF stack (fpdf2, Pillow, fontTools) only when a PDF is made: the demo's embedded server
starts faster, and the till's bundle carries that stack for the demo's printable documents only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PDF_STACK = ("fpdf", "PIL", "fontTools")

SCRIPT = """
import sys
from voucher_server.app import create_app
from voucher_server.cli import main
from voucher_server.config import Settings
create_app(Settings(db_url="sqlite:///" + sys.argv[1]))
print(",".join(m for m in {stack!r} if m in sys.modules))
from voucher_server.services.documents import Cell, Document, render_pdf
pdf = render_pdf(Document(title="t", reference="r", party=["p"], subtitle="s", columns=[("Bon", "bon", Cell.TEXT)],
                          rows=[["x"]]))
assert pdf[:5] == b"%PDF-", pdf[:20]
print(",".join(m for m in {stack!r} if m in sys.modules))
"""


def test_the_server_starts_without_its_pdf_stack_and_loads_it_for_a_pdf(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT.format(stack=PDF_STACK), str(tmp_path / "s.db")],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    at_start, after_pdf = out.stdout.splitlines()[-2:]
    assert at_start == ""
    assert "fpdf" in after_pdf.split(",")
