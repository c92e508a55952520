#!/usr/bin/env python3
"""Statistical indicator reports onto planpulse.indicator-reports, as JSON or single-object Avro.

    python3 indicator_reports.py --bootstrap-servers 127.0.0.1:9092 --at 2025-06-10T09:00:00+08:00 [--format avro]
"""
import planpulse_producer


def sample(event_id, at):
    return {
        "report_id": event_id,
        "indicator_id": "gdp_growth",  # a target id of the plan fed by indicator_report
        "period": at.strftime("%Y-%m"),
        "value": 6.1,  # growth rates may be negative
        "reported_at": at.isoformat(),
    }


if __name__ == "__main__":
    planpulse_producer.main("indicator_report", sample, __doc__.splitlines()[0])
