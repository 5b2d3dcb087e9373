#!/usr/bin/python3
"""PyTorch eager baseline: scoring throughput of the same architectures EnergySentinel serves.

Conv EBM (conv 32-64-128 + linear energy), JEM (same trunk, 128 features, 10 logits; outputs energy,
logits, neg max softmax and the Mahalanobis score, as our ONNX graph does) and the event MLP
(standardise, 2x32 Swish, energy), in torch.no_grad() at the given batch sizes. Prints one JSON document.
"""
import argparse
import json
import time

import torch
import torch.nn as nn


def trunk(channels):
    layers, c_in = [], 1
    for c in channels:
        layers += [nn.Conv2d(c_in, c, 4, 2, 1), nn.LeakyReLU(0.2)]
        c_in = c
    return nn.Sequential(*layers, nn.Flatten()), c_in * 3 * 3


class Conv(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk, d = trunk([32, 64, 128])
        self.head = nn.Linear(d, 1)

    def forward(self, x):
        return self.head(self.trunk((x - 0.5) / 0.5)).reshape(-1)


class Jem(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk, d = trunk([32, 64, 128])
        self.features = nn.Sequential(nn.Linear(d, 128), nn.LeakyReLU(0.2))
        self.logits = nn.Linear(128, 10)
        self.means = torch.randn(10, 128)
        self.precision = torch.eye(128)

    def forward(self, x):
        f = self.features(self.trunk((x - 0.5) / 0.5))
        logits = self.logits(f)
        energy = -torch.logsumexp(logits, dim=1)
        neg_max_softmax = -torch.softmax(logits, dim=1).max(dim=1).values
        diff = f.unsqueeze(1) - self.means.unsqueeze(0)
        mahalanobis = ((diff @ self.precision) * diff).sum(dim=2).min(dim=1).values
        return energy, logits, neg_max_softmax, mahalanobis


class Mlp(nn.Module):
    def __init__(self, features=6):
        super().__init__()
        self.mean = torch.zeros(features)
        self.std = torch.ones(features)
        self.net = nn.Sequential(nn.Linear(features, 32), nn.SiLU(), nn.Linear(32, 32), nn.SiLU(), nn.Linear(32, 1))

    def forward(self, x):
        return self.net((x - self.mean) / self.std).reshape(-1)


def throughput(model, make_input, batch, seconds):
    x = make_input(batch)
    with torch.no_grad():
        for _ in range(5):
            model(x)
        calls, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            model(x)
            calls += 1
    elapsed = time.perf_counter() - start
    return {"recordsPerSecond": calls * batch / elapsed, "msPerBatch": elapsed * 1000 / calls}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batches", default="1,8,32,128")
    p.add_argument("--seconds", type=float, default=3)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    models = {
        "CONV_EBM": (Conv().eval(), lambda b: torch.rand(b, 1, 28, 28)),
        "JEM": (Jem().eval(), lambda b: torch.rand(b, 1, 28, 28)),
        "MLP_EBM": (Mlp().eval(), lambda b: torch.rand(b, 6) * 100 + 10),
    }
    rows = []
    for name, (model, make) in models.items():
        for batch in [int(b) for b in a.batches.split(",")]:
            r = throughput(model, make, batch, a.seconds)
            rows.append({"model": name, "batch": batch, **r})
    print(json.dumps({"framework": "pytorch-eager", "torch": torch.__version__, "threads": a.threads, "scoring": rows}))


if __name__ == "__main__":
    main()
