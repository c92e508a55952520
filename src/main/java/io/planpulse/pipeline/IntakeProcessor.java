package io.planpulse.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.planpulse.avro.RejectedRecord;
import io.planpulse.avro.internal.KpiInput;
import io.planpulse.plan.Source;
import io.planpulse.plan.Stream;
import io.planpulse.plan.Target;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The intake of one input stream: decode, validate against the plan, drop duplicates by id, and hand the KPI
 * stage what the event contributes.
 *
 * <p>Flow events (trucks, trade, hub) are pre-aggregated per (year, target, month) in a logged store and flushed
 * every {@code flushInterval}, so the single-partition KPI stage sees a few records per interval instead of one per
 * event; under exactly-once the store and the flushed records commit together. Reports go through one by one:
 * their upsert needs each report's own reported_at.
 */
final class IntakeProcessor implements Processor<byte[], byte[], String, Routed> {
    private static final Logger LOG = LoggerFactory.getLogger(IntakeProcessor.class);
    /** Ids are remembered at least this long (CONTRACT section 3 asks for 400 days). */
    static final Duration DEDUP_RETENTION = Duration.ofDays(400);

    private final Stream stream;
    private final PlanCatalog catalog;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Duration flushInterval;
    private ProcessorContext<String, Routed> context;
    private KeyValueStore<String, Long> seen;
    private KeyValueStore<String, KpiInput> pending;
    private PlanCatalog.Index plan;
    private Counter events;
    private Counter duplicates;

    IntakeProcessor(Stream stream, PlanCatalog catalog, MeterRegistry registry, Clock clock, Duration flushInterval) {
        this.stream = stream;
        this.catalog = catalog;
        this.registry = registry;
        this.clock = clock;
        this.flushInterval = flushInterval;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
        this.seen = context.getStateStore(Topics.dedupStore(stream));
        ReadOnlyKeyValueStore<String, byte[]> planStore = context.getStateStore(Topics.PLAN_STORE);
        this.plan = catalog.index(planStore);
        this.events = Counter.builder("planpulse.events").tag("stream", stream.type())
                .description("Input records read").register(registry);
        this.duplicates = Counter.builder("planpulse.events.duplicate").tag("stream", stream.type())
                .description("Input records whose id was already seen").register(registry);
        if (stream.isFlow()) {
            this.pending = context.getStateStore(Topics.pendingStore(stream));
            context.schedule(flushInterval, PunctuationType.WALL_CLOCK_TIME, t -> flush());
        }
        context.schedule(Duration.ofHours(1), PunctuationType.WALL_CLOCK_TIME, t -> purge());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        events.increment();
        InputEvent e;
        PlanCatalog.YearPlan year;
        try {
            e = EventDecoder.decode(stream, record.value());
            year = planFor(e);
        } catch (Rejection r) {
            reject(record, r);
            return;
        }
        if (seen.get(e.id()) != null) {
            duplicates.increment();
            return;
        }
        seen.put(e.id(), record.timestamp());
        if (stream.isFlow()) {
            accumulate(e, year, record.timestamp());
        } else {
            KpiInput in = KpiInput.newBuilder().setYear(year.year()).setTargetId(e.subject())
                    .setMonth(e.period().getMonthValue()).setReport(true)
                    .setAmount(e.measures().values().iterator().next().toPlainString()).setCount(1)
                    .setReportedAt(e.reportedAt().toEpochMilli()).setReportId(e.id())
                    .setLastEventAt(record.timestamp()).build();
            context.forward(new Record<>(year.year() + "/" + e.subject() + "/" + e.period(),
                    new Routed(Topics.KPI_INPUT_REPARTITION, in), record.timestamp()));
        }
    }

    /** The plan year the event belongs to, or the reason it belongs to none. */
    private PlanCatalog.YearPlan planFor(InputEvent e) throws Rejection {
        PlanCatalog.YearPlan year;
        if (e.period() != null) {
            year = plan.year(e.period().getYear());
            if (year == null) {
                throw new Rejection(Rejection.NO_PLAN, "no plan for " + e.period().getYear() + " (period " + e.period() + ")");
            }
        } else {
            year = plan.yearOf(e.time());
            if (year == null) {
                throw new Rejection(Rejection.NO_PLAN, "no plan for the year of " + e.time());
            }
        }
        if (year.closedAt(clock.instant())) {
            throw new Rejection(Rejection.LATE, "plan year " + year.year() + " closed on "
                    + LocalDate.of(year.year() + 1, 1, year.reportDeadlineDay()) + " (end of day)");
        }
        if (e.subject() != null) {
            Target t = year.byId().get(e.subject());
            Source expected = stream == Stream.PROJECT_PROGRESS ? Source.PROJECT_PROGRESS : Source.INDICATOR_REPORT;
            if (t == null || t.source() != expected) {
                throw new Rejection(Rejection.UNKNOWN_ID, (stream == Stream.PROJECT_PROGRESS ? "project '" : "indicator '")
                        + EventDecoder.abbreviate(e.subject()) + "' is not a " + expected.wire() + " target of the "
                        + year.year() + " plan");
            }
        }
        return year;
    }

    private void accumulate(InputEvent e, PlanCatalog.YearPlan year, long recordTs) {
        int month = year.monthOf(e.time().toEpochMilli());
        for (Target t : year.flowTargets().getOrDefault(stream, List.of())) {
            if (!matches(t.filter(), e.fields())) {
                continue;
            }
            BigDecimal amount = e.measures().get(t.source().measure());
            String key = year.year() + "/" + t.id() + "/" + month;
            KpiInput cur = pending.get(key);
            if (cur == null) {
                cur = KpiInput.newBuilder().setYear(year.year()).setTargetId(t.id()).setMonth(month).setReport(false)
                        .setAmount(amount.toPlainString()).setCount(1).setReportedAt(0).setLastEventAt(recordTs).build();
            } else {
                cur.setAmount(new BigDecimal(cur.getAmount()).add(amount).toPlainString());
                cur.setCount(cur.getCount() + 1);
                cur.setLastEventAt(Math.max(cur.getLastEventAt(), recordTs));
            }
            pending.put(key, cur);
        }
    }

    private static boolean matches(Map<String, String> filter, Map<String, String> fields) {
        for (Map.Entry<String, String> f : filter.entrySet()) {
            if (!f.getValue().equals(fields.get(f.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private void flush() {
        List<KeyValue<String, KpiInput>> batch = new ArrayList<>();
        try (KeyValueIterator<String, KpiInput> it = pending.all()) {
            it.forEachRemaining(batch::add);
        }
        for (KeyValue<String, KpiInput> kv : batch) {
            context.forward(new Record<>(kv.key, new Routed(Topics.KPI_INPUT_REPARTITION, kv.value),
                    kv.value.getLastEventAt()));
            pending.delete(kv.key);
        }
    }

    /** Forgets ids first seen more than the retention before the newest record time. */
    private void purge() {
        long horizon = context.currentStreamTimeMs() - DEDUP_RETENTION.toMillis();
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = seen.all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> kv = it.next();
                if (kv.value < horizon) {
                    expired.add(kv.key);
                }
            }
        }
        expired.forEach(seen::delete);
        if (!expired.isEmpty()) {
            LOG.info("{}: forgot {} ids older than {} days", stream.type(), expired.size(), DEDUP_RETENTION.toDays());
        }
    }

    private void reject(Record<byte[], byte[]> record, Rejection r) {
        RecordMetadata meta = context.recordMetadata().orElse(null);
        Counter.builder("planpulse.events.rejected").tag("stream", stream.type()).tag("reason", r.reason())
                .description("Input records refused, by reason").register(registry).increment();
        RejectedRecord rr = RejectedRecord.newBuilder()
                .setStream(stream.type())
                .setTopic(meta == null ? stream.topic() : meta.topic())
                .setPartition(meta == null ? -1 : meta.partition())
                .setOffset(meta == null ? -1 : meta.offset())
                .setReason(r.reason())
                .setDetail(r.getMessage())
                .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                .setValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                .setRecordTimestamp(Instant.ofEpochMilli(record.timestamp()))
                .setRejectedAt(Instant.now())
                .build();
        if (LOG.isDebugEnabled()) {
            LOG.debug("rejected {} {}-{}@{}: {} ({})", stream.type(), rr.getTopic(), rr.getPartition(), rr.getOffset(),
                    r.reason(), r.getMessage());
        }
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        context.forward(new Record<>(key, new Routed(Topics.REJECTED, rr), record.timestamp()));
    }
}
