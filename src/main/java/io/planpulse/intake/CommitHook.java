package io.planpulse.intake;

import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.processor.internals.RecordCollector;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A state store with no state that runs its processor's callback just before every commit of its task.
 *
 * <p>Kafka Streams flushes the caches of a task's stores ({@link CachedStateStore#flushCache()}) before it flushes the
 * task's producer and commits (StreamTask.flush: "we need to flush the store caches before flushing the record
 * collector"), on every path: the commit interval, a requested commit, a rebalance, a clean close. What the callback
 * writes to an uncached logged store there is therefore sent to the changelog inside the transaction that commits
 * the input offsets. That lets a processor keep per-event bookkeeping on the heap and write it once per commit.
 * {@code CachedStateStore} is Kafka Streams' internal interface (the one its own caches use); the journal tests
 * (JournalInTopologyTest) and the crash tests (CrashConsistencyIT) fail if it stops being called. Under at_least_once
 * {@link Forwarding#awaitSent()} flushes the task's internal {@code RecordCollector}, the one Kafka Streams flushes
 * before committing offsets; HandOverOrderIT fails if that stops waiting for the broker's answer.
 */
public final class CommitHook implements StateStore, CachedStateStore<Object, Object> {
    /**
     * Forwarding from a commit hook: Kafka Streams' own caches forward records when they are flushed, with the
     * flushing processor's node and a record context set (TimestampedCacheFlushListener); this does the same for a
     * processor's hook, through the same internal context. Records forwarded there are sent before the producer is
     * flushed and the offsets committed, so under exactly-once in the same transaction (CommitHookOrderIT checks it).
     */
    public static final class Forwarding {
        private final InternalProcessorContext<?, ?> internal;
        private final ProcessorNode<?, ?, ?, ?> node;
        private final boolean atLeastOnce;

        private Forwarding(InternalProcessorContext<?, ?> internal, boolean atLeastOnce) {
            this.internal = internal;
            this.node = internal == null ? null : internal.currentNode();
            this.atLeastOnce = atLeastOnce;
        }

        /**
         * Under at_least_once, blocks until every record the task has sent so far (what it forwarded, what its stores
         * logged) is acknowledged, and throws if the broker refused one: the task's record collector is flushed, as
         * Kafka Streams flushes it before it commits offsets. Under exactly-once it does nothing: what was sent commits
         * or aborts with the store writes that follow, in one transaction. A processor calls it before it writes what
         * would make a replay of those records' inputs a duplicate (HandOverOrderIT shows the loss without it).
         */
        public void awaitSent() {
            if (atLeastOnce && internal instanceof RecordCollector.Supplier s) {
                s.recordCollector().flush();
            }
        }

        /** Runs {@code forwards} as the processor this was made for, at the wall-clock time. */
        public void run(Runnable forwards) {
            if (internal == null) { // a context of the test utilities: forwarding needs no set-up there
                forwards.run();
                return;
            }
            ProcessorNode<?, ?, ?, ?> previousNode = internal.currentNode();
            ProcessorRecordContext previousContext = internal.recordContext();
            internal.setCurrentNode(node);
            internal.setRecordContext(new ProcessorRecordContext(internal.currentSystemTimeMs(), -1, -1, null,
                    new RecordHeaders()));
            try {
                forwards.run();
            } finally {
                internal.setRecordContext(previousContext);
                internal.setCurrentNode(previousNode);
            }
        }
    }

    /** For a processor that forwards from its hook; call it in the processor's {@code init}, where its node is current. */
    public static Forwarding forwarding(ProcessorContext<?, ?> context) {
        Object guarantee = context.appConfigs().get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
        boolean atLeastOnce = guarantee == null || StreamsConfig.AT_LEAST_ONCE.equals(guarantee.toString());
        return new Forwarding(context instanceof InternalProcessorContext<?, ?> internal ? internal : null, atLeastOnce);
    }

    private final String name;
    private Runnable beforeCommit = () -> { };
    private boolean open;

    private CommitHook(String name) {
        this.name = name;
    }

    /** Runs {@code r} before every commit of the task, until replaced. */
    public void beforeCommit(Runnable r) {
        this.beforeCommit = r;
    }

    @Override
    public void flushCache() {
        beforeCommit.run();
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void clearCache() {
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, (key, value) -> { });
        open = true;
    }

    @Override
    public void close() {
        open = false;
        beforeCommit = () -> { };
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    public static StoreBuilder<CommitHook> builder(String name) {
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<CommitHook> withCachingEnabled() {
                return this;
            }

            @Override
            public StoreBuilder<CommitHook> withCachingDisabled() {
                return this;
            }

            @Override
            public StoreBuilder<CommitHook> withLoggingEnabled(Map<String, String> config) {
                throw new UnsupportedOperationException("a commit hook has no state to log");
            }

            @Override
            public StoreBuilder<CommitHook> withLoggingDisabled() {
                return this;
            }

            @Override
            public CommitHook build() {
                return new CommitHook(name);
            }

            @Override
            public Map<String, String> logConfig() {
                return Map.of();
            }

            @Override
            public boolean loggingEnabled() {
                return false;
            }

            @Override
            public String name() {
                return name;
            }
        };
    }
}
