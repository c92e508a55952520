#!/usr/bin/env python3
"""Cross-border truck departures onto planpulse.truck-departures, as JSON or single-object Avro.

    python3 truck_departures.py --bootstrap-servers 127.0.0.1:9092 --count 10
    python3 truck_departures.py --format avro --planpulse http://127.0.0.1:8080 --count 10
    python3 truck_departures.py --event '{"departure_id":"d-1","route_id":"cq-hanoi","destination_country":"VN",
        "exit_port":"youyiguan","departed_at":"2025-06-01T08:30:00+08:00","cargo_value_cny":1250000,"cargo_weight_t":18.5}'
"""
import planpulse_producer


def sample(event_id, at):
    return {
        "departure_id": event_id,
        "route_id": "cq-hanoi",
        "destination_country": "VN",
        "exit_port": "youyiguan",
        "departed_at": at.isoformat(),
        "cargo_value_cny": 1250000.0,
        "cargo_weight_t": 18.5,
    }


if __name__ == "__main__":
    planpulse_producer.main("truck_departure", sample, __doc__.splitlines()[0])
