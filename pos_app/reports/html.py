"""HTML of the reports (previewed and printed by the UI through QTextDocument, rendered to PDF by pdf.py)."""

from __future__ import annotations

from html import escape
from typing import Any

from ..core import daybook
from . import explain
from .labels import day_text, money, t, when
from .model import DayReport, MonthReport

_CSS = """
body { font-family: "DejaVu Sans", sans-serif; font-size: 8pt; }
h1 { font-size: 14pt; } h2 { font-size: 11pt; margin-top: 12px; }
table { border-collapse: collapse; } td, th { padding: 1px 4px; }
th { background: #ddd; text-align: left; } td.n { text-align: right; }
.hash { font-family: 'DejaVu Sans Mono', monospace; font-size: 8pt; }
"""


def _header(r: DayReport | MonthReport, title: str, lang: str) -> list[str]:
    rows = [(t("shop", lang), r.shop), (t("siret", lang), r.siret), (t("till", lang), r.till_id)]
    if isinstance(r, DayReport):
        rows += [(t("day", lang), day_text(r.day, lang)),
                 (t("campaigns", lang), ", ".join(r.campaigns) or "—")]
    rows += [(t("generated", lang), when(r.generated_utc, lang)), (t("fingerprint", lang), r.key_fingerprint)]
    out = [f"<h1>{escape(title)}</h1>", "<table>"]
    out += [f"<tr><td><b>{escape(k)}</b></td><td>{escape(str(v))}</td></tr>" for k, v in rows]
    out.append("</table>")
    return out


def _totals(totals: dict[str, Any], lang: str, sales: bool = False) -> list[str]:
    out = [f"<h2>{t('totals', lang)}</h2>", "<table border='1'>",
           f"<tr><th>{t('type', lang)}</th><th>{t('campaign', lang)}</th><th>{t('status', lang)}</th>"
           f"<th>{t('count', lang)}</th><th>{t('amount', lang)}</th></tr>"]
    kinds = (daybook.SALE,) if sales else (daybook.REDEMPTION, daybook.SALE)
    for kind in kinds:
        for camp, statuses in sorted(totals.get(kind, {}).get("by_campaign", {}).items()):
            for st in daybook.SHOWN_STATUSES:
                b = statuses.get(st, {"count": 0, "cents": 0})
                if b["count"]:
                    out.append(f"<tr><td>{t(kind, lang)}</td><td>{escape(camp or '—')}</td><td>{t(st, lang)}</td>"
                               f"<td class='n'>{b['count']}</td><td class='n'>{money(b['cents'], lang)}</td></tr>")
        for st in daybook.SHOWN_STATUSES:
            b = totals.get(kind, {}).get("by_status", {}).get(st, {"count": 0, "cents": 0})
            if b["count"]:
                out.append(f"<tr><td>{t(kind, lang)}</td><td><b>{t('total', lang)}</b></td><td>{t(st, lang)}</td>"
                           f"<td class='n'><b>{b['count']}</b></td>"
                           f"<td class='n'><b>{money(b['cents'], lang)}</b></td></tr>")
    out.append("</table>")
    return out + _figures(totals, lang, sales)


def _figures(totals: dict[str, Any], lang: str, sales: bool) -> list[str]:
    """Every money figure with the one line that says what it is."""
    rows = [] if sales else explain.redemption_figures(totals, lang)
    if sales or totals.get(daybook.SALE, {}).get("count"):
        rows += explain.sales_figures(totals, lang)
    out = [f"<h2>{t('figures', lang)}</h2>", "<table>"]
    out += [f"<tr><td><b>{escape(label)}</b></td><td class='n'><b>{money(cents, lang)}</b></td>"
            f"<td>{escape(why)}</td></tr>" for label, cents, why in rows]
    if "perpetual_total_cents" in totals:
        out.append(f"<tr><td>{t('perpetual', lang)}</td><td class='n'>{money(totals['perpetual_total_cents'], lang)}"
                   "</td><td></td></tr>")
    out.append("</table>")
    refused = explain.refused_line(totals, lang)
    return out + ([f"<p>{escape(refused)}</p>"] if refused else [])


def _regularisations(report: DayReport, lang: str) -> list[str]:
    if not report.regularisations:
        return []
    out = [f"<h2>{t('regularisations', lang)}</h2>", "<table border='1'>",
           f"<tr><th>{t('origin_day', lang)}</th><th>{t('code', lang)}</th><th>{t('campaign', lang)}</th>"
           f"<th>{t('change', lang)}</th></tr>"]
    out += [f"<tr><td>{day_text(r.origin_day, lang)}</td><td>{escape(r.serial)}</td><td>{escape(r.campaign_id)}</td>"
            f"<td>{escape(explain.regularisation_words(r, lang))}</td></tr>" for r in report.regularisations]
    out.append("</table>")
    return out


def _closing(closing: Any, lang: str, what: str = "day") -> list[str]:
    if closing is None:
        return [f"<h2>{t('closing', lang)}</h2>", f"<p>{t('not_closed', lang)}</p>", f"<p>{t('how_verify', lang)}</p>"]
    return [f"<h2>{t('closing', lang)} {t('kind_' + closing.kind, lang)} {escape(closing.period)}</h2>",
            f"<p>{t('closing_seq', lang)} {closing.ledger_seq} — {when(closing.created_utc, lang)}</p>",
            f"<p>{t('closing_hash', lang)} :<br/><span class='hash'>{closing.hash}</span></p>",
            f"<p>{t('how_verify', lang)}</p>"]


def shown_lines(report: DayReport, sales: bool = False) -> list[Any]:
    """The voucher lines a report lists: rejected ones never took a voucher; a sales report lists sales."""
    return [x for x in report.lines if x.status != daybook.REJECTED and (not sales or x.kind == daybook.SALE)]


def line_cells(x: Any, lang: str) -> list[str]:
    """One voucher line's cells: time (Paris), type, code, campaign, face value, mode, status."""
    return [when(x.ts_utc, lang), t(x.kind, lang), x.voucher, x.campaign_id, money(x.amount_cents, lang),
            t(x.mode, lang) if x.mode in ("online", "offline") else x.mode, t(x.status, lang)]


def line_headers(lang: str) -> list[str]:
    return [t(k, lang) for k in ("time", "type", "code", "campaign", "face", "mode", "status")]


def report_html(report: DayReport, lang: str = "fr", sales: bool = False, with_lines: bool = True) -> str:
    """The day report (``sales=True``: the seller's sales report) as one HTML document.

    ``with_lines=False`` leaves the voucher lines out (the PDF paints them itself: much faster for big days).
    """
    title = f"{t('sales_title' if sales else 'title', lang)} {day_text(report.day, lang)}"
    out = ["<html><head><meta charset='utf-8'/><style>", _CSS, "</style></head><body>"]
    out += _header(report, title, lang)
    out += _totals(report.totals, lang, sales)
    out += _regularisations(report, lang)
    out += _discrepancies(report, lang)
    out += _shop_statement(report, lang)
    out += _closing(report.closing, lang)
    if with_lines:
        out += [f"<h2>{t('lines', lang)}</h2>", "<table border='1' width='100%' style='white-space: nowrap'>",
                "<tr>" + "".join(f"<th>{escape(h)}</th>" for h in line_headers(lang)) + "</tr>"]
        for x in shown_lines(report, sales):
            cells = line_cells(x, lang)
            out.append("<tr>" + "".join(f"<td class='n'>{escape(c)}</td>" if i == 4 else f"<td>{escape(c)}</td>"
                                        for i, c in enumerate(cells)) + "</tr>")
        out.append("</table>")
    if report.changed_since_closing:
        out.append(f"<h2>{t('changed_since', lang)}</h2><ul>")
        out += [f"<li>{escape(x.voucher)} : {t(x.status, lang)}"
                + (f" — {escape(explain.conflict_words(x.verdict, x.conflict_by, x.conflict_at, lang))}"
                   if x.status == daybook.CONFLICT else "") + "</li>" for x in report.changed_since_closing]
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out)


def _discrepancies(report: DayReport, lang: str) -> list[str]:
    out = [f"<h2>{t('discrepancies', lang)}</h2>"]
    recon = report.reconciliation
    if recon is None:
        return [*out, f"<p>{t('recon_failed' if report.recon_error else 'no_recon', lang)}</p>"]
    counts = recon.counts()
    out.append("<p>" + " ; ".join(f"{t(k, lang)} : {v}" for k, v in counts.items()) + "</p>")
    bad = [i for i in recon.items if i.kind != "matched"]
    if not bad:
        return [*out, f"<p>{t('none', lang)}</p>"]
    lines = {x.seq: x for x in [*report.lines, *report.changed_since_closing]}  # the state now wins
    out.append("<table border='1'>")
    for i in bad:
        line = lines.get(i.line_seq) if i.line_seq is not None else None
        if i.kind == "conflict" and line is not None and line.status == daybook.CONFLICT:
            words = explain.conflict_words(line.verdict, line.conflict_by, line.conflict_at, lang)
        else:
            words = explain.note_words(i.note, lang) if i.note else ""
        out.append(f"<tr><td>{t(i.kind, lang)}</td><td>{escape(i.serial)}</td><td>{escape(i.campaign_id)}</td>"
                   f"<td class='n'>{money(i.amount_cents, lang)}</td><td>{escape(words)}</td>"
                   f"<td>{escape(i.terminal)}</td></tr>")
    out.append("</table>")
    return out


def _shop_statement(report: DayReport, lang: str) -> list[str]:
    """The server's statement of the whole shop for the day, till by till, against each till's closing."""
    st = report.shop_statement
    if not st:
        return []
    out = [f"<h2>{t('statement', lang)}</h2>",
           f"<p><b>{t('shop_total', lang)} : {money(st.get('reimbursement_cents', 0), lang)}</b></p>",
           "<table border='1'>", f"<tr><th>{t('till', lang)}</th><th>{t('owed_by_operator', lang)}</th>"
           f"<th>{t('own_claims', lang)}</th><th>{t('difference', lang)}</th></tr>"]
    for till in st.get("tills", []):
        closing = next((c for c in till.get("closings", []) if c.get("day") == report.day), None)
        due = int(till.get("reimbursement_cents", 0))
        claimed = int(closing["reimbursement_cents"]) if closing else None
        out.append(f"<tr><td>{escape(str(till.get('name', '')))}</td><td class='n'>{money(due, lang)}</td>"
                   f"<td class='n'>{money(claimed, lang) if claimed is not None else t('open', lang)}</td>"
                   f"<td class='n'>{money(claimed - due, lang) if claimed is not None else '—'}</td></tr>")
    out.append("</table>")
    return [*out, f"<p>{escape(explain.statement_note(lang))}</p>"]


def month_html(report: MonthReport, lang: str = "fr") -> str:
    """The monthly summary for the operator's reimbursement claim."""
    out = ["<html><head><meta charset='utf-8'/><style>", _CSS, "</style></head><body>"]
    out += _header(report, f"{t('month_title', lang)} {report.month}", lang)
    out += [f"<h2>{t('days', lang)}</h2>", "<table border='1'>",
            f"<tr><th>{t('day', lang)}</th><th>{t('count', lang)}</th><th>{t('taken', lang)}</th>"
            f"<th>{t('owed_by_operator', lang)}</th><th>{t('regularisations', lang)}</th>"
            f"<th>{t('reimbursement', lang)}</th><th>{t('collected', lang)}</th><th>{t('closing', lang)}</th></tr>"]
    for day, tot, closing in report.days:
        regs = (tot.get("regularisations") or {}).get("owed_by_operator_cents", 0)
        out.append(f"<tr><td>{day_text(day, lang)}</td><td class='n'>{tot['redemption']['count']}</td>"
                   f"<td class='n'>{money(tot['taken_cents'], lang)}</td>"
                   f"<td class='n'>{money(tot['owed_by_operator_cents'], lang)}</td>"
                   f"<td class='n'>{money(regs, lang)}</td>"
                   f"<td class='n'>{money(tot.get('reimbursement_cents', tot['owed_by_operator_cents']), lang)}</td>"
                   f"<td class='n'>{money(tot['sales_collected_cents'], lang)}</td>"
                   f"<td class='hash'>{closing.hash[:16] if closing else t('open', lang)}</td></tr>")
    out.append("</table>")
    out += _totals(report.totals, lang)
    out += _closing(report.closing, lang, "month")
    out.append("</body></html>")
    return "\n".join(out)
