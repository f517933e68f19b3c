#!/usr/bin/env python3
"""gen_phrases - compile phrase tables into C tables for one-pass matching.

Usage: gen_phrases.py NAME OUTPUT.inc TAGLIST FILE...

Each FILE holds one phrase per line; '#' starts a comment (to the end of the
line, when preceded by white space or at column 0).  A file's tag is its base
name without extension (e.g. data/reasons/userunknown.txt -> "userunknown");
TAGLIST is a comma-separated list of every tag in enum order, so that the C
side can use the tag as an enum value.  A line may start with "tag:" to give
one phrase another tag than its file's.

Phrase syntax (matched case-insensitively against text whose white space
was collapsed to single spaces):
    literal words     any bytes, including UTF-8
    *                 exactly one word: a run of non-space bytes
    **                any text, possibly empty
The literal pieces between wildcards are the table's fragments.  The C
runtime (src/lib/reason/phrase.c) scans the text once, collects where each
fragment ends (hashed grams of the next eight bytes find the candidates),
then checks the multi-piece phrases whose first fragment was seen.  No
backtracking regular expression is ever run.
"""
import sys, os, collections

def parse_file(path, tag, tags):
    out = []
    with open(path, encoding='utf-8') as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip('\n')
            # Strip comments: '#' at column 0 or after white space.
            cut = None
            for i, ch in enumerate(line):
                if ch == '#' and (i == 0 or line[i-1] in ' \t'):
                    cut = i
                    break
            if cut is not None:
                line = line[:cut]
            line = line.strip()
            if not line:
                continue
            t = tag
            if ':' in line.split(' ', 1)[0] and line.split(':', 1)[0] in tags:
                t, line = line.split(':', 1)
                line = line.strip()
            out.append((t, line, '%s:%d' % (os.path.basename(path), lineno)))
    return out

def pieces_of(phrase, src):
    """Split a phrase into [(gap_before, literal)].

    gap 0: none (first piece); 1: " word " between two words;
    2: any text; 3: a run of non-space bytes glued to both pieces ("<*>").
    """
    out = []
    gap = 0
    lit = []
    def push(g, text):
        if not text.strip():
            sys.exit('%s: empty piece in %r' % (src, phrase))
        out.append((g, text))
    for tk in phrase.split():
        if tk in ('*', '**'):
            g = 1 if tk == '*' else 2
            if not lit and not out:
                sys.exit('%s: phrase starts with a wildcard: %r' % (src, phrase))
            if lit:
                push(gap, (' ' if gap == 1 else '') + ' '.join(lit))
                lit = []
                gap = g
            else:
                gap = 2
            continue
        if '*' in tk:
            parts = tk.split('*')
            if any(p == '' for p in parts):
                sys.exit('%s: bad in-word wildcard in %r' % (src, phrase))
            lit.append(parts[0])
            push(gap, (' ' if gap == 1 else '') + ' '.join(lit))
            for p in parts[1:-1]:
                push(3, p)
            lit = [parts[-1]]
            gap = 3
            continue
        lit.append(tk)
    if lit:
        push(gap, (' ' if gap == 1 else '') + ' '.join(lit))
    elif gap:
        sys.exit('%s: phrase ends with a wildcard: %r' % (src, phrase))
    return out

def cbytes(b):
    out = []
    for c in b:
        if 32 <= c < 127 and chr(c) not in '"\\?':
            out.append(chr(c))
        else:
            out.append('\\%03o' % c)
    return '"' + ''.join(out) + '"'

# the gram hashes, as in src/lib/reason/phrase.h
GRAM_MUL64 = 0x9E3779B97F4A7C15
GRAM_MUL32 = 0x9E3779B1

def build(name, crules_in, w):
    """Emit the compiled table NAME for rules [(tagvalue, phrase, src)] through w()."""
    fragid = {}
    frags = []
    crules = []
    for tag, phrase, src in crules_in:
        ps = pieces_of(phrase.lower(), src)
        ids = []
        for gap, lit in ps:
            b = lit.encode('utf-8')
            if b not in fragid:
                fragid[b] = len(frags)
                frags.append(b)
            ids.append((gap, fragid[b]))
        crules.append((tag, phrase, src, ids))
    # Byte classes: a-z folded with A-Z, white space one class, each other
    # byte that appears in a fragment its own class, everything else 0.
    used = sorted(set(c for f in frags for c in f))
    cls = [0] * 256
    nclass = 1
    for c in used:
        if ord('A') <= c <= ord('Z'):
            continue
        cls[c] = nclass
        nclass += 1
    for c in range(ord('A'), ord('Z') + 1):
        cls[c] = cls[c + 32]
    for c in (9, 10, 13):
        cls[c] = cls[32]
    # The scan (src/lib/reason/phrase.c) maps the text to byte classes,
    # then reads, at each byte, the classes of the eight bytes from there
    # as a 64-bit gram (the first in the low byte). A fragment of eight
    # bytes or more is looked up by the gram of its first eight, one of
    # four to seven bytes by that of its first four: a bitmap of gram
    # hashes says whether any fragment starts so, and the rank of the bit
    # (the set bits before it) picks the fragments' bucket. A shorter
    # fragment is checked where its first byte's class is flagged.
    def gram(b):
        g = 0
        for k, c in enumerate(b):
            g |= cls[c] << (8 * k)
        return g
    for f in frags:
        if len(f) > 255:
            sys.exit('gen_phrases: %s: fragment %r is over 255 bytes' % (name, f))
    longf = [fid for fid, f in enumerate(frags) if len(f) >= 8]
    midf = [fid for fid, f in enumerate(frags) if 4 <= len(f) < 8]
    shortf = [fid for fid, f in enumerate(frags) if len(f) < 4]
    # A bucket's fragments lie side by side as entries (their gram,
    # id, length, and where their classes past the eighth begin in the
    # table's tails, in the same order): a candidate reads one or two
    # cache lines of entries and one of tails, where separate arrays by
    # fragment id cost a line each per fragment.
    tails = bytearray()
    def entries(fids):
        out = []
        for fid in fids:
            f = frags[fid]
            out.append('{0x%xu,%d,%d,%d}' % (gram(f[:8]), fid, len(f), len(tails)))
            tails.extend(cls[c] for c in f[8:])
        return ','.join(out)
    def grams(suffix, fids, q, mul, width):
        # About 64 bits a fragment (2^17 at most: 16 KB for the reason
        # table): a text's byte then hits a bit no fragment owns about
        # once in 64. At 16 bits a fragment the reason table's scan took
        # one false turn every 24 bytes, and 11% longer on the corpus's
        # texts.
        bits = 6
        while (1 << bits) < 64 * len(fids) and bits < 17:
            bits += 1
        buckets = collections.defaultdict(list)
        for fid in fids:
            h = ((gram(frags[fid][:q]) * mul) & ((1 << width) - 1)) >> (width - bits)
            buckets[h].append(fid)
        nwords = (1 << bits) // 64
        gmap = [0] * nwords
        for h in buckets:
            gmap[h >> 6] |= 1 << (h & 63)
        rank = []
        seen = 0
        for wd in gmap:
            rank.append(seen)
            seen += bin(wd).count('1')
        goff = [0]
        gfrag = []
        for h in sorted(buckets):
            gfrag.extend(sorted(buckets[h]))
            goff.append(len(gfrag))
        p = '%s_%s' % (name, suffix)
        w('static const uint64_t %s_map[%d] = {%s};' % (p, nwords, ','.join('0x%xu' % x for x in gmap)))
        w('static const uint16_t %s_rank[%d] = {%s};' % (p, nwords, ','.join(map(str, rank))))
        w('static const uint16_t %s_off[%d] = {%s};' % (p, len(goff), ','.join(map(str, goff))))
        w('static const struct ph_entry %s_ent[%d] = {%s};' % (p, max(1, len(gfrag)), entries(gfrag) or '{0,0,0,0}'))
        return '{ %s_map, %s_rank, %s_off, %s_ent, %d }' % (p, p, p, p, width - bits)
    short_first = [0] * 256
    for fid in shortf:
        short_first[cls[frags[fid][0]]] = 1
    # The pairs of classes a short fragment starts with, as a bitmap of
    # the gram's low sixteen bits (one byte: every class after it).
    short_pair = [0] * 1024
    for fid in shortf:
        f = frags[fid]
        for c1 in ([cls[f[1]]] if len(f) > 1 else range(256)):
            k = cls[f[0]] | c1 << 8
            short_pair[k >> 6] |= 1 << (k & 63)
    w('/* %s: %d phrases, %d fragments (%d of four to seven bytes, %d shorter), %d byte classes. */' % (
        name, len(crules), len(frags), len(midf), len(shortf), nclass))
    w('static const uint8_t %s_cls[256] = {%s};' % (name, ','.join(map(str, cls))))
    w('static const uint8_t %s_short_first[256] = {%s};' % (name, ','.join(map(str, short_first))))
    w('static const struct ph_entry %s_short[%d] = {%s};' % (name, max(1, len(shortf)), entries(shortf) or '{0,0,0,0}'))
    if shortf:
        w('static const uint64_t %s_short_pair[1024] = {%s};' % (name, ','.join('0x%xu' % x for x in short_pair)))
    g8 = grams('g8', longf, 8, GRAM_MUL64, 64)
    g4 = grams('g4', midf, 4, GRAM_MUL32, 32)
    w('static const uint8_t %s_tails[%d] = {%s};' % (name, max(1, len(tails)), ','.join(map(str, tails)) or '0'))
    byfirst = collections.defaultdict(list)
    for rid, r in enumerate(crules):
        byfirst[r[3][0][1]].append(rid)
    w('static const uint16_t %s_frag_len[%d] = {%s};' % (name, max(1, len(frags)), ','.join(str(len(f)) for f in frags) or '0'))
    w('static const char *const %s_frag[%d] = {%s};' % (name, max(1, len(frags)), ','.join(cbytes(f) for f in frags) or '""'))
    pieces = []
    rtab = []
    for tag, phrase, src, ids in crules:
        rtab.append((tag, len(pieces), len(ids), phrase, src))
        pieces.extend(ids)
    w('static const struct ph_piece %s_pieces[%d] = {%s};' % (name, max(1, len(pieces)), ','.join('{%d,%d}' % (f, g) for g, f in pieces) or '{0,0}'))
    w('static const struct ph_rule %s_rules[%d] = {' % (name, max(1, len(rtab))))
    for tag, first, cnt, phrase, src in rtab:
        w('\t{%d, %d, %d, %s, %s},' % (tag, first, cnt, cbytes(phrase.encode('utf-8')), cbytes(src.encode('utf-8'))))
    if not rtab:
        w('\t{0, 0, 0, "", ""},')
    w('};')
    foff = [0]
    fr = []
    for fid in range(len(frags)):
        fr.extend(byfirst.get(fid, []))
        foff.append(len(fr))
    w('static const uint32_t %s_first_off[%d] = {%s};' % (name, len(frags) + 1, ','.join(map(str, foff))))
    w('static const uint16_t %s_first[%d] = {%s};' % (name, max(1, len(fr)), ','.join(map(str, fr)) or '0'))
    w('static const struct ph_automaton %s = {' % name)
    w('\t.cls = %s_cls, .short_first = %s_short_first, .short_pair = %s, .shortf = %s_short,' % (
        name, name, name + '_short_pair' if shortf else 'NULL', name))
    w('\t.nshort = %d, .nmid = %d,' % (len(shortf), len(midf)))
    w('\t.g8 = %s, .g4 = %s, .tails = %s_tails,' % (g8, g4, name))
    w('\t.frag_len = %s_frag_len, .frag = %s_frag, .nfrag = %d, .pieces = %s_pieces,' % (name, name, len(frags), name))
    w('\t.rules = %s_rules, .nrules = %d, .first_off = %s_first_off, .first = %s_first,' % (name, len(rtab), name, name))
    w('};')

def parse_family(path, tags):
    """A family table: lines "reason<TAB>phrase"."""
    out = []
    with open(path, encoding='utf-8') as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip('\n')
            cut = None
            for i, ch in enumerate(line):
                if ch == '#' and (i == 0 or line[i-1] in ' \t'):
                    cut = i
                    break
            if cut is not None:
                line = line[:cut]
            if not line.strip():
                continue
            if '\t' not in line:
                sys.exit('%s:%d: want "reason<TAB>phrase"' % (path, lineno))
            tag, phrase = line.split('\t', 1)
            tag, phrase = tag.strip(), phrase.strip()
            if tag not in tags:
                sys.exit('%s:%d: unknown reason %r' % (path, lineno, tag))
            out.append((tags[tag], phrase, '%s:%d' % (os.path.basename(path), lineno)))
    return out

def parse_hints(path):
    """A hints table: lines "phrase<TAB>family family ..."; the phrase's tag
    is its line's index among the table's lines."""
    out = []
    with open(path, encoding='utf-8') as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip('\n')
            if not line.strip() or line.startswith('#'):
                continue
            if '\t' not in line:
                sys.exit('%s:%d: want "phrase<TAB>families"' % (path, lineno))
            phrase, fams = line.split('\t', 1)
            if not fams.split():
                sys.exit('%s:%d: no family' % (path, lineno))
            out.append((phrase.strip(), fams.split(), '%s:%d' % (os.path.basename(path), lineno)))
    if len(out) > 64:
        sys.exit('%s: %d lines, at most 64' % (path, len(out)))
    return out

def main():
    mode = sys.argv[1]
    L = []
    w = L.append
    if mode == 'hints':
        # gen_phrases.py hints NAME OUTPUT.inc FILE: one table whose tag t is
        # line t of FILE, and NAME_families[t], the families that line names
        # (as &lhost_<family>, NULL-terminated).
        name, output, path = sys.argv[2], sys.argv[3], sys.argv[4]
        rows = parse_hints(path)
        w('/* Generated by tools/gen_phrases.py from %s: do not edit. */' % os.path.basename(path))
        build(name, [(t, ph, src) for t, (ph, _, src) in enumerate(rows)], w)
        most = max([len(f) for _, f, _ in rows] or [0]) + 1
        w('static const struct klhost *const %s_families[%d][%d] = {' % (name, max(1, len(rows)), most))
        for _, fams, src in rows:
            w('\t{%s, NULL},\t/* %s */' % (', '.join('&lhost_' + f for f in fams), src))
        if not rows:
            w('\t{NULL},')
        w('};')
        w('#define %s_ROWS %d' % (name.upper(), len(rows)))
    elif mode == 'family':
        # gen_phrases.py family OUTPUT.inc TAGLIST FILE...: one table per
        # data/lhost/<family>.txt named ph_family_<family>, and a lookup table.
        output, taglist = sys.argv[2], sys.argv[3].split(',')
        tags = {t: i for i, t in enumerate(taglist)}
        files = sorted(sys.argv[4:])
        w('/* Generated by tools/gen_phrases.py from %d family tables: do not edit. */' % len(files))
        names = []
        for path in files:
            fam = os.path.splitext(os.path.basename(path))[0]
            cname = 'ph_family_' + ''.join(c if c.isalnum() else '_' for c in fam)
            build(cname, parse_family(path, tags), w)
            names.append((fam, cname))
        w('static const struct { const char *family; const struct ph_automaton *a; } ph_families[%d] = {' % max(1, len(names)))
        for fam, cname in names:
            w('\t{%s, &%s},' % (cbytes(fam.encode()), cname))
        if not names:
            w('\t{"", NULL},')
        w('};')
        w('#define PH_FAMILIES %d' % len(names))
    else:
        # gen_phrases.py NAME OUTPUT.inc TAGLIST FILE...: one table whose
        # tags are the files' base names.
        name, output, taglist = sys.argv[1], sys.argv[2], sys.argv[3].split(',')
        files = sys.argv[4:]
        tags = {t: i for i, t in enumerate(taglist)}
        rules = []
        for path in sorted(files):
            tag = os.path.splitext(os.path.basename(path))[0]
            if tag not in tags:
                sys.exit('%s: unknown tag %r' % (path, tag))
            rules.extend((tags[t], ph, src) for t, ph, src in parse_file(path, tag, tags))
        w('/* Generated by tools/gen_phrases.py from %d tables in %s: do not edit. */' % (len(files), os.path.basename(os.path.dirname(os.path.abspath(files[0]))) if files else '-'))
        build(name, rules, w)
    with open(output, 'w') as f:
        f.write('\n'.join(L) + '\n')

if __name__ == '__main__':
    main()
