# SPDX-License-Identifier: GPL-2.0
"""Checks d1-prof's outputs for one run (tests/vm/libd1/test_prof.c).

    prof_check.py TRACE.json RAW CSV COPY_BYTES LAUNCHES WAITS

TRACE must parse as JSON; per queue, its complete events do not overlap
and run in the order the program issued them; every job libd1 recorded
with device times (RAW) is in it once; every copy moved COPY_BYTES bytes
with GB/s = bytes / duration; there are LAUNCHES launches; the heatmap
values (CSV, metric cycles) are each node's sum of the cycles of the
launches whose rectangle holds it (with per-node counters: at most that,
and not 0 where a launch ran); there are WAITS wait flows, each from
an event to a job that starts after it.  Prints what failed and
exits 1.
"""
import csv
import json
import re
import sys


def fail(msg):
    print("prof_check: " + msg)
    sys.exit(1)


def main():
    trace, raw, csvf, copy_bytes, launches = sys.argv[1:6]
    waits = int(sys.argv[6])
    with open(trace) as f:
        t = json.load(f)
    ev = t["traceEvents"]
    x = [e for e in ev if e["ph"] == "X"]
    recorded = set()
    with open(raw) as f:
        for line in f:
            w = line.split()
            if w[0] == "J" and int(w[9]) and int(w[10]):
                recorded.add(int(w[2]))
    seqs = [e["args"]["seq"] for e in ev if e["ph"] in ("X", "i")]
    if sorted(seqs) != sorted(recorded) or len(set(seqs)) != len(seqs):
        fail("trace jobs %s != recorded %s" % (sorted(seqs), sorted(recorded)))
    queues = {}
    for e in x:
        if e["dur"] < 0 or e["ts"] < 0:
            fail("negative time: %s" % e)
        queues.setdefault((e["pid"], e["tid"]), []).append(e)
    for q, es in queues.items():
        es.sort(key=lambda e: e["args"]["seq"])
        for a, b in zip(es, es[1:]):
            if a["ts"] + a["dur"] > b["ts"] + 0.001:
                fail("queue %s: seq %d overlaps or follows seq %d" %
                     (q, a["args"]["seq"], b["args"]["seq"]))
    copies = [e for e in x if e["cat"] == "copy"]
    if not copies:
        fail("no copies")
    for e in copies:
        a = e["args"]
        if a["bytes"] != int(copy_bytes):
            fail("copy of %d bytes, expected %s" % (a["bytes"], copy_bytes))
        want = a["bytes"] / (e["dur"] * 1e3) if e["dur"] else 0
        if abs(a["GB/s"] - want) > 0.002 + want * 0.01:
            fail("copy GB/s %f, expected %f" % (a["GB/s"], want))
    ls = [e for e in x if e["cat"] == "launch"]
    if len(ls) != int(launches):
        fail("%d launches, expected %s" % (len(ls), launches))
    cyc = {}
    for e in ls:
        a = e["args"]
        m = re.match(r"(\d+)x(\d+) at \((\d+),(\d+)\)$", a["rectangle"])
        if not m or a["status"] != 0 or a["cycles"] <= 0:
            fail("launch args %s" % a)
        c, r, x0, y0 = map(int, m.groups())
        if a["nodes_exited"] != c * r or a["nodes_faulted"]:
            fail("launch nodes %s" % a)
        for y in range(y0, y0 + r):
            for xx in range(x0, x0 + c):
                cyc[(xx, y)] = cyc.get((xx, y), 0) + a["cycles"]
    with open(csvf) as f:
        rows = [r for r in csv.DictReader(l for l in f if l[0] != "#")]
    # with per-node counters a node's cycles are at most its launch's
    counters = any("node_instret" in e["args"] for e in ls)
    for r in rows:
        k = (int(r["x"]), int(r["y"]))
        v = float(r["value"])
        if counters:
            bad = v > cyc.get(k, 0) or (v > 0) != (cyc.get(k, 0) > 0)
        else:
            bad = v != cyc.get(k, 0)
        if int(r["usable"]) and bad:
            fail("heatmap node %s: %s, launches give %s" %
                 (k, r["value"], cyc.get(k, 0)))
    flows = [e for e in ev if e["ph"] == "s"]
    ends = {e["id"]: e for e in ev if e["ph"] == "f"}
    if len(flows) != waits or len(ends) != len(flows):
        fail("%d wait flows (%d ends), expected %d" %
             (len(flows), len(ends), waits))
    for s in flows:
        if ends[s["id"]]["ts"] + 0.001 < s["ts"]:
            fail("wait %s ends before its event" % s["id"])
    print("prof_check: %d jobs, %d queues, %d launches, %d cells, %d waits ok"
          % (len(seqs), len(queues), len(ls), len(rows), len(flows)))


main()
