package io.planpulse.report;

import io.planpulse.kpi.Status;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report's charts as inline SVG: drawn by the browser from the file itself, nothing fetched. */
final class Charts {
    /** Bars of amounts (the month's investment, a target's completion). */
    static final String ACTUAL = "#1f77b4";
    /** What the plan schedules (cumulative plan, 序时进度). */
    static final String PLAN = "#d62728";
    /** The actual through each month. */
    static final String CUMULATIVE = "#ff7f0e";

    private Charts() {
    }

    /** How many targets of each category stand in each status: one stacked bar per category. */
    static String statusByCategory(DispatchReport.District d) {
        List<String> categories = MonthReport.categories(d.rows());
        int rowH = 26;
        int left = 210;
        int width = 760;
        int barW = width - left - 60;
        int legendH = 30;
        int height = categories.size() * rowH + legendH + 10;
        int max = 1;
        Map<String, Map<Status, Integer>> counts = new java.util.LinkedHashMap<>();
        for (String c : categories) {
            Map<Status, Integer> n = new EnumMap<>(Status.class);
            d.rows().stream().filter(r -> r.category().equals(c)).forEach(r -> n.merge(r.status(), 1, Integer::sum));
            counts.put(c, n);
            max = Math.max(max, n.values().stream().mapToInt(Integer::intValue).sum());
        }
        StringBuilder s = open(width, height, "各类指标状态 Status of the targets by category");
        int y = 4;
        for (Map.Entry<String, Map<Status, Integer>> e : counts.entrySet()) {
            Labels.Text name = Labels.category(e.getKey());
            text(s, left - 8, y + 17, "end", 12, "#333", name.zh() + " " + name.en());
            double x = left;
            int total = 0;
            for (Status st : Status.values()) {
                int n = e.getValue().getOrDefault(st, 0);
                if (n == 0) {
                    continue;
                }
                double w = (double) barW * n / max;
                s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
                        + "<title>%s %d</title></rect>", x, y + 3, w, rowH - 6, Labels.colour(st),
                        Html.escape(Labels.status(st).zh()), n));
                x += w;
                total += n;
            }
            text(s, (int) x + 6, y + 17, "start", 12, "#333", String.valueOf(total));
            y += rowH;
        }
        int lx = left;
        for (Status st : Status.values()) {
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>", lx,
                    y + 8, Labels.colour(st)));
            Labels.Text t = Labels.status(st);
            text(s, lx + 16, y + 18, "start", 11, "#333", t.zh());
            lx += 16 + 12 * t.zh().length() + 22;
        }
        return s.append("</svg>").toString();
    }

    /**
     * The key projects' investment by month: the month's amount as bars, the cumulative actual and the cumulative
     * plan as lines, January to the report's month.
     */
    static String projectInvestment(DispatchReport.Series series, String unit) {
        int width = 760;
        int height = 300;
        int left = 60;
        int right = 20;
        int top = 20;
        int bottom = 60;
        int n = series.values().size();
        double max = 0;
        for (int m = 0; m < n; m++) {
            max = Math.max(max, Math.max(orZero(series.cumulative().get(m)), orZero(series.planned().get(m))));
        }
        max = niceCeiling(max);
        double plotW = width - left - right;
        double plotH = height - top - bottom;
        double slot = plotW / 12;
        StringBuilder s = open(width, height, "重点项目投资 Key project investment by month");
        for (int i = 0; i <= 4; i++) {
            double v = max * i / 4;
            double y = top + plotH - plotH * i / 4;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>",
                    left, y, width - right, y));
            text(s, left - 6, (int) y + 4, "end", 11, "#555", fmt(v));
        }
        StringBuilder actualLine = new StringBuilder();
        StringBuilder planLine = new StringBuilder();
        for (int m = 0; m < 12; m++) {
            double cx = left + slot * m + slot / 2;
            text(s, (int) cx, height - bottom + 16, "middle", 11, "#555", (m + 1) + "月");
            if (m >= n) {
                continue;
            }
            double v = orZero(series.values().get(m));
            double h = max == 0 ? 0 : plotH * v / max;
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                    + "<title>%d月 %s</title></rect>", cx - slot * 0.3, top + plotH - h, slot * 0.6, h, ACTUAL, m + 1,
                    fmt(v)));
            double c = orZero(series.cumulative().get(m));
            double p = orZero(series.planned().get(m));
            actualLine.append(String.format(Locale.ROOT, "%.1f,%.1f ", cx, top + plotH - (max == 0 ? 0 : plotH * c / max)));
            planLine.append(String.format(Locale.ROOT, "%.1f,%.1f ", cx, top + plotH - (max == 0 ? 0 : plotH * p / max)));
        }
        s.append("<polyline fill=\"none\" stroke=\"").append(PLAN).append("\" stroke-width=\"3\" stroke-dasharray=\"8 4\" points=\"")
                .append(planLine.toString().trim()).append("\"/>");
        s.append("<polyline fill=\"none\" stroke=\"").append(CUMULATIVE).append("\" stroke-width=\"3\" points=\"")
                .append(actualLine.toString().trim()).append("\"/>");
        int ly = height - 18;
        legend(s, left, ly, ACTUAL, "当月完成 month (" + unit + ")");
        legend(s, left + 230, ly, CUMULATIVE, "累计完成 cumulative");
        legend(s, left + 420, ly, PLAN, "累计计划 planned");
        return s.append("</svg>").toString();
    }

    /** Completion against 序时进度 of the cumulative targets that are not single projects: a bar and a marker each. */
    static String completionVsExpected(List<DispatchReport.Row> rows) {
        int rowH = 24;
        int left = 250;
        int width = 760;
        int barW = width - left - 70;
        int height = rows.size() * rowH + 40;
        double max = 1.2;
        StringBuilder s = open(width, height, "完成率与序时进度 Completion against time-elapsed progress");
        int y = 6;
        for (DispatchReport.Row r : rows) {
            text(s, left - 8, y + 16, "end", 12, "#333", r.nameZh());
            double c = r.completion() == null ? 0 : Math.min(max, Math.max(0, r.completion()));
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
                    left, y + 4, barW * c / max, rowH - 8, r.status() == null ? ACTUAL : Labels.colour(r.status())));
            if (r.expected() != null) {
                double e = barW * Math.min(max, Math.max(0, r.expected())) / max;
                s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"3\" height=\"%d\" fill=\"%s\"/>",
                        left + e - 1.5, y, rowH, PLAN));
            }
            text(s, left + barW + 6, y + 16, "start", 11, "#333", r.completion() == null ? "—" : pct(r.completion()));
            y += rowH;
        }
        for (double tick : new double[] {0, 0.5, 1.0}) {
            double x = left + barW * tick / max;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"2\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\" "
                    + "stroke-dasharray=\"2 3\"/>", x, x, y));
            text(s, (int) x, y + 14, "middle", 11, "#555", pct(tick));
        }
        legend(s, left + 120, y + 22, PLAN, "序时进度 time-elapsed progress");
        return s.append("</svg>").toString();
    }

    private static StringBuilder open(int width, int height, String title) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" "
                + "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">", width, height, width, height,
                Html.escape(title)));
        return s;
    }

    private static void legend(StringBuilder s, int x, int y, String colour, String label) {
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"10\" fill=\"%s\"/>", x, y - 9,
                colour));
        text(s, x + 18, y, "start", 11, "#333", label);
    }

    private static void text(StringBuilder s, int x, int y, String anchor, int size, String colour, String text) {
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" font-size=\"%d\" fill=\"%s\">",
                x, y, anchor, size, colour)).append(Html.escape(text)).append("</text>");
    }

    private static double orZero(Double d) {
        return d == null ? 0 : d;
    }

    private static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double mag = Math.pow(10, Math.floor(Math.log10(v)));
        for (double f : new double[] {1, 2, 2.5, 5, 10}) {
            if (f * mag >= v) {
                return f * mag;
            }
        }
        return 10 * mag;
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%,.2f", v);
    }

    static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", v * 100);
    }
}
