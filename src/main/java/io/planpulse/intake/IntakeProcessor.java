package io.planpulse.intake;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.planpulse.avro.RejectedRecord;
import io.planpulse.avro.internal.KpiInput;
import io.planpulse.events.ConfluentRegistry;
import io.planpulse.events.EventDecoder;
import io.planpulse.events.InputEvent;
import io.planpulse.events.RegistryUnavailable;
import io.planpulse.events.Rejection;
import io.planpulse.facts.Facts;

import io.planpulse.base.Topics;
import io.planpulse.plan.PlanCatalog;
import io.planpulse.base.Stream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The intake of one input stream: decode, validate, drop duplicates by id, and hand the KPI stage the facts. No
 * plan decides what is kept (CONTRACT section 3, "Facts outlive plans"): the plans only say when a year closes.
 *
 * <p>Ids and the sums of flow events (trucks, trade, hub) per fact cell-month (year, month, combination of the
 * stream's dimension values) are kept in the task's
 * {@link Journal}: on the heap per event, in a logged store once per batch of ids and before every commit. The sums
 * are forwarded just before every commit of the task (from its {@link CommitHook}, as Kafka Streams' own caches
 * forward when they are flushed), so the single-partition KPI stage sees one record per cell-month per commit
 * instead of one per event, and the stream thread runs no punctuator per task (each punctuation makes Kafka Streams
 * halve the records it processes between polls). Under exactly-once the journal, the forwarded sums and the input
 * offsets commit together. Reports go through one by one: their upsert needs each report's own reported_at.
 *
 * <p><b>A record whose schema registry does not answer waits</b> (CONTRACT section 3: an unreachable registry is not
 * bad input). The registry client throws {@link RegistryUnavailable} rather than a rejection; {@code process} then
 * asks again with a growing pause ({@link ConfluentRegistry#retrying}, 100 ms doubling to 5 s), on the stream thread,
 * for at most a quarter of the main consumer's {@code max.poll.interval.ms} (and {@code planpulse.schema.registry.wait.ms},
 * 60 s). Kafka Streams polls again before half of that interval has passed, so one wait added to it stays well within
 * it and the thread keeps its partitions. If the registry still has not answered, {@code process} throws the
 * {@link RegistryUnavailable}: the stream thread dies without committing, the application's handler replaces it
 * without counting it as a failure (StreamThreadFailures), and the new thread takes the tasks back from their last
 * commit, so the record (and any after it) is read again and waits again. Nothing is dropped (the offset of a record
 * is committed only after it was processed) or reordered (a partition is read in order, and nothing behind the
 * waiting record was committed); what the replaced thread had done since its last commit is undone as after a crash
 * (docs/guarantees.md). While the thread waits it processes nothing else: every task of the thread waits with it.
 * A replacement costs a rebalance (the dead thread's member stays in the group until its session times out), which
 * is why the wait inside process is as long as the poll interval safely allows rather than a few seconds.
 */
public final class IntakeProcessor implements Processor<byte[], byte[], String, IntakeOutput> {
    private static final Logger LOG = LoggerFactory.getLogger(IntakeProcessor.class);
    /** Ids are remembered at least this long (CONTRACT section 3 asks for 400 days). */
    static final Duration DEDUP_RETENTION = Duration.ofDays(400);

    private final Stream stream;
    private final PlanCatalog catalog;
    private final MeterRegistry registry;
    private final Clock clock;
    private CommitHook.Forwarding forwarding;
    private ProcessorContext<String, IntakeOutput> context;
    private Journal journal;
    private Years years;
    private Counter events;
    private Counter duplicates;
    /** Purges the rest of a backlog of expired ids, a slice a second, until it is gone; null when there is none. */
    private Cancellable purgeRest;
    /** How long one record may wait for the schema registry within one call of process. */
    private Duration registryWait;

    /** The deployment's district ({@code planpulse.district}): that of every event that names none. */
    private final String district;

    public IntakeProcessor(Stream stream, PlanCatalog catalog, MeterRegistry registry, Clock clock, String district) {
        this.stream = stream;
        this.district = district;
        this.catalog = catalog;
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, IntakeOutput> context) {
        this.context = context;
        KeyValueStore<Bytes, byte[]> store = context.getStateStore(Topics.journalStore(stream));
        this.forwarding = CommitHook.forwarding(context);
        this.journal = new Journal(store, forwarding::awaitSent, district);
        long t0 = System.nanoTime();
        journal.open();
        CommitHook hook = context.getStateStore(Topics.commitHook(stream));
        hook.beforeCommit(this::beforeCommit);
        if (journal.size() > 0) {
            LOG.info("{} task {}: {} ids remembered, journal read in {} ms", stream.type(), context.taskId(),
                    journal.size(), (System.nanoTime() - t0) / 1_000_000);
        }
        this.years = new Years(catalog, clock);
        this.registryWait = Duration.ofMillis(maxPollIntervalMs(context.appConfigs()) / 4);
        this.events = Counter.builder("planpulse.events").tag("stream", stream.type())
                .description("Input records read").register(registry);
        this.duplicates = Counter.builder("planpulse.events.duplicate").tag("stream", stream.type())
                .description("Input records whose id was already seen").register(registry);
        context.schedule(Duration.ofHours(1), PunctuationType.WALL_CLOCK_TIME, t -> purge());
        if (stream.isFlow() && journal.hasPendingSums()) {
            // Sums restored but not handed over yet (a crash between a full batch and the commit, or state written
            // by a build that forwarded from a punctuator). The hook runs only for a task that processed or
            // punctuated since its last commit, so an idle partition would keep them: hand them over once, now.
            Cancellable[] once = new Cancellable[1];
            once[0] = context.schedule(Duration.ofMillis(100), PunctuationType.WALL_CLOCK_TIME, t -> {
                once[0].cancel();
                journal.drain(this::forward);
            });
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        events.increment();
        InputEvent e;
        int year;
        int month;
        try {
            e = decode(record);
            if (e.period() != null) {
                if (e.subject().indexOf(Facts.SEP) >= 0) {
                    throw new Rejection(Rejection.INVALID_VALUE, (stream == Stream.PROJECT_PROGRESS ? "project_id"
                            : "indicator_id") + " contains the control character U+001F");
                }
                year = e.period().getYear();
                month = e.period().getMonthValue();
                years.check(year, years.startOf(year, month), e);
            } else {
                long t = e.time().toEpochMilli();
                year = years.yearOf(t);
                month = years.monthOf(year, t);
                years.check(year, t, e);
                checkDimensions(e);
            }
        } catch (Rejection r) {
            reject(record, r);
            return;
        }
        if (!journal.accept(e.id().getBytes(StandardCharsets.UTF_8), record.timestamp())) {
            duplicates.increment();
            return;
        }
        String d = e.district() != null ? e.district() : district;
        if (stream.isFlow()) {
            journal.add(year, month, cell(d, e.dimensionValues()), e.measures().values(), record.timestamp());
            journal.accepted();
        } else {
            journal.accepted();
            KpiInput in = KpiInput.newBuilder().setYear(year).setMonth(month).setStream(stream.type())
                    .setSubject(Facts.subjectKey(d, e.subject())).setReport(true).setCount(1)
                    .setAmounts(List.of(e.measures().first().toPlainString()))
                    .setReportedAt(e.reportedAt().toEpochMilli()).setReportId(e.id())
                    .setLastEventAt(record.timestamp()).build();
            context.forward(new Record<>(year + "/" + e.subject() + "/" + e.period(),
                    new IntakeOutput.ToKpi(in), record.timestamp()));
        }
    }

    /** A flow event's cell: its district, then its dimension values in the stream's order. */
    private static String[] cell(String district, String[] dims) {
        String[] c = new String[dims.length + 1];
        c[0] = district;
        System.arraycopy(dims, 0, c, 1, dims.length);
        return c;
    }

    /** The record's event; waits for the schema registry as the class comment says. */
    private InputEvent decode(Record<byte[], byte[]> record) throws Rejection {
        try {
            return EventDecoder.decode(stream, record.value(), record.headers());
        } catch (RegistryUnavailable first) {
            ConfluentRegistry r = EventDecoder.registry();
            Duration budget = r.maxWait().compareTo(registryWait) < 0 ? r.maxWait() : registryWait;
            LOG.warn("{} task {}: {}; the record waits (at most {} ms, then the stream thread is replaced)",
                    stream.type(), context.taskId(), first.getMessage(), budget.toMillis());
            InputEvent e = r.retrying(() -> EventDecoder.decode(stream, record.value(), record.headers()), first, budget);
            LOG.info("{} task {}: the schema registry answers again", stream.type(), context.taskId());
            return e;
        }
    }

    /** The main consumer's max.poll.interval.ms as Kafka Streams gives it (its prefixes first; Kafka's 300 s default). */
    static long maxPollIntervalMs(java.util.Map<String, Object> configs) {
        for (String k : new String[] {"main.consumer.max.poll.interval.ms", "consumer.max.poll.interval.ms",
                "max.poll.interval.ms"}) {
            Object v = configs.get(k);
            if (v != null) {
                return Long.parseLong(v.toString().trim());
            }
        }
        return 300_000;
    }

    /** A dimension value may not hold U+001F, which joins the values of a fact cell for the KPI stage. */
    private void checkDimensions(InputEvent e) throws Rejection {
        String[] values = e.dimensionValues();
        for (int i = 0; i < values.length; i++) {
            if (values[i].indexOf(Facts.SEP) >= 0) {
                throw new Rejection(Rejection.INVALID_VALUE,
                        stream.dimensions().get(i) + " contains the control character U+001F");
            }
        }
    }

    /**
     * Runs just before every commit of the task: hands the KPI stage the sums of the flow events accepted since the
     * last commit, then writes the open batch of ids. Both go out before the producer is flushed and the offsets
     * are committed: in the same transaction under exactly-once; under at_least_once the journal waits for the
     * forwarded records to be acknowledged before it writes what would make their inputs duplicates (see Journal).
     */
    private void beforeCommit() {
        if (stream.isFlow()) {
            forwardSums();
        }
        journal.persist();
    }

    private void forwardSums() {
        journal.drain(sums -> forwarding.run(() -> forward(sums)));
    }

    private void forward(List<Journal.Sum> sums) {
        for (Journal.Sum sum : sums) {
            List<String> amounts = new ArrayList<>(sum.amounts.length);
            for (int i = 0; i < sum.amounts.length; i++) {
                amounts.add(sum.amount(i).toPlainString());
            }
            KpiInput in = KpiInput.newBuilder().setYear(sum.year).setMonth(sum.month).setStream(stream.type())
                    .setSubject(sum.cell()).setReport(false).setCount(sum.count).setAmounts(amounts).setReportedAt(0)
                    .setLastEventAt(sum.lastEventAt).build();
            context.forward(new Record<>(sum.key(), new IntakeOutput.ToKpi(in), sum.lastEventAt));
        }
    }

    /**
     * Forgets ids first seen more than the retention ago. "Now" is the older of stream time and the wall clock, so
     * one record stamped far in the future cannot make the task forget every id. A purge forgets a bounded slice (see
     * Journal); a larger backlog (after days without a purge) goes on a slice a second.
     */
    private void purge() {
        long now = Math.min(context.currentStreamTimeMs(), context.currentSystemTimeMs());
        int forgotten = journal.purge(now - DEDUP_RETENTION.toMillis());
        if (forgotten > 0) {
            LOG.info("{} task {}: forgot {} ids older than {} days", stream.type(), context.taskId(), forgotten,
                    DEDUP_RETENTION.toDays());
        }
        if (journal.purgeUnfinished() && purgeRest == null) {
            purgeRest = context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, t -> purge());
        } else if (!journal.purgeUnfinished() && purgeRest != null) {
            purgeRest.cancel();
            purgeRest = null;
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
        context.forward(new Record<>(key, new IntakeOutput.Rejected(rr), record.timestamp()));
    }
}
