#!/usr/bin/env python3
"""perturb_report.py - does kaeru read a bounce the same when it is written differently?

    python3 tools/perturb_report.py [-v] [--check] [-m MODES] [KAERU] [CORPUS_DIR] [OUT_DIR]

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
  headers-only  each returned message (message/rfc822) as its header block
              alone, text/rfc822-headers (not a returned bounce, whose
              body is what counts)
  subject-enc the top-level Subject as UTF-8 encoded words, From's display
              name as a Q word
  charset     text parts in a Japanese charset written in UTF-8, UTF-8
              ones that ISO-2022-JP can hold written in it
  preamble    "This is a multi-part message in MIME format." before the
              first part of a multipart mail that had no preamble
  boundary    every boundary renamed, quoted, with the characters RFC 2046
              allows ("=_perturb ('0'+/,-.:=?)_")
  inbound     the fields the sender's own MX adds on top: Received by
              Postfix, Delivered-To, Authentication-Results, X-Spam-Status
  trailing    two blanks after every line that has text, below the top
              header block (transport padding after boundaries, blanks a
              quoted-printable decoder drops)
  blank-lines the empty lines of bodies as one blank (those that end a
              header block stay empty: there a blank line continues a field)
  subject-cs  a Subject of encoded words in another charset: Japanese ones
              as UTF-8, UTF-8 as ISO-2022-JP (or as Q-encoded UTF-8)
  fwd-inline  the notice forwarded inline by a person, as Gmail writes it:
              a mail of theirs, "Fwd:" and the subject, a "Forwarded
              message" line, the bounce's From, Date, Subject and To, then
              the text of its first plain part; the report parts are lost,
              so only mails whose forwarded text still names every
              recipient count, and only by their recipients
  mislabel    text parts beyond ASCII under a charset label they are not
              in: UTF-8 as ISO-2022-JP, ISO-2022-JP as Shift_JIS, Shift_JIS
              as UTF-8, EUC-JP as ISO-2022-JP, others as UTF-8
  report-b64  each delivery-status part sent as base64
              (LF files only; not where the part's header block is broken)

trailing and blank-lines leave format=flowed mails alone: there a blank at
a line's end joins it to the next.

base64, qp, html, flowed, headers-only, charset, mislabel and preamble are
written by Python's email package, which also
re-folds long header lines; their mails are compared with the same mail
passed through the package unchanged, so that only the transformation
differs. The other modes edit the bytes and are compared with the
original file. -v lists each mail that differs; -m MODE[,MODE...] runs
only those modes. With --check it is a
test (meson's "perturb", in make check): a mode fails when more mails
differ than CEILINGS allows it, and the last line reads "perturb: N
passed, N failed".
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
MODES = ('fold-name', 'fold-type', 'lower', 'blanks', 'mime-case', 'attached', 'base64', 'qp', 'html', 'flowed',
         'headers-only', 'subject-enc', 'charset', 'preamble', 'boundary', 'inbound', 'trailing', 'blank-lines', 'report-b64', 'mislabel', 'subject-cs', 'fwd-inline')


# --check: the most mails each mode may read differently, by the first field
# that differs (0 where not named). Each is a known artefact of the shape,
# not of the parser: rhost-cox-01.eml holds two mails, which forwarded are
# one; lhost-sendmail-14.eml is a bounce forwarded inline with "> "
# quoting, which only the top level takes off; html's two are Gmail
# notices whose text/plain twin, made HTML too, is read beside the real
# HTML; report-b64's is office365-08, whose delivery-status part has a
# broken header block; fwd-inline's 36 name their recipients only in the
# report parts that inline forwarding drops (Google Groups, SES, SendGrid).
CEILINGS = {
    'attached': {'recipient': 1, 'diagnosticcode': 1},
    'html': {'diagnosticcode': 2},
    'report-b64': {'diagnosticcode': 1},
    'fwd-inline': {'recipient': 36},
}


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


def split_head(data):
    """(mbox line, header block, rest) of a mail; the block ends with its empty line."""
    lead = b''
    if data.startswith(b'From '):
        cut = data.find(b'\n') + 1
        lead, data = data[:cut], data[cut:]
    crlf = b'\r\n\r\n' in data[:data.find(b'\n\n') if b'\n\n' in data else len(data)]
    sep = b'\r\n\r\n' if crlf else b'\n\n'
    cut = data.find(sep)
    if cut < 0:
        return None
    return lead, data[:cut + len(sep)], data[cut + len(sep):]


def head_fields(data, unfold):
    """(mbox line, fields, crlf, rest) of a mail's top header block: each field one
    item, its folded lines joined by a blank (unfold) or kept on their lines."""
    parts = split_head(data)
    if parts is None:
        return None
    lead, head, rest = parts
    fields = []
    for line in head.replace(b'\r\n', b'\n').split(b'\n'):
        if line[:1] in (b' ', b'\t') and fields:
            fields[-1] += b' ' + line.strip() if unfold else b'\n' + line
        else:
            fields.append(line)
    return lead, fields, head.endswith(b'\r\n\r\n'), rest


def join_head(lead, fields, crlf, rest):
    """The mail again from head_fields()'s parts."""
    head = b'\n'.join(fields)
    return lead + (head.replace(b'\n', b'\r\n') if crlf else head) + rest


def headers_only(msg):
    """Each returned message (message/rfc822) as its header block alone, text/rfc822-headers
    (RFC 6522 lets a report return only the headers)."""
    done = False
    for part in msg.walk():
        if part.get_content_type() != 'message/rfc822' or not part.is_multipart():
            continue
        if part.get_payload()[0].get_content_type() == 'multipart/report':
            return False                # a bounce returned inside: its body is what counts
        inner = part.get_payload()[0].as_bytes()
        cut = inner.find(b'\n\n')
        head = inner if cut < 0 else inner[:cut + 1]
        part.set_type('text/rfc822-headers')
        part.set_payload(head.decode('latin-1'), 'latin-1')
        del part['Content-Transfer-Encoding']
        part['Content-Transfer-Encoding'] = '8bit'
        done = True
    return done


ENCODED = re.compile(rb'=\?[^?\s]+\?[bBqQ]\?')


def encoded_word(text, q=False):
    """text as RFC 2047 encoded words of UTF-8, folded between words."""
    if q:
        body = ''.join(c if c.isalnum() else ('_' if c == ' ' else ''.join('=%02X' % b for b in c.encode()))
                       for c in text)
        return b'=?UTF-8?Q?' + body.encode('ascii') + b'?='
    raw = text.encode('utf-8')
    words = [b'=?UTF-8?B?' + base64.b64encode(raw[i:i + 30]) + b'?=' for i in range(0, len(raw), 30)]
    return b'\n '.join(words)


def subject_enc(data):
    """The top-level Subject as encoded words, From's display name as one Q word: what a
    gateway that encodes every header writes."""
    parts = head_fields(data, unfold=True)
    if parts is None:
        return None
    lead, fields, crlf, rest = parts
    out, changed = [], False
    for f in fields:
        name, colon, value = f.partition(b':')
        low = name.strip().lower()
        value = value.strip()
        if colon and low == b'subject' and value and not ENCODED.search(value) and max(value) < 128:
            f = b'Subject: ' + encoded_word(value.decode('ascii'))
            changed = True
        elif colon and low == b'from' and not ENCODED.search(value) and max(value or b'x') < 128:
            m = re.match(rb'^"?([^"<]*?)"?\s*(<[^>]*>)\s*$', value)
            if m and m.group(1).strip():
                f = b'From: ' + encoded_word(m.group(1).strip().decode('ascii'), q=True) + b' ' + m.group(2)
                changed = True
        out.append(f)
    return join_head(lead, out, crlf, rest) if changed else None


def subject_charset(data):
    """A Subject of encoded words written again in another charset: Japanese
    charsets as UTF-8 (base64), UTF-8 as ISO-2022-JP when it can hold it, else
    as quoted-printable UTF-8. The words it decodes to are the same."""
    import email.header
    parts = head_fields(data, unfold=False)
    if parts is None:
        return None
    lead, fields, crlf, rest = parts
    changed = False
    for i, f in enumerate(fields):
        name, colon, value = f.partition(b':')
        if not colon or name.strip().lower() != b'subject' or not ENCODED.search(value):
            continue
        try:
            pieces = email.header.decode_header(value.decode('ascii'))
            text = ''.join(p.decode(c or 'ascii') if isinstance(p, bytes) else p for p, c in pieces)
            first = (pieces[0][1] or 'ascii').lower()
        except (UnicodeError, LookupError, ValueError):
            return None
        if first in JAPANESE:
            new = email.header.Header(text, 'utf-8').encode()
        else:
            try:
                text.encode('iso-2022-jp')
                new = email.header.Header(text, 'iso-2022-jp').encode()
            except UnicodeEncodeError:
                new = '=?UTF-8?Q?' + ''.join(c if c.isalnum() and ord(c) < 128 else
                                             ''.join('=%02X' % b for b in c.encode())
                                             for c in text) + '?='
        fields[i] = b'Subject: ' + new.encode('ascii')
        changed = True
    return join_head(lead, fields, crlf, rest) if changed else None


JAPANESE = ('iso-2022-jp', 'shift_jis', 'euc-jp', 'cp932', 'sjis', 'x-sjis', 'shift-jis')


def other_charset(msg):
    """Text parts in a Japanese charset written again in UTF-8, and UTF-8 parts that
    ISO-2022-JP can hold written in it: the same words, another encoding."""
    done = False
    for part in leaves(msg):
        if part.get_content_maintype() != 'text':
            continue
        charset = (part.get_content_charset() or '').lower()
        body = part.get_payload(decode=True)
        if not isinstance(body, bytes) or max(body or b'\0') < 128 and b'\x1b' not in body:
            continue
        try:
            text = body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
        if charset in JAPANESE:
            target = 'utf-8'
        elif charset == 'utf-8':
            target = 'iso-2022-jp'
        else:
            continue
        try:
            out = text.encode(target)
        except UnicodeEncodeError:
            continue
        del part['Content-Transfer-Encoding']
        part.set_param('charset', target)
        if target == 'utf-8':
            part['Content-Transfer-Encoding'] = 'base64'
            part.set_payload(base64.encodebytes(out).decode('ascii'))
        else:
            part['Content-Transfer-Encoding'] = '7bit'
            part.set_payload(out.decode('ascii'))
        done = True
    return done


WRONG_LABEL = {'utf-8': 'iso-2022-jp', 'iso-2022-jp': 'shift_jis', 'shift_jis': 'utf-8',
               'cp932': 'utf-8', 'sjis': 'utf-8', 'euc-jp': 'iso-2022-jp'}


def mislabel(msg):
    """Text parts that hold more than ASCII declared in a charset they are not in:
    UTF-8 as ISO-2022-JP, ISO-2022-JP as Shift_JIS, Shift_JIS as UTF-8, EUC-JP as
    ISO-2022-JP, anything else as UTF-8 (us-ascii when it was UTF-8 already). The
    bytes stay; only the label lies, as careless writers' labels do."""
    done = False
    for part in leaves(msg):
        if part.get_content_maintype() != 'text':
            continue
        body = part.get_payload(decode=True)
        if not isinstance(body, bytes) or (max(body or b'\0') < 128 and b'\x1b' not in body):
            continue
        label = (part.get_content_charset() or 'us-ascii').lower()
        part.set_param('charset', WRONG_LABEL.get(label, 'utf-8' if label != 'utf-8' else 'us-ascii'))
        done = True
    return done


def preamble(msg):
    """A preamble before the first part where there was none, as many MTAs write."""
    if not msg.is_multipart() or (msg.preamble or '').strip():
        return False
    msg.preamble = 'This is a multi-part message in MIME format.\n'
    return True


BOUNDARY = re.compile(rb'(?i)\bboundary\s*=\s*(?:"([^"\r\n]+)"|([^\s;"]+))')


def boundary(data):
    """Every boundary renamed (quoted, with characters RFC 2046 allows): nothing may read
    a boundary's text."""
    names = []
    for m in BOUNDARY.finditer(data):
        b = m.group(1) or m.group(2)
        if len(b) >= 6 and b not in names:
            names.append(b)
    if not names:
        return None
    for i, b in enumerate(names):
        new = b"=_perturb ('%d'+/,-.:=?)_" % i
        data = re.sub(rb'(?i)(\bboundary\s*=\s*)(?:"' + re.escape(b) + rb'"|' + re.escape(b) + rb'(?=[\s;]|$))',
                      lambda m: m.group(1) + b'"' + new + b'"', data)
        data = re.sub(rb'(?m)^--' + re.escape(b), b'--' + new.replace(b'\\', b'\\\\'), data)
    return data


INBOUND = (b'Delivered-To: owner@example.com\n'
           b'Received: from mx.example.net (mx.example.net [192.0.2.25])\n'
           b'\tby inbound.example.com (Postfix) with ESMTPS id 4QZ1x23abcz9sTd\n'
           b'\tfor <owner@example.com>; Mon, 01 Jan 2024 09:00:00 +0900 (JST)\n'
           b'Authentication-Results: inbound.example.com; spf=none smtp.mailfrom=<>;\n'
           b'\tdkim=none; dmarc=none\n'
           b'X-Spam-Status: No, score=1.2 required=5.0 tests=MISSING_MID,NO_RELAYS,\n'
           b'\tSPF_HELO_NONE autolearn=no autolearn_force=no version=3.4.6\n'
           b'X-Spam-Flag: NO\n'
           b'X-Virus-Scanned: clamav-milter 0.103.10 at inbound.example.com\n'
           b'X-Original-To: owner@example.com\n')


def inbound(data):
    """The fields the sender's own inbound MX adds on top (Received by Postfix, SPF and
    spam-filter verdicts, Delivered-To): every bounce a sender reads has passed one."""
    parts = split_head(data)
    if parts is None:
        return None
    lead, head, rest = parts
    add = INBOUND.replace(b'\n', b'\r\n') if head.endswith(b'\r\n\r\n') else INBOUND
    return lead + add + head + rest


def trailing(data):
    """Blanks at the end of every line that has text, after the top-level header block
    (an empty line stays empty: a line of blanks continues a header field): transport padding
    after boundaries (RFC 2046), blanks a quoted-printable decoder must drop (RFC 2045),
    and what some relays add to text. Not done to format=flowed mails, where it would
    join lines."""
    parts = split_head(data)
    if parts is None:
        return None
    lead, head, rest = parts
    if not rest.strip() or re.search(rb'(?i)format\s*=\s*"?flowed', data):
        return None             # in format=flowed, a blank at a line's end joins it to the next
    rest = re.sub(rb'(?m)(?<=[^\r\n])(\r?)$', lambda m: b'  ' + m.group(1), rest)
    return lead + head + rest



HEAD_BODY = re.compile(rb'(?i)^content-type:\s*(message/(rfc822|global)|text/rfc822-headers)\b')


def blank_lines(data):
    """Each empty line inside a body (a notice's paragraphs, between a report's recipient
    groups) written as one blank: the empty lines that end a header block stay empty, as
    a line of blanks there would continue the last field. Not done to format=flowed."""
    if re.search(rb'(?i)format\s*=\s*"?flowed', data):
        return None
    names = [m.group(1) or m.group(2) for m in BOUNDARY.finditer(data)]
    delims = tuple(b'--' + b for b in names if b)
    out, head, nested, changed = [], True, False, False
    for line in data.split(b'\n'):
        core = line.rstrip(b'\r')
        if delims and core.startswith(delims):
            head, nested = True, False          # a part's header block follows
        elif head:
            if HEAD_BODY.match(core):
                nested = True
            if core == b'':
                head, nested = nested, False    # a returned message: its own header block
        elif core == b'':
            line = b' ' + line
            changed = True
        out.append(line)
    return b'\n'.join(out) if changed else None



CTE = re.compile(rb'(?i)^content-transfer-encoding:')


def report_base64(data):
    """Each delivery-status part sent as base64, as some gateways re-encode every part
    (RFC 3464 asks for 7bit, but a reader meets both)."""
    if b'\r\n' in data:
        return None                     # the LF files are enough to show it
    names = [m.group(1) or m.group(2) for m in BOUNDARY.finditer(data)]
    delims = tuple(b'--' + b for b in names if b)
    if not delims:
        return None
    out, state, body, changed, part_head = [], 0, [], False, False
    for line in data.split(b'\n') + [None]:
        if line is not None and state == 0:
            if line.startswith(delims):
                part_head = True        # only a part's own header block can name its type
            elif line == b'':
                part_head = False
        if state == 2 and (line is None or line.startswith(delims)):
            text = b'\n'.join(body)
            out.append(base64.encodebytes(text).rstrip(b'\n'))
            out.append(b'')
            body, state, changed = [], 0, True
        if line is None:
            break
        if state == 0 and part_head and DSN_TYPE.match(line):
            state, skip = 1, False
            i = len(out)                # a CTE field above it in the same block goes too
            while i > 0 and out[i - 1] != b'' and not out[i - 1].startswith(delims):
                i -= 1
            out[i:] = [f for f in out[i:] if not CTE.match(f)]
        elif state == 1:
            if line == b'':
                out.append(b'Content-Transfer-Encoding: base64')
                state = 2
            elif CTE.match(line) or (skip and line[:1] in (b' ', b'\t')):
                skip = True             # its own, replaced at the block's end
                continue
            else:
                skip = False
        elif state == 2:
            body.append(line)
            continue
        out.append(line)
    return b'\n'.join(out) if changed else None



def forward_inline(data):
    """The notice forwarded inline by a person, as Gmail writes it: a new mail from
    them, "Fwd:" and the subject, the forwarded message's From, Date, Subject and To
    after a "Forwarded message" line, then the text of its first plain part. The
    report parts are gone, so only the recipients are comparable."""
    try:
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
        text = None
        for part in text_parts(msg):
            body = part.get_payload(decode=True)
            text = body.decode(part.get_content_charset() or 'us-ascii', 'replace')
            break
        if text is None or not text.strip():
            return None
        fields = ['%s: %s' % (k, str(msg.get(k, '')).replace('\n', ' ')) for k in ('From', 'Date', 'Subject', 'To')]
        out = email.message.Message()
        out['From'] = 'Alice Sender <alice@sender.example>'
        out['To'] = 'support@esp.example'
        out['Subject'] = 'Fwd: ' + str(msg.get('Subject', '')).replace('\n', ' ')
        out['MIME-Version'] = '1.0'
        out.set_payload('Why did this bounce?\n\n---------- Forwarded message ---------\n' +
                        '\n'.join(fields) + '\n\n' + text, 'utf-8')
        return out.as_bytes()
    except Exception:
        return None


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
    raw = {'subject-enc': subject_enc, 'boundary': boundary, 'inbound': inbound, 'trailing': trailing,
           'blank-lines': blank_lines, 'report-b64': report_base64, 'subject-cs': subject_charset,
           'fwd-inline': forward_inline}
    if mode in raw:
        new = raw[mode](data)
        return (data, new) if new is not None else None
    if mode in ('base64', 'qp'):
        return through_email(data, reencode(mode))
    package = {'html': to_html, 'flowed': to_flowed, 'headers-only': headers_only,
               'charset': other_charset, 'preamble': preamble, 'mislabel': mislabel}
    return through_email(data, package[mode])


def records(kaeru, folder):
    files = sorted(glob.glob(os.path.join(folder, '*.eml')))
    out = subprocess.run([kaeru, 'parse', '--format', 'jsonl'] + files,
                         capture_output=True, text=True, check=False).stdout
    got = {}
    for line in out.splitlines():
        r = json.loads(line)
        got.setdefault(os.path.basename(r['origin']), []).append(r)
    return got


def forwarded_names(recs, folder, name):
    """Whether the text of a mail forwarded inline still holds every recipient of recs."""
    with open(os.path.join(folder, name), 'rb') as f:
        msg = email.message_from_bytes(f.read(), policy=email.policy.compat32)
    text = (msg.get_payload(decode=True) or b'').decode('utf-8', 'replace').lower()
    return bool(recs) and all(r['recipient'].lower() in text for r in recs)


def first_difference(a, b):
    for field in ('recipient', 'reason', 'deliverystatus', 'diagnosticcode'):
        if [r[field] for r in a] != [r[field] for r in b]:
            return field
    return None


def main():
    args = sys.argv[1:]
    if '-h' in args or '--help' in args:
        print(__doc__)
        return
    verbose = '-v' in args
    check = '--check' in args
    args = [a for a in args if a != '--check']
    modes = MODES
    if '-m' in args:
        i = args.index('-m')
        modes = tuple(args[i + 1].split(','))
        del args[i:i + 2]
    args = [a for a in args if a != '-v']
    kaeru = args[0] if len(args) > 0 else 'build/src/kaeru'
    corpus = args[1] if len(args) > 1 else '../shared/corpus/maildir/bsd'
    outdir = args[2] if len(args) > 2 else 'bench/out/perturb'
    mails = sorted(glob.glob(os.path.join(corpus, '*.eml')))
    names = {'recipient': 'recipient', 'reason': 'reason', 'deliverystatus': 'status',
             'diagnosticcode': 'diagnosis'}
    print('%-12s %6s %9s %6s %6s %9s' % ('mode', 'mails', 'recipient', 'reason', 'status', 'diagnosis'))
    passed = failed = 0
    for mode in modes:
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
            if field is not None and mode == 'fwd-inline' and not forwarded_names(a.get(name, []), pert_dir, name):
                field = None        # the forwarded text does not hold the recipients any more
            elif field is not None and mode == 'fwd-inline':
                field = 'recipient' if ({r['recipient'] for r in a.get(name, [])} !=
                                        {r['recipient'] for r in b.get(name, [])}) else None
            if field is not None:
                count[field] += 1
                diffs.append((name, field))
        print('%-12s %6d %9d %6d %6d %9d' % (mode, n, count['recipient'], count['reason'],
                                             count['deliverystatus'], count['diagnosticcode']))
        if verbose:
            for name, field in diffs:
                print('    %s: %s' % (name, names[field]))
        for field in names:
            ceiling = CEILINGS.get(mode, {}).get(field, 0)
            if count[field] <= ceiling and n > 0:     # a mode that changes no mail tests nothing
                passed += 1
            else:
                failed += 1
                if check:
                    print('FAIL: %s: %d mails differ first in their %s (at most %d)' %
                          (mode, count[field], names[field], ceiling))
    print('(mails whose records differ from the baseline, by the first field that differs)')
    if check:
        print('perturb: %d passed, %d failed' % (passed, failed))
        sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
