#!/usr/bin/env python3
"""bench/zero_downtime's table, keel's targets and results/last.json.

    report.py RUNS.jsonl REFERENCE.jsonl META.json OUT.json

RUNS.jsonl: one object per (scenario, method) run: scenario, method, ok, error, check, notes and
the fields analyze.py printed. REFERENCE.jsonl: scenario, rows, seconds, rows_per_s of one plain
UPDATE of the whole table without load. META.json: machine and settings. Prints the markdown
table and the targets for keel's rows; writes everything to OUT.json.
"""
import json
import sys

LOCK_TIMEOUT_MS = 20.0
P99_FACTOR = 1.15
BACKFILL_FACTOR = 0.5
MAX_LAG_MS = 500.0


def ms(v):
    if v is None:
        return "–"
    if v < 10:
        return f"{v:.2f}"
    if v < 1000:
        return f"{v:.1f}"
    return f"{v:,.0f}"


def num(v, digits=0):
    return "–" if v is None else f"{v:,.{digits}f}"


def lines(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def targets(run, reference):
    """(name, met or None when it does not apply, figures) for one of keel's rows."""
    out = []
    if not run.get("ok"):
        return [("the change ran", False, run.get("error") or "failed")]
    b, d = run["baseline"], run["during"]
    out.append(("0 failed transactions", run["failed"] == 0,
                f"{run['failed']} failed ({run['clients_aborted']} clients aborted)"))
    if b["p99_ms"] is not None and d["p99_ms"] is not None:
        limit = P99_FACTOR * b["p99_ms"]
        out.append((f"p99 during <= {P99_FACTOR}x baseline p99", d["p99_ms"] <= limit,
                    f"{ms(d['p99_ms'])} ms vs limit {ms(limit)} ms (baseline {ms(b['p99_ms'])})"))
    else:
        out.append((f"p99 during <= {P99_FACTOR}x baseline p99", False, "no transactions in a window"))
    if b["max_ms"] is not None and d["max_ms"] is not None:
        limit = b["max_ms"] + LOCK_TIMEOUT_MS
        out.append((f"max during <= baseline max + lock_timeout ({LOCK_TIMEOUT_MS:.0f} ms)",
                    d["max_ms"] <= limit,
                    f"{ms(d['max_ms'])} ms vs limit {ms(limit)} ms (baseline max {ms(b['max_ms'])})"))
    else:
        out.append(("max during <= baseline max + lock_timeout", False, "no transactions in a window"))
    ref = reference.get(run["scenario"])
    rate = ref.get("keel_unthrottled_rows_per_s") if ref else None
    name = f"unthrottled backfill rows/s (no load) >= {BACKFILL_FACTOR}x plain UPDATE"
    if ref is None:
        out.append((name, None, "n/a: no backfill in this scenario"))
    elif rate is None:
        out.append((name, False, "no unthrottled backfill rate found in keel's output"))
    else:
        limit = BACKFILL_FACTOR * ref["rows_per_s"]
        out.append((name, rate >= limit,
                    f"{num(rate)} rows/s vs limit {num(limit)} (plain UPDATE {num(ref['rows_per_s'])}, "
                    f"ratio {rate / ref['rows_per_s']:.2f}; under load, throttled: "
                    f"{num(run.get('backfill_rows_per_s'))} rows/s)"))
    out.append((f"max standby lag <= {MAX_LAG_MS:.0f} ms", run["max_lag_ms"] <= MAX_LAG_MS,
                f"{ms(run['max_lag_ms'])} ms, {num(run['max_lag_bytes'])} bytes"))
    return out


def main():
    runs = lines(sys.argv[1])
    reference = {r["scenario"]: r for r in lines(sys.argv[2])}
    meta = json.load(open(sys.argv[3], encoding="utf-8"))
    s = meta["settings"]

    print()
    print(f"## Zero downtime: {s['rows']:,} rows, pgbench {s['rate']} tps (8 clients, 70 % reads / "
          f"30 % updates, statement_timeout 500ms), change {s['warmup']} s after the load")
    print()
    print("latencies in ms from the scheduled start (pgbench --rate); baseline = scheduled before the "
          "change, during = scheduled while it ran; failed = failed transactions + clients aborted "
          "(pgbench 15 ends a client at its first statement_timeout); tx during = done / scheduled")
    print()
    head = ["scenario", "method", "baseline p50", "baseline p99", "during p50", "during p99",
            "during max", "failed", "tx during", "change s", "backfill rows/s", "max lag ms",
            "max lag bytes"]
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    order = []
    for r in runs:
        if r["scenario"] not in order:
            order.append(r["scenario"])
    for scenario in order:
        ref = reference.get(scenario)
        if ref is not None:
            row = [scenario, "plain UPDATE (no load)", "", "", "", "", "", "", "",
                   f"{ref['seconds']:.2f}", num(ref["rows_per_s"]), "", ""]
            print("| " + " | ".join(row) + " |")
            keel_rate = ref.get("keel_unthrottled_rows_per_s")
            if keel_rate:
                row = [scenario, "keel backfill, unthrottled (no load)", "", "", "", "", "", "", "",
                       f"{ref['rows'] / keel_rate:.2f}", num(keel_rate), "", ""]
                print("| " + " | ".join(row) + " |")
        for r in runs:
            if r["scenario"] != scenario:
                continue
            if "baseline" not in r:
                row = [scenario, r["method"], "FAILED: " + (r.get("error") or "?")] + [""] * 10
                print("| " + " | ".join(row) + " |")
                continue
            b, d = r["baseline"], r["during"]
            method = r["method"] if r.get("ok") else r["method"] + " (FAILED)"
            row = [scenario, method, ms(b["p50_ms"]), ms(b["p99_ms"]), ms(d["p50_ms"]),
                   ms(d["p99_ms"]), ms(d["max_ms"]), str(r["failed"]),
                   f"{d['n']}/{r['during_expected_n']}", f"{r['change_s']:.2f}",
                   num(r.get("backfill_rows_per_s")), ms(r["max_lag_ms"]), num(r["max_lag_bytes"])]
            print("| " + " | ".join(row) + " |")

    problems = []
    for r in runs:
        for note in r.get("notes", []):
            problems.append(f"{r['scenario']} / {r['method']}: {note}")
        if not r.get("ok"):
            problems.append(f"{r['scenario']} / {r['method']}: FAILED: {r.get('error')}")
    if problems:
        print()
        for p in problems:
            print(f"- {p}")

    print()
    print("### keel's targets")
    print()
    results = []
    for r in runs:
        if not r["method"].startswith("keel"):
            continue
        for name, met, figures in targets(r, reference):
            word = "n/a" if met is None else ("met" if met else "MISSED")
            print(f"- {r['scenario']}: {name}: {word} ({figures})")
            results.append({"scenario": r["scenario"], "target": name, "met": met, "figures": figures})
    if not results:
        print("- (no keel runs)")
    missed = sum(1 for t in results if t["met"] is False)
    print()
    print(f"keel: {missed} target(s) MISSED of {sum(1 for t in results if t['met'] is not None)}"
          if missed else "keel: all targets met")

    with open(sys.argv[4], "w", encoding="utf-8") as f:
        json.dump({**meta, "reference_plain_update": list(reference.values()), "runs": runs,
                   "keel_targets": results}, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
