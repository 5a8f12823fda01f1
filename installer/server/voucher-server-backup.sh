#!/bin/sh
# The nightly backup (voucher-server-backup.service): a pg_dump custom-format archive of VOUCHER_SERVER_DB, read
# back with pg_restore --list before it takes its final name, dumps older than VOUCHER_BACKUP_KEEP_DAYS removed.
# Prints the archive's path. Restore: docs/deploy.md, "Backups, restore, verify".
set -eu
: "${VOUCHER_SERVER_DB:?VOUCHER_SERVER_DB names the database to dump (/etc/voucher-server/env)}"
dir="${VOUCHER_BACKUP_DIR:-/var/backups/voucher-server}"
keep="${VOUCHER_BACKUP_KEEP_DAYS:-30}"
# the server's URL names its driver (postgresql+psycopg://); libpq wants postgresql://
db=$(printf '%s' "$VOUCHER_SERVER_DB" | sed -e 's#^postgresql+psycopg://#postgresql://#' -e 's#^postgres://#postgresql://#')
case "$db" in
    postgresql://*) ;;
    *) echo "voucher-server-backup : VOUCHER_SERVER_DB n'est pas une base PostgreSQL / is not a PostgreSQL database" >&2
       exit 2 ;;
esac
out="$dir/vouchers-$(date -u +%Y-%m-%dT%H%M%SZ).dump"
umask 077
trap 'rm -f "$out.partial"' EXIT  # whatever fails, no half-written archive is left behind
pg_dump --format=custom --no-owner --file="$out.partial" "$db"
pg_restore --list "$out.partial" > /dev/null  # a truncated or unreadable archive stops here, under its .partial name
mv "$out.partial" "$out"
find "$dir" -maxdepth 1 -name 'vouchers-*.dump' -mtime +"$keep" -delete
echo "$out"
