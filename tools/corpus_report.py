#!/usr/bin/env python3
"""corpus_report.py - agreement with truth.tsv per family and per field.

    python3 tools/corpus_report.py [KAERU] [CORPUS]

Runs `KAERU parse --format jsonl` over CORPUS/maildir/bsd (default
build/src/kaeru and ../shared/corpus) and compares each record with the
truth row of the same file and index, field by field, the way
tests/corpus/corpus_test.c does (Sisimai's pseudo-codes X.0.9NN compare
by class; a recipient may match one of the alternatives). Prints one line
per family (the truth's last column), worst first, then the totals.
Figures only: the floors live in the corpus test.
"""
import collections
import json
import os
import subprocess
import sys

FIELDS = ('recipient', 'reason', 'status', 'replycode', 'hardbounce')


def status_eq(want, got):
    if len(want) == 7 and want[2] == '0' and want[4] == '9':
        return got[:1] == want[:1]
    return want == got


def main():
    kaeru = sys.argv[1] if len(sys.argv) > 1 else 'build/src/kaeru'
    corpus = sys.argv[2] if len(sys.argv) > 2 else '../shared/corpus'
    bsd = os.path.join(corpus, 'maildir', 'bsd')
    out = subprocess.run([kaeru, 'parse', '--jobs', '1', '--format', 'jsonl', bsd],
                         capture_output=True, check=False).stdout.decode()
    got = collections.defaultdict(list)
    for line in out.splitlines():
        r = json.loads(line)
        got[os.path.basename(r['origin'])].append(r)
    fam = collections.defaultdict(lambda: [0, [0] * len(FIELDS)])
    with open(os.path.join(corpus, 'truth.tsv'), encoding='utf-8') as f:
        for row in f:
            c = row.rstrip('\n').split('\t')
            if len(c) < 10 or not c[1].isdigit():
                continue
            name, idx, rcpt, alt, status, reply, reason, hard, _action, module = c[:10]
            recs = got.get(name, [])
            r = recs[int(idx) - 1] if int(idx) <= len(recs) else None
            ok = [False] * len(FIELDS)
            if r is not None:
                alts = [a.lower() for a in alt.split('|') if a]
                ok = [r['recipient'].lower() == rcpt.lower() or r['recipient'].lower() in alts,
                      r['reason'] == reason,
                      status_eq(status, r['deliverystatus']),
                      r['replycode'] == reply,
                      ('true' if r['hardbounce'] else 'false') == hard]
            e = fam[module]
            e[0] += 1
            for i, v in enumerate(ok):
                e[1][i] += int(v)
    total = [0, [0] * len(FIELDS)]
    print('%-18s %5s  %s' % ('family', 'recs', '  '.join('%-10s' % x for x in FIELDS)))
    for module, (n, a) in sorted(fam.items(), key=lambda kv: (sum(kv[1][1]) / kv[1][0], kv[0])):
        total[0] += n
        for i in range(len(FIELDS)):
            total[1][i] += a[i]
        print('%-18s %5d  %s' % (module, n, '  '.join('%-10s' % ('%d/%d' % (x, n)) for x in a)))
    n = total[0]
    print('%-18s %5d  %s' % ('ALL', n, '  '.join(
        '%-10s' % ('%.2f%%' % (100.0 * x / n if n else 0)) for x in total[1])))


if __name__ == '__main__':
    main()
