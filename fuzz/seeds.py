#!/usr/bin/env python3
"""seeds.py - build each fuzz target's seed directory from the corpus.

usage: seeds.py CORPUS OUTDIR

The corpus (../shared/corpus) is not copied into the repository; the seeds
are made at run time, shaped for each target's input format (see the
targets' DESCRIPTION). Existing seed directories are replaced.
"""
import os
import re
import shutil
import sys


def mails(corpus):
    """Every mail file of the corpus, sorted."""
    out = []
    for sub in ("maildir", "mailbox"):
        root = os.path.join(corpus, sub)
        for d, _, files in os.walk(root):
            for f in files:
                out.append(os.path.join(d, f))
    return sorted(out)


def put(outdir, target, name, data):
    d = os.path.join(outdir, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


ADDR = re.compile(rb"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def csv_seeds(outdir, lines):
    """Mailing lists in CSV for fuzz_csv: the first byte picks the options."""
    addrs = sorted({m.group(0) for line in lines for m in ADDR.finditer(line)})
    typos = [b"kijitora@gmial.com", b"neko@yaho.co.jp", b"Tora@Hotmial.com"]
    bad = [b"no-at-sign", b"a@", b"@b.example", b"a b@example.com", b"a@b..c"]
    shapes = [
        (b"email,name\r\n", lambda a, i: a + b",Name " + str(i).encode() + b"\r\n"),
        (b"", lambda a, i: a + b"\n"),
        (b"\xef\xbb\xbfid,\"E-Mail\",note\n",
         lambda a, i: b"%d,\"%s\",\"say \"\"hi\"\", then\nbye\"\n" % (i, a)),
        (b"name;x,address\r", lambda a, i: b"\xe7\x8c\xab " + str(i).encode() + b"," + a.upper() + b"\r"),
        (b"to\n", lambda a, i: b"  " + a + b"  \n\n"),
    ]
    for k in range(40):
        head, row = shapes[k % len(shapes)]
        pick = addrs[k * 7 % max(len(addrs), 1):][:12] + typos[:k % 4] + bad[:k % 6]
        if k % 3 == 0 and pick:
            pick.append(pick[0].swapcase())  # a duplicate in another case
        body = head + b"".join(row(a, i) for i, a in enumerate(pick))
        put(outdir, "fuzz_csv", "%03d" % k, bytes([k * 37 % 256]) + body)


def addrkey_seeds(outdir, lines):
    """Bare addresses for fuzz_addrkey: the corpus's, and the shapes it lacks."""
    addrs = sorted({m.group(0) for line in lines for m in ADDR.finditer(line)})[:400]
    addrs += ["Neko@Example.ORG", "user+tag@例え.jp", '"quoted local"@example.com',
              "x@[192.0.2.1]", "x@[IPv6:2001:db8::1]", "ユーザー@例え.テスト",
              "kijitora@gmial.com", "A@XN--E1AFMKFD.XN--P1AI", "bad@@x", "a@b..c"]
    for i, a in enumerate(addrs):
        put(outdir, "fuzz_addrkey", "%04d" % i, a if isinstance(a, bytes) else a.encode())


def explain_seeds(corpus, outdir):
    """Codes as users type them for fuzz_explain: the first byte picks the language."""
    codes = set()
    with open(os.path.join(corpus, "truth.tsv"), "rb") as f:
        for line in f.read().splitlines()[1:]:
            cols = line.split(b"\t")
            if len(cols) > 5:
                codes.update(c for c in (cols[4], cols[5]) if c)
    codes.update([b"TSS04", b"[TSS04]", b"AUP#CXBL", b"CXBL", b"microsoft:5.4.1",
                  b"gmail:5.7.26", b"5.1.99", b"599", b" 5.7.606 ", b"4.X.X", b"X.1.1",
                  b"550 5.1.1", b"5.1.1.", b"9.9.9"])
    for i, c in enumerate(sorted(codes)):
        put(outdir, "fuzz_explain", "%04d" % i, bytes([i % 8]) + c)


def main():
    corpus, outdir = sys.argv[1], sys.argv[2]
    for t in ("message", "mime", "decode", "charset", "dsn", "address", "mbox", "csv",
              "explain", "addrkey"):
        shutil.rmtree(os.path.join(outdir, "fuzz_" + t), ignore_errors=True)
    files = mails(corpus)
    lines = set()
    labels = ["utf-8", "iso-2022-jp", "shift_jis", "euc-jp", "iso-8859-1",
              "gb2312", "big5", "euc-kr", "koi8-r", "windows-1251", "utf-16",
              "utf-7", "us-ascii", "bogus"]
    b64 = re.compile(rb"^[A-Za-z0-9+/=]{40,}$", re.M)
    for i, path in enumerate(files):
        with open(path, "rb") as f:
            data = f.read()
        base = "%04d" % i
        if len(data) <= 200000:
            put(outdir, "fuzz_message", base, data)
            put(outdir, "fuzz_mime", base, data)
            put(outdir, "fuzz_dsn", base, data)
        if data.startswith(b"From ") or "mailbox" in path:
            put(outdir, "fuzz_mbox", base, data)
        elif i % 8 == 0:
            put(outdir, "fuzz_mbox", base, b"From a@b Thu Jan  1 00:00:00 1970\n" + data +
                b"\nFrom c@d Thu Jan  1 00:00:00 1970\n>From x\n" + data[:2000])
        if i % 4 == 0:
            put(outdir, "fuzz_charset", base,
                labels[i // 4 % len(labels)].encode() + b"\n" + data[:8192])
        m = b64.search(data)
        if m and i % 2 == 0:
            put(outdir, "fuzz_decode", base + "b", b"\x00" + data[m.start():m.start() + 4096])
        if i % 6 == 0:
            put(outdir, "fuzz_decode", base + "q", bytes([1 + i % 5]) + data[:4096])
        for line in data.splitlines():
            low = line.lower()
            if (b"@" in line or low.startswith(b"date:") or low.startswith(b"received:")
                    or low.startswith(b"arrival-date:")) and len(line) < 400:
                lines.add(line)
    for i, line in enumerate(sorted(lines)[:3000]):
        put(outdir, "fuzz_address", "%05d" % i, line)
    csv_seeds(outdir, sorted(lines))
    addrkey_seeds(outdir, sorted(lines))
    explain_seeds(corpus, outdir)
    print("seeds in %s: %d mails, %d address lines" % (outdir, len(files), min(len(lines), 3000)))


if __name__ == "__main__":
    main()
