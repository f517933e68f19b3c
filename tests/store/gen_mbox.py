#!/usr/bin/env python3
"""gen_mbox.py OUT FIRST COUNT - an mbox of COUNT Postfix bounces, numbered
from FIRST: mail i bounces for user<i>@d<i % 97>.example, userunknown (5.1.1)
when i is even, mailboxfull (5.2.2) when odd. Each mail has its own date, so
its record token is its own."""
import sys

out, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(out, "w") as f:
    for i in range(first, first + count):
        rcpt = "user%d@d%d.example" % (i, i % 97)
        code, text = ("5.1.1", "User unknown") if i % 2 == 0 else ("5.2.2", "Mailbox full")
        sec = i % 60
        minute = (i // 60) % 60
        hour = (i // 3600) % 24
        f.write("From MAILER-DAEMON Thu Apr 29 23:45:32 2021\n"
                "From: MAILER-DAEMON@mx.example.jp (Mail Delivery System)\n"
                "To: sender@example.org\n"
                "Subject: Undelivered Mail Returned to Sender\n"
                "Date: Thu, 29 Apr 2021 %02d:%02d:%02d +0000\n"
                "Content-Type: multipart/report; report-type=delivery-status; boundary=\"X\"\n\n"
                "--X\nContent-Type: text/plain\n\nThis is the mail system at host mx.example.jp.\n\n"
                "<%s>: host mx.example.jp[192.0.2.1] said: 550 %s %s\n\n"
                "--X\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.jp\n\n"
                "Final-Recipient: rfc822; %s\nAction: failed\nStatus: %s\n"
                "Diagnostic-Code: smtp; 550 %s %s\n\n"
                "--X\nContent-Type: message/rfc822\n\nFrom: sender@example.org\nTo: %s\n"
                "Subject: hello\nMessage-ID: <m%d@example.org>\n\nbody\n--X--\n\n"
                % (hour, minute, sec, rcpt, code, text, rcpt, code, code, text, rcpt, i))
