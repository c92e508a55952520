package io.planpulse.intake;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import io.planpulse.facts.Facts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The durable memory of one intake task: which ids it has seen, and what the flow events it accepted add to each
 * fact cell-month (year, month, combination of the stream's dimension values) until that is handed to the KPI stage.
 *
 * <p>Both live in one logged key-value store as <em>batches</em>: a batch holds up to {@link #BATCH_IDS} ids with
 * their times and the sums of the events behind them; key = the batch's sequence number (8 bytes, big-endian). An
 * event only touches the heap: the {@link IdSet} that answers "seen?", and the open batch. The open batch is written
 * when it is full and just before every commit of the task ({@link #persist()}, run by a {@link CommitHook}), so the
 * changelog gets one record per batch per commit instead of one per event, and under exactly-once the batches commit
 * with the input offsets and with whatever was forwarded. A marker (key {@code 0x00}) holds the first batch whose
 * sums have not been forwarded: {@link #drain()} returns the sums of all later batches and moves the marker past
 * them, in the same transaction as the caller's forward.
 *
 * <p><b>Order under at_least_once.</b> There the store's changelog and the topic the sums are forwarded to are
 * separate sends to separate partitions: the broker can take one and not the other, a crash can come between them,
 * and a replay of the input finds the ids already seen and drops the events. So nothing is written that would make a
 * replay a duplicate before what those events add has been acknowledged by the broker ({@code awaitSent}, a producer
 * flush; nothing under exactly-once, where all of it commits in one transaction): a batch that holds its own sums is
 * safe to write at any time (restored, its sums are handed over again); the marker moves past handed-over sums only
 * after they were acknowledged; a batch without sums (reports, which are forwarded one by one as they come) is written
 * only after the reports forwarded so far were acknowledged. A crash in between hands sums over twice, or replays a
 * report (an upsert), and loses nothing.
 *
 * <p>{@link #open()} rebuilds the id set and the unforwarded sums from the store when the task starts, after Kafka
 * Streams has restored the store from its changelog, and keeps an index of every stored batch (sequence, newest id
 * time, id count, whether it holds sums). Ids are forgotten a batch at a time, when the batch's newest id is older
 * than the retention: the index finds the expired batches without reading the store, and only their own ids are read
 * back and removed from the set, at most {@link #PURGE_SLICE_IDS} per {@link #purge} so that the stream thread is
 * never held long.
 */
final class Journal {
    static final int BATCH_IDS = 256;
    static final int BATCH_ID_BYTES = 16 * 1024;
    /** At most this many ids are forgotten per {@link #purge} (about 10 ms of the stream thread). */
    static final int PURGE_SLICE_IDS = 50_000;
    /** Version 3: a cell's values begin with its district (CONTRACT section 1b). */
    private static final byte VERSION = 3;
    /** Version 2 (before districts): read, its cells taken as the deployment's district. */
    private static final byte VERSION_2 = 2;
    private static final Bytes MARKER = Bytes.wrap(new byte[] {0});

    /**
     * What accepted flow events add to one fact cell-month: (year, month, cell), where the cell is the combination
     * of the stream's dimension values, with one exact sum per measure of the stream and a count.
     */
    static final class Sum {
        final int year;
        final int month;
        /** The dimension values, in the stream's order. */
        final String[] dims;
        final int hash;
        final ExactSum[] amounts;
        long count;
        long lastEventAt = Long.MIN_VALUE;
        /** The next sum of the same bucket of a {@link SumTable}. */
        Sum next;
        private String cell;

        Sum(int year, int month, String[] dims, int hash, int measures) {
            this.year = year;
            this.month = month;
            this.dims = dims;
            this.hash = hash;
            this.amounts = new ExactSum[measures];
            for (int i = 0; i < measures; i++) {
                amounts[i] = new ExactSum();
            }
        }

        /** The dimension values joined by U+001F ({@code Facts.SEP}), the KPI stage's name of the cell. */
        String cell() {
            if (cell == null) {
                cell = String.join(String.valueOf(Facts.SEP), dims);
            }
            return cell;
        }

        String key() {
            return year + "/" + cell() + "/" + month;
        }

        BigDecimal amount(int i) {
            return amounts[i].value();
        }

        void add(double[] a, long at) {
            for (int i = 0; i < amounts.length; i++) {
                amounts[i].add(a[i]);
            }
            count++;
            lastEventAt = Math.max(lastEventAt, at);
        }

        void add(Sum other) {
            for (int i = 0; i < amounts.length; i++) {
                amounts[i].add(other.amounts[i]);
            }
            count += other.count;
            lastEventAt = Math.max(lastEventAt, other.lastEventAt);
        }

        boolean is(int year, int month, String[] dims, int hash) {
            if (this.hash != hash || this.year != year || this.month != month) {
                return false;
            }
            for (int i = 0; i < dims.length; i++) {
                if (this.dims[i] != dims[i] && !this.dims[i].equals(dims[i])) {
                    return false;
                }
            }
            return true;
        }

        static int hash(int year, int month, String[] dims) {
            int h = year * 31 + month;
            for (String d : dims) {
                h = h * 31 + d.hashCode();
            }
            return h ^ (h >>> 16);
        }
    }

    /**
     * Sums by (year, month, dimension values), found without building a key: a chained hash table over the
     * values' own hashes, compared in place.
     */
    static final class SumTable {
        private Sum[] buckets = new Sum[16];
        private int size;

        /** The sum of (year, month, dims), added empty if missing; a new sum keeps {@code dims} (do not change it). */
        Sum get(int year, int month, String[] dims, int measures) {
            int h = Sum.hash(year, month, dims);
            int i = h & (buckets.length - 1);
            for (Sum s = buckets[i]; s != null; s = s.next) {
                if (s.is(year, month, dims, h)) {
                    return s;
                }
            }
            Sum s = new Sum(year, month, dims, h, measures);
            s.next = buckets[i];
            buckets[i] = s;
            if (++size > buckets.length * 3 / 4) {
                grow();
            }
            return s;
        }

        private void grow() {
            Sum[] old = buckets;
            buckets = new Sum[old.length * 2];
            for (Sum head : old) {
                for (Sum s = head; s != null; ) {
                    Sum n = s.next;
                    int i = s.hash & (buckets.length - 1);
                    s.next = buckets[i];
                    buckets[i] = s;
                    s = n;
                }
            }
        }

        boolean isEmpty() {
            return size == 0;
        }

        List<Sum> all() {
            List<Sum> out = new ArrayList<>(size);
            for (Sum head : buckets) {
                for (Sum s = head; s != null; s = s.next) {
                    out.add(s);
                }
            }
            return out;
        }
    }

    /** One batch: ids in arrival order (length-prefixed UTF-8), their time range, and the sums behind them. */
    private static final class Batch {
        final long seq;
        byte[] ids = new byte[BATCH_ID_BYTES / 2];
        int idBytes;
        int idCount;
        long minTs = Long.MAX_VALUE;
        long maxTs = Long.MIN_VALUE;
        /** Holds ids not yet written to the store. */
        boolean dirty;
        final SumTable sums = new SumTable();

        Batch(long seq) {
            this.seq = seq;
        }

        void addId(byte[] id, long ts) {
            int need = idBytes + 2 + id.length;
            if (need > ids.length) {
                ids = java.util.Arrays.copyOf(ids, Math.max(need, ids.length * 2));
            }
            ids[idBytes++] = (byte) (id.length >>> 8);
            ids[idBytes++] = (byte) id.length;
            System.arraycopy(id, 0, ids, idBytes, id.length);
            idBytes += id.length;
            idCount++;
            dirty = true;
            minTs = Math.min(minTs, ts);
            maxTs = Math.max(maxTs, ts);
        }

        boolean full() {
            return idCount >= BATCH_IDS || idBytes >= BATCH_ID_BYTES;
        }

        byte[] encode() {
            List<Sum> all = sums.all();
            List<byte[]> cells = new ArrayList<>(all.size());
            List<byte[][]> unscaled = new ArrayList<>(all.size());
            int size = 1 + 8 + 8 + 4 + 4 + idBytes + 4;
            for (Sum s : all) {
                byte[] c = s.cell().getBytes(StandardCharsets.UTF_8);
                byte[][] u = new byte[s.amounts.length][];
                size += 4 + 1 + 4 + c.length + 8 + 8 + 1;
                for (int i = 0; i < u.length; i++) {
                    u[i] = s.amounts[i].unscaledBytes();
                    size += 4 + 2 + u[i].length;
                }
                cells.add(c);
                unscaled.add(u);
            }
            ByteBuffer b = ByteBuffer.allocate(size);
            b.put(VERSION).putLong(minTs).putLong(maxTs).putInt(idCount).putInt(idBytes).put(ids, 0, idBytes);
            b.putInt(all.size());
            for (int i = 0; i < all.size(); i++) {
                Sum s = all.get(i);
                byte[] c = cells.get(i);
                byte[][] u = unscaled.get(i);
                b.putInt(s.year).put((byte) s.month).putInt(c.length).put(c).putLong(s.count).putLong(s.lastEventAt)
                        .put((byte) u.length);
                for (int k = 0; k < u.length; k++) {
                    b.putInt(s.amounts[k].scale()).putShort((short) u[k].length).put(u[k]);
                }
            }
            return b.array();
        }

        static Batch decode(long seq, byte[] v, String legacyDistrict) {
            ByteBuffer b = ByteBuffer.wrap(v);
            byte version = b.get();
            if (version != VERSION && version != VERSION_2) {
                throw new IllegalStateException("journal batch " + seq + " has format version " + v[0] + ", this build"
                        + " reads " + VERSION_2 + " and " + VERSION + ": reset the application (see docs/guarantees.md,"
                        + " Upgrading) and replay");
            }
            Batch out = new Batch(seq);
            out.minTs = b.getLong();
            out.maxTs = b.getLong();
            out.idCount = b.getInt();
            out.idBytes = b.getInt();
            out.ids = new byte[out.idBytes];
            b.get(out.ids);
            int n = b.getInt();
            for (int i = 0; i < n; i++) {
                int year = b.getInt();
                int month = b.get();
                byte[] c = new byte[b.getInt()];
                b.get(c);
                long count = b.getLong();
                long last = b.getLong();
                int measures = b.get();
                String cell = new String(c, StandardCharsets.UTF_8);
                if (version == VERSION_2) {
                    cell = legacyDistrict + Facts.SEP + cell;
                }
                String[] dims = cell.split(String.valueOf(Facts.SEP), -1);
                Sum s = out.sums.get(year, month, dims, measures);
                s.count = count;
                s.lastEventAt = last;
                for (int k = 0; k < measures; k++) {
                    int scale = b.getInt();
                    byte[] u = new byte[b.getShort()];
                    b.get(u);
                    s.amounts[k] = ExactSum.of(new BigDecimal(new BigInteger(u), scale));
                }
            }
            return out;
        }

        /** Feeds every id of the batch to the set. */
        void idsInto(IdSet set) {
            int p = 0;
            while (p < idBytes) {
                int len = ((ids[p] & 0xFF) << 8) | (ids[p + 1] & 0xFF);
                set.add(ids, p + 2, len);
                p += 2 + len;
            }
        }

        /** Removes the ids of an encoded batch from the set, reading nothing else of it. */
        static int removeIds(byte[] v, IdSet set) {
            ByteBuffer b = ByteBuffer.wrap(v);
            b.position(1 + 8 + 8);
            int count = b.getInt();
            int idBytes = b.getInt();
            int end = b.position() + idBytes;
            for (int p = b.position(); p < end; ) {
                int len = ((v[p] & 0xFF) << 8) | (v[p + 1] & 0xFF);
                set.remove(v, p + 2, len);
                p += 2 + len;
            }
            return count;
        }
    }

    /** What the purge needs to know of a stored batch without reading it. */
    private record Stored(long maxTs, int idCount, boolean hasSums) {
    }

    private final KeyValueStore<Bytes, byte[]> store;
    /** Returns once everything forwarded so far is acknowledged (see "Order under at_least_once"). */
    private final Runnable awaitSent;
    /** Every batch in the store, by sequence number. */
    private final TreeMap<Long, Stored> stored = new TreeMap<>();
    private IdSet seen;
    private boolean purgeUnfinished;
    /** Batches with sums not yet forwarded (the open batch excluded). */
    private final List<Batch> unforwarded = new ArrayList<>();
    private Batch open;
    private long marker;

    /**
     * A journal whose owner forwards under exactly-once, or reads no output (tests): nothing to wait for before a
     * write.
     */
    Journal(KeyValueStore<Bytes, byte[]> store) {
        this(store, () -> { }, io.planpulse.base.Districts.DEFAULT);
    }

    Journal(KeyValueStore<Bytes, byte[]> store, Runnable awaitSent) {
        this(store, awaitSent, io.planpulse.base.Districts.DEFAULT);
    }


    /**
     * {@code awaitSent} returns once everything the task has forwarded so far is acknowledged, or throws;
     * {@code district} is the deployment's, which the cells of batches written before districts belong to.
     */
    Journal(KeyValueStore<Bytes, byte[]> store, Runnable awaitSent, String district) {
        this.store = store;
        this.awaitSent = awaitSent;
        this.district = district;
    }

    private final String district;

    /** Rebuilds the id set and the unforwarded sums from the store. */
    void open() {
        byte[] m = store.get(MARKER);
        marker = m == null ? 0 : ByteBuffer.wrap(m).getLong();
        unforwarded.clear();
        stored.clear();
        seen = new IdSet();
        long[] maxSeq = {0};
        forEachBatch(b -> {
            b.idsInto(seen);
            stored.put(b.seq, new Stored(b.maxTs, b.idCount, !b.sums.isEmpty()));
            if (b.seq >= marker && !b.sums.isEmpty()) {
                unforwarded.add(b);
            }
            maxSeq[0] = Math.max(maxSeq[0], b.seq);
        });
        open = new Batch(Math.max(maxSeq[0], marker) + 1);
    }

    /** Every batch in the store, in sequence order (the marker left out). */
    private void forEachBatch(java.util.function.Consumer<Batch> action) {
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                if (!kv.key.equals(MARKER)) {
                    action.accept(Batch.decode(ByteBuffer.wrap(kv.key.get()).getLong(), kv.value, district));
                }
            }
        }
    }

    /** Ids remembered. */
    int size() {
        return seen.size();
    }

    /**
     * Records the id at {@code ts}; false if it was seen before (a duplicate, which changes nothing). Call
     * {@link #add} for the event's sums, then {@link #accepted()}.
     */
    boolean accept(byte[] id, long ts) {
        if (!seen.add(id)) {
            return false;
        }
        open.addId(id, ts);
        return true;
    }

    /** Ends an accepted event: a full batch is written and a new one opened. */
    void accepted() {
        if (open.full()) {
            persist();
            roll();
        }
    }

    /**
     * Writes the open batch if it holds unwritten ids; runs before every commit of the task. A batch without sums
     * holds the ids of events forwarded one by one (reports): those records are acknowledged first.
     */
    void persist() {
        if (open.dirty) {
            if (open.sums.isEmpty()) {
                awaitSent.run();
            }
            store.put(key(open.seq), open.encode());
            stored.put(open.seq, new Stored(open.maxTs, open.idCount, !open.sums.isEmpty()));
            open.dirty = false;
        }
    }

    /**
     * Adds a flow event's amounts (one per measure of its stream, as the event's doubles) to its cell-month, the
     * cell being its district, then its dimension values in the stream's order, in the open batch.
     */
    void add(int year, int month, String[] dims, double[] amounts, long at) {
        open.sums.get(year, month, dims, amounts.length).add(amounts, at);
    }

    /** True when sums wait to be handed over: restored unforwarded batches, or events since the last drain. */
    boolean hasPendingSums() {
        return !unforwarded.isEmpty() || !open.sums.isEmpty();
    }

    /** The sums of every unforwarded batch, merged by (year, cell, month); the marker moves past them. */
    List<Sum> drain() {
        List<Sum> out = new ArrayList<>();
        drain(out::addAll);
        return out;
    }

    /**
     * Hands the sums of every unforwarded batch, merged by (year, cell, month), to {@code handOver}, then moves the
     * marker past them. The batches are written first, with their sums; the marker last, once what was handed over is
     * acknowledged: under at-least-once, where the writes are not atomic, a crash between them can hand sums over
     * twice, never lose them.
     */
    void drain(java.util.function.Consumer<List<Sum>> handOver) {
        if (unforwarded.isEmpty() && open.sums.isEmpty()) {
            return;
        }
        SumTable merged = new SumTable();
        List<Batch> all = new ArrayList<>(unforwarded);
        all.add(open);
        for (Batch b : all) {
            for (Sum s : b.sums.all()) {
                Sum m = merged.get(s.year, s.month, s.dims, s.amounts.length);
                if (m.cell == null) {
                    m.cell = s.cell;
                }
                m.add(s);
            }
        }
        unforwarded.clear();
        if (open.idCount > 0) {
            persist();
            open = new Batch(open.seq + 1);
        }
        handOver.accept(merged.all());
        awaitSent.run();
        marker = open.seq;
        store.put(MARKER, ByteBuffer.allocate(8).putLong(marker).array());
    }

    /**
     * Forgets the batches whose newest id is older than {@code horizon} (epoch ms) and whose sums were forwarded, at
     * most about {@link #PURGE_SLICE_IDS} ids (whole batches, at least one); returns how many ids that forgot.
     * {@link #purgeUnfinished()} tells whether expired batches were left for another call.
     */
    int purge(long horizon) {
        persist();
        List<Long> expired = new ArrayList<>();
        int forgotten = 0;
        purgeUnfinished = false;
        for (Map.Entry<Long, Stored> e : stored.entrySet()) {
            long seq = e.getKey();
            Stored b = e.getValue();
            if (seq != open.seq && b.maxTs() < horizon && (seq < marker || !b.hasSums())) {
                if (forgotten > 0 && forgotten + b.idCount() > PURGE_SLICE_IDS) {
                    purgeUnfinished = true;
                    break;
                }
                expired.add(seq);
                forgotten += b.idCount();
            }
        }
        for (long seq : expired) {
            Bytes k = key(seq);
            byte[] v = store.get(k);
            if (v != null) {
                Batch.removeIds(v, seen);
            }
            store.delete(k);
            stored.remove(seq);
        }
        return forgotten;
    }

    /** The last {@link #purge} left expired batches for the next call. */
    boolean purgeUnfinished() {
        return purgeUnfinished;
    }

    private void roll() {
        if (!open.sums.isEmpty()) {
            unforwarded.add(open);
        }
        open = new Batch(open.seq + 1);
    }

    private static Bytes key(long seq) {
        return Bytes.wrap(ByteBuffer.allocate(8).putLong(seq).array());
    }
}
