package io.planpulse.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ObjLongConsumer;

/** CPU time spent: by this process (the broker included when embedded), by a run's threads, by thread group. */
final class Cpu {
    private Cpu() {
    }

    /** CPU time of this process (broker included when embedded), in nanoseconds. */
    static long processNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU time of the live threads whose names contain {@code part}, in nanoseconds. */
    static long threadsNanos(String part) {
        long[] sum = {0};
        forEachThread((name, nanos) -> {
            if (name.contains(part)) {
                sum[0] += nanos;
            }
        });
        return sum[0];
    }

    /** CPU time of every live thread, summed by name with this pass's ids and thread numbers taken out. */
    static Map<String, Long> byThreadGroup(String appId) {
        Map<String, Long> out = new HashMap<>();
        forEachThread((name, nanos) -> out.merge(name.replace(appId, "APP")
                .replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "ID").replaceAll("-?[0-9]+$", "").replaceAll("-[0-9]+-", "-N-"),
                nanos, Long::sum));
        return out;
    }

    private static void forEachThread(ObjLongConsumer<String> action) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null) {
                action.accept(t.getThreadName(), Math.max(0, mx.getThreadCpuTime(t.getThreadId())));
            }
        }
    }
}
