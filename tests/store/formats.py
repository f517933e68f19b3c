#!/usr/bin/env python3
"""formats.py CSV JSONL JSON TABLE [SPLIT] - one listing printed in the four
formats must carry the same columns and the same rows. SPLIT: the listing
is two tables (kaeru address: a summary of SPLIT rows, then the history;
in JSON one object {"summary": [...], "history": [...]}).
CSV and JSON(L) must agree value for value; the table on its column names
and its number of rows."""
import csv, io, json, sys


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def blocks_csv(text, split):
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if split is None:
        return [rows]
    return [rows[:split + 1], rows[split + 1:]]


def blocks_json(objs, split):
    return [objs] if split is None else [objs[:split], objs[split:]]


def blocks_table(text):
    out = []
    for part in text.split("\n\n"):
        lines = [l for l in part.split("\n") if l != ""]
        if lines:
            out.append(lines)
    return out


def fail(msg):
    print("FAIL formats: %s" % msg)
    sys.exit(1)


def main():
    c, jl, j, t = (read(p) for p in sys.argv[1:5])
    split = int(sys.argv[5]) if len(sys.argv) > 5 else None
    num = dict(parse_float=str, parse_int=str)
    objs_l = [json.loads(l, **num) for l in jl.splitlines() if l.strip()]
    cb = blocks_csv(c, split)
    doc = json.loads(j, **num)	# one JSON document, whatever the listing
    if split is None:
        if not isinstance(doc, list):
            fail("json output is not an array")
        objs_j = doc
    else:
        if not isinstance(doc, dict) or list(doc) != ["summary", "history"]:
            fail("json output is not {\"summary\": [...], \"history\": [...]}")
        objs_j = doc["summary"] + doc["history"]
    for name, objs in (("jsonl", objs_l), ("json", objs_j)):
        for blk, ob in zip(cb, blocks_json(objs, split)):
            head, rows = blk[0], blk[1:]
            if len(rows) != len(ob):
                fail("%s: %d rows, csv %d" % (name, len(ob), len(rows)))
            for r, o in zip(rows, ob):
                if list(o.keys()) != head:
                    fail("%s: columns %s, csv %s" % (name, list(o.keys()), head))
                if [str(v) for v in o.values()] != r:
                    fail("%s: row %s, csv %s" % (name, list(o.values()), r))
    tb = blocks_table(t)
    if len(tb) != len(cb):
        fail("table: %d tables, csv %d" % (len(tb), len(cb)))
    for lines, blk in zip(tb, cb):
        names = [w for w in lines[0].split("  ") if w.strip()]
        if [n.strip() for n in names] != blk[0]:
            fail("table: columns %s, csv %s" % (names, blk[0]))
        if len(lines) - 2 != len(blk) - 1:
            fail("table: %d rows, csv %d" % (len(lines) - 2, len(blk) - 1))
    print("formats: %d rows alike" % sum(len(b) - 1 for b in cb))


main()
