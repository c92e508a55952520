#!/usr/bin/env python3
"""Logistics-hub throughput onto planpulse.hub-throughput, as JSON or single-object Avro.

    python3 hub_throughput.py --bootstrap-servers 127.0.0.1:9092 --count 10 [--format avro]
"""
import planpulse_producer


def sample(event_id, at):
    return {
        "record_id": event_id,
        "terminal": "road_port",  # road_port, nanpeng_rail, foeryan_port
        "tonnes": 1200.0,
        "measured_at": at.isoformat(),
    }


if __name__ == "__main__":
    planpulse_producer.main("hub_throughput", sample, __doc__.splitlines()[0])
