#!/usr/bin/env python3
"""Customs declarations onto planpulse.trade-declarations, as JSON or single-object Avro.

    python3 trade_declarations.py --bootstrap-servers 127.0.0.1:9092 --count 10 [--format avro]
"""
import planpulse_producer


def sample(event_id, at):
    return {
        "declaration_id": event_id,
        "direction": "export",  # or "import"
        "channel": "road_port",  # nanpeng_b, road_port, rail, ...
        "partner_country": "VN",
        "value_cny": 3000000.0,
        "declared_at": at.isoformat(),
    }


if __name__ == "__main__":
    planpulse_producer.main("trade_declaration", sample, __doc__.splitlines()[0])
