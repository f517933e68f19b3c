#!/bin/sh
# run.sh TEST_STORE KAERU SRCDIR - the store suite against SQLite and against
# a real PostgreSQL server started here (initdb in a temporary folder, a free
# port, stopped at the end even on failure), with a second empty database
# for the schema migration test, then the command line (cli.sh), the
# concurrency and crash tests (concurrency.sh) against both.
set -u
t=$1
kaeru=$2
src=$3
here="$src/tests/store"
pgbin=${PGBIN:-/usr/lib/postgresql/15/bin}
tmp=$(mktemp -d /tmp/kaeru-store.XXXXXX)
fail=0
as_pg=""

cleanup() {
	if [ -f "$tmp/pg/postmaster.pid" ]; then
		$as_pg "$pgbin/pg_ctl" -D "$tmp/pg" -m immediate -w stop >/dev/null 2>&1
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# test_store checks that the example policy loads and holds the defaults.
export KAERU_CONF_EXAMPLE="$src/docs/kaeru.conf.example"

echo "== SQLite"
"$t" "$tmp/test.db" "$tmp/migration.db" || fail=1
sh "$here/cli.sh" "$kaeru" "$here" "$tmp/cli.db" "$tmp" || fail=1
sh "$here/concurrency.sh" "$kaeru" "$here" "$tmp/conc.db" "$tmp" || fail=1

echo "== PostgreSQL"
if [ ! -x "$pgbin/initdb" ]; then
	echo "FAIL: no PostgreSQL under $pgbin (tools/deps.sh installs it)"
	exit 1
fi
# initdb and postgres refuse to run as root: use the postgres system user.
if [ "$(id -u)" -eq 0 ]; then
	chown postgres "$tmp"
	as_pg="runuser -u postgres --"
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if ! $as_pg "$pgbin/initdb" -D "$tmp/pg" -A trust -U kaeru --no-sync >"$tmp/initdb.log" 2>&1; then
	cat "$tmp/initdb.log"
	exit 1
fi
if ! $as_pg "$pgbin/pg_ctl" -D "$tmp/pg" -l "$tmp/pg.log" -w -t 60 \
    -o "-p $port -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null; then
	cat "$tmp/pg.log"
	exit 1
fi
base="postgresql://kaeru@127.0.0.1:$port"
opts="sslmode=disable&gssencmode=disable"
psql_create() {
	"$pgbin/psql" -q -X -d "$base/postgres?$opts" -c "CREATE DATABASE $1" >/dev/null || fail=1
}
psql_create ktest
psql_create kmigration
"$t" "$base/ktest?$opts" "$base/kmigration?$opts" || fail=1
psql_create kcli
sh "$here/cli.sh" "$kaeru" "$here" "$base/kcli?$opts" "$tmp" || fail=1
psql_create kconc
sh "$here/concurrency.sh" "$kaeru" "$here" "$base/kconc?$opts" "$tmp" || fail=1

# A write queued in the pipeline that fails (a constraint added for the
# test): the server's error is reported, the batch is rolled back, and
# once the constraint is gone the same input is stored whole.
db="$base/kconc?$opts"
events() { "$kaeru" stats --db "$db" --format csv | awk -F, 'NR == 2 { print $2 }'; }
python3 "$here/gen_mbox.py" "$tmp/p.mbox" 90000 30
before=$(events)
"$pgbin/psql" -q -X -d "$db" -c "ALTER TABLE history ADD CONSTRAINT kaeru_test CHECK (length(policy_rule) < 5) NOT VALID"
"$kaeru" ingest --db "$db" --batch 10 "$tmp/p.mbox" >/dev/null 2>"$tmp/p.err"
rc=$?
if [ $rc -ne 3 ] || ! grep -q 'violates check constraint "kaeru_test"' "$tmp/p.err" || [ "$(events)" != "$before" ]; then
	echo "FAIL pipeline error: exit $rc, $(events) events (want 3, $before):"; cat "$tmp/p.err"; fail=1
fi
"$pgbin/psql" -q -X -d "$db" -c "ALTER TABLE history DROP CONSTRAINT kaeru_test"
"$kaeru" ingest --db "$db" --batch 10 "$tmp/p.mbox" >/dev/null || fail=1
[ "$(events)" = $((before + 30)) ] || { echo "FAIL pipeline error: $(events) events after the re-run, want $((before + 30))"; fail=1; }
[ $fail -eq 0 ] && echo "pipeline error: rolled back, then stored"
exit $fail
