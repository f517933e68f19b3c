#!/bin/sh
# cli.sh KAERU HERE DB TMP - the store commands on the command line, against
# an empty database DB: every listing takes --format table|jsonl|json|csv
# and prints the same columns and rows in each (formats.py); kaeru clean in
# each format; the shared options (--help, a bad --format).
set -u
kaeru=$1
here=$2
db=$3
tmp=$4
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL cli: $*"; fail=$((fail + 1)); }

# alike NAME ARGS... - the listing in the four formats agrees (formats.py)
alike() {
	name=$1
	shift
	split=""
	case "$name" in address*) split=1 ;; esac
	for f in csv jsonl json table; do
		"$kaeru" "$@" --db "$db" --format $f >"$tmp/$name.$f" 2>"$tmp/$name.err" ||
		    { bad "$name --format $f: exit $?"; cat "$tmp/$name.err"; return; }
	done
	if python3 "$here/formats.py" "$tmp/$name.csv" "$tmp/$name.jsonl" "$tmp/$name.json" \
	    "$tmp/$name.table" $split >"$tmp/$name.check"; then
		ok
	else
		bad "$name: $(cat "$tmp/$name.check")"
	fi
}

python3 "$here/gen_mbox.py" "$tmp/cli.mbox" 0 40
"$kaeru" ingest --db "$db" "$tmp/cli.mbox" >/dev/null || bad "ingest"
"$kaeru" suppressions add --db "$db" --reason unsubscribe Someone@Example.org || bad "suppressions add"

alike ingest ingest "$tmp/cli.mbox"
# The same mbox gzip'd (a rotated spool): the same 40 events, all known.
gzip -c "$tmp/cli.mbox" >"$tmp/cli.mbox.gz"
"$kaeru" ingest --db "$db" --format jsonl "$tmp/cli.mbox.gz" >"$tmp/ingest-gz.jsonl" 2>&1 || bad "ingest gzip: exit $?"
grep -q '"records":40,"stored":0,"duplicates":40' "$tmp/ingest-gz.jsonl" && ok ||
    bad "ingest gzip: $(cat "$tmp/ingest-gz.jsonl")"
alike supp-list suppressions list
alike supp-export suppressions export
alike supp-domains suppressions domains
alike address address USER0@d0.example
alike stats stats
alike stats-domain stats --by domain

# Rates: over --sent, warned past the policy's thresholds in a column and
# on standard error; no rate (and no warning) without a number sent or a
# delivery report.
"$kaeru" stats --db "$db" --format csv 2>"$tmp/err" | tr -d '\r' >"$tmp/out" &&
    grep -q '^total,[0-9,]*,,,$' "$tmp/out" && [ ! -s "$tmp/err" ] && ok ||
    bad "stats without --sent: no rate: $(cat "$tmp/out" "$tmp/err")"
"$kaeru" stats --db "$db" --sent 1000 --format csv 2>"$tmp/err" | tr -d '\r' >"$tmp/out" &&
    grep -q '^total,.*,0\.0[0-9]*,0\.0[0-9]*,bounce_rate$' "$tmp/out" &&
    grep -q "stats: warning: total: bounce rate [0-9.]*% of 1000 mails is past 2.00% (warn_bounce_rate" "$tmp/err" &&
    ok || bad "stats --sent 1000 warns: $(cat "$tmp/out" "$tmp/err")"
"$kaeru" stats --db "$db" --sent 1000000 --format csv 2>"$tmp/err" | tr -d '\r' >"$tmp/out" &&
    grep -q '^total,.*,$' "$tmp/out" && [ ! -s "$tmp/err" ] && ok ||
    bad "stats --sent 1000000 does not warn: $(cat "$tmp/out" "$tmp/err")"
printf 'warn_bounce_rate = 50%%\n' >"$tmp/lax.conf"
"$kaeru" stats --db "$db" --config "$tmp/lax.conf" --sent 1000 >/dev/null 2>"$tmp/err" && [ ! -s "$tmp/err" ] &&
    ok || bad "stats with warn_bounce_rate = 50%: $(cat "$tmp/err")"
"$kaeru" stats --db "$db" --config "$here/../../docs/kaeru.conf.example" >/dev/null 2>"$tmp/err" && ok ||
    bad "the example kaeru.conf loads: $(cat "$tmp/err")"
alike stats-sent stats --sent 1000 --by domain

# Values: the address as first seen; a number column is a JSON number.
grep -q '^Someone@Example.org,unsubscribe,manual,' "$tmp/supp-list.csv" && ok ||
    bad "suppressions list: the address as first seen: $(cat "$tmp/supp-list.csv")"
grep -q '"events":40,' "$tmp/stats.jsonl" && ok || bad "stats jsonl: $(cat "$tmp/stats.jsonl")"

# kaeru clean: CSV by default, the same columns in every format, rejects too.
printf '\357\273\277name,Email\r\nNeko,Neko@gmial.com\nDup,NEKO@gmial.com\nGone,user0@d0.example\n"Quoted, name",inu@example.jp\n' >"$tmp/list.csv"
"$kaeru" clean --db "$db" "$tmp/list.csv" >"$tmp/clean.default" 2>/dev/null || bad "clean: exit $?"
for f in csv jsonl json table; do
	"$kaeru" clean --db "$db" --format $f --rejects "$tmp/rej.$f" "$tmp/list.csv" >"$tmp/clean.$f" 2>"$tmp/clean.err" ||
	    { bad "clean --format $f: exit $?"; cat "$tmp/clean.err"; }
done
cmp -s "$tmp/clean.default" "$tmp/clean.csv" && ok || bad "clean: CSV is the default"
grep -q '^Neko,Neko@gmial.com,Neko@gmail.com' "$tmp/clean.csv" && ok || bad "clean csv: $(cat "$tmp/clean.csv")"
grep -q '"did_you_mean":"Neko@gmail.com"' "$tmp/clean.jsonl" && ok || bad "clean jsonl: $(cat "$tmp/clean.jsonl")"
python3 "$here/formats.py" "$tmp/clean.csv" "$tmp/clean.jsonl" "$tmp/clean.json" "$tmp/clean.table" >"$tmp/c.check" &&
    ok || bad "clean: $(cat "$tmp/c.check")"
python3 "$here/formats.py" "$tmp/rej.csv" "$tmp/rej.jsonl" "$tmp/rej.json" "$tmp/rej.table" >"$tmp/c.check" &&
    ok || bad "clean rejects: $(cat "$tmp/c.check")"
grep -q '"dropped":"suppressed"' "$tmp/rej.jsonl" && ok || bad "clean rejects jsonl: $(cat "$tmp/rej.jsonl")"
printf 'a@gmial.com,x\nb@example.org\n' | "$kaeru" clean --db "$db" --format jsonl - 2>/dev/null >"$tmp/nohead.jsonl"
grep -q '^{"column1":"a@gmial.com","column2":"x","did_you_mean":"a@gmail.com"}$' "$tmp/nohead.jsonl" && ok ||
    bad "clean without a header: $(cat "$tmp/nohead.jsonl")"
# A first row with an address is data, even when a field of it reads "to".
printf 'a@example.org,to\nb@example.org,cc\n' | "$kaeru" clean --db "$db" - 2>/dev/null >"$tmp/to.csv"
[ "$(grep -c '@example.org' "$tmp/to.csv")" = 2 ] && ok || bad "clean: a data row naming a column: $(cat "$tmp/to.csv")"
printf 'email\n"broken\n' >"$tmp/broken.csv"
"$kaeru" clean --db "$db" --format table "$tmp/broken.csv" >"$tmp/broken.out" 2>"$tmp/broken.err"
[ $? -eq 1 ] && [ ! -s "$tmp/broken.out" ] && grep -q "line 2" "$tmp/broken.err" && ok ||
    bad "clean of malformed CSV: $(cat "$tmp/broken.err")"
# CSV goes out row by row, a file and standard input give the same bytes; malformed input still writes nothing, rejects
# included, and a failed write leaves no rejects file behind.
"$kaeru" clean --db "$db" - <"$tmp/list.csv" >"$tmp/clean.stdin" 2>/dev/null &&
    cmp -s "$tmp/clean.stdin" "$tmp/clean.default" && ok || bad "clean: standard input as the file"
printf 'email\na@example.org\nb@example.org,"\n' >"$tmp/broken2.csv"
"$kaeru" clean --db "$db" --rejects "$tmp/rej.broken" "$tmp/broken2.csv" >"$tmp/broken.out" 2>"$tmp/broken.err"
[ $? -eq 1 ] && [ ! -s "$tmp/broken.out" ] && [ ! -e "$tmp/rej.broken" ] &&
    [ -z "$(ls "$tmp" | grep 'rej.broken.tmp')" ] && ok || bad "clean csv of malformed CSV: $(cat "$tmp/broken.err")"
if [ -w /dev/full ]; then
	"$kaeru" clean --db "$db" --rejects "$tmp/rej.full" "$tmp/list.csv" >/dev/full 2>"$tmp/full.err"
	[ $? -eq 3 ] && grep -q 'cannot write' "$tmp/full.err" && [ ! -e "$tmp/rej.full" ] &&
	    [ -z "$(ls "$tmp" | grep 'rej.full.tmp')" ] && ok || bad "clean to a full disk: $(cat "$tmp/full.err")"
	# Every command says so when its output could not be written.
	for c in version --help "parse --help" "explain 550" "stats --db $db" "clean --help"; do
		# shellcheck disable=SC2086
		"$kaeru" $c >/dev/full 2>"$tmp/full.err"
		[ $? -eq 3 ] && grep -q 'cannot write' "$tmp/full.err" && ok || bad "kaeru $c to a full disk"
	done
fi
# A reader that goes away: the write fails, and no rejects file, final or temporary, stays.
python3 -c 'import sys; sys.stdout.write("email\n" + "".join("u%d@example.org\n" % i for i in range(200000)))' >"$tmp/long.csv"
"$kaeru" clean --db "$db" --rejects "$tmp/rej.pipe" "$tmp/long.csv" 2>"$tmp/pipe.err" | head -c 10 >/dev/null
grep -q 'cannot write' "$tmp/pipe.err" && [ -z "$(ls "$tmp" | grep 'rej.pipe')" ] && ok ||
    bad "clean into a pipe closed early: $(cat "$tmp/pipe.err")"
"$kaeru" clean --db "$db" --rejects "$tmp/no/such/dir/rej" "$tmp/list.csv" >"$tmp/nodir.out" 2>"$tmp/nodir.err"
[ $? -eq 3 ] && [ ! -s "$tmp/nodir.out" ] && grep -q 'no/such/dir' "$tmp/nodir.err" && ok ||
    bad "clean with rejects that cannot be written: $(cat "$tmp/nodir.err")"
: >"$tmp/empty.csv"
"$kaeru" clean --db "$db" "$tmp/empty.csv" >"$tmp/empty.out" 2>/dev/null && [ ! -s "$tmp/empty.out" ] && ok ||
    bad "clean of an empty file"
# A list as spreadsheets in Japan save it: Shift_JIS (CP932), read as such
# and said so; its address column is the one named メールアドレス (said too,
# being the second); the output is UTF-8. A wrong --encoding fails where it
# breaks, an unknown one is a usage error.
printf '\226\274\221\117,\203\201\201\133\203\213\203\101\203\150\203\214\203\130\r\n\216\122\223\143,yamada@example.jp\r\n' >"$tmp/sjis.csv"
"$kaeru" clean --db "$db" "$tmp/sjis.csv" >"$tmp/sjis.out" 2>"$tmp/sjis.err" &&
    grep -q 'read as CP932 (Shift_JIS)' "$tmp/sjis.err" && grep -q 'column 2, "メールアドレス"' "$tmp/sjis.err" &&
    [ "$(tr -d '\r' <"$tmp/sjis.out")" = "$(printf '名前,メールアドレス,did_you_mean\n山田,yamada@example.jp,')" ] &&
    ok || bad "clean of a Shift_JIS list: $(cat "$tmp/sjis.out" "$tmp/sjis.err")"
"$kaeru" clean --db "$db" --encoding EUC-JP "$tmp/sjis.csv" >"$tmp/sjis.out" 2>"$tmp/sjis.err"
[ $? -eq 1 ] && [ ! -s "$tmp/sjis.out" ] && grep -q 'line 1: not EUC-JP' "$tmp/sjis.err" && ok ||
    bad "clean --encoding EUC-JP of a Shift_JIS list: $(cat "$tmp/sjis.err")"
"$kaeru" clean --db "$db" --encoding KLINGON "$tmp/sjis.csv" >/dev/null 2>"$tmp/sjis.err"
[ $? -eq 2 ] && grep -q 'unknown encoding "KLINGON"' "$tmp/sjis.err" && ok ||
    bad "clean --encoding KLINGON: $(cat "$tmp/sjis.err")"
# Written back as it came (for a mailer that takes Shift_JIS), rejects too;
# a name that Shift_JIS cannot hold fails before anything is written.
"$kaeru" clean --db "$db" --output-encoding input --rejects "$tmp/sjis.rej" "$tmp/sjis.csv" >"$tmp/sjis.out" 2>/dev/null &&
    printf '名前,メールアドレス,did_you_mean\r\n山田,yamada@example.jp,\r\n' | iconv -f UTF-8 -t CP932 | cmp -s - "$tmp/sjis.out" &&
    printf '名前,メールアドレス,dropped\r\n' | iconv -f UTF-8 -t CP932 | cmp -s - "$tmp/sjis.rej" &&
    ok || bad "clean --output-encoding input: $(od -c "$tmp/sjis.out" | head -5)"
printf 'name,email\n\360\237\220\270,frog@example.jp\n' >"$tmp/frog.csv"
"$kaeru" clean --db "$db" --output-encoding CP932 "$tmp/frog.csv" >"$tmp/frog.out" 2>"$tmp/frog.err"
[ $? -eq 1 ] && [ ! -s "$tmp/frog.out" ] && grep -q 'line 2: a character that CP932 cannot hold' "$tmp/frog.err" && ok ||
    bad "clean --output-encoding CP932 of an emoji: $(cat "$tmp/frog.err")"
"$kaeru" clean --db "$db" --output-encoding CP932 --format jsonl "$tmp/sjis.csv" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q 'output-encoding is for CSV' "$tmp/err" && ok || bad "clean --output-encoding with jsonl: $(cat "$tmp/err")"

# kaeru lists: create, import (all or nothing, bad lines named), show and
# export in every format, export without the suppressed, add, remove,
# unsubscribe.
"$kaeru" lists create --db "$db" news weekly && ok || bad "lists create"
"$kaeru" lists create --db "$db" news 2>"$tmp/err"
[ $? -eq 1 ] && grep -q 'exists already' "$tmp/err" && ok || bad "lists create again: $(cat "$tmp/err")"
printf 'email
ok@example.org
not an address
"x@",y
' >"$tmp/badsub.csv"
"$kaeru" lists import --db "$db" news "$tmp/badsub.csv" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q 'badsub.csv: line 3: not an address: no @' "$tmp/err" &&
    grep -q 'badsub.csv: line 4: x@: ' "$tmp/err" && grep -q 'nothing imported' "$tmp/err" && ok ||
    bad "lists import of bad rows: $(cat "$tmp/err")"
printf 'email
"broken
' | "$kaeru" lists import --db "$db" news - >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q 'line 2' "$tmp/err" && ok || bad "lists import of malformed CSV: $(cat "$tmp/err")"
printf '\357\273\277Name,E-mail\r\n"Neko, the cat",Neko@Example.org\r\nHard,USER0@d0.example\r\nAgain,neko@example.org\r\nFine,fine@example.org\r\n' >"$tmp/sub.csv"
"$kaeru" lists import --db "$db" --format csv news "$tmp/sub.csv" >"$tmp/import.out" 2>"$tmp/err" || bad "lists import: $(cat "$tmp/err")"
[ "$(tail -n 1 "$tmp/import.out" | tr -d '\r')" = "4,3,1" ] && ok || bad "lists import: $(cat "$tmp/import.out")"
"$kaeru" lists create --db "$db" jp && "$kaeru" lists import --db "$db" --format csv jp "$tmp/sjis.csv" \
    >"$tmp/import.out" 2>"$tmp/err" && [ "$(tail -n 1 "$tmp/import.out" | tr -d '\r')" = "1,1,0" ] &&
    grep -q 'read as CP932 (Shift_JIS)' "$tmp/err" && ok || bad "lists import of a Shift_JIS list: $(cat "$tmp/import.out" "$tmp/err")"
alike lists-show lists show
alike lists-one lists show news
alike lists-export lists export news
alike lists-all lists export --all news
[ "$(tr -d '\r' <"$tmp/lists-export.csv" | cut -d, -f1-3 | paste -sd ' ' -)" = \
    "address,state,mailable fine@example.org,active,yes Neko@Example.org,active,yes" ] && ok ||
    bad "lists export: the mailable, as first seen: $(cat "$tmp/lists-export.csv")"
grep -q '^USER0@d0.example,suppressed,no,' "$tmp/lists-all.csv" && ok || bad "lists export --all: $(cat "$tmp/lists-all.csv")"
grep -q '^news,3,2,0,1,0,0,2' "$tmp/lists-show.csv" && ok || bad "lists show: $(cat "$tmp/lists-show.csv")"
"$kaeru" lists export --db "$db" news >"$tmp/default.out" && cmp -s "$tmp/default.out" "$tmp/lists-export.csv" && ok ||
    bad "lists export: CSV is the default"
"$kaeru" lists add --db "$db" weekly New@example.org && "$kaeru" lists remove --db "$db" news NEKO@example.org &&
    "$kaeru" lists unsubscribe --db "$db" news fine@example.org && ok || bad "lists add, remove, unsubscribe"
"$kaeru" lists remove --db "$db" news neko@example.org 2>"$tmp/err"
[ $? -eq 1 ] && grep -q 'not on the list' "$tmp/err" && ok || bad "lists remove again: $(cat "$tmp/err")"
"$kaeru" lists show --db "$db" --format csv >"$tmp/show2.csv"
grep -q '^news,1,0,0,1,0,0,0' "$tmp/show2.csv" && grep -q '^weekly,1,1,0,0,0,0,1' "$tmp/show2.csv" && ok ||
    bad "lists after add, remove, unsubscribe: $(cat "$tmp/show2.csv")"
"$kaeru" address --db "$db" fine@example.org --format csv | grep -q '^fine@example.org,unsubscribed,' && ok ||
    bad "lists unsubscribe suppresses"
"$kaeru" lists export --db "$db" nosuch >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] && [ ! -s "$tmp/out" ] && grep -q 'no list "nosuch"' "$tmp/err" && ok || bad "lists export of no list"
# --output-encoding: the export in CP932 for a mailer that wants it; all or
# nothing when an address does not fit; a name iconv does not know, or a
# format other than CSV, is a usage error.
"$kaeru" lists create --db "$db" out932 && "$kaeru" lists add --db "$db" out932 山田@example.jp >/dev/null &&
    "$kaeru" lists export --db "$db" out932 --output-encoding CP932 >"$tmp/jp.csv" &&
    iconv -f CP932 -t UTF-8 "$tmp/jp.csv" | grep -q '^山田@example.jp,active,yes,' &&
    ! grep -q '山田' "$tmp/jp.csv" && ok || bad "lists export --output-encoding CP932: $(cat "$tmp/jp.csv")"
"$kaeru" lists add --db "$db" out932 😀@example.jp >/dev/null
"$kaeru" lists export --db "$db" out932 --output-encoding CP932 >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] && [ ! -s "$tmp/out" ] && grep -q 'CP932 cannot hold' "$tmp/err" && ok ||
    bad "lists export --output-encoding, an address CP932 cannot hold: $(cat "$tmp/err")"
"$kaeru" lists export --db "$db" out932 --output-encoding NOPE >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && [ ! -s "$tmp/out" ] && ok || bad "lists export --output-encoding NOPE: $(cat "$tmp/err")"
"$kaeru" lists export --db "$db" out932 --format jsonl --output-encoding CP932 >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q 'for lists export as CSV' "$tmp/err" && ok || bad "lists export --output-encoding with jsonl"
"$kaeru" lists remove --db "$db" out932 山田@example.jp 😀@example.jp >/dev/null || bad "lists remove out932"

# ingest takes kaeru parse's limits: a mail cut before any record is said
# on stderr, exit 1, nothing stored; with room enough, its record is stored.
"$kaeru" ingest --db "$db" --format jsonl --max-depth 6 "$here/../golden/nested.eml" >"$tmp/lim.out" 2>"$tmp/lim.err"
[ $? -eq 1 ] && grep -q '"records":0,"stored":0' "$tmp/lim.out" && grep -q "nested.eml: the mail was cut" "$tmp/lim.err" &&
    ok || bad "ingest --max-depth 6: $(cat "$tmp/lim.out" "$tmp/lim.err")"
"$kaeru" ingest --db "$db" --format jsonl --max-depth 7 "$here/../golden/nested.eml" >"$tmp/lim.out" 2>&1 &&
    grep -q '"records":1,"stored":1' "$tmp/lim.out" && ok || bad "ingest --max-depth 7: $(cat "$tmp/lim.out")"
"$kaeru" ingest --db "$db" --max-parts 0 "$here/../golden/nested.eml" >/dev/null 2>"$tmp/lim.err"
[ $? -eq 2 ] && grep -q -- "--max-parts wants" "$tmp/lim.err" && ok || bad "ingest --max-parts 0: $(cat "$tmp/lim.err")"

# A command that only reads does not make a store: a SQLite file that is
# missing (a typo in --db, or no ingest yet at the default place) is an
# error that names it, exit 1, and no file or folder is left behind.
case $db in
postgres*) ;;
*)
	gone="$tmp/no/such/store.db"
	for c in "stats" "address x@example.org" "suppressions list" "suppressions export" \
	    "suppressions domains" "lists show" "lists export news"; do
		"$kaeru" $c --db "$gone" >"$tmp/out" 2>"$tmp/err"
		[ $? -eq 1 ] && [ ! -s "$tmp/out" ] && [ ! -e "$tmp/no" ] &&
		    grep -q "no store at $gone: nothing was stored there yet" "$tmp/err" && ok ||
		    bad "$c of a missing store: $(cat "$tmp/out" "$tmp/err")"
	done
	mkdir -p "$tmp/home"
	HOME="$tmp/home" XDG_DATA_HOME= KAERU_DB= "$kaeru" stats >"$tmp/out" 2>"$tmp/err"
	[ $? -eq 1 ] && [ -z "$(ls -A "$tmp/home")" ] &&
	    grep -q "no store at $tmp/home/.local/share/kaeru/kaeru.db" "$tmp/err" && ok ||
	    bad "stats with no store at the default place: $(cat "$tmp/err"; ls -A "$tmp/home")"
	printf 'email\nA@example.org\na@example.org\nnot an address\nSomeone@Example.org\n' >"$tmp/nostore.csv"
	"$kaeru" clean --db "$gone" "$tmp/nostore.csv" >"$tmp/out" 2>"$tmp/err"
	[ $? -eq 1 ] && [ ! -s "$tmp/out" ] && [ ! -e "$tmp/no" ] && grep -q -- "--no-store" "$tmp/err" && ok ||
	    bad "clean against a missing store: $(cat "$tmp/out" "$tmp/err")"
	# Without a store only invalid addresses and duplicates go; Someone@ stays.
	"$kaeru" clean --no-store "$tmp/nostore.csv" >"$tmp/out" 2>"$tmp/err" &&
	    [ "$(tr -d '\r' <"$tmp/out")" = "$(printf 'email,did_you_mean\nA@example.org,\nSomeone@Example.org,')" ] &&
	    grep -q "4 rows, 2 kept, 0 suppressed, 1 invalid, 1 duplicates" "$tmp/err" && ok ||
	    bad "clean --no-store: $(cat "$tmp/out" "$tmp/err")"
	"$kaeru" clean --no-store --db "$db" "$tmp/nostore.csv" >/dev/null 2>"$tmp/err"
	[ $? -eq 2 ] && grep -q -- "--no-store reads no store" "$tmp/err" && ok || bad "clean --no-store --db: $(cat "$tmp/err")"
	# The same list against the store: Someone@ is suppressed (unsubscribe).
	"$kaeru" clean --db "$db" "$tmp/nostore.csv" >"$tmp/out" 2>"$tmp/err" &&
	    grep -q "4 rows, 1 kept, 1 suppressed" "$tmp/err" && ok || bad "clean against the store: $(cat "$tmp/err")"
	# A command that writes still makes its store.
	rm -f "$tmp/made.db"
	"$kaeru" suppressions add --db "$tmp/made.db" x@example.org >/dev/null 2>"$tmp/err" &&
	    [ -s "$tmp/made.db" ] && ok || bad "suppressions add makes its store: $(cat "$tmp/err")"
	# A misspelt reason is a usage error, named with its nearest word, and makes no store.
	rm -f "$tmp/typo.db"
	"$kaeru" suppressions add --db "$tmp/typo.db" --reason unsubscibe x@example.org >/dev/null 2>"$tmp/err"
	[ $? -eq 2 ] && grep -q 'did you mean "unsubscribe"' "$tmp/err" && [ ! -e "$tmp/typo.db" ] && ok ||
	    bad "suppressions add --reason unsubscibe: $(cat "$tmp/err")"
	;;
esac

# The options every store command shares.
for c in ingest suppressions address clean stats lists; do
	"$kaeru" $c --help >"$tmp/help" 2>&1 && grep -q "usage: kaeru $c" "$tmp/help" &&
	    grep -q -- "--db URL  *the store" "$tmp/help" && ok || bad "$c --help: $(cat "$tmp/help")"
done
"$kaeru" stats --db "$db" --format xml >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q 'unknown format "xml"' "$tmp/err" && ok || bad "a bad --format: $(cat "$tmp/err")"
"$kaeru" address --db "$db" --bogus x >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "usage: kaeru address" "$tmp/err" && ok || bad "a bad option: $(cat "$tmp/err")"

echo "cli ($db): $pass passed, $fail failed"
[ $fail -eq 0 ]
