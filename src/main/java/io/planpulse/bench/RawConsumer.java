package io.planpulse.bench;

import io.planpulse.base.Stream;
import io.planpulse.events.EventDecoder;
import io.planpulse.events.Rejection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The limit of this machine: the events/s of a plain consumer that reads every input record and decodes it, with
 * planpulse's decoder, with Avro's generic one, or (on the JSON copies) as JSON.
 */
final class RawConsumer {
    /** How a raw pass decodes a record. */
    interface Decoder {
        void decode(Stream stream, byte[] value, Headers headers) throws Rejection;
    }

    /** planpulse's fast path for the current schema versions. */
    static final Decoder PLANPULSE = (s, v, h) -> EventDecoder.decode(s, v);
    /**
     * Avro's generic decoder: not the limit, but the yardstick the ratio goals were set against, reported
     * beside it so that a decoder gain (which raises the limit as much as the pipeline) can be told apart.
     */
    static final Decoder AVRO = (s, v, h) -> EventDecoder.decodeWithAvro(s, v);
    /** By the record's content-type header, as planpulse reads JSON values. */
    static final Decoder BY_CONTENT_TYPE = EventDecoder::decode;

    /**
     * The rate of the passes: the fastest, the conservative choice for the ratios (a slow pass would flatter them).
     *
     * @param passes every timed pass's events/s
     */
    record Rate(double eps, List<Double> passes) {
    }

    private final long events;

    /** A consumer of {@code events} records a pass. */
    RawConsumer(long events) {
        this.events = events;
    }

    /** Two untimed passes (JIT), then the fastest of three timed ones; every timed pass is kept. */
    Rate fastest(Input input, Decoder decoder, String what) throws Rejection {
        pass(input, decoder, what);
        pass(input, decoder, what);
        List<Double> passes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            passes.add(pass(input, decoder, what));
        }
        return new Rate(Collections.max(passes), List.copyOf(passes));
    }

    /** One raw pass: a consumer reading every record and decoding it with {@code decoder}; its events/s. */
    private double pass(Input input, Decoder decoder, String what) throws Rejection {
        Map<String, Object> c = new HashMap<>(input.clients());
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        c.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            Map<String, Stream> streamOf = new HashMap<>();
            for (Stream s : Input.FLOWS) {
                streamOf.put(s.topic(), s);
                consumer.partitionsFor(s.topic()).forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
            }
            consumer.assign(parts);
            input.seek(consumer, parts);
            // timed from the first record received, as the Streams runs are from their first record processed
            long t0 = 0;
            long seen = 0;
            while (seen < events) {
                var batch = consumer.poll(Duration.ofMillis(500));
                if (seen == 0 && !batch.isEmpty()) {
                    t0 = System.nanoTime();
                }
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    decoder.decode(streamOf.get(r.topic()), r.value(), r.headers());
                    seen++;
                }
            }
            double eps = seen / ((System.nanoTime() - t0) / 1e9);
            System.err.printf("%s: %,.0f events/s%n", what, eps);
            return eps;
        }
    }
}
