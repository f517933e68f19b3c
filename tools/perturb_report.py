#!/usr/bin/env python3
"""perturb_report.py - does kaeru read a bounce the same when it is written differently?

    python3 tools/perturb_report.py [-v] [KAERU] [CORPUS_DIR] [OUT_DIR]

The corpus shows each bounce in the one shape its MTA wrote it. The same
report reaches a sender in other shapes: relayed through a gateway that
re-encodes the text, re-folded by a mail library, written by another
version of the MTA. None of that changes what the bounce says, so it
must not change kaeru's records either. This writes every mail of
CORPUS_DIR (default ../shared/corpus/maildir/bsd) again under each
transformation below, into OUT_DIR (default bench/out/perturb, never
committed), parses both with kaeru, and counts the mails whose records
differ, by the first field that differs: recipient, reason, status,
diagnosis.

  fold-name   fields of a message/delivery-status part folded after the
              name: "Final-Recipient:" then " rfc822; a@b"
  fold-type   the same folded after the type: "Diagnostic-Code: smtp;"
              then "<TAB>550 ..."
  lower       the same fields' names in lower case and their types in
              upper case: "final-recipient: RFC822; a@b"
  blanks      blanks around the fields' separators: "Status:<TAB> 5.1.1  ",
              "rfc822 ;   a@b"
  mime-case   MIME field names of every part in lower case
              ("content-type:")
  base64      each 7bit or 8bit text/plain part sent as base64
  qp          the same as quoted-printable
  html        the first text/plain part (the notice) sent as text/html,
              one <br> a line, its indentation as &nbsp;
  attached    the whole mail forwarded "as attachment" (message/rfc822)
              by a relay whose own note names no recipient
  flowed      the first text/plain part sent as format=flowed (RFC 3676)
              at 40 columns: long lines soft-broken after a space, lines
              that start with a space, ">" or "From " stuffed

base64, qp, html and flowed are written by Python's email package, which also
re-folds long header lines; their mails are compared with the same mail
passed through the package unchanged, so that only the transformation
differs. The other modes edit the bytes and are compared with the
original file. Figures only, never a test; -v lists each mail that
differs.
"""
import email
import email.policy
import glob
import html
import json
import os
import re
import subprocess
import sys
import base64
import quopri

DSN_FIELD = re.compile(
    rb'^(Final-Recipient|Original-Recipient|Diagnostic-Code|Remote-MTA|Reporting-MTA|Status|Action|'
    rb'X-Actual-Recipient|Received-From-MTA|Arrival-Date|Last-Attempt-Date)(:[ \t]*)(.*)$', re.I)
DSN_TYPE = re.compile(rb'(?i)^content-type:\s*message/(global-)?delivery-status')
MIME_FIELD = re.compile(rb'(?i)^(content-(type|transfer-encoding|disposition|description|id)):')
MODES = ('fold-name', 'fold-type', 'lower', 'blanks', 'mime-case', 'attached', 'base64', 'qp', 'html', 'flowed')


def edit_report_fields(data, edit):
    """data with edit(name, sep, value) applied to each field line of a delivery-status part."""
    out, state, changed = [], 0, False
    for line in data.split(b'\n'):
        core = line.rstrip(b'\r')
        cr = line[len(core):]
        if state == 0 and DSN_TYPE.match(core):
            state = 1                       # the part's own header block
        elif state == 1 and core == b'':
            state = 2                       # its body: the report fields
        elif state == 2 and core.startswith(b'--'):
            state = 0                       # the next boundary
        m = DSN_FIELD.match(core) if state == 2 else None
        new = edit(m.group(1), m.group(2), m.group(3)) if m else None
        if new is None:
            out.append(line)
        else:
            out.extend(part + cr for part in new)
            changed = True
    return b'\n'.join(out) if changed else None


def type_split(value):
    """(type, rest) of "type; rest" when the type is a short atom, else None."""
    semi = value.find(b';')
    if 0 < semi < 20 and b' ' not in value[:semi].strip() and value[semi + 1:].strip():
        return value[:semi], value[semi + 1:]
    return None


def fold_name(name, sep, value):
    return [name + b':', b' ' + value] if value.strip() else None


def fold_type(name, sep, value):
    t = type_split(value)
    return [name + sep + t[0] + b';', b'\t' + t[1].lstrip()] if t else None


def lower(name, sep, value):
    t = type_split(value)
    return [name.lower() + sep + (t[0].upper() + b';' + t[1] if t else value)]


def blanks(name, sep, value):
    t = type_split(value)
    v = t[0].rstrip() + b' ;   ' + t[1].lstrip() if t else value
    return [name + b':\t ' + v + b'  ']


def mime_case(data):
    out = [MIME_FIELD.sub(lambda m: m.group(1).lower() + b':', line) for line in data.split(b'\n')]
    joined = b'\n'.join(out)
    return joined if joined != data else None


def through_email(data, change):
    """(unchanged, changed): data passed through Python's email package, with and without change."""
    try:
        same = email.message_from_bytes(data, policy=email.policy.compat32)
        other = email.message_from_bytes(data, policy=email.policy.compat32)
        if not change(other):
            return None
        return same.as_bytes(), other.as_bytes()
    except Exception:       # a mail the package cannot write back: not compared
        return None


def leaves(msg):
    """The leaf parts, not counting the field blocks of a delivery-status part
    (the package reads each block as a header-only part of its own)."""
    if msg.get_content_type() in ('message/delivery-status', 'message/global-delivery-status'):
        return
    if msg.is_multipart():
        for sub in msg.get_payload():
            yield from leaves(sub)
    else:
        yield msg


def text_parts(msg):
    for part in leaves(msg):
        if part.get_content_type() != 'text/plain':
            continue
        cte = (part.get('Content-Transfer-Encoding') or '7bit').strip().lower()
        if cte in ('7bit', '8bit', ''):
            yield part


def reencode(kind):
    def change(msg):
        done = False
        for part in text_parts(msg):
            body = part.get_payload(decode=True)
            if not isinstance(body, bytes):
                continue
            if kind == 'base64':
                payload, name = base64.encodebytes(body).decode('ascii'), 'base64'
            else:
                payload, name = quopri.encodestring(body).decode('ascii'), 'quoted-printable'
            del part['Content-Transfer-Encoding']
            part['Content-Transfer-Encoding'] = name
            part.set_payload(payload)
            done = True
        return done
    return change


def indent(line):
    """A line's leading blanks as no-break spaces, as a mailer's HTML keeps indentation."""
    text = line.lstrip(' ')
    return '&nbsp;' * (len(line) - len(text)) + text


def rewrite_notice(msg, rewrite):
    """The first plain text part, as utf-8 text rewrite(text) returns (False when it cannot be read)."""
    for part in text_parts(msg):
        body = part.get_payload(decode=True)
        charset = part.get_content_charset() or 'us-ascii'
        try:
            text = body.decode(charset)
        except (LookupError, UnicodeDecodeError, AttributeError):
            return False
        del part['Content-Transfer-Encoding']
        rewrite(part, text)
        part.set_charset('utf-8')
        return True
    return False


def html_notice(part, text):
    lines = (indent(html.escape(line, quote=False)) for line in text.split('\n'))
    part.set_type('text/html')
    part.set_payload('<html><body>\n' + '<br>\n'.join(lines) + '</body></html>\n')


def to_html(msg):
    return rewrite_notice(msg, html_notice)


def stuff(piece):
    return ' ' + piece if piece.startswith((' ', '>', 'From ')) else piece


def flow_line(line, width=40):
    """One line of text as format=flowed lines: all but the last end in a space."""
    line = line.rstrip(' ')
    if len(line) <= width:
        return [stuff(line)]
    lead = len(line) - len(line.lstrip(' '))
    pieces, cur = [], ' ' * lead
    for word in line[lead:].split(' '):
        if cur.strip() and len(cur) + 1 + len(word) > width:
            pieces.append(cur + ' ')
            cur = word
        else:
            cur = cur + ' ' + word if cur.strip() else cur + word
    pieces.append(cur)
    return [stuff(p) for p in pieces]


def flowed_notice(part, text):
    out = []
    for line in text.split('\n'):
        out.extend(flow_line(line))
    part.set_payload('\n'.join(out))
    part.set_param('format', 'flowed')
    part.del_param('delsp')             # the soft breaks here keep their space


def to_flowed(msg):
    return rewrite_notice(msg, flowed_notice)


WRAPPER = (b'From: Postmaster <postmaster@relay.example.net>\nTo: owner@example.com\n'
           b'Subject: Fwd: returned mail\nMIME-Version: 1.0\n'
           b'Content-Type: multipart/mixed; boundary="perturb-wrapper"\n\n'
           b'--perturb-wrapper\nContent-Type: text/plain\n\n'
           b'The attached message was returned to this relay.\n\n'
           b'--perturb-wrapper\nContent-Type: message/rfc822\n\n')


def attached(data):
    if data.startswith(b'From '):               # an mbox line is no part of the mail
        data = data[data.find(b'\n') + 1:]
    return WRAPPER + data.replace(b'\r\n', b'\n') + b'\n--perturb-wrapper--\n'


def transform(mode, data):
    """(baseline, perturbed) bytes for one mail, or None when the mode does not apply."""
    edits = {'fold-name': fold_name, 'fold-type': fold_type, 'lower': lower, 'blanks': blanks}
    if mode in edits:
        new = edit_report_fields(data, edits[mode])
        return (data, new) if new is not None else None
    if mode == 'attached':
        return data, attached(data)
    if mode == 'mime-case':
        new = mime_case(data)
        return (data, new) if new is not None else None
    if mode in ('base64', 'qp'):
        return through_email(data, reencode(mode))
    return through_email(data, to_html if mode == 'html' else to_flowed)


def records(kaeru, folder):
    files = sorted(glob.glob(os.path.join(folder, '*.eml')))
    out = subprocess.run([kaeru, 'parse', '--format', 'jsonl'] + files,
                         capture_output=True, text=True, check=False).stdout
    got = {}
    for line in out.splitlines():
        r = json.loads(line)
        got.setdefault(os.path.basename(r['origin']), []).append(r)
    return got


def first_difference(a, b):
    for field in ('recipient', 'reason', 'deliverystatus', 'diagnosticcode'):
        if [r[field] for r in a] != [r[field] for r in b]:
            return field
    return None


def main():
    args = sys.argv[1:]
    verbose = '-v' in args
    args = [a for a in args if a != '-v']
    kaeru = args[0] if len(args) > 0 else 'build/src/kaeru'
    corpus = args[1] if len(args) > 1 else '../shared/corpus/maildir/bsd'
    outdir = args[2] if len(args) > 2 else 'bench/out/perturb'
    mails = sorted(glob.glob(os.path.join(corpus, '*.eml')))
    names = {'recipient': 'recipient', 'reason': 'reason', 'deliverystatus': 'status',
             'diagnosticcode': 'diagnosis'}
    print('%-10s %6s %9s %6s %6s %9s' % ('mode', 'mails', 'recipient', 'reason', 'status', 'diagnosis'))
    for mode in MODES:
        base_dir = os.path.join(outdir, mode, 'baseline')
        pert_dir = os.path.join(outdir, mode, 'perturbed')
        for d in (base_dir, pert_dir):
            os.makedirs(d, exist_ok=True)
            for old in glob.glob(os.path.join(d, '*.eml')):
                os.unlink(old)
        n = 0
        for path in mails:
            with open(path, 'rb') as f:
                pair = transform(mode, f.read())
            if pair is None:
                continue
            name = os.path.basename(path)
            for d, data in ((base_dir, pair[0]), (pert_dir, pair[1])):
                with open(os.path.join(d, name), 'wb') as f:
                    f.write(data)
            n += 1
        a, b = records(kaeru, base_dir), records(kaeru, pert_dir)
        count = dict.fromkeys(names, 0)
        diffs = []
        for name in sorted(set(a) | set(b)):
            field = first_difference(a.get(name, []), b.get(name, []))
            if field is not None:
                count[field] += 1
                diffs.append((name, field))
        print('%-10s %6d %9d %6d %6d %9d' % (mode, n, count['recipient'], count['reason'],
                                             count['deliverystatus'], count['diagnosticcode']))
        if verbose:
            for name, field in diffs:
                print('    %s: %s' % (name, names[field]))
    print('(mails whose records differ from the baseline, by the first field that differs)')


if __name__ == '__main__':
    main()
