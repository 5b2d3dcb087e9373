#!/usr/bin/python3
"""Renders deploy/grafana's dashboard from a running Prometheus into a PNG: a stand-in preview, not Grafana.

No Grafana server can be installed on the build machine, so this draws each panel where the dashboard's
gridPos puts it, from the panel's own queries (query_range; instant for tables), Grafana's variables filled in.
Lines for time series, a bucket-by-time grid for the heatmap, text for tables. A panel with no data says so.

    scripts/demo-prometheus.sh &            # or any Prometheus scraping the job
    scripts/render-dashboard.py --minutes 5 --out runs/dashboard.png

Needs Debian's python3-matplotlib (this runs /usr/bin/python3, Debian's, on purpose).
"""
import argparse
import json
import math
import re
import time
import urllib.parse
import urllib.request

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

DASHBOARD = "deploy/grafana/dashboards/energysentinel.json"


def api(base, path, **params):
    url = f"{base}/api/v1/{path}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=30) as r:
        body = json.load(r)
    if body["status"] != "success":
        raise RuntimeError(f"{url}: {body}")
    return body["data"]


def legend(fmt, labels):
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: labels.get(m.group(1), ""), fmt or "") or json.dumps(labels)


def number(value):
    return float(value) if value not in ("NaN", "+Inf", "-Inf") else math.nan


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prometheus", default="http://127.0.0.1:9090")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--step", default="5s")
    parser.add_argument("--rate-interval", default="1m", help="what $__rate_interval becomes")
    parser.add_argument("--score", help="the $score variable; default: the first score Prometheus knows")
    parser.add_argument("--out", default="runs/dashboard.png")
    args = parser.parse_args()

    dashboard = json.load(open(DASHBOARD))
    score = args.score or (api(args.prometheus, "label/score/values") or ["energy"])[0]
    variables = {"$__rate_interval": args.rate_interval, "$score": score, "$source": ".*", "$model_version": ".*"}
    end = time.time()
    start = end - args.minutes * 60

    panels = dashboard["panels"]
    rows = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in panels)
    fig = plt.figure(figsize=(24, rows * 0.45))
    fig.suptitle(f"{dashboard['title']} (score = {score}, last {args.minutes:g} min): stand-in preview rendered from "
                 f"Prometheus query_range, not by Grafana", fontsize=14)
    empty = []
    for p in panels:
        g = p["gridPos"]
        ax = fig.add_axes([g["x"] / 24 + 0.025, 1 - (g["y"] + g["h"]) / rows + 0.03,
                           g["w"] / 24 - 0.04, g["h"] / rows - 0.07])
        title = p["title"].replace("$score", score)
        ax.set_title(title, fontsize=10)
        drawn = 0
        for t in p.get("targets", []):
            expr = t["expr"]
            for k, v in variables.items():
                expr = expr.replace(k, v)
            if p["type"] == "table":
                result = api(args.prometheus, "query", query=expr)["result"]
                ax.axis("off")
                lines = [", ".join(f"{k}={v}" for k, v in r["metric"].items() if k != "__name__") for r in result]
                ax.text(0, 1, "\n".join(lines) or "", va="top", family="monospace", fontsize=8)
                drawn += len(result)
                continue
            result = api(args.prometheus, "query_range", query=expr, start=start, end=end, step=args.step)["result"]
            if p["type"] == "heatmap":
                buckets = sorted(result, key=lambda r: number(r["metric"].get("le", "+Inf").replace("+Inf", "inf")))
                times = sorted({float(v[0]) for r in buckets for v in r["values"]})
                index = {ts: i for i, ts in enumerate(times)}
                # Cumulative buckets to counts per bucket, as Grafana's heatmap does with format "heatmap".
                grid = [[0.0] * len(times) for _ in buckets]
                for row, r in enumerate(buckets):
                    for ts, v in r["values"]:
                        grid[row][index[float(ts)]] = number(v)
                for row in range(len(buckets) - 1, 0, -1):
                    grid[row] = [max(a - b, 0) for a, b in zip(grid[row], grid[row - 1])]
                if buckets:
                    ax.imshow(grid, aspect="auto", origin="lower", cmap="inferno", interpolation="nearest")
                    ax.set_yticks(range(len(buckets)))
                    ax.set_yticklabels([r["metric"].get("le") for r in buckets], fontsize=6)
                    ax.set_xticks([])
                drawn += len(buckets)
                continue
            for r in result:
                xs = [float(v[0]) - end for v in r["values"]]
                ax.plot([x / 60 for x in xs], [number(v[1]) for v in r["values"]],
                        label=legend(t.get("legendFormat"), r["metric"]))
                drawn += 1
        if p["type"] == "timeseries":
            ax.set_xlabel("minutes", fontsize=7)
            ax.tick_params(labelsize=7)
            if drawn:
                ax.legend(fontsize=6, loc="upper left")
        if not drawn:
            empty.append(title)
            ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes, color="grey")
    fig.savefig(args.out, dpi=70)
    print(f"{args.out}: {len(panels)} panels, {len(panels) - len(empty)} with data"
          + (f"; no data: {', '.join(empty)}" if empty else ""))


if __name__ == "__main__":
    main()
