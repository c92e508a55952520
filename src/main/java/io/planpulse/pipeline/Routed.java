package io.planpulse.pipeline;

import org.apache.avro.specific.SpecificRecord;

/** A processor output and the topic it is for (value null: a tombstone). */
public record Routed(String topic, SpecificRecord value) {
}
