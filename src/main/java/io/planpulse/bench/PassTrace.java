package io.planpulse.bench;

import java.lang.management.ManagementFactory;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.common.Metric;

/**
 * What {@code --trace} prints of one timed pass, from its first record processed on: the stream threads' progress,
 * CPU per event by thread group, the embedded broker's requests by type, and the pass's window in JVM uptime.
 */
final class PassTrace {
    private final String appId;
    private final long events;
    private final long first;
    private final List<Metric> processed;
    private final Map<String, Long> cpu0;
    private final Map<String, Double> requests0;
    private long lastProgress;

    /** A pass of {@code events} of application {@code appId}, whose first record was processed at {@code first}. */
    PassTrace(String appId, long events, long first, List<Metric> processed) {
        this.appId = appId;
        this.events = events;
        this.first = first;
        this.processed = processed;
        this.cpu0 = Cpu.byThreadGroup(appId);
        this.requests0 = requestCounts();
        this.lastProgress = first;
    }

    /** Every 250 ms: seconds since the first record, wall time, and each stream thread's records processed. */
    void progress() {
        long now = System.nanoTime();
        if (now - lastProgress > 250_000_000L) {
            lastProgress = now;
            StringBuilder sb = new StringBuilder(String.format("t=%.2f %s", (now - first) / 1e9, LocalTime.now()));
            processed.forEach(m -> sb.append(String.format(" %,.0f", ((Number) m.metricValue()).doubleValue())));
            System.err.println(sb);
        }
    }

    /** The broker's requests by type, CPU per event by thread group, and the pass's window in JVM uptime. */
    void print(long done) {
        requestCounts().forEach((k, v) -> {
            double d = v - requests0.getOrDefault(k, 0.0);
            if (d > 0) {
                System.err.printf("  broker %-40s %,12.0f%n", k, d);
            }
        });
        Map<String, Long> cpu = Cpu.byThreadGroup(appId);
        cpu.replaceAll((k, v) -> v - cpu0.getOrDefault(k, 0L));
        cpu.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(14)
                .forEach(e -> System.err.printf("  cpu %-50s %6.2f us/event%n", e.getKey(),
                        e.getValue() / 1e3 / events));
        long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
        System.err.printf("timed window: JVM uptime %d ms to %d ms%n", uptime - (done - first) / 1_000_000, uptime);
    }

    /** The embedded broker's request counts, and their summed local and total times, by request type. */
    private static Map<String, Double> requestCounts() {
        Map<String, Double> out = new TreeMap<>();
        try {
            MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
            for (ObjectName n : mbs.queryNames(new ObjectName(
                    "kafka.network:type=RequestMetrics,name=RequestsPerSec,*"), null)) {
                out.merge("count " + n.getKeyProperty("request"), ((Number) mbs.getAttribute(n, "Count")).doubleValue(),
                        Double::sum);
            }
            for (String t : List.of("LocalTimeMs", "TotalTimeMs")) {
                for (ObjectName n : mbs.queryNames(new ObjectName(
                        "kafka.network:type=RequestMetrics,name=" + t + ",*"), null)) {
                    double c = ((Number) mbs.getAttribute(n, "Count")).doubleValue();
                    double m = ((Number) mbs.getAttribute(n, "Mean")).doubleValue();
                    out.merge(t + " sum " + n.getKeyProperty("request"), c * m, Double::sum);
                }
            }
        } catch (Exception e) {
            System.err.println("no broker metrics: " + e);
        }
        return out;
    }
}
