#!/usr/bin/env python3
"""One run of bench/zero_downtime: latency windows, failures, standby lag, backfill rate.

    analyze.py --logs 'DIR/lat.*' --pgbench-out FILE --lag FILE --change-out FILE \
               --load-start EPOCH --t0 EPOCH --t1 EPOCH --settle SECONDS --clients N

Prints one JSON object on stdout.

pgbench's per-transaction log (-l, PostgreSQL 15, with --rate and --max-tries) has one line per
transaction: client_id transaction_no time script_no time_epoch time_us schedule_lag retries.
With --rate, `time` is measured from the transaction's *scheduled* start (it includes the
schedule lag), so the scheduled start is the completion time (time_epoch + time_us) minus
`time`. A transaction that failed after its tries has `failed` (or, with --failures-detailed,
`serialization` / `deadlock`) in place of `time`. pgbench 15 ends a client at its first error
that it does not retry (a statement_timeout, a lock_timeout, any SQL error): that transaction is
not in the log, so the clients aborted are counted from pgbench's output, one failed
transaction each.

Windows, by scheduled start: baseline = [load start + settle, t0), during = [t0, t1].
Percentiles are nearest-rank.
"""
import argparse
import glob
import json
import math
import re


def nearest_rank(values, q):
    if not values:
        return None
    return values[max(0, math.ceil(q * len(values)) - 1)]


def window(latencies_ms):
    v = sorted(latencies_ms)
    return {
        "n": len(v),
        "p50_ms": nearest_rank(v, 0.50),
        "p99_ms": nearest_rank(v, 0.99),
        "max_ms": v[-1] if v else None,
    }


def read_log(pattern):
    done, failed = [], []  # (scheduled start, latency ms), (completion, kind)
    for path in sorted(glob.glob(pattern)):
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                fields = line.split()
                if len(fields) < 6:
                    continue
                completion = int(fields[4]) + int(fields[5]) / 1e6
                if fields[2].isdigit():
                    latency_us = int(fields[2])
                    done.append((completion - latency_us / 1e6, latency_us / 1000.0))
                else:
                    failed.append((completion, fields[2]))
    return done, failed


def read_pgbench(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    m = re.search(r"number of failed transactions: (\d+)", text)
    aborted = re.findall(r"client (\d+) (?:script \d+ )?aborted", text)
    errors = [l.strip() for l in text.splitlines() if "error" in l.lower()][:5]
    return {
        "failed_reported": int(m.group(1)) if m else None,
        "clients_aborted": len(set(aborted)),
        "errors": errors,
        "finished": "number of transactions actually processed" in text,
    }


def read_lag(path):
    ms, by, samples, missing = 0.0, 0, 0, 0
    try:
        lines = open(path, encoding="utf-8").read().split("\n")
    except FileNotFoundError:
        lines = []
    for line in lines:
        f = line.split()
        if len(f) != 4:
            continue
        samples += 1
        if int(f[3]) == 0:
            missing += 1  # no standby connected at that moment
        ms = max(ms, float(f[1]))
        by = max(by, int(float(f[2])))
    return {"max_lag_ms": ms, "max_lag_bytes": by, "lag_samples": samples,
            "lag_samples_without_standby": missing}


def read_backfill(path):
    """Rows/s of the backfill, from the timestamped output of the change.

    fixed_batch prints `zd_backfill rows=N seconds=S` (measured inside its DO block); keel
    prints `backfilled N rows of T in B batches, S s (R rows/s)` when a table's backfill
    ends (older keels without `S s`: the time since the line printed before it).
    """
    rows, seconds = 0, 0.0
    prev = None
    try:
        lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    except FileNotFoundError:
        lines = []
    for line in lines:
        stamp, _, text = line.partition(" ")
        try:
            t = float(stamp)
        except ValueError:
            continue
        m = re.search(r"zd_backfill rows=(\d+) seconds=([0-9.]+)", text)
        if m:
            rows += int(m.group(1))
            seconds += float(m.group(2))
        m = re.search(r"backfilled (\d+) rows? of .* in \d+ batch\w*(?:, ([0-9.]+) s)?", text)
        if m and m.group(2) is not None:
            rows += int(m.group(1))  # keel's own duration of the backfill
            seconds += float(m.group(2))
        elif m and prev is not None:
            rows += int(m.group(1))
            seconds += t - prev
        prev = t
    if rows == 0 or seconds <= 0:
        return {"backfill_rows": rows or None, "backfill_s": None, "backfill_rows_per_s": None}
    return {"backfill_rows": rows, "backfill_s": seconds, "backfill_rows_per_s": rows / seconds}


def main():
    ap = argparse.ArgumentParser()
    for name in ("logs", "pgbench-out", "lag", "change-out"):
        ap.add_argument("--" + name, required=True)
    for name in ("load-start", "t0", "t1", "settle"):
        ap.add_argument("--" + name, type=float, required=True)
    ap.add_argument("--clients", type=int, required=True)
    ap.add_argument("--rate", type=float, required=True)
    a = ap.parse_args()

    done, failed = read_log(a.logs)
    base = [lat for s, lat in done if a.load_start + a.settle <= s < a.t0]
    during = [lat for s, lat in done if a.t0 <= s <= a.t1]
    pg = read_pgbench(a.pgbench_out)
    failed_logged = len(failed)
    failed_total = (pg["failed_reported"] if pg["failed_reported"] is not None else failed_logged)
    failed_total += pg["clients_aborted"]
    last = max([s + lat / 1000.0 for s, lat in done] + [c for c, _ in failed] + [0.0])
    out = {
        "baseline": window(base),
        "during": window(during),
        "during_expected_n": round(a.rate * (a.t1 - a.t0)),
        "change_s": a.t1 - a.t0,
        "failed": failed_total,
        "failed_logged": failed_logged,
        "failed_during": sum(1 for c, _ in failed if a.t0 <= c),
        "clients_aborted": pg["clients_aborted"],
        "all_clients_aborted": pg["clients_aborted"] >= a.clients,
        "pgbench_finished": pg["finished"],
        "pgbench_errors": pg["errors"],
        "load_ended_before_change": last < a.t1,
    }
    out.update(read_lag(a.lag))
    out.update(read_backfill(a.change_out))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
