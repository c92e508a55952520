package io.planpulse.intake;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * <p>{@link #open()} rebuilds the id set and the unforwarded sums from the store when the task starts, after Kafka
 * Streams has restored the store from its changelog. Ids are forgotten a batch at a time, when the batch's newest id
 * is older than the retention.
 */
final class Journal {
    static final int BATCH_IDS = 256;
    static final int BATCH_ID_BYTES = 16 * 1024;
    private static final byte VERSION = 2;
    private static final Bytes MARKER = Bytes.wrap(new byte[] {0});

    /**
     * What accepted flow events add to one fact cell-month: (year, month, cell), where the cell is the combination
     * of the stream's dimension values (joined by U+001F), with one exact sum per measure of the stream and a count.
     */
    static final class Sum {
        final int year;
        final String cell;
        final int month;
        final BigDecimal[] amounts;
        long count;
        long lastEventAt = Long.MIN_VALUE;
        /** Another (year, month) of the same cell in the same batch (rare: events of a month's edge). */
        Sum next;

        Sum(int year, String cell, int month, int measures) {
            this.year = year;
            this.cell = cell;
            this.month = month;
            this.amounts = new BigDecimal[measures];
            java.util.Arrays.fill(amounts, BigDecimal.ZERO);
        }

        String key() {
            return year + "/" + cell + "/" + month;
        }

        void add(BigDecimal[] a, long n, long at) {
            for (int i = 0; i < amounts.length; i++) {
                amounts[i] = amounts[i].add(a[i]);
            }
            count += n;
            lastEventAt = Math.max(lastEventAt, at);
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
        /** The sums by cell; a cell's other (year, month) pairs hang off {@link Sum#next}. */
        final Map<String, Sum> sums = new java.util.HashMap<>();
        int sumCount;

        Batch(long seq) {
            this.seq = seq;
        }

        Sum sum(int year, String cell, int month, int measures) {
            Sum head = sums.get(cell);
            for (Sum s = head; s != null; s = s.next) {
                if (s.year == year && s.month == month) {
                    return s;
                }
            }
            Sum s = new Sum(year, cell, month, measures);
            s.next = head;
            sums.put(cell, s);
            sumCount++;
            return s;
        }

        List<Sum> allSums() {
            List<Sum> out = new ArrayList<>(sumCount);
            for (Sum head : sums.values()) {
                for (Sum s = head; s != null; s = s.next) {
                    out.add(s);
                }
            }
            return out;
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
            List<Sum> all = allSums();
            List<byte[]> cells = new ArrayList<>(all.size());
            List<byte[][]> unscaled = new ArrayList<>(all.size());
            int size = 1 + 8 + 8 + 4 + 4 + idBytes + 4;
            for (Sum s : all) {
                byte[] c = s.cell.getBytes(StandardCharsets.UTF_8);
                byte[][] u = new byte[s.amounts.length][];
                size += 4 + 1 + 4 + c.length + 8 + 8 + 1;
                for (int i = 0; i < u.length; i++) {
                    u[i] = s.amounts[i].unscaledValue().toByteArray();
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

        static Batch decode(long seq, byte[] v) {
            ByteBuffer b = ByteBuffer.wrap(v);
            if (b.get() != VERSION) {
                throw new IllegalStateException("journal batch " + seq + " has format version " + v[0] + ", this build"
                        + " reads " + VERSION + ": reset the application (see README, Upgrading) and replay");
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
                Sum s = out.sum(year, new String(c, StandardCharsets.UTF_8), month, measures);
                s.count = count;
                s.lastEventAt = last;
                for (int k = 0; k < measures; k++) {
                    int scale = b.getInt();
                    byte[] u = new byte[b.getShort()];
                    b.get(u);
                    s.amounts[k] = new BigDecimal(new BigInteger(u), scale);
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
    }

    private final KeyValueStore<Bytes, byte[]> store;
    private IdSet seen;
    /** Batches with sums not yet forwarded (the open batch excluded). */
    private final List<Batch> unforwarded = new ArrayList<>();
    private Batch open;
    private long marker;

    Journal(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    /** Rebuilds the id set and the unforwarded sums from the store. */
    void open() {
        byte[] m = store.get(MARKER);
        marker = m == null ? 0 : ByteBuffer.wrap(m).getLong();
        unforwarded.clear();
        seen = new IdSet();
        long[] maxSeq = {0};
        forEachBatch(b -> {
            b.idsInto(seen);
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
                    action.accept(Batch.decode(ByteBuffer.wrap(kv.key.get()).getLong(), kv.value));
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

    /** Writes the open batch if it holds unwritten ids; runs before every commit of the task. */
    void persist() {
        if (open.dirty) {
            store.put(key(open.seq), open.encode());
            open.dirty = false;
        }
    }

    /** Adds a flow event's amounts (one per measure of its stream) to its cell-month in the open batch. */
    void add(int year, String cell, int month, BigDecimal[] amounts, long at) {
        open.sum(year, cell, month, amounts.length).add(amounts, 1, at);
    }

    /** The sums of every unforwarded batch, merged by (year, cell, month); the marker moves past them. */
    List<Sum> drain() {
        if (unforwarded.isEmpty() && open.sums.isEmpty()) {
            return List.of();
        }
        Map<String, Sum> merged = new LinkedHashMap<>();
        List<Batch> all = new ArrayList<>(unforwarded);
        all.add(open);
        for (Batch b : all) {
            for (Sum s : b.allSums()) {
                merged.computeIfAbsent(s.key(), k -> new Sum(s.year, s.cell, s.month, s.amounts.length))
                        .add(s.amounts, s.count, s.lastEventAt);
            }
        }
        unforwarded.clear();
        if (open.idCount > 0) {
            persist();
            open = new Batch(open.seq + 1);
        }
        marker = open.seq;
        store.put(MARKER, ByteBuffer.allocate(8).putLong(marker).array());
        return new ArrayList<>(merged.values());
    }

    /**
     * Forgets the batches whose newest id is older than {@code horizon} (epoch ms) and whose sums were forwarded;
     * returns how many ids that forgot.
     */
    int purge(long horizon) {
        persist();
        List<Bytes> expired = new ArrayList<>();
        int[] forgotten = {0};
        forEachBatch(b -> {
            if (b.seq != open.seq && b.maxTs < horizon && (b.seq < marker || b.sums.isEmpty())) {
                expired.add(key(b.seq));
                forgotten[0] += b.idCount;
            }
        });
        if (!expired.isEmpty()) {
            expired.forEach(store::delete);
            // the open batch was just persisted, so this keeps its ids too
            IdSet kept = new IdSet(seen.size() - forgotten[0]);
            forEachBatch(b -> b.idsInto(kept));
            seen = kept;
        }
        return forgotten[0];
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
