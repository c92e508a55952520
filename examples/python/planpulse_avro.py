"""Avro single-object encoding for planpulse, on top of the `avro` package (python3-avro / pip install avro).

A planpulse record on Kafka is C3 01, the 8-byte CRC-64-AVRO fingerprint of the writer schema's Parsing Canonical
Form (little-endian), then the Avro binary body. The `avro` package 1.11 has no fingerprint function, and its
`canonical_form` is wrong for logical types (it writes {"type":"long"} where the specification says "long"), so both
are here, from the specification: https://avro.apache.org/docs/1.11.1/specification/#parsing-canonical-form-for-schemas
"""
import io
import json
import urllib.request
from datetime import datetime

import avro.io
import avro.schema

_PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
_EMPTY = 0xC15D213AA4D7A795
_TABLE = []
for _i in range(256):
    _fp = _i
    for _ in range(8):
        _fp = (_fp >> 1) ^ (_EMPTY & -(_fp & 1))
    _TABLE.append(_fp)

MARKER = b"\xc3\x01"


def crc64_avro(data: bytes) -> int:
    """The CRC-64-AVRO (Rabin) fingerprint of some bytes, as an unsigned 64-bit number."""
    fp = _EMPTY
    for b in data:
        fp = (fp >> 8) ^ _TABLE[(fp ^ b) & 0xFF]
    return fp


def canonical_form(schema_json) -> str:
    """The Parsing Canonical Form of a schema given as parsed JSON (dict, list or str)."""
    seen = set()

    def fullname(name, namespace):
        return name if "." in name or not namespace else namespace + "." + name

    def text(s):
        return json.dumps(s, ensure_ascii=False)

    def pcf(s, namespace):
        if isinstance(s, str):
            return text(s if s in _PRIMITIVES else fullname(s, namespace))
        if isinstance(s, list):
            return "[" + ",".join(pcf(x, namespace) for x in s) + "]"
        t = s["type"]
        if isinstance(t, (dict, list)):
            return pcf(t, namespace)
        if t in _PRIMITIVES:
            return text(t)  # logicalType and every other attribute are stripped
        if t in ("record", "error", "enum", "fixed"):
            name = fullname(s["name"], s.get("namespace", namespace))
            if name in seen:
                return text(name)
            seen.add(name)
            inner = name.rsplit(".", 1)[0] if "." in name else ""
            parts = ['"name":' + text(name), '"type":' + text(t)]
            if t in ("record", "error"):
                parts.append('"fields":[' + ",".join(
                    '{"name":' + text(f["name"]) + ',"type":' + pcf(f["type"], inner) + "}" for f in s["fields"]) + "]")
            elif t == "enum":
                parts.append('"symbols":[' + ",".join(text(x) for x in s["symbols"]) + "]")
            else:
                parts.append('"size":' + str(int(s["size"])))
            return "{" + ",".join(parts) + "}"
        if t == "array":
            return '{"type":"array","items":' + pcf(s["items"], namespace) + "}"
        if t == "map":
            return '{"type":"map","values":' + pcf(s["values"], namespace) + "}"
        return text(fullname(t, namespace))  # a reference to a named type

    return pcf(schema_json, "")


def fingerprint(schema_json) -> int:
    """The CRC-64-AVRO fingerprint of a schema's Parsing Canonical Form (what Java's SchemaNormalization gives)."""
    return crc64_avro(canonical_form(schema_json).encode("utf-8"))


def header(schema_json) -> bytes:
    """The 10 bytes every single-object record of this schema starts with."""
    return MARKER + fingerprint(schema_json).to_bytes(8, "little")


def load_schema(source: str):
    """A schema as parsed JSON, from an .avsc file or a URL (planpulse serves them at /schemas/{type})."""
    if source.startswith("http://") or source.startswith("https://"):
        with urllib.request.urlopen(source, timeout=10) as r:
            return json.load(r)
    with open(source, encoding="utf-8") as f:
        return json.load(f)


class SingleObjectWriter:
    """Encodes dicts with one schema. Fields with logicalType timestamp-millis take ISO-8601 strings or datetimes."""

    def __init__(self, schema_json):
        self.schema_json = schema_json
        self.schema = avro.schema.parse(json.dumps(schema_json))
        self.header = header(schema_json)
        self.writer = avro.io.DatumWriter(self.schema)
        self.times = {f["name"] for f in schema_json["fields"]
                      if isinstance(f["type"], dict) and f["type"].get("logicalType") == "timestamp-millis"}

    def encode(self, record: dict) -> bytes:
        datum = dict(record)
        datum.pop("type", None)
        for name in self.times:
            if isinstance(datum.get(name), str):
                datum[name] = datetime.fromisoformat(datum[name].replace("Z", "+00:00"))
        out = io.BytesIO()
        out.write(self.header)
        self.writer.write(datum, avro.io.BinaryEncoder(out))
        return out.getvalue()


class SingleObjectReader:
    """Decodes single-object records written with one schema (refuses another fingerprint)."""

    def __init__(self, schema_json):
        self.schema = avro.schema.parse(json.dumps(schema_json))
        self.header = header(schema_json)
        self.reader = avro.io.DatumReader(self.schema)

    def decode(self, value: bytes) -> dict:
        if value[:2] != MARKER:
            raise ValueError("not Avro single-object encoding")
        if value[:10] != self.header:
            raise ValueError("written with another schema (fingerprint %s)" % value[2:10][::-1].hex())
        return self.reader.read(avro.io.BinaryDecoder(io.BytesIO(value[10:])))


if __name__ == "__main__":
    # python3 planpulse_avro.py FILE.avsc...: each schema's fingerprint, as `planpulse schemas` prints it
    import sys

    for path in sys.argv[1:]:
        s = load_schema(path)
        print("%s %016x %s" % (path, fingerprint(s), header(s).hex(" ")))
