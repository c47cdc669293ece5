#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Per-function budget from two function_graph traces (tests/bench/budget.sh).

FULL traces the root hook and the functions under it that budget.sh
names; ROOT traces the root alone.  Durations are guest ns, which under
QEMU's instruction counting (--icount 2) are instructions times
--ns-per-insn.  The tracer costs every traced call something: a part
inside the call's own duration (c, read as the duration of the cheapest
traced leaf, a function of a few instructions) and a part that falls in
its caller's time (h).  The root's duration in ROOT, less c, is the true
cost of the whole hook; the difference between the root's duration in
FULL and in ROOT, divided by the traced calls under it, is c + h.  So a
function's true cost is its duration less c, less (c + h) for each
traced call under it; its own (self) cost is that less its traced
children's true costs.  Prints one row per function: calls per packet,
instructions per packet including and excluding its traced callees.
"""
import argparse
import re
import sys
from collections import defaultdict

LINE = re.compile(r'^\s*\d+\)\s+(?:[+!#*@$]\s*)?(?:([\d.]+)\s*us\s*)?\|\s*(.*?)\s*$')
NAME = re.compile(r'^([\w.]+)(?: \[\w+\])?\(\)\s*([{;])$')


def parse(path, root):
    """Per call of root: list of (name, duration, depth, ncalls under it)."""
    calls = []          # completed root calls: list of records
    stack = []          # open frames: [name, records_index]
    records = []
    with open(path) as f:
        for line in f:
            m = LINE.match(line)
            if not m:
                continue
            dur, text = m.group(1), m.group(2)
            if text == '}':
                if not stack:
                    continue
                name, idx = stack.pop()
                records[idx][1] = float(dur) * 1000
                records[idx][3] = len(records) - idx - 1
                if not stack:
                    calls.append(records)
                    records = []
                continue
            n = NAME.match(text)
            if not n:
                continue
            name, kind = n.group(1), n.group(2)
            if not stack and name != root:
                continue
            if kind == ';':
                records.append([name, float(dur) * 1000, len(stack), 0])
                if not stack:
                    calls.append(records)
                    records = []
            else:
                records.append([name, None, len(stack), 0])
                stack.append((name, len(records) - 1))
    return [c for c in calls if all(r[1] is not None for r in c)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('full')
    ap.add_argument('root_only')
    ap.add_argument('--root', required=True)
    ap.add_argument('--ns-per-insn', type=float, default=4.01)
    a = ap.parse_args()

    full = parse(a.full, a.root)
    alone = parse(a.root_only, a.root)
    if not full or not alone:
        sys.exit('budget: no complete call of %s in the traces' % a.root)
    leaves = [r[1] for c in full for r in c if r[3] == 0 and r[2] > 0]
    c_in = min(leaves) if leaves else 0.0
    root_alone = sum(c[0][1] for c in alone) / len(alone)
    root_full = sum(c[0][1] for c in full) / len(full)
    under = sum(c[0][3] for c in full) / len(full)
    per_call = (root_full - root_alone) / under if under else 0.0
    ins = a.ns_per_insn

    # true inclusive and self cost of every record, summed per name
    incl = defaultdict(float)
    selfc = defaultdict(float)
    count = defaultdict(int)
    for c in full:
        true = []
        for i, (name, dur, depth, n_under) in enumerate(c):
            true.append(dur - c_in - n_under * per_call)
        for i, (name, dur, depth, n_under) in enumerate(c):
            kids = 0.0
            j = i + 1
            while j <= i + n_under:
                if c[j][2] == depth + 1:
                    kids += true[j]
                j += 1
            incl[name] += true[i]
            selfc[name] += true[i] - kids
            count[name] += 1
    n = len(full)
    print('%d packets traced (%d without the callees); tracer cost per traced call: '
          '%.0f instructions inside it, %.0f in all' %
          (n, len(alone), c_in / ins, per_call / ins))
    print('the whole hook: %.0f instructions per packet' % ((root_alone - c_in) / ins))
    print('| function | calls per packet | instructions per packet | of them its own |')
    print('| --- | ---: | ---: | ---: |')
    order = []
    for r in full[0]:
        if r[0] not in order:
            order.append(r[0])
    for name in order + sorted(set(incl) - set(order)):
        print('| %s%s | %.2f | %.0f | %.0f |' %
              ('  ' * next((r[2] for r in full[0] if r[0] == name), 0), name,
               count[name] / n, incl[name] / n / ins, selfc[name] / n / ins))


if __name__ == '__main__':
    main()
