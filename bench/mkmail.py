#!/usr/bin/env python3
"""mkmail.py - inputs for the benchmarks, written under bench/out/.

usage:
    mkmail.py mbox OUT MEGABYTES DIR...   the mails of DIR..., repeated into
                                          an mbox of at least MEGABYTES MB;
                                          prints the number of mails
    mkmail.py big OUT BYTES               one bounce of about BYTES bytes: a
                                          DSN wrapping the returned message,
                                          which carries base64 images

Each mail of the mbox gets a "From " line; body lines that start with
"From " (or ">From ") are quoted mboxrd style. A mail file that already
starts with a "From " line loses it. Newlines are kept as they are.
"""
import os
import random
import re
import sys

FROM_LINE = b"From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n"
QUOTE = re.compile(rb"^(>*From )", re.M)


def mails(dirs):
    out = []
    for d in dirs:
        for name in sorted(os.listdir(d)):
            path = os.path.join(d, name)
            if not os.path.isfile(path):
                continue
            with open(path, "rb") as f:
                data = f.read()
            if data.startswith(b"From "):
                nl = data.find(b"\n")
                data = data[nl + 1:] if nl >= 0 else b""
            data = QUOTE.sub(rb">\1", data)
            if not data.endswith(b"\n"):
                data += b"\n"
            out.append(FROM_LINE + data + b"\n")
    return out


def mbox(out, megabytes, dirs):
    ms = mails(dirs)
    want = megabytes * 1000 * 1000
    size = count = 0
    with open(out, "wb") as f:
        while size < want:
            for m in ms:
                f.write(m)
                size += len(m)
                count += 1
                if size >= want:
                    break
    print(count)


def base64_lines(rng, nbytes):
    import base64
    raw = rng.randbytes(nbytes)
    enc = base64.b64encode(raw)
    return b"\n".join(enc[i:i + 76] for i in range(0, len(enc), 76)) + b"\n"


def big(out, nbytes):
    rng = random.Random(1)
    head = (b"From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\n"
            b"To: sender@example.jp\n"
            b"Subject: Undelivered Mail Returned to Sender\n"
            b"Date: Thu, 29 Apr 2010 23:34:45 +0900\n"
            b"MIME-Version: 1.0\n"
            b"Content-Type: multipart/report; report-type=delivery-status;\n"
            b"\tboundary=\"OUTER\"\n\n"
            b"--OUTER\nContent-Type: text/plain; charset=us-ascii\n\n"
            b"This is the mail system at host mx.example.org.\n\n"
            b"I'm sorry to have to inform you that your message could not\n"
            b"be delivered to one or more recipients.\n\n"
            b"<neko@example.jp>: host mx.example.jp[192.0.2.1] said: 550 5.2.2\n"
            b"    Mailbox full (in reply to RCPT TO command)\n\n"
            b"--OUTER\nContent-Type: message/delivery-status\n\n"
            b"Reporting-MTA: dns; mx.example.org\n\n"
            b"Final-Recipient: rfc822; neko@example.jp\nAction: failed\nStatus: 5.2.2\n"
            b"Remote-MTA: dns; mx.example.jp\n"
            b"Diagnostic-Code: smtp; 550 5.2.2 Mailbox full\n\n"
            b"--OUTER\nContent-Type: message/rfc822\n\n"
            b"From: sender@example.jp\nTo: neko@example.jp\nSubject: photos\n"
            b"Message-Id: <photos.1@example.jp>\nMIME-Version: 1.0\n"
            b"Content-Type: multipart/mixed; boundary=\"INNER\"\n\n"
            b"--INNER\nContent-Type: text/plain\n\nThe photos, as promised.\n\n")
    tail = b"--INNER--\n\n--OUTER--\n"
    parts = []
    room = max(nbytes - len(head) - len(tail), 1000)
    nimg = max(1, min(8, room // 500000))
    for i in range(nimg):
        b64 = base64_lines(rng, room // nimg * 3 // 4 * 76 // 77)
        parts.append(b"--INNER\nContent-Type: image/jpeg; name=\"p%d.jpg\"\n"
                     b"Content-Transfer-Encoding: base64\n"
                     b"Content-Disposition: attachment; filename=\"p%d.jpg\"\n\n" % (i, i) + b64)
    with open(out, "wb") as f:
        f.write(head + b"".join(parts) + tail)


def main():
    if len(sys.argv) >= 5 and sys.argv[1] == "mbox":
        mbox(sys.argv[2], int(sys.argv[3]), sys.argv[4:])
    elif len(sys.argv) == 4 and sys.argv[1] == "big":
        big(sys.argv[2], int(sys.argv[3]))
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
