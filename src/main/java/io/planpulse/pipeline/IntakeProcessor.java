package io.planpulse.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.planpulse.avro.RejectedRecord;
import io.planpulse.avro.internal.KpiInput;
import io.planpulse.plan.Source;
import io.planpulse.plan.Stream;
import io.planpulse.plan.Target;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The intake of one input stream: decode, validate against the plan, drop duplicates by id, and hand the KPI
 * stage what the event contributes.
 *
 * <p>Ids and the sums of flow events (trucks, trade, hub) per (year, target, month) are kept in the task's
 * {@link Journal}: on the heap per event, in a logged store once per batch of ids and before every commit. Sums are forwarded every {@code flushInterval}, so the single-partition KPI stage sees a few records per
 * interval instead of one per event; under exactly-once the journal, the forwarded sums and the input offsets
 * commit together. Reports go through one by one: their upsert needs each report's own reported_at.
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
    private Journal journal;
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
        KeyValueStore<Bytes, byte[]> store = context.getStateStore(Topics.journalStore(stream));
        this.journal = new Journal(store);
        long t0 = System.nanoTime();
        journal.open();
        CommitHook hook = context.getStateStore(Topics.commitHook(stream));
        hook.beforeCommit(journal::persist);
        if (journal.size() > 0) {
            LOG.info("{} task {}: {} ids remembered, journal read in {} ms", stream.type(), context.taskId(),
                    journal.size(), (System.nanoTime() - t0) / 1_000_000);
        }
        ReadOnlyKeyValueStore<String, byte[]> planStore = context.getStateStore(Topics.PLAN_STORE);
        this.plan = catalog.index(planStore);
        this.events = Counter.builder("planpulse.events").tag("stream", stream.type())
                .description("Input records read").register(registry);
        this.duplicates = Counter.builder("planpulse.events.duplicate").tag("stream", stream.type())
                .description("Input records whose id was already seen").register(registry);
        if (stream.isFlow()) {
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
            e = EventDecoder.decode(stream, record.value(), record.headers());
            year = planFor(e);
        } catch (Rejection r) {
            reject(record, r);
            return;
        }
        if (!journal.accept(e.id().getBytes(StandardCharsets.UTF_8), record.timestamp())) {
            duplicates.increment();
            return;
        }
        if (stream.isFlow()) {
            accumulate(e, year, record.timestamp());
            journal.accepted();
        } else {
            journal.accepted();
            KpiInput in = KpiInput.newBuilder().setYear(year.year()).setTargetId(e.subject())
                    .setMonth(e.period().getMonthValue()).setReport(true)
                    .setAmount(e.measures().first().toPlainString()).setCount(1)
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
            if (matches(t.filter(), e.fields())) {
                journal.add(year.year(), t.id(), month, e.measures().get(t.source().measure()), recordTs);
            }
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
        for (Journal.Sum sum : journal.drain()) {
            KpiInput in = KpiInput.newBuilder().setYear(sum.year).setTargetId(sum.targetId).setMonth(sum.month)
                    .setReport(false).setAmount(sum.amount.toPlainString()).setCount(sum.count).setReportedAt(0)
                    .setLastEventAt(sum.lastEventAt).build();
            context.forward(new Record<>(sum.key(), new Routed(Topics.KPI_INPUT_REPARTITION, in), sum.lastEventAt));
        }
    }

    /**
     * Forgets ids first seen more than the retention ago. "Now" is the older of stream time and the wall clock, so
     * one record stamped far in the future cannot make the task forget every id.
     */
    private void purge() {
        long now = Math.min(context.currentStreamTimeMs(), context.currentSystemTimeMs());
        int forgotten = journal.purge(now - DEDUP_RETENTION.toMillis());
        if (forgotten > 0) {
            LOG.info("{} task {}: forgot {} ids older than {} days", stream.type(), context.taskId(), forgotten,
                    DEDUP_RETENTION.toDays());
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
