#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Report of scripts/bench-scale from tests/bench/scale.sh's RESULT lines.

A window's capacity on a path is its packets over its pktgen thread's
CPU time.  Per configuration and cycle: a_i, the mean of the two windows
where path i ran alone; b_i, the mean of the two where both ran; the
scaling sum(b_i / a_i), 2 when two CPUs do twice what one does.  Each
figure is the median over cycles with a 95% confidence interval of the
median (order statistics), as scripts/bench-kernel gives its ratios.
"""
import sys
from collections import defaultdict
from math import comb

TARGET = 1.8


def median_ci(values):
    """Median and the 95% interval of order statistics around it."""
    a = sorted(values)
    n = len(a)
    med = a[n // 2] if n % 2 else (a[n // 2 - 1] + a[n // 2]) / 2
    k = 1
    while k + 1 <= n and sum(comb(n, i) for i in range(k + 1)) / 2 ** n <= 0.025:
        k += 1
    return med, a[k - 1], a[n - k]


def verdict(lo, hi, med, target):
    if lo >= target:
        return f">= {target}: met"
    if hi < target:
        return f">= {target}: MISSED"
    return f">= {target}: unresolved (median {'above' if med >= target else 'below'})"


def main(path):
    caps = defaultdict(list)        # (config, cycle, kind, path) -> [capacity]
    for line in open(path):
        f = line.split()
        if not f or f[0] != 'RESULT':
            continue
        config, cycle, kind = f[1], int(f[2]), f[3]
        for i, field in enumerate(f[4:6]):
            pkts, ns = (int(x) for x in field.split(':'))
            if ns:
                caps[config, cycle, kind, i].append(pkts / ns * 1e9)
    mean = lambda v: sum(v) / len(v)
    scaling = defaultdict(dict)     # config -> cycle -> scaling
    alone = defaultdict(list)       # (config, path) -> [a_i]
    for (config, cycle, kind, i), v in caps.items():
        if kind != 'b':
            continue
        a = caps.get((config, cycle, f'a{i}', i))
        if not a:
            continue
        alone[config, i].append(mean(a))
        scaling[config][cycle] = scaling[config].get(cycle, 0) + mean(v) / mean(a)
    if not scaling:
        sys.exit("scale_report: no complete cycle in " + path)
    print(f"| {'two CPUs against one':44} | {'n':>3} | {'median':>6} | {'95% CI':14} | target")
    print(f"|{'-' * 46}|-----|--------|----------------|-------")
    rows = [('plain', 'plain forwarding (control), sum(b_i/a_i)', None),
            ('protect', 'protect, many streams, sum(b_i/a_i)', TARGET),
            ('rtcp', 'one stream: RTP on CPU 0, RTCP on CPU 1', TARGET),
            ('same', 'one stream: RTP from both CPUs (bound)', None)]
    for config, label, target in rows:
        v = list(scaling[config].values())
        if not v:
            continue
        med, lo, hi = median_ci(v)
        print(f"| {label:44} | {len(v):3} | {med:6.3f} | {lo:6.3f}..{hi:<6.3f} | "
              f"{verdict(lo, hi, med, target) if target else ''}")
    for config, label, _ in rows[1:]:
        rel = [scaling[config][c] / scaling['plain'][c]
               for c in scaling[config] if c in scaling['plain']]
        if rel:
            med, lo, hi = median_ci(rel)
            print(f"| {config + ' / plain (same cycle)':44} | {len(rel):3} | {med:6.3f} | "
                  f"{lo:6.3f}..{hi:<6.3f} | ")
    print()
    print("capacity of a path running alone (median over cycles, packets per CPU-second):")
    print()
    for (config, i), v in sorted(alone.items()):
        med, _, _ = median_ci(v)
        print(f"  {config:8} CPU {i}: {med:9.0f}")


if __name__ == '__main__':
    main(sys.argv[1])
