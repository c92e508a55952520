package io.planpulse.events;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The few string fields of one event that a plan filter may name, as a read-only map over two arrays: the names
 * (shared by every event of a stream) and the values. A lookup is a scan of two or three names, which beats hashing
 * for maps this small, and building one is a single small object per event.
 */
final class Fields extends AbstractMap<String, String> {
    private final String[] names;
    private final String[] values;

    Fields(String[] names, String... values) {
        if (names.length != values.length) {
            throw new IllegalArgumentException(names.length + " names, " + values.length + " values");
        }
        this.names = names;
        this.values = values;
    }

    /** The values in the order of the names; the event's own array, not a copy. */
    String[] valueArray() {
        return values;
    }

    @Override
    public String get(Object key) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(key)) {
                return values[i];
            }
        }
        return null;
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public int size() {
        return names.length;
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, String>> iterator() {
                return new Iterator<>() {
                    private int i;

                    @Override
                    public boolean hasNext() {
                        return i < names.length;
                    }

                    @Override
                    public Entry<String, String> next() {
                        if (i >= names.length) {
                            throw new NoSuchElementException();
                        }
                        Entry<String, String> e = new SimpleImmutableEntry<>(names[i], values[i]);
                        i++;
                        return e;
                    }
                };
            }

            @Override
            public int size() {
                return names.length;
            }
        };
    }
}
