"""`voucher-server` commands of the operator's commission: its dated terms, the commission invoices and their
credit notes. Each prints JSON with ``--json``; a refusal exits 1 with its stable code and the reason."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from voucher_core.money import format_cents
from voucher_core.timeutil import utc_now

from ..models_commission import CommissionMode
from .money import Handler, _add, _emit, _period, _Plain, _session


def _run(handler: Handler) -> Any:
    def run(args: argparse.Namespace) -> int:
        from ..services.commission import CommissionError
        from ..services.commission_invoices import InvoiceError

        try:
            with _session(args) as s:
                handler(args, s)
        except (CommissionError, InvoiceError) as exc:
            sys.exit(f"{args.command}: {exc.code.value}: {exc}")
        except ValueError as exc:
            sys.exit(f"{args.command}: {exc}")
        return 0

    return run


def cmd_commission_set(args: argparse.Namespace, s: Session) -> None:
    from ..services.commission import set_commission, terms_history

    t = set_commission(s, args.campaign, date.fromisoformat(args.from_day), args.rate_bp, args.by, utc_now(),
                       vat_bp=args.vat_bp, mode=CommissionMode(args.mode) if args.mode else None)
    history = [x.as_json() for x in terms_history(s, args.campaign)]
    _emit(args, _Plain({"campaign_id": args.campaign, "set": t.as_json(), "history": history}),
          f"{args.campaign}: {t.rate_bp / 100:g} % HT, TVA {t.vat_bp / 100:g} %, {t.mode.value}, "
          f"à partir du {t.from_day:%d/%m/%Y}")


def cmd_commission_terms(args: argparse.Namespace, s: Session) -> None:
    from ..services.commission import terms_history

    history = terms_history(s, args.campaign)
    _emit(args, _Plain({"campaign_id": args.campaign, "history": [x.as_json() for x in history]}),
          "\n".join(f"{x.from_day}: {x.rate_bp} bp, TVA {x.vat_bp} bp, {x.mode.value}" for x in history)
          or f"{args.campaign}: 0 % (jamais fixée)")


def _write_files(folder: str, invoices: list[Any]) -> None:
    from ..invoice_files import facturx_pdf, invoice_pdf

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for inv in invoices:
        (out / f"{inv.number}.pdf").write_bytes(invoice_pdf(inv))
        (out / f"{inv.number}-facturx.pdf").write_bytes(facturx_pdf(inv))


def cmd_commission_invoices(args: argparse.Namespace, s: Session) -> None:
    from ..services.commission_invoices import due_commissions, issue_invoices, list_invoices

    period = _period(args)
    issued = issue_invoices(s, period, args.by, utc_now()).issued if args.issue else []
    invoices = list_invoices(s, period)
    due = [] if args.issue else due_commissions(s, period)
    if args.pdf_dir:
        _write_files(args.pdf_dir, invoices)
    lines = [f"{i.number} {i.kind.value} {i.merchant_id} {i.period.start}..{i.period.end}: TTC "
             f"{format_cents(i.ttc_cents)}" + (f" (annulée par {i.credited_by})" if i.credited_by else "")
             for i in invoices]
    lines += [f"à facturer {c.merchant_id}: HT {format_cents(c.commission_cents)}" for c in due]
    _emit(args, _Plain({**period.as_json(), "issued": [i.number for i in issued],
                        "invoices": [i.as_json() for i in invoices], "to_invoice": [c.as_json() for c in due]}),
          "\n".join(lines) or "aucune commission sur la période")


def cmd_credit_note(args: argparse.Namespace, s: Session) -> None:
    from ..services.commission_invoices import issue_credit_note

    note = issue_credit_note(s, args.invoice, args.reason, args.by, utc_now())
    if args.pdf_dir:
        _write_files(args.pdf_dir, [note])
    _emit(args, note, f"{note.number}: avoir de {format_cents(note.ttc_cents)} TTC sur {note.corrects}")


def register(sub: Any) -> None:
    """The commission commands of ``voucher-server``."""
    p = _add(sub, "commission-set", cmd_commission_set, "a campaign's commission from a day on (never before "
             "today, nor on a day already paid or invoiced)", by=True)
    p.add_argument("--campaign", required=True)
    p.add_argument("--rate-bp", type=int, required=True, help="commission HT in basis points (250 = 2.5 %%)")
    p.add_argument("--from", dest="from_day", required=True, help="first Paris business day, YYYY-MM-DD")
    p.add_argument("--vat-bp", type=int, help="VAT on the commission (default: the rate in force, 2000)")
    p.add_argument("--mode", choices=[m.value for m in CommissionMode],
                   help="deducted from the payout or invoiced apart (default: the mode in force, deducted)")
    p.set_defaults(func=_run(cmd_commission_set))
    p = _add(sub, "commission-terms", cmd_commission_terms, "a campaign's commission terms, every change")
    p.add_argument("--campaign", required=True)
    p.set_defaults(func=_run(cmd_commission_terms))
    p = _add(sub, "commission-invoices", cmd_commission_invoices, "the period's commission invoices (and what "
             "is still to invoice); --issue issues one per shop", period=True, by=True)
    p.add_argument("--issue", action="store_true", help="issue the missing invoices (never twice for a period)")
    p.add_argument("--pdf-dir", help="write each invoice as NUMBER.pdf and NUMBER-facturx.pdf here")
    p.set_defaults(func=_run(cmd_commission_invoices))
    p = _add(sub, "credit-note", cmd_credit_note, "a credit note cancelling a commission invoice", by=True)
    p.add_argument("--invoice", required=True, metavar="NUMBER")
    p.add_argument("--reason", required=True)
    p.add_argument("--pdf-dir", help="write it as NUMBER.pdf and NUMBER-facturx.pdf here")
    p.set_defaults(func=_run(cmd_credit_note))
