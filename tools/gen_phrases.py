#!/usr/bin/env python3
"""gen_phrases - compile phrase tables into a C Aho-Corasick automaton.

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
The literal pieces between wildcards are the automaton's fragments.  The C
runtime (src/lib/reason/phrase.c) scans the text once, collects where each
fragment ends, then checks the multi-piece phrases whose first fragment was
seen.  No backtracking regular expression is ever run.
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

SHALLOW = 3  # states of depth < SHALLOW are numbered breadth first

def renumber(goto, outs):
    """States in scan order: the first levels of the trie breadth first, so
    that the states most texts visit share a few cache lines; below them
    depth first, so that a state with one edge leads to the next state."""
    depth = [0] * len(goto)
    order = [0]
    q = collections.deque([0])
    deep = []
    while q:
        st = q.popleft()
        for k in sorted(goto[st]):
            t = goto[st][k]
            depth[t] = depth[st] + 1
            if depth[t] < SHALLOW:
                order.append(t)
                q.append(t)
            else:
                deep.append(t)
    for root in deep:
        stack = [root]
        while stack:
            st = stack.pop()
            order.append(st)
            stack.extend(goto[st][k] for k in sorted(goto[st], reverse=True))
    new = [0] * len(goto)
    for i, st in enumerate(order):
        new[st] = i
    g2 = [None] * len(goto)
    o2 = [None] * len(goto)
    for st in range(len(goto)):
        g2[new[st]] = {k: new[t] for k, t in goto[st].items()}
        o2[new[st]] = outs[st]
    return g2, o2

def build(name, crules_in, w):
    """Emit automaton NAME for rules [(tagvalue, phrase, src)] through w()."""
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
    goto = [dict()]
    outs = [set()]
    for fid, f in enumerate(frags):
        st = 0
        for c in f:
            k = cls[c]
            if k not in goto[st]:
                goto.append(dict()); outs.append(set())
                goto[st][k] = len(goto) - 1
            st = goto[st][k]
        outs[st].add(fid)
    goto, outs = renumber(goto, outs)
    n = len(goto)
    fail = [0] * n
    q = collections.deque()
    for k, t in goto[0].items():
        q.append(t)
    while q:
        st = q.popleft()
        outs[st] |= outs[fail[st]]
        for k, t in goto[st].items():
            f = fail[st]
            while f and k not in goto[f]:
                f = fail[f]
            fail[t] = goto[f].get(k, 0) if goto[f].get(k, 0) != t else 0
            q.append(t)
    # Each state is two words: st[2s] and st[2s+1] = fail | flags. A
    # "chain" state (flag 1 << 30) has one trie edge, to state s + 1, and
    # st[2s] is that edge's byte class: inside a fragment the scan then
    # reads consecutive words, not scattered comb cells. Fragments are
    # inserted one after the other, so most states are such links. Any
    # other state keeps a comb row (as flex does): st[2s] is its base, and
    # edge k is trans[base + k] when that cell's high half (its check) is
    # s, its low half then the target. The root has a full row. A miss
    # continues from the failure link. Flag 1 << 31: fragments end here
    # (see out_off). Rows are placed first fit into the shared array.
    if n >= 65535:
        sys.exit('gen_phrases: %s has %d states; states are 16-bit (at most 65534): split the table' % (name, n))
    chain = [False] * n
    for st in range(1, n):
        if len(goto[st]) == 1 and next(iter(goto[st].values())) == st + 1:
            chain[st] = True
    rows = [(0, [(k, goto[0].get(k, 0)) for k in range(nclass)])]
    for st in range(1, n):
        if not chain[st]:
            rows.append((st, sorted(goto[st].items())))
    total = 2 * nclass + 16
    nxt = [0] * total
    chk = [-1] * total
    base = [0] * n
    used_base = set()
    # nextfree[i]: smallest free cell >= i (union-find with path halving)
    nf = list(range(total + 1))
    def nextfree(i):
        while nf[i] != i:
            nf[i] = nf[nf[i]]
            i = nf[i]
        return i
    def grow(upto):
        nonlocal total
        if upto + 1 >= total:
            extra = upto + 1 - total + nclass
            nxt.extend([0] * extra)
            chk.extend([-1] * extra)
            nf.extend(range(total + 1, total + 1 + extra))
            total += extra
    for st, edges in rows:
        if not edges:
            continue
        k0 = edges[0][0]
        f = nextfree(k0)
        while True:
            b0 = f - k0
            grow(b0 + nclass)
            if b0 not in used_base and all(chk[b0 + k] == -1 for k, _ in edges):
                break
            f = nextfree(f + 1)
        for k, t in edges:
            nxt[b0 + k] = t
            chk[b0 + k] = st
            nf[b0 + k] = b0 + k + 1
        base[st] = b0
        used_base.add(b0)
    last = max(i for i in range(len(chk)) if chk[i] != -1) + 1
    tlen = max(last, max(base) + nclass)
    nxt = nxt[:tlen] + [0] * (tlen - len(nxt[:tlen]))
    chk = chk[:tlen] + [-1] * (tlen - len(chk[:tlen]))
    words = []
    for st in range(n):
        if chain[st]:
            words.append(next(iter(goto[st])))
        else:
            words.append(base[st])
        words.append(fail[st] | (1 << 30 if chain[st] else 0) | (1 << 31 if outs[st] else 0))
    byfirst = collections.defaultdict(list)
    for rid, r in enumerate(crules):
        byfirst[r[3][0][1]].append(rid)
    w('/* %s: %d phrases, %d fragments, %d states (%d chain links), %d byte classes, %d comb cells. */' % (
        name, len(crules), len(frags), n, sum(chain), nclass, tlen))
    w('static const uint8_t %s_cls[256] = {%s};' % (name, ','.join(map(str, cls))))
    w('static const uint32_t %s_state[%d] = {%s};' % (name, 2 * n, ','.join(map(str, words))))
    w('static const uint32_t %s_trans[%d] = {%s};' % (name, tlen, ','.join(
        str((c if c >= 0 else 0xffff) << 16 | t) for c, t in zip(chk, nxt))))
    off = [0]
    flat = []
    for st in range(n):
        flat.extend(sorted(outs[st]))
        off.append(len(flat))
    w('static const uint32_t %s_out_off[%d] = {%s};' % (name, n + 1, ','.join(map(str, off))))
    w('static const uint16_t %s_out[%d] = {%s};' % (name, max(1, len(flat)), ','.join(map(str, flat)) or '0'))
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
    w('\t%s_cls, %s_state, %s_trans, %d, %d,' % (name, name, name, n, nclass))
    w('\t%s_out_off, %s_out, %s_frag_len, %s_frag, %d, %s_pieces, %s_rules, %d, %s_first_off, %s_first' % (
        name, name, name, name, len(frags), name, name, len(rtab), name, name))
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

def main():
    mode = sys.argv[1]
    L = []
    w = L.append
    if mode == 'family':
        # gen_phrases.py family OUTPUT.inc TAGLIST FILE...: one automaton per
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
        # gen_phrases.py NAME OUTPUT.inc TAGLIST FILE...: one automaton whose
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
