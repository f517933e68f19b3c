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


def main():
    corpus, outdir = sys.argv[1], sys.argv[2]
    for t in ("message", "mime", "decode", "charset", "dsn", "address", "mbox"):
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
    print("seeds in %s: %d mails, %d address lines" % (outdir, len(files), min(len(lines), 3000)))


if __name__ == "__main__":
    main()
