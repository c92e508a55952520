"""What the five producer examples share: options, the two encodings, delivery reports.

Each example (truck_departures.py, trade_declarations.py, hub_throughput.py, project_progress.py,
indicator_reports.py) sends sample events of its type, or the events you give it, as JSON or as single-object Avro.
"""
import argparse
import json
import sys
from datetime import datetime, timedelta, timezone

from confluent_kafka import Producer

import planpulse_avro

TOPICS = {
    "project_progress": ("planpulse.project-progress", "report_id"),
    "truck_departure": ("planpulse.truck-departures", "departure_id"),
    "trade_declaration": ("planpulse.trade-declarations", "declaration_id"),
    "hub_throughput": ("planpulse.hub-throughput", "record_id"),
    "indicator_report": ("planpulse.indicator-reports", "report_id"),
}


def options(event_type, description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--bootstrap-servers", default="127.0.0.1:9092", help="Kafka (default %(default)s)")
    p.add_argument("--format", choices=["json", "avro"], default="json",
                   help="json: a JSON object (content-type application/json); avro: Avro single-object encoding "
                        "(content-type application/avro). Default %(default)s.")
    p.add_argument("--planpulse", default="http://127.0.0.1:8080",
                   help="planpulse's HTTP server, where --format avro fetches the schema (GET /schemas/%s)" % event_type)
    p.add_argument("--schema", help="the .avsc file to write with instead (planpulse schemas export DIR writes them)")
    p.add_argument("--count", type=int, default=None, help="sample events to send (default 1 without --event/--raw)")
    p.add_argument("--at", help="time of the first sample event, ISO-8601 with an offset (default: now)")
    p.add_argument("--id-prefix", default="py-", help="prefix of the sample events' ids (default %(default)s)")
    p.add_argument("--event", action="append", default=[], metavar="JSON",
                   help="send this event (its fields as a JSON object), as it is, good or bad; repeatable")
    p.add_argument("--raw", action="append", default=[], metavar="TEXT",
                   help="send this text as the value, untouched (to see how planpulse rejects it); repeatable")
    p.add_argument("--no-header", action="store_true", help="send no content-type header (the first byte decides)")
    return p


def main(event_type, sample, description):
    args = options(event_type, description).parse_args()
    topic, id_field = TOPICS[event_type]
    start = datetime.fromisoformat(args.at.replace("Z", "+00:00")) if args.at else datetime.now(timezone.utc)
    count = args.count if args.count is not None else (0 if args.event or args.raw else 1)
    events = [json.loads(e) for e in args.event]
    events += [sample(args.id_prefix + str(i), start + timedelta(minutes=i)) for i in range(count)]

    if args.format == "avro":
        schema = planpulse_avro.load_schema(args.schema or "%s/schemas/%s" % (args.planpulse.rstrip("/"), event_type))
        writer = planpulse_avro.SingleObjectWriter(schema)
        encode, content_type = writer.encode, "application/avro"
    else:
        encode, content_type = (lambda e: json.dumps(e).encode("utf-8")), "application/json"
    headers = None if args.no_header else {"content-type": content_type}

    failures = []

    def delivered(err, msg):
        if err is not None:
            failures.append(err)
            print("failed: %s" % err, file=sys.stderr)
        else:
            print("sent %s %s to %s[%d]@%d" % (event_type, msg.key().decode("utf-8", "replace"), msg.topic(),
                                                msg.partition(), msg.offset()))

    producer = Producer({"bootstrap.servers": args.bootstrap_servers, "enable.idempotence": True})
    for e in events:
        # The key is the event's id: planpulse drops duplicates by id, per partition.
        producer.produce(topic, key=str(e.get(id_field, "")), value=encode(e), headers=headers, on_delivery=delivered)
    for text in args.raw:
        producer.produce(topic, key="raw", value=text.encode("utf-8"), headers=headers, on_delivery=delivered)
    remaining = producer.flush(30)
    if remaining or failures:
        print("%d records not delivered" % (remaining + len(failures)), file=sys.stderr)
        sys.exit(1)
    print("%d %s records sent as %s" % (len(events) + len(args.raw), event_type, args.format))
