#!/usr/bin/env python3
"""Compares the alerts and incidents of two chaos-run output directories (ChaosRun's *.jsonl), processing-time fields
left out: lost (fewer times than in the first), duplicated (more times) and extra (not in the first at all).
    scripts/chaos-compare.py runs/chaos/baseline runs/chaos/chaos"""
import collections
import json
import sys


def outputs(directory, topic):
    values = []
    for line in open(f"{directory}/energysentinel.{topic}.jsonl"):
        value = dict(json.loads(line)["value"])
        value.pop("detectedAt", None)
        values.append(json.dumps(value, sort_keys=True))
    return collections.Counter(values)


first, second = sys.argv[1], sys.argv[2]
for topic in ("alerts", "incidents"):
    want, got = outputs(first, topic), outputs(second, topic)
    lost = sum(max(0, n - got[v]) for v, n in want.items())
    duplicated = sum(max(0, n - want[v]) for v, n in got.items() if v in want)
    extra = sum(n for v, n in got.items() if v not in want)
    print(f"{topic}: {sum(want.values())} vs {sum(got.values())}: lost {lost}, duplicated {duplicated}, extra {extra}")
