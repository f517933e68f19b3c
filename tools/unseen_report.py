#!/usr/bin/env python3
"""unseen_report.py - kaeru beside Sisimai on bounces from outside the corpus.

    python3 tools/unseen_report.py [KAERU] [DIR]

The mails kaeru was developed on come from Sisimai's corpus. This reads
two other sets, fetched from Debian's archive and never kept in the
repository (DIR, default bench/out/unseen, caches them):

1. the test mails of Mail::DeliveryStatus::BounceParser: 126 real
   bounces, auto-replies and spam, from the upstream tarball of its
   source package (`apt-get source --download-only`, through a private
   apt configuration that adds the deb-src lines; nothing of the
   system's is changed). There is no truth for them: the report prints
   kaeru's records (recipient, reason) beside Sisimai 4's (Debian's
   libsisimai-perl, installed when missing) where they differ, and counts
   the mails where both agree. Where they differ, read the mail.
2. the test mails of flufl.bounce, Mailman's bounce detector: 115 bounces
   from the binary package python3-flufl.bounce, with the addresses its
   own tests expect to be found as failed. The report counts the mails
   where kaeru's bounce records name exactly those addresses, and the
   same for Sisimai, and prints kaeru's misses; before them, the
   recipients both find but give different reasons (no truth: read the
   mail).

Figures only, never a test.
"""
import ast
import csv
import glob
import io
import os
import subprocess
import sys

PKG = 'libmail-deliverystatus-bounceparser-perl'

SISIMAI = r'''
use strict; use warnings; use Sisimai;
for my $f (@ARGV) {
  my $v = eval { Sisimai->make($f, 'vacation' => 1) } || [];
  print "$f\t-\t-\n" unless @$v;
  print join("\t", $f, lc $_->recipient->address, $_->reason), "\n" for @$v;
}
'''


def fetch(cache):
    """The corpus folder of the source package, fetched once into cache."""
    found = glob.glob(os.path.join(cache, '*', 't', 'corpus'))
    if found:
        return found[0]
    os.makedirs(cache, exist_ok=True)
    apt = os.path.join(os.path.abspath(cache), 'apt')
    os.makedirs(os.path.join(apt, 'lists', 'partial'), exist_ok=True)
    src = os.path.join(apt, 'sources.list')
    with open(src, 'w') as f:
        f.write('deb-src http://deb.debian.org/debian bookworm main\n')
    opts = ['-o', 'Dir::Etc::SourceList=' + src,
            '-o', 'Dir::Etc::SourceParts=/dev/null',
            '-o', 'Dir::State::Lists=' + os.path.join(apt, 'lists')]
    subprocess.run(['apt-get', '-qq'] + opts + ['update'], check=True)
    # Only the upstream tarball is needed (the Debian patches are not).
    subprocess.run(['apt-get', '-qq'] + opts + ['source', '--download-only', PKG],
                   check=False, cwd=cache)
    for tarball in glob.glob(os.path.join(cache, PKG + '_*.orig.tar.*')):
        subprocess.run(['tar', 'xf', os.path.basename(tarball)], check=True, cwd=cache)
    found = glob.glob(os.path.join(cache, '*', 't', 'corpus'))
    if not found:
        sys.exit('unseen_report: no t/corpus in the source of ' + PKG)
    return found[0]


def kaeru_records(kaeru, files):
    out = subprocess.run([kaeru, 'parse', '--format', 'csv'] + files,
                         capture_output=True, text=True, check=False).stdout
    recs = {f: [] for f in files}
    for r in csv.DictReader(io.StringIO(out)):
        recs[r['origin']].append((r['recipient'].lower(), r['reason']))
    return recs


def sisimai_records(files):
    if subprocess.run(['perl', '-MSisimai', '-e1'], capture_output=True).returncode != 0:
        subprocess.run(['apt-get', '-qq', 'install', '-y', 'libsisimai-perl'], check=True)
    out = subprocess.run(['perl', '-e', SISIMAI] + files, capture_output=True,
                         text=True, check=False).stdout
    recs = {f: [] for f in files}
    for line in out.splitlines():
        f, rcpt, reason = line.split('\t')
        if rcpt != '-':
            recs[f].append((rcpt, reason))
    return recs


FLUFL = 'python3-flufl.bounce'


def fetch_flufl(cache):
    """The data folder of flufl.bounce's tests and the expected addresses."""
    top = os.path.join(cache, 'flufl')
    pkg = os.path.join(top, 'usr', 'lib', 'python3', 'dist-packages', 'flufl', 'bounce')
    if not os.path.isdir(pkg):
        os.makedirs(top, exist_ok=True)
        subprocess.run(['apt-get', '-qq', 'download', FLUFL], check=True, cwd=cache)
        deb = glob.glob(os.path.join(cache, FLUFL + '_*.deb'))[0]
        subprocess.run(['dpkg', '-x', deb, top], check=True)
    # The expectations are a literal table, DATA, in testing/helpers.py:
    # (detector, file, [addresses]) or (..., temporary).
    tree = ast.parse(open(os.path.join(pkg, 'testing', 'helpers.py')).read())
    data = [ast.literal_eval(n.value) for n in tree.body
            if isinstance(n, ast.Assign) and getattr(n.targets[0], 'id', '') == 'DATA'][0]
    want = {}
    for row in data:
        want.setdefault(row[1], set()).update(a.decode().lower() for a in row[2])
    return os.path.join(pkg, 'tests', 'data'), want


def flufl_report(kaeru, cache):
    data, want = fetch_flufl(cache)
    files = [os.path.join(data, f) for f in sorted(want)]
    out = subprocess.run([kaeru, 'parse', '--format', 'csv', '--only', 'bounces'] + files,
                         capture_output=True, text=True, check=False).stdout
    got = {f: set() for f in files}
    reasons = {f: {} for f in files}
    for r in csv.DictReader(io.StringIO(out)):
        got[r['origin']].add(r['recipient'].lower())
        reasons[r['origin']][r['recipient'].lower()] = r['reason']
    sis = sisimai_records(files)
    ok_k = ok_s = 0
    # Where both find the same recipient, the reasons they give it.
    for f in files:
        for rcpt, reason in sis[f]:
            mine = reasons[f].get(rcpt)
            if mine is not None and mine != reason and reason not in ('vacation', 'delivered'):
                print('%-36s %s: kaeru %s, sisimai %s' % (os.path.basename(f), rcpt, mine, reason))
    for f in files:
        w = want[os.path.basename(f)]
        ok_s += {r for r, reason in sis[f] if reason not in ('vacation', 'delivered')} == w
        if got[f] == w:
            ok_k += 1
            continue
        print('%-36s want: %s\n%36s kaeru: %s' % (os.path.basename(f), ', '.join(sorted(w)) or '(none)',
                                                 '', ', '.join(sorted(got[f])) or '(none)'))
    print('flufl.bounce: %d mails with expected addresses: kaeru finds exactly those for %d (%.1f%%), '
          'Sisimai for %d (%.1f%%)' % (len(files), ok_k, 100.0 * ok_k / len(files),
                                       ok_s, 100.0 * ok_s / len(files)))


def main():
    kaeru = sys.argv[1] if len(sys.argv) > 1 else 'build/src/kaeru'
    cache = sys.argv[2] if len(sys.argv) > 2 else 'bench/out/unseen'
    flufl_report(kaeru, cache)
    corpus = fetch(cache)
    files = sorted(glob.glob(os.path.join(corpus, '*.msg')))
    k, s = kaeru_records(kaeru, files), sisimai_records(files)
    same = with_k = with_s = 0
    for f in files:
        a, b = sorted(k[f]), sorted(s[f])
        with_k += bool(a)
        with_s += bool(b)
        if a == b:
            same += 1
            continue
        show = lambda rs: ', '.join('%s %s' % r for r in rs) or '(none)'
        print('%-36s kaeru: %s\n%36s sisimai: %s' % (os.path.basename(f), show(a), '', show(b)))
    print('BounceParser: %d mails: records from kaeru for %d, from Sisimai for %d; '
          'the same recipients and reasons for %d (%.1f%%)'
          % (len(files), with_k, with_s, same, 100.0 * same / len(files)))


if __name__ == '__main__':
    main()
