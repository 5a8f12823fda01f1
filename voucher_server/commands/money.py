"""`voucher-server` commands of the operator's money side: bank details, funders, statements paid, SEPA
export, remittances, funder invoices, liability, breakage, bulk orders. Each prints JSON with ``--json`` and
calls the one service function that computes its figure."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from voucher_core.money import format_cents
from voucher_core.timeutil import business_day, utc_now

from ..models_money import PaymentMethod
from .common import DB_HELP, database

Handler = Callable[[argparse.Namespace, Session], Any]


@contextmanager
def _session(args: argparse.Namespace) -> Iterator[Session]:
    """A write transaction on the upgraded database named by --db (or VOUCHER_SERVER_DB)."""
    with database(args) as db, db.writing() as s:
        yield s


def _period(args: argparse.Namespace) -> Any:
    from ..services.periods import Period

    return Period(date.fromisoformat(args.start), date.fromisoformat(args.end))


def _emit(args: argparse.Namespace, figure: Any, summary: str, document: Any = None) -> None:
    """JSON or a one-line summary on stdout; the PDF and CSV files when asked."""
    from ..services.documents import render_csv, render_pdf

    print(json.dumps(figure.as_json(), ensure_ascii=False, indent=1) if args.json else summary)
    if document is not None and getattr(args, "pdf", None):
        Path(args.pdf).write_bytes(render_pdf(document, now=utc_now()))
    if document is not None and getattr(args, "csv", None):
        Path(args.csv).write_text(render_csv(document), encoding="utf-8")


class _Plain:
    """A figure that is already a dict, for _emit."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def as_json(self) -> dict[str, Any]:
        return self.data


def cmd_set_bank(args: argparse.Namespace, s: Session) -> None:
    from ..services.bank import set_bank_details

    m = set_bank_details(s, args.merchant, args.iban, args.bic or "")
    _emit(args, _Plain({"merchant_id": m.id, "iban": m.iban, "bic": m.bic}), f"{m.id}: IBAN {m.iban}")


def cmd_shop_address(args: argparse.Namespace, s: Session) -> None:
    from ..services.postal import set_postal_address

    try:
        a = set_postal_address(s, args.merchant, args.street, args.building, args.postcode, args.town, args.country)
    except ValueError as exc:
        raise SystemExit(f"shop-address : {exc}") from exc
    _emit(args, _Plain({"merchant_id": a.merchant_id, "street_name": a.street_name,
                        "building_number": a.building_number, "post_code": a.post_code, "town_name": a.town_name,
                        "country": a.country}),
          f"{a.merchant_id}: {a.building_number} {a.street_name}, {a.post_code} {a.town_name} ({a.country})")


def cmd_add_funder(args: argparse.Namespace, s: Session) -> None:
    from ..services.funders import add_funder

    f = add_funder(s, args.name, args.address, args.siret, funder_id=args.id)
    _emit(args, _Plain({"funder_id": f.id, "name": f.name}), f.id)


def cmd_link_funder(args: argparse.Namespace, s: Session) -> None:
    from ..services.funders import funder_shares, link_funder

    link_funder(s, args.campaign, args.funder, args.share_bp)
    shares = funder_shares(s, args.campaign)
    _emit(args, _Plain({"campaign_id": args.campaign, "funders": [{"funder_id": f, "share_bp": bp}
                                                                  for f, bp in shares]}),
          f"{args.campaign}: " + ", ".join(f"{f} {bp / 100:g} %" for f, bp in shares))


def cmd_funder_invoice(args: argparse.Namespace, s: Session) -> None:
    from ..services.documents import funder_invoice_document
    from ..services.funders import funder_invoice

    inv = funder_invoice(s, args.funder, _period(args))
    _emit(args, inv, f"{inv.funder_id} {inv.name}: {format_cents(inv.topup_cents)}", funder_invoice_document(inv))


def cmd_remittance(args: argparse.Namespace, s: Session) -> None:
    from ..services.documents import remittance_document
    from ..services.remittance import mark_remittance_received, remittance

    if args.received:
        mark_remittance_received(s, args.seller, _period(args), PaymentMethod(args.received), args.by,
                                 utc_now())
    r = remittance(s, args.seller, _period(args))
    state = "reçu" if r.received else "non reçu"
    _emit(args, r, f"{r.seller_id} {r.name}: {format_cents(r.cash_owed_cents)} ({state})", remittance_document(r))


def cmd_shops_due(args: argparse.Namespace, s: Session) -> None:
    from ..services.documents import statement_document
    from ..services.settlement import shop_reimbursement, shops_due

    if args.merchant:
        due = shop_reimbursement(s, args.merchant, _period(args))
        _emit(args, due, f"{due.merchant_id} {due.name}: {format_cents(due.amount_cents)}", statement_document(due))
        return
    dues = shops_due(s, _period(args))
    lines = [f"{d.merchant_id} {d.name}: {format_cents(d.amount_cents)}{' (payé)' if d.paid else ''}" for d in dues]
    _emit(args, _Plain({**_period(args).as_json(), "shops": [d.as_json() for d in dues]}), "\n".join(lines))


def cmd_statement_paid(args: argparse.Namespace, s: Session) -> None:
    from ..services.settlement import mark_statement_paid

    paid = mark_statement_paid(s, args.merchant, _period(args), args.by, utc_now(), PaymentMethod(args.method),
                               args.reference)
    _emit(args, paid, f"{paid.merchant_id}: {format_cents(paid.amount_cents)} payé")


def cmd_sepa_export(args: argparse.Namespace, s: Session) -> None:
    from ..services.sepa import Debtor, debtor_from_env, mark_export_paid, sepa_credit_transfer

    env = debtor_from_env()
    debtor = Debtor(args.debtor_name or env.name, args.debtor_iban or env.iban, args.debtor_bic or env.bic,
                    env.address)
    when = date.fromisoformat(args.execution_date) if args.execution_date else None
    try:  # refused before the file is opened: no partial file is left behind
        export = sepa_credit_transfer(s, _period(args), debtor, utc_now(), when, args.pain)
    except ValueError as exc:
        raise SystemExit(f"sepa-export : {exc}") from exc
    Path(args.xml).write_bytes(export.xml)
    if args.mark_paid:
        mark_export_paid(s, export, args.by, utc_now())
    _emit(args, export, f"{len(export.included)} virements, {format_cents(export.control_sum_cents)} -> {args.xml}"
          + "".join(f"\n  non inclus : {d.merchant_id} {d.name} ({why.value})" for d, why in export.skipped))


def cmd_liability(args: argparse.Namespace, s: Session) -> None:
    from ..services.documents import liability_document
    from ..services.liability import liability

    li = liability(s, date.fromisoformat(args.at))
    total = li.as_json()["outstanding_cents"]
    _emit(args, li, f"encours au {li.at:%d/%m/%Y} : {format_cents(total)}", liability_document(li))


def cmd_breakage(args: argparse.Namespace, s: Session) -> None:
    from ..services.liability import breakage

    today = date.fromisoformat(args.today) if args.today else business_day(utc_now())
    b = breakage(s, args.campaign, today)
    _emit(args, b, f"{b.campaign_id}: {b.counts.outstanding} bons expirés, "
                   f"{format_cents(b.buyers_cents + b.topup_cents)}{'' if b.ended else ' (campagne en cours)'}")


def cmd_order(args: argparse.Namespace, s: Session) -> None:
    from ..services.documents import order_invoice_document, render_pdf
    from ..services.orders import place_order

    secret = os.environ.get("VOUCHER_SERVER_SECRET")
    if not secret:
        sys.exit("VOUCHER_SERVER_SECRET must be set (it signs the ordered vouchers)")
    order = place_order(s, args.buyer, args.campaign, args.count, args.by, utc_now(), secret, args.price_cents)
    if args.invoice_pdf:
        Path(args.invoice_pdf).write_bytes(render_pdf(order_invoice_document(order), now=utc_now()))
    if args.sheets_pdf:
        _sheets(s, order, Path(args.sheets_pdf))
    _emit(args, order, f"commande {order.id}: {order.count} bons, {format_cents(order.total_cents)}")


def _sheets(s: Session, order: Any, path: Path) -> None:
    from sqlalchemy import select

    from ..models import Campaign, Voucher
    from ..printing import SHEET_OPTIONS, voucher_sheets

    camp = s.get(Campaign, order.campaign_id)
    vouchers = s.scalars(select(Voucher).options(SHEET_OPTIONS).where(Voucher.serial.in_(order.vouchers))
                         .order_by(Voucher.serial)).all()
    path.write_bytes(voucher_sheets(camp, vouchers))  # type: ignore[arg-type]


def cmd_order_paid(args: argparse.Namespace, s: Session) -> None:
    from ..services.orders import mark_order_paid

    order = mark_order_paid(s, args.order, args.by, utc_now(), args.reference)
    _emit(args, order, f"commande {order.id} payée")


def _run(handler: Handler) -> Callable[[argparse.Namespace], int]:
    """The command as cli.main calls it: one transaction; a refused input exits non-zero with the reason."""
    def run(args: argparse.Namespace) -> int:
        try:
            with _session(args) as s:
                handler(args, s)
        except ValueError as exc:
            sys.exit(f"{args.command}: {exc}")
        return 0

    return run


def _add(sub: Any, name: str, handler: Handler, help_text: str, *, period: bool = False, docs: bool = False,
         by: bool = False) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(name, help=help_text)
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--json", action="store_true", help="print the figures as JSON (amounts in cents)")
    if period:
        p.add_argument("--from", dest="start", required=True, help="first Paris day, YYYY-MM-DD")
        p.add_argument("--to", dest="end", required=True, help="last Paris day (included), YYYY-MM-DD")
    if docs:
        p.add_argument("--pdf", help="also write the PDF here")
        p.add_argument("--csv", help="also write the CSV (cents) here")
    if by:
        p.add_argument("--by", default=os.environ.get("USER") or "cli",
                       help="who records it (operator's name or e-mail; default: $USER)")
    p.set_defaults(func=_run(handler))
    return p


def _register_shop_bank(sub: Any) -> None:
    """What a shop's payouts need: its IBAN and BIC, and its structured address."""
    p = _add(sub, "set-bank", cmd_set_bank, "a shop's IBAN (mod-97 checked) and BIC")
    p.add_argument("--merchant", required=True)
    p.add_argument("--iban", required=True)
    p.add_argument("--bic", default="")
    p = _add(sub, "shop-address", cmd_shop_address, "a shop's structured postal address (needed by the SEPA "
             "pain.001.001.09 file)")
    p.add_argument("--merchant", required=True)
    p.add_argument("--street", required=True, help="street name (StrtNm, 70 characters)")
    p.add_argument("--building", default="", help="building number (BldgNb), e.g. 12 or 12 bis")
    p.add_argument("--postcode", required=True, help="post code (PstCd)")
    p.add_argument("--town", required=True, help="town (TwnNm, 35 characters)")
    p.add_argument("--country", default="FR", help="ISO 3166 two-letter code (default FR)")


def register(sub: Any) -> None:
    """The money commands of ``voucher-server``."""
    _register_shop_bank(sub)
    p = _add(sub, "add-funder", cmd_add_funder, "a funder of campaigns' top-up; prints its id")
    p.add_argument("--name", required=True)
    p.add_argument("--address", default="")
    p.add_argument("--siret", default="")
    p.add_argument("--id", help="default: next F0001-style id")
    p = _add(sub, "link-funder", cmd_link_funder, "make a funder pay a share of a campaign's top-up")
    p.add_argument("--campaign", required=True)
    p.add_argument("--funder", required=True)
    p.add_argument("--share-bp", type=int, default=10_000, help="share in basis points (10000 = all)")
    p = _add(sub, "funder-invoice", cmd_funder_invoice, "top-up of the vouchers redeemed in a period",
             period=True, docs=True)
    p.add_argument("--funder", required=True)
    p = _add(sub, "remittance", cmd_remittance, "what a tobacconist owes for its sales", period=True, docs=True)
    p.add_argument("--seller", required=True)
    p.add_argument("--received", choices=[PaymentMethod.CASH.value, PaymentMethod.TRANSFER.value],
                   help="record it as received (cash or transfer) first")
    p.add_argument("--by", default=os.environ.get("USER") or "cli", help="who received it (with --received)")
    p = _add(sub, "shops-due", cmd_shops_due, "every shop's reimbursement for a period, paid or not", period=True,
             docs=True)
    p.add_argument("--merchant", help="only this shop (its statement as --pdf / --csv)")
    p = _add(sub, "statement-paid", cmd_statement_paid, "mark a shop's statement paid", period=True, by=True)
    p.add_argument("--merchant", required=True)
    p.add_argument("--method", default=PaymentMethod.TRANSFER.value, choices=[m.value for m in PaymentMethod])
    p.add_argument("--reference", default="")
    p = _add(sub, "sepa-export", cmd_sepa_export, "one SEPA credit transfer file (pain.001.001.09 with "
             "structured addresses, or .03) for all shops due", period=True)
    p.add_argument("--pain", default="09", choices=["09", "03"], help="pain.001.001 version (default 09)")
    p.add_argument("--xml", required=True, help="where to write the file")
    p.add_argument("--debtor-name", help="default: VOUCHER_SERVER_OPERATOR_NAME")
    p.add_argument("--debtor-iban", help="default: VOUCHER_SERVER_OPERATOR_IBAN")
    p.add_argument("--debtor-bic", help="default: VOUCHER_SERVER_OPERATOR_BIC")
    p.add_argument("--execution-date", help="YYYY-MM-DD (default: today)")
    p.add_argument("--mark-paid", action="store_true", help="record every included statement as paid")
    p.add_argument("--by", default=os.environ.get("USER") or "cli", help="who marks them paid (with --mark-paid)")
    p = _add(sub, "liability", cmd_liability, "vouchers sold or ordered, not redeemed, not expired", docs=True)
    p.add_argument("--at", required=True, help="Paris day, YYYY-MM-DD (figures at its end)")
    p = _add(sub, "breakage", cmd_breakage, "a campaign's expired vouchers and amounts, by funder")
    p.add_argument("--campaign", required=True)
    p.add_argument("--today", help="YYYY-MM-DD (default: today in Paris)")
    p = _add(sub, "order", cmd_order, "a bulk order: issue and activate vouchers sold by the operator", by=True)
    p.add_argument("--buyer", required=True)
    p.add_argument("--campaign", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--price-cents", type=int, help="unit price (default: the campaign's sale price)")
    p.add_argument("--invoice-pdf", help="write the order's invoice here")
    p.add_argument("--sheets-pdf", help="write the vouchers' printable sheets here")
    p = _add(sub, "order-paid", cmd_order_paid, "record a bulk order's transfer", by=True)
    p.add_argument("--order", type=int, required=True)
    p.add_argument("--reference", default="")
