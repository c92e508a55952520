#!/usr/bin/env python3
"""Monthly project progress reports onto planpulse.project-progress, as JSON or single-object Avro.

A report is for one project (a target id of the plan fed by project_progress) and one month (period, yyyy-MM); for a
(project, period) the report with the latest reported_at is in force.

    python3 project_progress.py --bootstrap-servers 127.0.0.1:9092 --at 2025-06-05T09:00:00+08:00 [--format avro]
"""
import planpulse_producer


def sample(event_id, at):
    return {
        "report_id": event_id,
        "project_id": "kp_gov_002",  # New Yanweishan tunnel, phase 1, in the shipped 2025 plan
        "period": at.strftime("%Y-%m"),
        "investment_cny": 12000000.0,  # completed in that month, not cumulative
        "progress_pct": 40.0,  # optional
        "milestone": None,  # optional
        "reported_at": at.isoformat(),
    }


if __name__ == "__main__":
    planpulse_producer.main("project_progress", sample, __doc__.splitlines()[0])
