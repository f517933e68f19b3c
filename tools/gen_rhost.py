#!/usr/bin/env python3
"""gen_rhost - compile the provider tables (data/rhost/*.txt) into C.

Usage: gen_rhost.py OUTPUT.inc TAGLIST FILE...

A provider table is named after the provider (data/rhost/google.txt is the
provider "google").  '#' starts a comment (at column 0 or after white
space).  Three header lines say when the table applies:

    hosts:    google.com googlemail.com      remote host suffixes
    domains:  gmail.com googlemail.com       recipient domain suffixes
    codes:    IB                             the provider's code prefixes

A suffix matches a whole name or its end after a dot ("google.com" matches
"aspmx.l.google.com", not "notgoogle.com").  The remote host is tried
first; the recipient's domain only when no provider claims the host.

Every other line is a rule, "reason<TAB>conditions", tried in file order;
the first whose conditions all hold decides.  Conditions are leading words
of the form key:value, then optionally a phrase (the syntax of
gen_phrases.py: case-insensitive, '*' one word, '**' any text):

    status:5.7.26        the enhanced status code
    status:5.7.606-649   ... with the last number in a range
    reply:550            the SMTP reply code
    command:DATA         the SMTP command that was answered
    code:IB607           a provider code found in the text: one of the
                         codes: prefixes at the start of a word, then the
                         run of letters, digits, '_' and '-' after it
    code:416, code:1300-1340
                         ... whose trailing number is this or in range

The phrases of a provider become one or more compiled phrase tables (at
most 64 distinct phrases each, one tag per phrase), so that the text is
scanned once per table whatever the number of rules.
"""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_phrases  # noqa: E402

KEYS = ('status', 'reply', 'command', 'code')
CHUNK = 64
MAX_CHUNKS = 4


def strip_comment(line):
    for i, ch in enumerate(line):
        if ch == '#' and (i == 0 or line[i - 1] in ' \t'):
            return line[:i]
    return line


def die(src, msg):
    sys.exit('%s: %s' % (src, msg))


def parse_status(v, src):
    """'5.7.26' -> (5, 7, 26, 26); '5.7.606-649' -> (5, 7, 606, 649)."""
    p = v.split('.')
    if len(p) != 3 or not p[0].isdigit() or not p[1].isdigit():
        die(src, 'bad status %r' % v)
    lo, _, hi = p[2].partition('-')
    hi = hi or lo
    if not lo.isdigit() or not hi.isdigit() or int(lo) > int(hi):
        die(src, 'bad status %r' % v)
    return int(p[0]), int(p[1]), int(lo), int(hi)


def parse_table(path, tags):
    name = os.path.splitext(os.path.basename(path))[0]
    head = {'hosts': [], 'domains': [], 'codes': []}
    rules = []
    with open(path, encoding='utf-8') as f:
        for lineno, raw in enumerate(f, 1):
            src = '%s:%d' % (os.path.basename(path), lineno)
            line = strip_comment(raw.rstrip('\n'))
            if not line.strip():
                continue
            word = line.split(None, 1)[0]
            if word.endswith(':') and word[:-1] in head:
                head[word[:-1]].extend(w.lower() for w in line.split()[1:])
                continue
            if '\t' not in line:
                die(src, 'want "reason<TAB>conditions"')
            reason, entry = line.split('\t', 1)
            reason, entry = reason.strip(), ' '.join(entry.split())
            if reason not in tags:
                die(src, 'unknown reason %r' % reason)
            rule = {'reason': tags[reason], 'name': reason, 'src': src, 'text': entry,
                    'status': None, 'reply': 0, 'command': None, 'code': None,
                    'crange': None, 'phrase': None}
            words = entry.split(' ')
            while words and ':' in words[0] and words[0].split(':', 1)[0] in KEYS:
                k, v = words.pop(0).split(':', 1)
                if not v:
                    die(src, 'empty %s:' % k)
                if k == 'status':
                    rule['status'] = parse_status(v, src)
                elif k == 'reply':
                    if len(v) != 3 or not v.isdigit():
                        die(src, 'bad reply %r' % v)
                    rule['reply'] = int(v)
                elif k == 'command':
                    rule['command'] = v.upper()
                else:
                    lo, _, hi = v.partition('-')
                    if lo.isdigit() and (hi == '' or hi.isdigit()):
                        rule['crange'] = (int(lo), int(hi or lo))
                    else:
                        rule['code'] = v
            if words:
                rule['phrase'] = ' '.join(words)
            if rule['code'] or rule['crange']:
                if not head['codes']:
                    die(src, 'code: rule without a codes: line before it')
            if not (rule['status'] or rule['reply'] or rule['code'] or rule['crange']
                    or rule['phrase']):
                die(src, 'a rule needs a status, reply, code or phrase')
            rules.append(rule)
    if not head['hosts'] and not head['domains']:
        die(path, 'no hosts: or domains: line')
    return name, head, rules


def cident(s):
    return ''.join(c if c.isalnum() else '_' for c in s)


def cstr(s):
    return gen_phrases.cbytes(s.encode('utf-8')) if s is not None else 'NULL'


def strlist(w, cname, items):
    w('static const char *const %s[%d] = {%s};' % (
        cname, len(items) + 1, ', '.join([cstr(x) for x in items] + ['NULL'])))


def main():
    output, taglist = sys.argv[1], sys.argv[2].split(',')
    tags = {t: i for i, t in enumerate(taglist)}
    files = sorted(sys.argv[3:])
    L = []
    w = L.append
    w('/* Generated by tools/gen_rhost.py from %d provider tables: do not edit. */' % len(files))
    provs = []
    suffixes = []
    for path in files:
        name, head, rules = parse_table(path, tags)
        cn = 'rh_' + cident(name)
        # Distinct phrases, in order of first use, in chunks of CHUNK.
        phrases = []
        index = {}
        for r in rules:
            if r['phrase'] is not None:
                key = r['phrase'].lower()
                if key not in index:
                    index[key] = len(phrases)
                    phrases.append((r['phrase'], r['src']))
                r['pidx'] = index[key]
        nchunks = (len(phrases) + CHUNK - 1) // CHUNK
        if nchunks > MAX_CHUNKS:
            die(path, 'more than %d phrases' % (CHUNK * MAX_CHUNKS))
        for c in range(nchunks):
            part = phrases[c * CHUNK:(c + 1) * CHUNK]
            gen_phrases.build('%s_ph%d' % (cn, c),
                              [(i, ph, src) for i, (ph, src) in enumerate(part)], w)
        w('static const struct ph_automaton *const %s_ph[%d] = {%s};' % (
            cn, max(1, nchunks), ', '.join('&%s_ph%d' % (cn, c) for c in range(nchunks)) or 'NULL'))
        strlist(w, cn + '_hosts', head['hosts'])
        strlist(w, cn + '_domains', head['domains'])
        strlist(w, cn + '_codes', head['codes'])
        w('static const struct rh_rule %s_rules[%d] = {' % (cn, len(rules)))
        for r in rules:
            st = r['status'] or (-1, -1, 0, 0)
            cr = r['crange'] or (0, 0)
            chunk, tag = (r['pidx'] // CHUNK, r['pidx'] % CHUNK) if r['phrase'] is not None else (-1, 0)
            w('\t{%d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %s, %s, %s, %s}, /* %s */' % (
                r['reason'], st[0], st[1], st[2], st[3], r['reply'],
                1 if r['crange'] else 0, cr[0], cr[1], chunk, tag,
                cstr(r['command']), cstr(r['code']), cstr(r['src']), cstr(r['text']), r['name']))
        w('};')
        provs.append((name, cn, nchunks, len(rules)))
        for which, key in ((0, 'hosts'), (1, 'domains')):
            for sfx in head[key]:
                suffixes.append((sfx.lower().rstrip('.'), len(provs) - 1, which))
    w('static const struct rh_provider rh_providers[%d] = {' % max(1, len(provs)))
    for name, cn, nchunks, nrules in provs:
        w('\t{%s, %s_hosts, %s_domains, %s_codes, %s_ph, %d, %s_rules, %d},' % (
            cstr(name), cn, cn, cn, cn, nchunks, cn, nrules))
    if not provs:
        w('\t{"", NULL, NULL, NULL, NULL, 0, NULL, 0},')
    w('};')
    # Every suffix once more, sorted (bytewise, as strcmp): equal ones side by side.
    suffixes.sort(key=lambda t: (t[0].encode(), t[1], t[2]))
    w('static const struct rh_suffix rh_suffixes[%d] = {' % max(1, len(suffixes)))
    for sfx, prov, which in suffixes:
        w('\t{%s, %d, %d},' % (cstr(sfx), prov, which))
    if not suffixes:
        w('\t{"", 0, 0},')
    w('};')
    w('#define RH_SUFFIXES %d' % len(suffixes))
    # A hash table over the distinct suffixes for find_in(): FNV-1a over a
    # suffix's bytes from its last to its first, so that one pass from a
    # host's end hashes every label suffix; open addressing, a slot holds
    # 1 + the index of the suffix's first row above (0: empty).
    def rhash(s):
        h = 0x811c9dc5
        for c in reversed(s.encode()):
            h = ((h ^ c) * 0x01000193) & 0xffffffff
        return h
    first = {}
    for i, (sfx, prov, which) in enumerate(suffixes):
        first.setdefault(sfx, i)
    nslots = 8
    while nslots < 4 * len(first):
        nslots *= 2
    slots = [0] * nslots
    for sfx, i in first.items():
        k = rhash(sfx) & (nslots - 1)
        while slots[k]:
            k = (k + 1) & (nslots - 1)
        slots[k] = i + 1
    w('static const uint16_t rh_suffix_slots[%d] = {%s};' % (nslots, ','.join(map(str, slots))))
    w('#define RH_SLOTS %d' % nslots)
    w('#define RH_PROVIDERS %d' % len(provs))
    w('#define RH_MAX_CHUNKS %d' % MAX_CHUNKS)
    with open(output, 'w') as f:
        f.write('\n'.join(L) + '\n')


if __name__ == '__main__':
    main()
