"""The report of `bench/evidence.py`: evidence.md, from the results of the phases that ran.

`markdown` writes the machine and method, then a section per phase present in the report:
the appends table and the sequence check, the verification steps, the upload against the raw
comparison with the server's memory, the verify request, and the app's PostgreSQL sessions
halfway through the upload.
"""

from __future__ import annotations

from typing import Any

from evidence_common import GiB

# -- reporting ----------------------------------------------------------------------------------


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        "# Evidence custody benchmark",
        "",
        f"Run {report['started_at'][:16].replace('T', ' ')} UTC on {m['cpus']} CPUs "
        f"({m['cpu_model']}), {m['memory_gb']} GB, {m['kernel']}; PostgreSQL "
        f"{report.get('postgres', '?')} (embedded, var/bench-evidence); Python "
        f"{m['versions']['python']}, uvicorn {m['versions']['uvicorn']} (h11 "
        f"{m['versions']['h11']}). Load average at the start {report['loadavg_start']}, at the "
        f"end {report['loadavg_end']}. 'Other load' is the CPU used by processes outside the "
        "benchmark during a measurement, as a share of all CPUs. Method: bench/README.md, "
        '"Evidence".',
    ]
    if "append" in report:
        a = report["append"]
        lines += [
            "",
            "## Custody appends (one transaction each)",
            "",
            f"Log size before: {a['start_size']:,} events. Each client is an asyncio task on its "
            "own connection in one Python process (as concurrent requests in one worker), "
            "appending to items no other client touches. `append_event`: "
            "`custody.append_event` alone. `record_custody`: what POST "
            "/api/v1/evidence/{id}/custody does without HTTP and sign-in (load the item and "
            "case, `service.record_custody`: the append, then the item, the case's updated_at, "
            "a timeline event and an audit row, all while holding the log head's lock).",
            "",
            "| path | clients | appends/s | p50 ms | p99 ms | max ms "
            "| CPU µs/append (bench + PG) | errors | other load | load avg after |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for level in a["levels"]:
            lines.append(
                f"| `{level['path']}` | {level['clients']} | {level['appends_per_s']:,.1f} "
                f"| {level['p50_ms']:.1f} | {level['p99_ms']:.1f} | {level['max_ms']:.1f} "
                f"| {level['cpu_us_per_append_bench']:,.0f} + "
                f"{level['cpu_us_per_append_postgres']:,.0f} | {level['errors']} "
                f"| {level['other_load_pct']:.0f}% | {level['loadavg_after'][0]} |"
            )
        c = a["check"]
        lines += [
            "",
            f"Afterwards: {c['appended']:,} appends, head {c['head']:,}, {c['rows']:,} rows, "
            f"max seq {c['max_seq']:,}; seqs handed out gapless: {c['seqs_handed_out_gapless']}; "
            f"table gapless: {c['table_gapless']}; chain breaks: {c['chain_breaks']}; "
            f"**{'OK' if c['ok'] else 'FAILED'}**.",
        ]
    if "verify" in report:
        v = report["verify"]
        b = v["body_bytes"]
        lines += [
            "",
            f"## Verifying {v['events']:,} events ({v['items']:,} items)",
            "",
            f"Bodies generated in memory (same keys and value shapes as `append_event`; mean "
            f"{b['mean']:.0f} B, {b['total_mb']:.0f} MB in all) in {v['generate']['seconds']} s, "
            f"then COPY'd into the database ({v['copy']['copy_events_s']} s for the events, "
            f"table and indexes {v['copy']['table_mb']:,.0f} MB; VACUUM ANALYZE "
            f"{v['copy']['vacuum_analyze_s']} s).",
            "",
            "| step | wall s | CPU s (this process) | PostgreSQL CPU s | µs/event (wall) "
            "| peak RSS MB (RSS before) | result |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        rows = [
            ("root + sign in memory", v["sign_in_memory"], None),
            ("`verifier.verify_log`, bodies in memory", v["verify_log"], v["verify_log"]),
            ("`signing.make_checkpoint` from the table", v["make_checkpoint"], None),
            ("`verification.verify_store` through the DB", v["verify_store"], v["verify_store"]),
        ]
        for name, figures, checked in rows:
            per = figures["wall_s"] * 1e6 / v["events"]
            outcome = ""
            if checked is not None:
                outcome = f"ok={checked['ok']}, verified {checked['verified_size']:,}"
            elif "same_note_as_in_memory" in figures:
                outcome = f"same note as in memory: {figures['same_note_as_in_memory']}"
            pg = figures.get("postgres_cpu_s")
            lines.append(
                f"| {name} | {figures['wall_s']:.2f} | {figures['cpu_s']:.2f} "
                f"| {'' if pg is None else f'{pg:.2f}'} | {per:.1f} "
                f"| {figures['peak_rss_mb']:,.0f} ({figures['rss_before_mb']:,.0f}) | {outcome} |"
            )
        cli = v.get("cli_verify")
        if cli:
            lines.append(
                f"| `tafteesh evidence verify` (a process of its own: RSS is all of it) "
                f"| {cli['wall_s']:.2f} | {cli['cpu_s']:.2f} | {cli['postgres_cpu_s']:.2f} "
                f"| {cli['wall_s'] * 1e6 / v['events']:.1f} | {cli['peak_rss_mb']:,.0f} "
                f"| exit {cli['exit_code']}: {cli['last_line']} |"
            )
        lines += [
            "",
            f"Other load during verify_log: {v['verify_log']['other_load_pct']:.0f}%; during "
            f"verify_store: {v['verify_store']['other_load_pct']:.0f}%"
            + (f"; during the command: {cli['other_load_pct']:.0f}%" if cli else "")
            + ". RSS before a step is what the process already held (the bodies, or memory "
            "Python kept after freeing them); the peak is reset (clear_refs) before each step.",
        ]
    if "upload" in report:
        u = report["upload"]
        up = u["upload"]
        lines += [
            "",
            f"## Uploading {u['bytes'] / GiB:g} GiB (`tafteesh serve`, one worker)",
            "",
            "| what | MB/s | wall s | CPU s | other load |",
            "|---|---:|---:|---:|---:|",
            f"| PUT /api/v1/evidence/{{id}}/files (client generating AES-CTR bytes) "
            f"| {up['mb_per_s']:,.0f} | {up['wall_s']:.2f} | server {up['server_cpu_s']:.2f} "
            f"(user {up['server_user_cpu_s']:.2f}, system {up['server_system_cpu_s']:.2f}), "
            f"client {up['bench_cpu_s']:.2f} | {up['other_load_pct']:.0f}% |",
            *(
                f"| raw {label}: the same bytes, SHA-256 + write + fsync in one process | "
                f"{r['mb_per_s']:,.0f} | {r['wall_s']:.2f} (fsync {r['fsync_s']:.2f}) "
                f"| {r['cpu_s']:.2f} (user {r['user_cpu_s']:.2f}, system "
                f"{r['system_cpu_s']:.2f}) | {r['other_load_pct']:.0f}% |"
                for label, r in [
                    ("before the upload (fresh memory)", u["raw_before_upload"]),
                    *((f"after the upload, run {n}", r) for n, r in enumerate(u["raw_runs"], 1)),
                ]
            ),
            f"| generating and hashing the bytes, no file | {u['hash_only']['mb_per_s']:,.0f} "
            f"| {u['hash_only']['wall_s']:.2f} | | |",
            f"| generating the bytes alone | {u['generation_only']['mb_per_s']:,.0f} "
            f"| {u['generation_only']['wall_s']:.2f} | | |",
            "",
            f"Upload / raw (the faster run after the upload): "
            f"**{u['ratio_upload_to_raw']:.2f}**. "
            "Same SHA-256 on both sides: "
            f"{u['same_sha256']}.",
            "",
            "Server memory (the worker process"
            + (", which is the serve process itself" if u["worker_is_serve_process"] else "")
            + f"): VmHWM {u['startup_vmhwm_mb']:,.0f} MB once started; "
            f"VmHWM {u['baseline_vmhwm_mb']:,.0f} MB and VmRSS "
            f"{u['baseline_vmrss_mb']:,.0f} MB before the upload (after signing in and a 1 MiB "
            f"warm-up upload; the peak so far is argon2's sign-in). Peak reset (clear_refs) at "
            f"the start of the upload, RSS then {u['vmrss_at_upload_start_mb']:,.0f} MB; "
            f"**VmHWM after the upload {u['peak_vmhwm_mb']:,.0f} MB** (growth "
            f"{u['peak_growth_mb']:+.1f} MB); largest VmRSS sampled every 0.1 s during it "
            f"{u['peak_sampled_vmrss_mb']:,.0f} MB.",
        ]
        vr = u.get("verify_request")
        if vr:
            lines += [
                "",
                f"## One request to GET /api/v1/evidence/{{id}}/verify (same server, log of "
                f"{vr['log_size']:,} events, an item with no file)",
                "",
                f"Answered {vr['status']} in **{vr['wall_s']} s** (server CPU "
                f"{vr['server_cpu_s']} s); the worker's RSS went from {vr['rss_start_mb']:,.0f} "
                f"MB to a peak of **{vr['peak_vmhwm_mb']:,.0f} MB**; meanwhile /healthz, probed "
                f"{vr['healthz_probes']} times, took up to **{vr['healthz_max_ms']} ms** (the "
                f"worker's event loop is busy verifying). Problems reported: "
                f"{', '.join(vr['problem_codes'] or []) or 'none'} (checkpoint size "
                f"{vr['checkpoint_size']}).",
            ]
        sessions = u.get("halfway", {}).get("app_sessions")
        if sessions is not None:
            described = ", ".join(
                f"{row['state']}"
                + (f" (transaction open {row['xact_s']} s)" if row["xact_s"] is not None else "")
                for row in sessions
            )
            lines += [
                "",
                "Halfway through the upload, the app's PostgreSQL sessions: "
                f"{described or 'none'}.",
            ]
    return "\n".join(lines) + "\n"
