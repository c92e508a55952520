#!/usr/bin/env python3
"""Reads planpulse.rejected: every record planpulse refused, with its topic, partition, offset, reason and detail.

    python3 read_rejected.py --bootstrap-servers 127.0.0.1:9092 --from-beginning
    python3 read_rejected.py --from-beginning --max 3 --timeout 30 --json
"""
import argparse
import base64
import json
import sys
import time
import uuid

from confluent_kafka import OFFSET_BEGINNING, OFFSET_END, Consumer, TopicPartition

import planpulse_avro

TOPIC = "planpulse.rejected"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bootstrap-servers", default="127.0.0.1:9092", help="Kafka (default %(default)s)")
    p.add_argument("--planpulse", default="http://127.0.0.1:8080",
                   help="planpulse's HTTP server, for the record's schema (GET /schemas/rejected_record)")
    p.add_argument("--schema", help="RejectedRecord.avsc instead (planpulse schemas export DIR writes it)")
    p.add_argument("--from-beginning", action="store_true", help="read from the start (default: only new records)")
    p.add_argument("--max", type=int, default=0, help="stop after this many records (default: never)")
    p.add_argument("--timeout", type=float, default=0, help="stop after this many seconds (default: never)")
    p.add_argument("--json", action="store_true", help="one JSON object per record")
    args = p.parse_args()

    schema = planpulse_avro.load_schema(args.schema or args.planpulse.rstrip("/") + "/schemas/rejected_record")
    reader = planpulse_avro.SingleObjectReader(schema)
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap_servers,
        "group.id": "planpulse-rejected-reader-" + uuid.uuid4().hex,  # assign() below: no group membership
        "enable.auto.commit": False,
        "isolation.level": "read_committed",  # planpulse writes rejections in its transactions
    })
    partitions = consumer.list_topics(TOPIC, timeout=10).topics[TOPIC].partitions
    start = OFFSET_BEGINNING if args.from_beginning else OFFSET_END
    consumer.assign([TopicPartition(TOPIC, p, start) for p in partitions])

    seen = 0
    deadline = time.monotonic() + args.timeout if args.timeout else None
    try:
        while (not args.max or seen < args.max) and (deadline is None or time.monotonic() < deadline):
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                print("error: %s" % msg.error(), file=sys.stderr)
                continue
            r = reader.decode(msg.value())
            seen += 1
            if args.json:
                print(json.dumps({
                    "stream": r["stream"], "topic": r["topic"], "partition": r["partition"], "offset": r["offset"],
                    "reason": r["reason"], "detail": r["detail"], "key": text(r["key"]), "value": text(r["value"]),
                    "rejected_at": r["rejected_at"].isoformat(),
                }, ensure_ascii=False), flush=True)
            else:
                print("%s[%d]@%d %s: %s\n    value: %r" % (r["topic"], r["partition"], r["offset"], r["reason"],
                                                           r["detail"], short(r["value"])), flush=True)
    finally:
        consumer.close()
    return 0


def text(b):
    """Bytes as UTF-8 text when they are, else base64 (prefixed)."""
    if b is None:
        return None
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return "base64:" + base64.b64encode(b).decode("ascii")


def short(b):
    return None if b is None else (b[:120] + b"..." if len(b) > 120 else b)


if __name__ == "__main__":
    sys.exit(main())
