package io.planpulse.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The heap the runs need: the used heap sampled every 100 ms, garbage included, and the heap left after each
 * collection (the live set, an upper bound of what the runs need). The embedded broker shares the heap: both
 * figures are upper bounds for planpulse.
 */
final class Heap {
    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
            .collect(Collectors.toSet());
    private volatile long peak;
    private long peakLive;
    private Thread sampler;

    /** Starts watching: a listener on every collector, and a daemon thread sampling the used heap. */
    Heap watch() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((n, h) -> {
                    if (n.getUserData() instanceof CompositeData cd) {
                        var info = GarbageCollectionNotificationInfo.from(cd);
                        long live = 0;
                        for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                            if (heapPools.contains(e.getKey())) {
                                live += e.getValue().getUsed();
                            }
                        }
                        synchronized (this) {
                            peakLive = Math.max(peakLive, live);
                        }
                    }
                }, null, null);
            }
        }
        sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long used = 0;
                for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                    if (p.getType() == MemoryType.HEAP) {
                        used += p.getUsage().getUsed();
                    }
                }
                peak = Math.max(peak, used);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-heap");
        sampler.setDaemon(true);
        sampler.start();
        return this;
    }

    /** Stops sampling the used heap (the collectors' listeners stay: they only raise the live peak). */
    void stop() {
        sampler.interrupt();
    }

    /** The most heap used at a sample, in MB. */
    long peakMb() {
        return peak / (1024 * 1024);
    }

    /** The most heap left after a collection, in MB. */
    synchronized long peakLiveMb() {
        return peakLive / (1024 * 1024);
    }
}
