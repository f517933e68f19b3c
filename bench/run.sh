#!/bin/sh
# run.sh - kaeru's benchmarks, one readable report ("make bench").
#
#   sh bench/run.sh [DIR...]       DIR: corpus directories of mail files
#                                  (default ../shared/corpus/maildir/bsd)
# Environment:
#   BUILD=build            the release build to measure
#   BENCH_SECONDS=3        wall time of each in-memory loop
#   BENCH_MB=100           size of the end-to-end mbox
#   PEER_SECONDS=3         minimum wall time of each peer (one round at least)
#   PEERS=1                0 skips Sisimai and BounceParser
#   BENCH_GB=0             N > 0 also measures peak RSS over an N GB mbox
#
# Generated inputs go to bench/out/ (not committed). Figures only: nothing
# here passes or fails on speed.
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
BENCH_SECONDS=${BENCH_SECONDS:-3}
BENCH_MB=${BENCH_MB:-100}
PEER_SECONDS=${PEER_SECONDS:-3}
PEERS=${PEERS:-1}
OUT=$SRC/bench/out
KAERU=$SRC/$BUILD/src/kaeru
BP=$SRC/$BUILD/bench/bench_parse
[ $# -gt 0 ] || set -- "$SRC/../shared/corpus/maildir/bsd"
mkdir -p "$OUT"
for f in "$KAERU" "$BP"; do
	[ -x "$f" ] || { echo "run.sh: $f missing; run make first" >&2; exit 2; }
done

# ms - monotonic-enough wall clock in milliseconds
ms() { echo $(($(date +%s%N) / 1000000)); }
# ratio A B - A/B with one decimal
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }'; }

nfiles=0
for d in "$@"; do
	nfiles=$((nfiles + $(find "$d" -maxdepth 1 -type f | wc -l)))
done

echo "kaeru benchmarks  $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
echo "$("$KAERU" --version 2>/dev/null | head -1), built with $(cc --version | head -1)"
echo "corpus: $* ($nfiles files)"
echo

echo "== 1. in memory, one parser, one core (bench_parse, ${BENCH_SECONDS}s each loop)"
set -- $("$BP" -q -t "$BENCH_SECONDS" "$@") "$@"
mem_msgs=$4; mem_mbs=$5; floor_mbs=$6
printf '   parse+classify   %8s msgs/s  %7s MB/s  (%s mails, %s bytes, %s records, %s us/mail)\n' "$4" "$5" "$1" "$2" "$3" "$7"
printf '   floor (read once)          %7s MB/s  floor/parse %sx\n' "$6" "$(ratio "$6" "$5")"
shift 7
ncpu=$(nproc)
pin1=""	# --jobs 1 runs on the fastest core, when there is a choice
if [ "$ncpu" -gt 1 ] && command -v taskset >/dev/null 2>&1; then
	# The machine's own ceiling for --jobs: each core alone, then all at
	# once (virtual cores need not be equal, nor add up).
	best=0
	bestc=0
	c=0
	while [ $c -lt "$ncpu" ]; do
		r=$(taskset -c $c "$BP" -q -t 2 "$@" | awk '{ print $4 }')
		printf '   core %d alone     %8s msgs/s\n' $c "$r"
		if [ "$r" -gt "$best" ]; then best=$r; bestc=$c; fi
		c=$((c + 1))
	done
	c=0
	while [ $c -lt "$ncpu" ]; do
		taskset -c $c "$BP" -q -t 2 "$@" >"$OUT/core$c.txt" &
		c=$((c + 1))
	done
	wait
	sum=$(cat "$OUT"/core*.txt | awk '{ s += $4 } END { print s }')
	rm -f "$OUT"/core*.txt
	pin1="taskset -c $bestc"
	printf '   all %d at once   %8s msgs/s in sum: %sx the fastest core alone (the ceiling of --jobs %d)\n' \
	    "$ncpu" "$sum" "$(ratio "$sum" "$best")" "$ncpu"
fi
# Each mail parsed twice in a row, the second timed: the parser's work
# with caches and branch predictors trained on that mail (bench_parse -w).
set -- $($pin1 "$BP" -q -w -t 2 "$@") "$@"
printf '   warm, same mail again %8s msgs/s  (%s us/mail; %sx the cold rate %s)\n' "$4" "$7" \
    "$(ratio "$4" "${best:-$mem_msgs}")" "$([ -n "$pin1" ] && echo "of that core" || echo "above")"
shift 7
# The same, with 1 MB (the L2) written in between (bench_parse -e): L1 and L2
# cold again, the branch predictors still trained on the mail.
set -- $($pin1 "$BP" -q -w -e 1024 -t 2 "$@") "$@"
printf '   ... 1 MB written between %5s msgs/s  (%s us/mail: L1 and L2 cold, predictors trained)\n' "$4" "$7"
shift 7
echo

echo "== 2. end to end: kaeru parse --format jsonl"
t0=$(ms); n=0
while :; do
	"$KAERU" parse --format jsonl "$@" >/dev/null || true
	n=$((n + 1))
	[ $(($(ms) - t0)) -ge 2000 ] && break
done
dt=$(($(ms) - t0))
dir_msgs=$(awk -v f="$nfiles" -v n="$n" -v t="$dt" 'BEGIN { printf "%.0f", f * n * 1000 / t }')
printf '   corpus files     %8s msgs/s  (%d runs over %d files in %d ms)\n' "$dir_msgs" "$n" "$nfiles" "$dt"
if [ ! -s "$OUT/big.mbox" ] || [ "$(cat "$OUT/big.mbox.mb" 2>/dev/null)" != "$BENCH_MB" ]; then
	python3 "$SRC/bench/mkmail.py" mbox "$OUT/big.mbox" "$BENCH_MB" "$@" >"$OUT/big.mbox.count"
	echo "$BENCH_MB" >"$OUT/big.mbox.mb"
fi
nbig=$(cat "$OUT/big.mbox.count")
bigsize=$(wc -c <"$OUT/big.mbox")
cat "$OUT/big.mbox" >/dev/null	# warm the page cache
for j in 1 "$ncpu"; do
	t0=$(ms)
	pin=""
	[ "$j" = 1 ] && pin=$pin1
	$pin /usr/bin/time -f '%M' -o "$OUT/time.txt" "$KAERU" parse --jobs "$j" --format jsonl "$OUT/big.mbox" >/dev/null || true
	dt=$(($(ms) - t0))
	rss=$(tail -1 "$OUT/time.txt")
	rate=$(awk -v f="$nbig" -v t="$dt" 'BEGIN { printf "%.0f", f * 1000 / t }')
	printf '   %d MB mbox, --jobs %d %8s msgs/s  %7s MB/s  (%d mails in %d ms, peak RSS %s KiB)\n' \
	    "$((bigsize / 1000000))" "$j" "$rate" \
	    "$(awk -v s="$bigsize" -v t="$dt" 'BEGIN { printf "%.1f", s / t / 1000 }')" "$nbig" "$dt" "$rss"
	if [ "$j" = 1 ]; then one=$rate; else mbox_msgs=$rate; fi
done
[ "$ncpu" -gt 1 ] || mbox_msgs=$one
printf '   --jobs %d / --jobs 1: %sx%s\n' "$ncpu" "$(ratio "$mbox_msgs" "$one")" \
    "${pin1:+ (--jobs 1 on the fastest core)}"
if [ "${BENCH_GB:-0}" -gt 0 ]; then
	# Peak memory over a mbox of BENCH_GB GB: the 100 MB one repeated.
	reps=$((BENCH_GB * 1000000000 / bigsize + 1))
	i=0
	: >"$OUT/huge.mbox"
	while [ $i -lt $reps ]; do cat "$OUT/big.mbox" >>"$OUT/huge.mbox"; i=$((i + 1)); done
	t0=$(ms)
	/usr/bin/time -f '%M' -o "$OUT/time.txt" "$KAERU" parse --format jsonl "$OUT/huge.mbox" >/dev/null || true
	dt=$(($(ms) - t0))
	printf '   %d MB mbox       %8s msgs/s  peak RSS %s KiB\n' "$(($(wc -c <"$OUT/huge.mbox") / 1000000))" \
	    "$(awk -v f="$((nbig * reps))" -v t="$dt" 'BEGIN { printf "%.0f", f * 1000 / t }')" "$(tail -1 "$OUT/time.txt")"
	rm -f "$OUT/huge.mbox"
fi
echo

echo "== 3. peers over the same files (Debian's Perl modules, ${PEER_SECONDS}s at least)"
if [ "$PEERS" = 1 ]; then
	for pkg in libsisimai-perl libmail-deliverystatus-bounceparser-perl; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || {
			echo "   installing $pkg"
			SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
			DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$pkg" >/dev/null
		}
	done
	for peer in sisimai bounceparser; do
		set -- $(perl "$SRC/bench/peer_$peer.pl" "$PEER_SECONDS" "$@" 2>/dev/null) "$@"
		printf '   %-12s %-8s %8s msgs/s  (%s records from %s mails; kaeru/%s: %sx in memory, %sx end to end)\n' \
		    "$1" "$2" "$7" "$4" "$3" "$1" "$(ratio "$mem_msgs" "$7")" "$(ratio "$dir_msgs" "$7")"
		shift 7
	done
else
	echo "   skipped (PEERS=0)"
fi
echo

echo "== 4. one large mail: a bounce returning base64 images"
for s in 150000 1500000 15000000; do
	[ -s "$OUT/big-$s.eml" ] || python3 "$SRC/bench/mkmail.py" big "$OUT/big-$s.eml" "$s"
done
t0=$(ms)
for i in 1 2 3 4 5; do "$KAERU" parse --format jsonl "$OUT/big-15000000.eml" >/dev/null; done
dt=$(($(ms) - t0))
printf '   15 MB mail, kaeru parse: %d ms per run (mean of 5, process start and reading included)\n' "$((dt / 5))"
base=""
for s in 150000 1500000 15000000; do
	set -- $("$BP" -q -t 1 "$OUT/big-$s.eml")
	[ -n "$base" ] || base=$7
	printf '   %5s KB in memory: %10s us per mail  (%sx the 1x time, %s MB/s)\n' "$(($2 / 1000))" "$7" \
	    "$(ratio "$7" "$base")" "$5"
done
