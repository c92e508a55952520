package io.planpulse.events;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * What a record's {@code content-type} header says its value is. CloudEvents' Kafka binding puts the event's
 * {@code datacontenttype} in {@code content-type} (binary mode; some producers write {@code ce_datacontenttype}
 * instead), or sends the whole event as {@code application/cloudevents+json} (structured mode). A header naming
 * neither JSON nor Avro says nothing: the first byte then decides, as it does without a header.
 *
 * @param header the header's value as sent, or null
 */
record ContentType(Format format, String header) {
    enum Format {
        /** No header, or one that names no format planpulse knows: the first byte decides. */
        NONE,
        /** A JSON object with the event's fields. */
        JSON,
        /** A structured-mode CloudEvent whose data is the event. */
        CLOUDEVENT_JSON,
        /** Avro binary: single-object encoding or Confluent framing, told apart by the first byte. */
        AVRO,
        /** A format planpulse does not read (Avro's JSON encoding). */
        UNSUPPORTED
    }

    static final ContentType NONE = new ContentType(Format.NONE, null);

    /** {@code content-type}, else {@code ce_datacontenttype} (header names compared without case). */
    static ContentType of(Headers headers) {
        String contentType = null;
        String ceContentType = null;
        for (Header h : headers) {
            String k = h.key();
            if (h.value() == null) {
                continue;
            }
            if (k.equalsIgnoreCase("content-type")) {
                contentType = new String(h.value(), StandardCharsets.UTF_8);
            } else if (k.equalsIgnoreCase("ce_datacontenttype")) {
                ceContentType = new String(h.value(), StandardCharsets.UTF_8);
            }
        }
        ContentType t = contentType == null ? NONE : of(contentType);
        return t.format() == Format.NONE && ceContentType != null ? of(ceContentType) : t;
    }

    /** A media type, parameters ({@code ; charset=...}) ignored. */
    static ContentType of(String value) {
        String v = value;
        int semi = v.indexOf(';');
        String media = (semi < 0 ? v : v.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        Format f;
        if (media.equals("application/cloudevents+json")) {
            f = Format.CLOUDEVENT_JSON;
        } else if (media.startsWith("application/vnd.apache.avro") && media.endsWith("+json")) {
            f = Format.UNSUPPORTED;
        } else if (media.equals("application/json") || media.equals("text/json") || media.endsWith("+json")) {
            f = Format.JSON;
        } else if (media.equals("application/avro") || media.equals("avro/binary") || media.startsWith("application/x-avro")
                || media.startsWith("application/vnd.apache.avro")) {
            f = Format.AVRO;
        } else {
            f = Format.NONE;
        }
        return new ContentType(f, value);
    }

    /** The value starts (after a byte-order mark and white space) with '{'. */
    static boolean looksLikeJson(byte[] value) {
        int i = 0;
        if (value.length >= 3 && (value[0] & 0xFF) == 0xEF && (value[1] & 0xFF) == 0xBB && (value[2] & 0xFF) == 0xBF) {
            i = 3;
        }
        while (i < value.length && (value[i] == ' ' || value[i] == '\t' || value[i] == '\r' || value[i] == '\n')) {
            i++;
        }
        return i < value.length && value[i] == '{';
    }
}
