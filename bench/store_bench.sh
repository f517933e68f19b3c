#!/bin/sh
# store_bench.sh [KAERU] - figures for the store, never pass/fail:
#   kaeru ingest records/s into SQLite and into PostgreSQL (a server started
#   here, as in tests/store/run.sh), and kaeru clean of a 1,000,000-address
#   list against 100,000 suppressions (target: 10 s or less).
#   BENCH_MAILS=N sets the records ingested (20000); BENCH_CLEAN=no skips
#   the clean figure.
set -u
kaeru=${1:-build/kaeru}
kaeru=$(cd "$(dirname "$kaeru")" && pwd)/$(basename "$kaeru")
src=$(cd "$(dirname "$0")/.." && pwd)
pgbin=${PGBIN:-/usr/lib/postgresql/15/bin}
n=${BENCH_MAILS:-20000}
tmp=$(mktemp -d /tmp/kaeru-bench.XXXXXX)
as_pg=""
cleanup() {
	[ -f "$tmp/pg/postmaster.pid" ] && $as_pg "$pgbin/pg_ctl" -D "$tmp/pg" -m immediate -w stop >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

now() { python3 -c 'import time; print(time.time())'; }
rate() { python3 -c "import sys; n, a, b = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]); print('%.0f records/s (%.2f s for %d)' % (n / (b - a), b - a, n))" "$@"; }

python3 "$src/tests/store/gen_mbox.py" "$tmp/in.mbox" 0 "$n"
sync	# the input's writeback would otherwise slow the first timed run's syncs

a=$(now); "$kaeru" ingest --db "$tmp/b.db" "$tmp/in.mbox" >/dev/null; b=$(now)
echo "ingest, SQLite:     $(rate "$n" "$a" "$b")"
a=$(now); "$kaeru" parse "$tmp/in.mbox" >/dev/null; b=$(now)
echo "  (parse alone:     $(rate "$n" "$a" "$b"))"

if [ -x "$pgbin/initdb" ]; then
	[ "$(id -u)" -eq 0 ] && chown postgres "$tmp" && as_pg="runuser -u postgres --"
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	$as_pg "$pgbin/initdb" -D "$tmp/pg" -A trust -U kaeru --no-sync >/dev/null 2>&1 &&
	$as_pg "$pgbin/pg_ctl" -D "$tmp/pg" -l "$tmp/pg.log" -w \
	    -o "-p $port -k $tmp -c listen_addresses=127.0.0.1" start >/dev/null &&
	url="postgresql://kaeru@127.0.0.1:$port/postgres?sslmode=disable" &&
	a=$(now) && "$kaeru" ingest --db "$url" "$tmp/in.mbox" >/dev/null && b=$(now) &&
	echo "ingest, PostgreSQL: $(rate "$n" "$a" "$b")"
else
	echo "ingest, PostgreSQL: skipped (no $pgbin/initdb)"
fi

[ "${BENCH_CLEAN:-yes}" = no ] && exit 0
# 100,000 suppressions, a list of 1,000,000 addresses (10% of them suppressed).
python3 - "$tmp" <<'PY'
import sys
d = sys.argv[1]
with open(d + "/supp.txt", "w") as f:
    for i in range(0, 1000000, 10):
        f.write("user%d@d%d.example\n" % (i, i % 997))
with open(d + "/list.csv", "w") as f:
    f.write("name,email\n")
    for i in range(1000000):
        f.write("Name %d,user%d@d%d.example\n" % (i, i, i % 997))
PY
xargs -n 20000 "$kaeru" suppressions add --db "$tmp/c.db" --reason userunknown <"$tmp/supp.txt"
a=$(now); "$kaeru" clean --db "$tmp/c.db" "$tmp/list.csv" >"$tmp/out.csv"; b=$(now)
python3 -c "import sys; print('clean, 1,000,000 addresses against 100,000 suppressions: %.2f s' % (float(sys.argv[2]) - float(sys.argv[1])))" "$a" "$b"
