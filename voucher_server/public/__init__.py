"""The holders' side: public pages served by ``voucher-server serve`` (a voucher's page, where to spend it),
French first with an English switch, phone-first, no JavaScript, no external resource."""
