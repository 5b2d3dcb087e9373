"""Two feature ideas for drifts and level shifts, tried on the Gaussian detector before touching the job.

Reproduce (numpy only; streams as evaluate-events --events 4000 makes them, tuning seeds 1-3):
    for s in 1 2 3; do scripts/trainer.sh generate-events --events 4000 --seed $s --out /tmp/ev/s$s.jsonl; done
    python3 docs/results/events-sweep-2026-12-02/feature_ideas.py /tmp/ev

The history is SourceHistory's (moving average of weight 0.02 whose step is clipped to 4 standard deviations, unchanged
runs capped at 10). The detector is a Gaussian on z-scores with its covariance shrunk 10% towards the identity,
thresholded at the 99% quantile of the train split's normal rows; the split is the first half in time, as
evaluate-events splits. Rows: SourceHistory as it is; plus a fast moving average (weight a) of each metric's deviation
clipped to c standard deviations; and, instead, the score smoothed per source (max of the score's and its moving
average's z-scores).
"""
import collections
import json
import sys

import numpy as np

F = ["requests_per_s", "cpu_pct", "latency_ms", "error_rate", "memory_pct", "queue_depth"]


def load(path):
    rows = [json.loads(line) for line in open(path)]
    x = np.array([[r["features"][f] for f in F] for r in rows], dtype=np.float32)
    return x, np.array([r["source"] for r in rows]), np.array([r["label"] for r in rows])


def widen(x, src, scales, fast=None, fast_clip=3.0, alpha=0.02, cap=10, clip=4.0):
    states, out, d = {}, [], x.shape[1]
    for v, s in zip(x, src):
        v = v.astype(np.float64)
        if s not in states:
            states[s] = dict(m=v.copy(), prev=np.full(d, np.nan), run=np.zeros(d), f=np.zeros(d))
        st = states[s]
        dev = v - st["m"]
        run = np.where(st["prev"].astype(np.float32) == v.astype(np.float32), np.minimum(cap, st["run"] + 1), 0)
        feats = [v, dev, run]
        if fast is not None:
            st["f"] += fast * (np.clip(dev, -fast_clip * scales, fast_clip * scales) - st["f"])
            feats.append(st["f"].copy())
        st["m"] += alpha * np.clip(dev, -clip * scales, clip * scales)
        st["prev"], st["run"] = v, run
        out.append(np.concatenate(feats))
    return np.array(out)


def auroc(pos, neg):
    ranks = np.concatenate([pos, neg]).argsort().argsort() + 1
    return (ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def gaussian(train, rows):
    mu, sd = train.mean(0), train.std(0) + 1e-9
    c = np.cov(((train - mu) / sd).T)
    c = 0.9 * c + 0.1 * np.eye(len(c)) * np.trace(c) / len(c)
    z = (rows - mu) / sd
    return np.einsum("ij,jk,ik->i", z, np.linalg.inv(c), z)


def smoothed(score, src, a):
    means, out = {}, np.zeros_like(score)
    for i, (v, s) in enumerate(zip(score, src)):
        means[s] = v if s not in means else means[s] + a * (v - means[s])
        out[i] = means[s]
    return out


def run(directory, fast=None, fast_clip=3.0, smooth=None):
    res = collections.defaultdict(list)
    for seed in (1, 2, 3):
        x, src, lab = load(f"{directory}/s{seed}.jsonl")
        n = len(x) // 2
        normal = lab[:n] == ""
        w = widen(x, src, x[:n][normal].std(0), fast, fast_clip)
        score = np.log(gaussian(w[:n][normal], w))
        if smooth is not None:
            m = smoothed(score, src, smooth)
            score = np.maximum((score - score[:n][normal].mean()) / score[:n][normal].std(),
                               (m - m[:n][normal].mean()) / m[:n][normal].std())
        threshold = np.quantile(score[:n][normal], 0.99)
        test, lt = score[n:], lab[n:]
        for kind in sorted(set(lt) - {""}) + ["overall"]:
            pos = test[lt != ""] if kind == "overall" else test[lt == kind]
            res[kind].append(auroc(pos, test[lt == ""]))
        res["detected"].append((test[lt != ""] > threshold).mean())
        res["fpr"].append((test[lt == ""] > threshold).mean())
    return " ".join(f"{k[:11]} {np.mean(v):.4f}" for k, v in res.items())


if __name__ == "__main__":
    d = sys.argv[1] if len(sys.argv) > 1 else "/tmp/ev"
    print("history as served        ", run(d))
    for a, c in ((0.2, 3.0), (0.2, 2.0), (0.1, 2.0), (0.3, 2.0)):
        print(f"+ fast average a={a} c={c}", run(d, fast=a, fast_clip=c))
    for a in (0.3, 0.2, 0.1):
        print(f"score smoothed a={a}     ", run(d, smooth=a))
