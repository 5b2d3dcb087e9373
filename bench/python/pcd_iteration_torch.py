#!/usr/bin/python3
"""PyTorch eager baseline: time per PCD iteration of the conv energy net.

The same loop the Java trainer runs: batch of positives with small noise, K SGLD steps on negatives drawn
from a replay buffer (5% re-initialised from uniform noise), loss E(x+) - E(x-) + alpha (E(x+)^2 + E(x-)^2),
Adam step with gradient-norm clipping. Prints one JSON object with milliseconds per iteration.
"""
import argparse
import json
import time

import torch
import torch.nn as nn


def conv_energy_net(channels):
    layers, c_in = [], 1
    for c in channels:
        layers += [nn.Conv2d(c_in, c, 4, 2, 1), nn.LeakyReLU(0.2)]
        c_in = c
    side = 28
    for _ in channels:
        side = (side + 2 - 4) // 2 + 1
    layers += [nn.Flatten(), nn.Linear(c_in * side * side, 1)]
    return nn.Sequential(*layers)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--sgld-steps", type=int, default=20)
    p.add_argument("--step-size", type=float, default=1.0)
    p.add_argument("--noise", type=float, default=0.01)
    p.add_argument("--channels", default="32,64,128")
    p.add_argument("--iterations", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    net = conv_energy_net([int(c) for c in a.channels.split(",")])
    opt = torch.optim.Adam(net.parameters(), lr=1e-4, betas=(0.0, 0.999))
    buffer = torch.rand(10000, 1, 28, 28)
    data = torch.rand(4096, 1, 28, 28)

    def iteration():
        idx = torch.randint(0, buffer.shape[0], (a.batch,))
        x_neg = buffer[idx].clone()
        reinit = torch.rand(a.batch) < 0.05
        x_neg[reinit] = torch.rand(int(reinit.sum()), 1, 28, 28)
        for p_ in net.parameters():
            p_.requires_grad_(False)
        x_neg = sgld(net, x_neg, a.sgld_steps, a.step_size, a.noise)
        for p_ in net.parameters():
            p_.requires_grad_(True)
        buffer[idx] = x_neg
        x_pos = data[torch.randint(0, data.shape[0], (a.batch,))]
        x_pos = (x_pos + 0.005 * torch.randn_like(x_pos)).clamp(0, 1)
        e_pos, e_neg = net(x_pos), net(x_neg)
        loss = e_pos.mean() - e_neg.mean() + 0.1 * (e_pos.pow(2).mean() + e_neg.pow(2).mean())
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()

    for _ in range(a.warmup):
        iteration()
    start = time.perf_counter()
    for _ in range(a.iterations):
        iteration()
    ms = (time.perf_counter() - start) * 1000 / a.iterations
    print(json.dumps({"framework": "pytorch-eager", "torch": torch.__version__, "threads": a.threads,
                      "batch": a.batch, "sgld_steps": a.sgld_steps, "ms_per_iteration": ms,
                      "forward20_ms": forward_only_ms(net, a.batch),
                      "sgld20_ms": sgld_only_ms(net, a.batch, a.sgld_steps, a.step_size, a.noise)}))


def forward_only_ms(net, batch):
    """20 inference forward passes on one batch, median of 5 repeats: the kernels without autograd."""
    x = torch.rand(batch, 1, 28, 28)

    def twenty_forward_passes(x_):
        for _ in range(20):
            net(x_)

    with torch.no_grad():
        return median_ms(lambda: x, twenty_forward_passes)


def sgld_only_ms(net, batch, steps, step_size, noise):
    """The SGLD steps of one iteration alone (parameters frozen), median of 5: no buffer, no loss, no Adam."""
    for p_ in net.parameters():
        p_.requires_grad_(False)
    try:
        return median_ms(lambda: torch.rand(batch, 1, 28, 28),
                         lambda x: sgld(net, x, steps, step_size, noise).numpy())
    finally:
        for p_ in net.parameters():
            p_.requires_grad_(True)


def median_ms(make_input, work, repeats=5):
    """Median of `repeats` timings of work(input), each input made before its timing starts."""
    times = []
    for _ in range(repeats):
        x = make_input()
        start = time.perf_counter()
        work(x)
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2]


def sgld(net, x, steps, step_size, noise):
    for _ in range(steps):
        x.requires_grad_(True)
        grad = torch.autograd.grad(net(x).sum(), x)[0]
        x = (x - step_size * grad.clamp(-0.03, 0.03) + noise * torch.randn_like(x)).clamp(0, 1).detach()
    return x


if __name__ == "__main__":
    main()
