package io.planpulse.app;

import io.planpulse.avro.RejectedRecord;
import io.planpulse.events.JsonEvents;
import io.planpulse.base.Topics;
import io.planpulse.base.Stream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Replays JSON Lines files onto the input topics (key: the event's id). A line that cannot become a record is
 * reported as {@code file:line: problem}; it is still sent, as its raw bytes, to its stream's topic when the line
 * names a known type, so the pipeline refuses it into planpulse.rejected with a reason and counts it. A line with no
 * known type has no topic: replay writes it to planpulse.rejected itself (stream "replay"). The rest goes through.
 */
public final class Replay {
    /** Lines longer than this are refused without being parsed. */
    public static final int MAX_LINE_CHARS = 64 * 1024;

    public record Result(long sent, long badLines) {
    }

    private Replay() {
    }

    /** The settings of a producer of files' events: idempotent, acks all, large compressed batches. */
    public static Map<String, Object> producerConfig(Map<String, Object> clientConfig) {
        Map<String, Object> p = new HashMap<>(clientConfig);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return p;
    }

    public static Result run(List<Path> files, Map<String, Object> clientConfig, Progress progress, PrintStream err)
            throws IOException {
        Map<String, Object> p = producerConfig(clientConfig);
        long sent = 0;
        long bad = 0;
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Path file : files) {
                try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    String line;
                    long n = 0;
                    while ((line = in.readLine()) != null) {
                        n++;
                        if (line.isBlank()) {
                            continue;
                        }
                        ProducerRecord<byte[], byte[]> rec;
                        if (line.length() > MAX_LINE_CHARS) {
                            bad++;
                            err.println(file + ":" + n + ": line longer than " + MAX_LINE_CHARS + " characters");
                            rec = rejected(file, n, "too_large", "line longer than " + MAX_LINE_CHARS + " characters",
                                    line.substring(0, 1024));
                        } else {
                            try {
                                JsonEvents.Event e = JsonEvents.parse(line);
                                rec = new ProducerRecord<>(e.stream().topic(), e.key().getBytes(StandardCharsets.UTF_8), e.encode());
                            } catch (JsonEvents.BadLine b) {
                                bad++;
                                err.println(file + ":" + n + ": " + b.getMessage());
                                Stream s = b.stream();
                                rec = s != null
                                        ? new ProducerRecord<>(s.topic(), null, line.getBytes(StandardCharsets.UTF_8))
                                        : rejected(file, n, "undecodable", b.getMessage(), line);
                            }
                        }
                        producer.send(rec, (md, ex) -> {
                            if (ex != null) {
                                failure.compareAndSet(null, ex);
                            }
                        });
                        sent++;
                        progress.tick(sent);
                    }
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IOException("producing failed: " + failure.get().getMessage(), failure.get());
        }
        progress.done(sent);
        return new Result(sent, bad);
    }

    private static ProducerRecord<byte[], byte[]> rejected(Path file, long line, String reason, String detail, String text) {
        RejectedRecord rr = RejectedRecord.newBuilder().setStream("replay").setTopic(file.toString()).setPartition(-1)
                .setOffset(line).setReason(reason).setDetail(detail).setKey(null)
                .setValue(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))).setRecordTimestamp(null)
                .setRejectedAt(Instant.now()).build();
        return new ProducerRecord<>(Topics.REJECTED.name(), (file + ":" + line).getBytes(StandardCharsets.UTF_8),
                Topics.REJECTED_RECORD.encode(rr));
    }
}
