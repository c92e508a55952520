package io.planpulse.intake;

import io.planpulse.events.EventDecoder;
import java.util.ArrayList;
import java.util.List;

/**
 * An exact set of short byte strings (event ids), compact enough to hold millions on the heap: the bytes live in
 * 1 MiB arena chunks (a length byte or two, then the id) and an open-addressing table of longs holds each id's
 * 32-bit hash and its arena reference. About 12 bytes plus the id per entry; membership compares the whole id, so
 * two ids never collide. Removal shifts the entries that follow back into place (linear probing needs no
 * tombstones); a chunk whose ids are all removed is reused. Ids expire roughly in the order they came, a batch's ids
 * lie side by side, so chunks empty from the oldest: a straggler (a batch that expires late) keeps at most the one or
 * two chunks its ids are in.
 */
final class IdSet {
    private static final int CHUNK_BITS = 20;
    private static final int CHUNK = 1 << CHUNK_BITS;
    /** Ids are at most 256 characters, so at most 1,024 bytes of UTF-8. */
    static final int MAX_ID_BYTES = 4 * EventDecoder.MAX_STRING;

    private final List<byte[]> chunks = new ArrayList<>();
    /** Ids alive per chunk. */
    private int[] live = new int[4];
    /** Indexes of chunks emptied and dropped, to be reused. */
    private final java.util.ArrayDeque<Integer> free = new java.util.ArrayDeque<>();
    private byte[] chunk;
    private int chunkIndex;
    private int chunkPos;
    /** (hash << 32) | ref; 0 is empty (ref 0 is never used: every chunk starts at position 1). */
    private long[] table;
    private int size;

    IdSet() {
        this(1024);
    }

    IdSet(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected) * 2 - 1) << 1;
        table = new long[cap];
        newChunk();
    }

    int size() {
        return size;
    }

    /** Adds the id; false if it was already there. */
    boolean add(byte[] id, int off, int len) {
        if (len > MAX_ID_BYTES) {
            throw new IllegalArgumentException("id of " + len + " bytes");
        }
        int h = hash(id, off, len);
        int i = slot(h, id, off, len);
        if (table[i] != 0) {
            return false;
        }
        table[i] = ((long) h << 32) | (store(id, off, len) & 0xFFFFFFFFL);
        if (++size * 2 > table.length) {
            grow();
        }
        return true;
    }

    boolean add(byte[] id) {
        return add(id, 0, id.length);
    }

    /** Removes the id; false if it was not there. */
    boolean remove(byte[] id, int off, int len) {
        int i = slot(hash(id, off, len), id, off, len);
        long e = table[i];
        if (e == 0) {
            return false;
        }
        release((int) e);
        int mask = table.length - 1;
        int hole = i;
        for (int j = (i + 1) & mask; table[j] != 0; j = (j + 1) & mask) {
            int home = (int) (table[j] >>> 32) & mask;
            if (((j - home) & mask) >= ((j - hole) & mask)) { // the hole is on j's probe path: move it back
                table[hole] = table[j];
                hole = j;
            }
        }
        table[hole] = 0;
        size--;
        return true;
    }

    /** Chunks that hold ids (the current one included). */
    int chunksInUse() {
        return chunks.size() - free.size();
    }

    boolean contains(byte[] id) {
        return table[slot(hash(id, 0, id.length), id, 0, id.length)] != 0;
    }

    /** The slot that holds the id, or the empty slot where it would go. */
    private int slot(int h, byte[] id, int off, int len) {
        int mask = table.length - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            long e = table[i];
            if (e == 0 || ((int) (e >>> 32) == h && equalsAt((int) e, id, off, len))) {
                return i;
            }
        }
    }

    private int store(byte[] id, int off, int len) {
        int need = len + (len < 128 ? 1 : 2);
        if (chunkPos + need > CHUNK) {
            newChunk();
        }
        int ref = (chunkIndex << CHUNK_BITS) | chunkPos;
        live[chunkIndex]++;
        if (len < 128) {
            chunk[chunkPos++] = (byte) len;
        } else {
            chunk[chunkPos++] = (byte) (0x80 | (len >>> 8));
            chunk[chunkPos++] = (byte) len;
        }
        System.arraycopy(id, off, chunk, chunkPos, len);
        chunkPos += len;
        return ref;
    }

    private boolean equalsAt(int ref, byte[] id, int off, int len) {
        byte[] c = chunks.get(ref >>> CHUNK_BITS);
        int p = ref & (CHUNK - 1);
        int l = c[p] & 0xFF;
        if ((l & 0x80) != 0) {
            l = ((l & 0x7F) << 8) | (c[p + 1] & 0xFF);
            p += 2;
        } else {
            p += 1;
        }
        return l == len && java.util.Arrays.equals(c, p, p + l, id, off, off + len);
    }

    private void release(int ref) {
        int c = ref >>> CHUNK_BITS;
        if (--live[c] == 0 && c != chunkIndex) {
            chunks.set(c, null);
            free.add(c);
        }
    }

    private void newChunk() {
        chunkPos = 1;
        if (chunk != null && live[chunkIndex] == 0) { // every id written here was removed: write over it
            return;
        }
        chunk = new byte[CHUNK];
        if (free.isEmpty()) {
            chunkIndex = chunks.size();
            chunks.add(chunk);
            if (chunkIndex == live.length) {
                live = java.util.Arrays.copyOf(live, live.length * 2);
            }
        } else {
            chunkIndex = free.poll();
            chunks.set(chunkIndex, chunk);
        }
    }

    private void grow() {
        long[] old = table;
        table = new long[old.length * 2];
        int mask = table.length - 1;
        for (long e : old) {
            if (e != 0) {
                int i = (int) (e >>> 32) & mask;
                while (table[i] != 0) {
                    i = (i + 1) & mask;
                }
                table[i] = e;
            }
        }
    }

    /** FNV-1a over the bytes, then the murmur3 finaliser so that similar ids spread over the table. */
    static int hash(byte[] b, int off, int len) {
        int h = 0x811C9DC5;
        for (int i = off; i < off + len; i++) {
            h = (h ^ b[i]) * 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }
}
