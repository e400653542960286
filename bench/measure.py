#!/usr/bin/env python3
"""Measures a running, seeded jewel-crm with oha (see bench/README.md).

    python3 bench/measure.py --url URL --bare URL --pid PID --tier s --oha PATH --out DIR
    python3 bench/measure.py --render m DIR     # rewrite m.md from m.json (growth from s.json)

For each endpoint: requests per second at saturation (a fixed number of
connections for a fixed time) with its p50 and p99, then p50, p99 and p99.9
at half that rate with oha's latency correction; CPU time per request (the
server's utime and stime from /proc), SQL statements per request (MariaDB's
Com_* counters) and other commands per request (Com_admin_commands: pings)
over the saturation run; the server's peak memory (VmHWM) at the end. Also
Redis GET with redis-benchmark, as a limit. Writes DIR/TIER.json and
DIR/TIER.md. Only the standard library.
"""

import argparse
import asyncio
import json
import os
import platform
import re
import subprocess
import sys
import time
import urllib.request

SQL_COUNTERS = ("Com_select", "Com_insert", "Com_update", "Com_delete")


def api(url, method, path, token=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read().decode())


def cpu_seconds(pid):
    """utime + stime of the server process, in seconds."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def peak_memory_kib(pid):
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def sql_statements(counters=SQL_COUNTERS):
    out = subprocess.run(
        ["mysql", "--protocol=tcp", "-h", "127.0.0.1", "-uroot", "-N", "-e",
         "SHOW GLOBAL STATUS WHERE Variable_name IN ('" + "','".join(counters) + "')"],
        check=True, capture_output=True, text=True).stdout
    return sum(int(line.split()[1]) for line in out.splitlines() if line.strip())


def admin_commands():
    """Pings and the like: MariaDB's Com_admin_commands."""
    return sql_statements(("Com_admin_commands",))


def oha(args, target, extra):
    command = ["taskset", "-c", args.load_cpu, args.oha, "--no-tui", "--output-format", "json",
               "-z", args.duration, "-c", str(args.connections), *extra, target]
    result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    codes = result.get("statusCodeDistribution", {})
    ok = sum(n for code, n in codes.items() if code.startswith("2"))
    return result, ok, sum(codes.values())


def measure(args, name, method, path, token, body=None):
    target = args.url + path
    extra = ["-m", method, "-H", f"Authorization: Bearer {token}"]
    if body is not None:
        extra += ["-H", "Content-Type: application/json", "-d", json.dumps(body)]
    cpu_before, sql_before, admin_before = cpu_seconds(args.pid), sql_statements(), admin_commands()
    saturated, ok, total = oha(args, target, extra)
    cpu, sql = cpu_seconds(args.pid) - cpu_before, sql_statements() - sql_before
    admin = admin_commands() - admin_before
    rps = saturated["summary"]["requestsPerSec"]
    # oha leaves up to 32 requests in the server when it stops: let them
    # finish, or the first moments at half rate wait behind them (a month's
    # bills: 32 x 5.7 ms, about 1% of the half-rate run).
    time.sleep(1)
    half, _, _ = oha(args, target, extra + ["-q", str(max(1, int(rps / 2))), "--latency-correction"])
    percentiles = half["latencyPercentiles"]
    line = row(name, f"{method} {re.sub('[0-9a-f-]{36}', '{id}', path.split('?')[0])}", rps,
               (percentiles["p50"], percentiles["p99"], percentiles["p99.9"]), cpu, sql, total, total - ok)
    at_saturation = saturated["latencyPercentiles"]
    line["saturated_p50_ms"] = round(at_saturation["p50"] * 1000, 2)
    line["saturated_p99_ms"] = round(at_saturation["p99"] * 1000, 2)
    line["admin_per_request"] = round(admin / max(total, 1), 2)
    return line


def row(name, request, rps, seconds, cpu, sql, requests, failed):
    """One endpoint's line: `seconds` are p50, p99 and p99.9 at half rate;
    `cpu` and `sql` are totals over the `requests` of the saturation run."""
    line = {
        "endpoint": name,
        "request": request,
        "rps": round(rps, 1),
        "p50_ms": round(seconds[0] * 1000, 2),
        "p99_ms": round(seconds[1] * 1000, 2),
        "p99_9_ms": round(seconds[2] * 1000, 2),
        "cpu_ms_per_request": round(cpu * 1000 / max(requests, 1), 3),
        "sql_per_request": round(sql / max(requests, 1), 2),
        "non_2xx": failed,
    }
    print(json.dumps(line), flush=True)
    return line


async def exchange(reader, writer, head, body):
    """Sends one HTTP/1.1 request on a kept-alive connection; returns the status."""
    writer.write(head + body)
    status_line = await reader.readline()
    length, chunked = 0, False
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
        elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        while (size := int((await reader.readline()).split(b";")[0], 16)) > 0:
            await reader.readexactly(size + 2)
        await reader.readline()
    else:
        await reader.readexactly(length)
    return int(status_line.split()[1])


async def drive(url, requests, connections, rate=None):
    """Sends each request once over `connections` kept-alive connections, as
    fast as answered or, with `rate`, each at its slot in a constant rate.
    Latencies count from the slot (oha's latency correction), so a server
    that falls behind is not excused by the requests it delayed."""
    host, port = url.split("//", 1)[1].split(":")
    loop = asyncio.get_running_loop()
    pending = iter(enumerate(requests))
    latencies, statuses = [], {}

    async def connection():
        reader, writer = await asyncio.open_connection(host, int(port))
        for index, (head, body) in pending:
            slot = start + index / rate if rate else loop.time()
            if rate and slot > loop.time():
                await asyncio.sleep(slot - loop.time())
            status = await exchange(reader, writer, head, body)
            latencies.append(loop.time() - slot)
            statuses[status] = statuses.get(status, 0) + 1
        writer.close()

    start = loop.time()
    await asyncio.gather(*(connection() for _ in range(connections)))
    return len(requests) / (loop.time() - start), sorted(latencies), statuses


def percentile(ordered, share):
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def http_request(url, method, path, token, body):
    data = json.dumps(body).encode()
    head = (f"{method} {path} HTTP/1.1\r\nHost: {url.split('//', 1)[1]}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"Idempotency-Key: {os.urandom(16).hex()}\r\nContent-Length: {len(data)}\r\n\r\n")
    return head.encode(), data


def drafts_to_issue(args, token, wanted, branch=None):
    """Draft bills ready to issue: each a piece of the branch's stock under
    1,50,000 (no PAN needed) and an engraving, for a customer, paid by UPI as
    it is issued. Each piece in one draft only, so every issue can succeed.
    With `branch`, every draft is of that branch (one run of numbers)."""
    customers = api(args.url, "GET", "/api/v1/customers?limit=200", token)["items"]
    pieces, cursor = [], ""
    only = f"&branchId={branch}" if branch else ""
    while len(pieces) < wanted:
        page = api(args.url, "GET", f"/api/v1/pieces?status=in_stock&maxPrice=150000&limit=200{only}" + cursor,
                   token)
        pieces += page["items"]
        if not page.get("nextCursor"):
            break
        cursor = "&cursor=" + page["nextCursor"]
    requests = []
    for n, piece in enumerate(pieces[:wanted]):
        draft = api(args.url, "POST", "/api/v1/invoices", token, {
            "branchId": piece["branchId"], "customerId": customers[n % len(customers)]["id"],
            "lines": [{"kind": "piece", "pieceId": piece["id"]},
                      {"kind": "service", "description": "Engraving", "amount": "300.00"}]})
        requests.append(http_request(args.url, "POST", f"/api/v1/invoices/{draft['id']}/issue", token,
                                     {"payments": [{"method": "upi", "amount": draft["total"],
                                                    "reference": f"UPI-{n}"}]}))
    return requests


def measure_issuing(args, token, branch=None):
    """Issuing a bill, the whole transaction (number, stock, payment, ledger):
    oha repeats one request, and a draft issues once, so these go through
    `drive` instead, half the drafts at saturation and half at half that rate.
    With `branch`, all in one branch: every issue takes that branch's next
    number, so this is the rate one branch can bill at."""
    requests = drafts_to_issue(args, token, args.drafts, branch)
    if len(requests) < 2:
        print(f"no stock left to issue bills from (branch {branch})", file=sys.stderr)
        return None
    half = len(requests) // 2
    cpu_before, sql_before = cpu_seconds(args.pid), sql_statements()
    rps, _, statuses = asyncio.run(drive(args.url, requests[:half], args.connections))
    cpu, sql = cpu_seconds(args.pid) - cpu_before, sql_statements() - sql_before
    _, latencies, late_statuses = asyncio.run(drive(args.url, requests[half:], args.connections, rps / 2))
    ok = sum(n for code, n in statuses.items() if 200 <= code < 300)
    ok += sum(n for code, n in late_statuses.items() if 200 <= code < 300)
    name = "issue a bill, one branch" if branch else "issue a bill"
    return row(f"{name} ({len(requests)} drafts)", "POST /api/v1/invoices/{id}/issue", rps,
               [percentile(latencies, share) for share in (0.5, 0.99, 0.999)], cpu, sql, half,
               len(requests) - ok)


def with_ratio(line, limit):
    """The endpoint's rate as a share of the bare actix-web + sqlx limit."""
    line["ratio_to_bare_sqlx"] = round(line["rps"] / limit, 3)
    return line


def growth(tier, out_dir, rows):
    """Against tier S's results (bench/results/s.json), when this is M or L:
    each endpoint's rate and p99 as a multiple of S's."""
    smaller = os.path.join(out_dir, "s.json")
    if tier == "s" or not os.path.exists(smaller):
        return []
    with open(smaller, encoding="utf-8") as f:
        before = {r["request"] + r["endpoint"].split(" (")[0]: r for r in json.load(f)["endpoints"]}
    lines = ["", f"Growth from S to {tier.upper()} (× S's value; the p99 target is at most 1.5):", "",
             "| endpoint | rps S | rps | rps × S | p99 ms S | p99 ms | p99 × S |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        s = before.get(r["request"] + r["endpoint"].split(" (")[0])
        if s is None:
            continue
        r["growth_from_s"] = {"rps": round(r["rps"] / s["rps"], 2), "p99": round(r["p99_ms"] / s["p99_ms"], 2)}
        lines.append(f"| {r['endpoint']} | {s['rps']} | {r['rps']} | {r['growth_from_s']['rps']} | "
                     f"{s['p99_ms']} | {r['p99_ms']} | {r['growth_from_s']['p99']} |")
    return lines


def cpu_model():
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.machine()


def memory_gib():
    with open("/proc/meminfo", encoding="ascii") as info:
        return round(int(info.readline().split()[1]) / 1024 / 1024)


def redis_get_rps():
    out = subprocess.run(["redis-benchmark", "-h", "127.0.0.1", "-t", "get", "-n", "200000", "-q", "--csv"],
                         check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        cells = [c.strip('"') for c in line.split(",")]
        if cells and cells[0] == "GET":
            return float(cells[1])
    return None


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--render":
        # bench/measure.py --render TIER DIR: rewrite TIER.md (and the growth
        # in TIER.json) from TIER.json, e.g. after S was measured again.
        with open(os.path.join(sys.argv[3], f"{sys.argv[2]}.json"), encoding="utf-8") as f:
            write(json.load(f), sys.argv[3])
        return
    parser = argparse.ArgumentParser()
    for flag in ("--url", "--bare", "--pid", "--tier", "--oha", "--out", "--duration", "--load-cpu"):
        parser.add_argument(flag, required=flag not in ("--duration", "--load-cpu"))
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--drafts", type=int, default=4000,
                        help="draft bills to issue (fewer when the stock runs out)")
    parser.add_argument("--only", default="",
                        help="measure only the endpoints whose name contains this (for a profile)")
    args = parser.parse_args()
    args.duration = args.duration or "10s"
    args.load_cpu = args.load_cpu or "1"

    token = api(args.url, "POST", "/api/v1/auth/login",
                body={"email": "owner@seed.example", "password": "seed passphrase 2026"})["accessToken"]
    customer = api(args.url, "GET", "/api/v1/customers?limit=1", token)["items"][0]
    pieces = api(args.url, "GET", "/api/v1/pieces?status=in_stock&sort=price&limit=1", token)["items"]
    piece = pieces[0]
    first_name, family = customer["name"].split(" ", 1)

    # The limits, saturated the same way: bare actix-web, then bare actix-web + sqlx.
    bare_json, _, _ = oha(args, args.bare + "/json", [])
    bare_sqlx, _, _ = oha(args, f"{args.bare}/customers/{customer['id']}", [])
    limit = bare_sqlx["summary"]["requestsPerSec"]

    endpoints = [
        ("customer by id", "GET", f"/api/v1/customers/{customer['id']}", None),
        ("quick search", "GET", f"/api/v1/customers?q={first_name}+{family[:3]}&limit=20", None),
        ("quick search, 3-letter name", "GET", f"/api/v1/customers?q={first_name[:3].lower()}&limit=20", None),
        ("quick search, 4-digit mobile ending", "GET", f"/api/v1/customers?q={customer['mobile'][-4:]}&limit=20",
         None),
        ("catalogue, price range", "GET",
         "/api/v1/pieces?status=in_stock&category=necklace&minPrice=100000&maxPrice=300000&limit=50", None),
        ("catalogue, price sort", "GET", "/api/v1/pieces?status=in_stock&sort=-price&limit=50", None),
        ("live price of a piece", "GET", f"/api/v1/pieces/{piece['id']}/price", None),
        ("create a quote", "POST", "/api/v1/quotes",
         {"branchId": piece["branchId"], "lines": [{"kind": "piece", "pieceId": piece["id"]}]}),
        ("a month's bills (no sales report yet)", "GET",
         "/api/v1/invoices?issuedFrom=2026-10-01T00:00:00Z&issuedTo=2026-11-01T00:00:00Z&limit=200", None),
    ]
    lines = [measure(args, name, method, path, token, body)
             for name, method, path, body in endpoints if args.only in name]
    # One branch first: at tier S the stock of every branch together is
    # fewer than the drafts wanted, and the rest is left for the others.
    one_branch = measure_issuing(args, token, piece["branchId"]) \
        if args.only in "issue a bill, one branch" else None
    if args.only in "issue a bill":
        lines.append(measure_issuing(args, token))
    lines.append(one_branch)
    lines = [line for line in lines if line is not None]
    rows = [with_ratio(line, limit) for line in lines]
    result = {
        "tier": args.tier,
        "machine": {"cpu": cpu_model(), "cores": os.cpu_count(), "kernel": platform.release(),
                    "memory_gib": memory_gib()},
        "limits": {"redis_get_rps": redis_get_rps(),
                   "bare_actix_json_rps": round(bare_json["summary"]["requestsPerSec"], 1),
                   "bare_actix_sqlx_rps": round(limit, 1)},
        "endpoints": rows,
        "server_peak_memory_mib": round(peak_memory_kib(args.pid) / 1024, 1),
    }
    write(result, args.out)


def write(result, out_dir):
    """TIER.json and TIER.md, with the growth from S for M and L."""
    os.makedirs(out_dir, exist_ok=True)
    tier, rows = result["tier"], result["endpoints"]
    growth_lines = growth(tier, out_dir, rows)
    with open(os.path.join(out_dir, f"{tier}.json"), "w", encoding="utf-8") as out:
        json.dump(result, out, indent=2)
    machine = result["machine"]
    lines = [
        f"{machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB, Linux {machine['kernel']}.",
        f"Tier {tier.upper()}; server peak memory {result['server_peak_memory_mib']} MiB. Limits: "
        f"bare actix-web JSON {result['limits']['bare_actix_json_rps']} rps, bare actix-web + sqlx "
        f"primary-key select {result['limits']['bare_actix_sqlx_rps']} rps, "
        f"Redis GET {result['limits']['redis_get_rps']} rps.",
        "",
        "p50/p99 at saturation, then at half that rate; pings/req is MariaDB's Com_admin_commands per request.",
        "",
        "| endpoint | request | rps | × bare sqlx | sat. p50 ms | sat. p99 ms | p50 ms | p99 ms | p99.9 ms "
        "| CPU ms/req | SQL/req | pings/req | non-2xx |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['endpoint']} | `{r['request']}` | {r['rps']} | {r['ratio_to_bare_sqlx']} | "
                     f"{r.get('saturated_p50_ms', '')} | {r.get('saturated_p99_ms', '')} | "
                     f"{r['p50_ms']} | {r['p99_ms']} | {r['p99_9_ms']} | {r['cpu_ms_per_request']} | "
                     f"{r['sql_per_request']} | {r.get('admin_per_request', '')} | {r['non_2xx']} |")
    lines += growth_lines
    with open(os.path.join(out_dir, f"{tier}.md"), "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
