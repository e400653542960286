"""Customer by id with Redis up, hung and gone (bench/outage.sh runs it).

Each run saturates the server for --duration with 32 connections and
reports requests per second, CPU per request and, while Redis is up,
Redis commands per request. The issue's bar: during an outage at least half
the rate with Redis up.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure import api, cpu_model, cpu_seconds  # noqa: E402


def redis_calls(port):
    out = subprocess.run(["redis-cli", "-p", str(port), "info", "commandstats"],
                         check=True, capture_output=True, text=True).stdout
    calls = 0
    for line in out.splitlines():
        if line.startswith("cmdstat_") and not line.startswith("cmdstat_info"):
            calls += int(line.split("calls=")[1].split(",")[0])
    return calls


def run(args, name, target, token, redis_up):
    cpu_before = cpu_seconds(args.pid)
    calls_before = redis_calls(args.redis_port) if redis_up else None
    command = ["taskset", "-c", "1", args.oha, "--no-tui", "--output-format", "json",
               "-z", args.duration, "-c", "32", "-H", f"Authorization: Bearer {token}", target]
    result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    codes = result.get("statusCodeDistribution", {})
    total = sum(codes.values())
    ok = sum(n for code, n in codes.items() if code.startswith("2"))
    cpu = cpu_seconds(args.pid) - cpu_before
    line = {
        "redis": name,
        "rps": round(result["summary"]["requestsPerSec"], 1),
        "p50_ms": round(result["latencyPercentiles"]["p50"] * 1000, 2),
        "p99_ms": round(result["latencyPercentiles"]["p99"] * 1000, 2),
        "cpu_ms_per_request": round(cpu * 1000 / max(total, 1), 3),
        "redis_commands_per_request": None if calls_before is None
        else round((redis_calls(args.redis_port) - calls_before) / max(total, 1), 2),
        "non_2xx": total - ok,
    }
    print(json.dumps(line))
    return line


def main():
    parser = argparse.ArgumentParser()
    for flag in ("--url", "--pid", "--redis-pid", "--redis-port", "--oha", "--out"):
        parser.add_argument(flag, required=True)
    parser.add_argument("--duration", default="10s")
    args = parser.parse_args()
    args.pid, redis_pid = int(args.pid), int(args.redis_pid)

    token = api(args.url, "POST", "/api/v1/auth/login",
                body={"email": "owner@seed.example", "password": "seed passphrase 2026"})["accessToken"]
    customer = api(args.url, "GET", "/api/v1/customers?limit=1", token)["items"][0]
    target = f"{args.url}/api/v1/customers/{customer['id']}"

    rows = [run(args, "up", target, token, True)]
    os.kill(redis_pid, signal.SIGSTOP)
    rows.append(run(args, "hung (SIGSTOP)", target, token, False))
    os.kill(redis_pid, signal.SIGKILL)  # a stopped process dies of it too
    time.sleep(0.5)
    rows.append(run(args, "gone (killed)", target, token, False))

    up = rows[0]["rps"]
    for line in rows:
        line["share_of_up"] = round(line["rps"] / up, 3) if up else None
    result = {"cpu": cpu_model(), "duration": args.duration, "endpoint": "GET /api/v1/customers/{id}",
              "rows": rows}
    with open(os.path.join(args.out, "outage.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
    lines = ["# Customer by id while Redis is down", "",
             f"{result['cpu']}; server on one core, oha on another; {args.duration} per run, 32 connections.",
             "Redis commands per request come from INFO commandstats: the rate-limit counter is one",
             "round trip of MULTI, INCR, EXPIRE and EXEC; checking the token asks Redis nothing.", "",
             "| Redis | rps | share of up | p50 ms | p99 ms | CPU ms/req | Redis commands/req | non-2xx |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        commands = "-" if r["redis_commands_per_request"] is None else r["redis_commands_per_request"]
        lines.append(f"| {r['redis']} | {r['rps']} | {r['share_of_up']} | {r['p50_ms']} | {r['p99_ms']} "
                     f"| {r['cpu_ms_per_request']} | {commands} | {r['non_2xx']} |")
    with open(os.path.join(args.out, "outage.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
