package io.planpulse.serve;

import io.planpulse.base.Districts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /metrics?district=D} (CONTRACT section 6): the KPI series of the plans whose district is D or covered by D,
 * so that a district, or a city, can be scraped alone. A series is kept when its {@code district} label is covered by
 * D; every series without that label (the pipeline's own) is left to the unfiltered scrape. HELP and TYPE lines go
 * with their family, and only when it keeps a series.
 */
final class MetricsFilter {
    private MetricsFilter() {
    }

    static String kpiSeriesOf(String exposition, String district) {
        Map<String, List<String>> families = new LinkedHashMap<>();
        Map<String, List<String>> comments = new LinkedHashMap<>();
        for (String line : exposition.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] p = line.split(" ", 4);
                if (p.length >= 3) {
                    comments.computeIfAbsent(p[2], k -> new ArrayList<>()).add(line);
                }
                continue;
            }
            String d = label(line, "district");
            if (d != null && Districts.covers(district, d)) {
                families.computeIfAbsent(family(line, comments), k -> new ArrayList<>()).add(line);
            }
        }
        StringBuilder out = new StringBuilder();
        families.forEach((name, lines) -> {
            comments.getOrDefault(name, List.of()).forEach(c -> out.append(c).append('\n'));
            lines.forEach(l -> out.append(l).append('\n'));
        });
        return out.toString();
    }

    /** The family a sample belongs to: its name, or the name without a _total/_count/... suffix that has comments. */
    private static String family(String line, Map<String, List<String>> comments) {
        int end = line.indexOf('{');
        String name = end < 0 ? line.substring(0, line.indexOf(' ')) : line.substring(0, end);
        if (comments.containsKey(name)) {
            return name;
        }
        for (String suffix : new String[] {"_total", "_count", "_sum", "_bucket", "_max"}) {
            if (name.endsWith(suffix) && comments.containsKey(name.substring(0, name.length() - suffix.length()))) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }

    /** A label's value in a sample line (Prometheus text format, escaped quotes respected), or null. */
    static String label(String line, String label) {
        int open = line.indexOf('{');
        if (open < 0) {
            return null;
        }
        String key = label + "=\"";
        int i = open + 1;
        while (i < line.length() && line.charAt(i) != '}') {
            boolean match = line.startsWith(key, i);
            int eq = line.indexOf("=\"", i);
            if (eq < 0) {
                return null;
            }
            StringBuilder v = new StringBuilder();
            int j = eq + 2;
            while (j < line.length() && line.charAt(j) != '"') {
                if (line.charAt(j) == '\\' && j + 1 < line.length()) {
                    j++;
                }
                v.append(line.charAt(j++));
            }
            if (match) {
                return v.toString();
            }
            i = j + 1;
            if (i < line.length() && line.charAt(i) == ',') {
                i++;
            }
        }
        return null;
    }
}
