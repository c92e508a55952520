package io.planpulse.facts;

import io.planpulse.avro.internal.FlowFact;
import io.planpulse.avro.internal.ReportFact;
import io.planpulse.kpi.TargetData;
import io.planpulse.base.Stream;
import io.planpulse.plan.Target;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The facts of the KPI stage, on the heap, whatever any plan says (CONTRACT section 3, "Facts outlive plans"): per
 * year, the flow cells (one per combination of a stream's dimension values: monthly counts and exact sums of each
 * measure) and the report subjects (the report in force per month). A target is a {@link Query} over them.
 */
public final class Facts {
    /** Separates dimension values in a cell key (never part of a valid value). */
    public static final char SEP = '\u001f';
    /**
     * Every dimension value of a stream's overflow cell: {@link #SEP} alone, which no event's value can hold (the
     * intake rejects it), so no filter selects the cell and its key, SEPs only, is no other cell's.
     */
    public static final String OVERFLOW = String.valueOf(SEP);

    /**
     * The overflow cell's values for a district's stream with {@code dimensions} dimensions: the district, then
     * {@link #OVERFLOW} for every dimension.
     */
    public static String[] overflowDims(String district, int dimensions) {
        String[] dims = new String[dimensions + 1];
        Arrays.fill(dims, OVERFLOW);
        dims[0] = district;
        return dims;
    }

    /**
     * True for the values of a district's overflow cell (CONTRACT section 3, "Bounded by design"): the events of new
     * dimension combinations beyond {@code planpulse.facts.max-cells}, whose values are not kept. A cell's values are
     * its district, then its dimension values.
     */
    public static boolean isOverflow(String[] dims) {
        return dims.length > 1 && OVERFLOW.equals(dims[1]);
    }

    /**
     * A cell key in this build's form (district first), from a cell key written before districts (the stream's
     * dimension values only: taken as {@code district}'s) or already in this form. A key is in this form when its
     * first value is a district code and it has one value more than the stream has dimensions (or is an overflow
     * cell's); a key written before has exactly as many values as dimensions, or, for the overflow cell, only
     * separators.
     */
    public static String withDistrict(Stream stream, String cell, String district) {
        String[] parts = cell.split(String.valueOf(SEP), -1);
        int n = stream.dimensions().size();
        if (parts.length > 0 && io.planpulse.base.Districts.isCode(parts[0])
                && (parts.length == n + 1 || cell.equals(overflowKey(parts[0], stream)))) {
            return cell;
        }
        return district + SEP + cell;
    }

    /** A report subject key in this build's form (district, then the subject), from one written before districts. */
    public static String subjectWithDistrict(String subject, String district) {
        return subject.indexOf(SEP) >= 0 ? subject : subjectKey(district, subject);
    }

    /**
     * A stream's cell or subject key in this build's form: a flow cell's by {@link #withDistrict}, a report
     * subject's by {@link #subjectWithDistrict} (one written before districts is {@code district}'s).
     */
    public static String inDistrict(Stream stream, String key, String district) {
        return stream.isFlow() ? withDistrict(stream, key, district) : subjectWithDistrict(key, district);
    }

    /** The key of a district's report subject (project or indicator id). */
    public static String subjectKey(String district, String subject) {
        return district + SEP + subject;
    }

    /**
     * Whether a plan of {@code planDistrict} takes a district's reports of its subjects (CONTRACT section 1b): a
     * project's from every district the plan covers, an indicator's only under the plan's own code.
     */
    public static boolean takesReports(String planDistrict, Stream stream, String reportDistrict) {
        return stream == Stream.PROJECT_PROGRESS ? io.planpulse.base.Districts.covers(planDistrict, reportDistrict)
                : planDistrict.equals(reportDistrict);
    }

    /** The district of a cell or subject key in this build's form. */
    public static String districtOf(String key) {
        return key.substring(0, key.indexOf(SEP));
    }

    /** The subject (project or indicator id) of a subject key in this build's form. */
    public static String subjectOf(String key) {
        return key.substring(key.indexOf(SEP) + 1);
    }

    /** One flow cell of a year. */
    public static final class FlowCell {
        public final String[] dims;
        public final long[] counts = new long[12];
        public final BigDecimal[][] amounts;
        public long lastEventAt;
        boolean dirty;

        public FlowCell(String[] dims, int measures) {
            this.dims = dims;
            this.amounts = new BigDecimal[measures][12];
            for (BigDecimal[] a : amounts) {
                Arrays.fill(a, BigDecimal.ZERO);
            }
        }

        public FlowFact toAvro() {
            List<Long> c = new ArrayList<>(12);
            for (long n : counts) {
                c.add(n);
            }
            List<List<String>> a = new ArrayList<>(amounts.length);
            for (BigDecimal[] m : amounts) {
                List<String> l = new ArrayList<>(12);
                for (BigDecimal d : m) {
                    l.add(d.toPlainString());
                }
                a.add(l);
            }
            return new FlowFact(List.of(dims), c, a, lastEventAt);
        }

        public static FlowCell fromAvro(FlowFact f) {
            FlowCell c = new FlowCell(f.getDims().toArray(String[]::new), f.getAmounts().size());
            for (int m = 0; m < 12; m++) {
                c.counts[m] = f.getCounts().get(m);
                for (int k = 0; k < c.amounts.length; k++) {
                    c.amounts[k][m] = new BigDecimal(f.getAmounts().get(k).get(m));
                }
            }
            c.lastEventAt = f.getLastEventAt();
            return c;
        }
    }

    /** One report subject (project or indicator) of a year: the report in force per month. */
    public static final class ReportCell {
        final BigDecimal[] values = new BigDecimal[12];
        final long[] reportedAt = new long[12];
        final String[] reportIds = new String[12];
        public long reports;
        long lastEventAt;

        /**
         * Applies a report if it is newer than the one in force for its month: a later reported_at, or the same one
         * and a greater report_id (CONTRACT section 3), so the outcome does not depend on arrival order.
         */
        public boolean apply(int month, BigDecimal value, long at, String reportId, long eventAt) {
            int m = month - 1;
            if (values[m] != null && (reportedAt[m] > at || (reportedAt[m] == at && reportIds[m].compareTo(reportId) >= 0))) {
                return false;
            }
            values[m] = value;
            reportedAt[m] = at;
            reportIds[m] = reportId;
            reports++;
            lastEventAt = Math.max(lastEventAt, eventAt);
            return true;
        }

        /** The latest month with a report in force (1-12), or 0. */
        public int lastMonth() {
            for (int m = 11; m >= 0; m--) {
                if (values[m] != null) {
                    return m + 1;
                }
            }
            return 0;
        }

        public TargetData toData() {
            BigDecimal[] months = new BigDecimal[12];
            boolean[] reported = new boolean[12];
            long n = 0;
            for (int m = 0; m < 12; m++) {
                reported[m] = values[m] != null;
                months[m] = reported[m] ? values[m] : BigDecimal.ZERO;
                n += reported[m] ? 1 : 0;
            }
            return new TargetData(months, reported, n, lastEventAt);
        }

        public ReportFact toAvro() {
            List<String> v = new ArrayList<>(12);
            List<Long> at = new ArrayList<>(12);
            List<String> ids = new ArrayList<>(12);
            for (int m = 0; m < 12; m++) {
                v.add(values[m] == null ? null : values[m].toPlainString());
                at.add(reportedAt[m]);
                ids.add(reportIds[m] == null ? "" : reportIds[m]);
            }
            return new ReportFact(v, at, ids, reports, lastEventAt);
        }

        public static ReportCell fromAvro(ReportFact f) {
            ReportCell c = new ReportCell();
            for (int m = 0; m < 12; m++) {
                String v = f.getValues().get(m);
                c.values[m] = v == null ? null : new BigDecimal(v);
                c.reportedAt[m] = f.getReportedAt().get(m);
                c.reportIds[m] = v == null ? null : f.getReportIds().get(m);
            }
            c.reports = f.getReports();
            c.lastEventAt = f.getLastEventAt();
            return c;
        }
    }

    /**
     * The facts of one year, every district's. {@code planpulse.facts.max-cells} bounds the flow cells per (district,
     * stream): {@link #addCell} counts them, {@link #keptCells} tells the count.
     */
    public static final class YearFacts {
        final Map<Stream, Map<String, FlowCell>> flows = new EnumMap<>(Stream.class);
        final Map<Stream, Map<String, ReportCell>> reports = new EnumMap<>(Stream.class);
        /** Cells that hold their dimension values, per district and stream (what the cap counts). */
        private final Map<String, int[]> kept = new HashMap<>();

        /** Every flow cell of a stream, every district's, by cell key (district first). */
        public Map<String, FlowCell> flows(Stream s) {
            return flows.computeIfAbsent(s, k -> new HashMap<>());
        }

        /** Adds a cell (its key and values district first), counted against its district's cap unless an overflow cell. */
        public void addCell(Stream s, String key, FlowCell cell) {
            flows(s).put(key, cell);
            if (!isOverflow(cell.dims)) {
                kept.computeIfAbsent(cell.dims[0], k -> new int[Stream.values().length])[s.ordinal()]++;
            }
        }

        /** The flow cells of a district's stream that hold their dimension values (the overflow cell not counted). */
        public int keptCells(String district, Stream s) {
            int[] k = kept.get(district);
            return k == null ? 0 : k[s.ordinal()];
        }

        /** Every flow cell and report subject, by stream. */
        public Map<Stream, Map<String, FlowCell>> allFlows() {
            return flows;
        }

        public Map<Stream, Map<String, ReportCell>> allReports() {
            return reports;
        }

        public Map<String, ReportCell> reports(Stream s) {
            return reports.computeIfAbsent(s, k -> new HashMap<>());
        }
    }

    /**
     * A flow target's definition (source, filter, scale-free measure) as a query over one year's cells, kept up to
     * date as facts arrive: built from every cell of the year when a plan version comes into force, then each new
     * cell-month delta that matches the filter is added. Exact: the sums are decimals, scaled only by the engine.
     */
    public static final class Query {
        final Target target;
        final int year;
        public final Stream stream;
        /** The district of the plan: the query selects the cells of the districts it covers. */
        private final String planDistrict;
        /** Indexes into a cell's values (0 the district, then the stream's dimensions). */
        private final int[] dimIdx;
        private final String[] wanted;
        private final int measure;
        final BigDecimal[] months = new BigDecimal[12];
        final boolean[] reported = new boolean[12];
        long events;
        long lastEventAt;

        public Query(Target target, int year, String planDistrict) {
            this.target = target;
            this.year = year;
            this.stream = target.source().stream();
            this.planDistrict = planDistrict;
            List<String> dims = stream.dimensions();
            this.dimIdx = new int[target.filter().size()];
            this.wanted = new String[dimIdx.length];
            int i = 0;
            for (Map.Entry<String, String> f : target.filter().entrySet()) {
                // the plan loader refuses a filter on anything else
                dimIdx[i] = f.getKey().equals(Stream.DISTRICT) ? 0 : dims.indexOf(f.getKey()) + 1;
                wanted[i++] = f.getValue();
            }
            this.measure = stream.measureIndex(target.source().measure());
            Arrays.fill(months, BigDecimal.ZERO);
        }

        /** The target this query selects the facts of, and the district of its plan. */
        public Target target() {
            return target;
        }

        public String planDistrict() {
            return planDistrict;
        }

        /**
         * Whether a cell's events are selected. The overflow cell's values are not kept: a target without a filter
         * counts it (its totals stay exact); one with a filter leaves it out, as its events may not match.
         */
        public boolean matches(String[] dims) {
            if (!io.planpulse.base.Districts.covers(planDistrict, dims[0])) {
                return false;
            }
            if (isOverflow(dims)) {
                // the overflow cell's district is kept: only a filter on other dimensions leaves it out
                for (int i : dimIdx) {
                    if (i != 0) {
                        return false;
                    }
                }
            }
            for (int i = 0; i < dimIdx.length; i++) {
                if (dimIdx[i] < 0 || !wanted[i].equals(dims[dimIdx[i]])) {
                    return false;
                }
            }
            return true;
        }

        /** Adds a cell-month delta (count and one amount per measure of the stream). */
        public void add(int month, long count, BigDecimal[] amounts, long eventAt) {
            int m = month - 1;
            months[m] = months[m].add(measure < 0 ? BigDecimal.valueOf(count) : amounts[measure]);
            reported[m] |= count > 0;
            events += count;
            lastEventAt = Math.max(lastEventAt, eventAt);
        }

        /** Recomputes from every cell of the year. */
        public void recompute(Collection<FlowCell> cells) {
            Arrays.fill(months, BigDecimal.ZERO);
            Arrays.fill(reported, false);
            events = 0;
            lastEventAt = 0;
            for (FlowCell c : cells) {
                if (!matches(c.dims)) {
                    continue;
                }
                for (int m = 0; m < 12; m++) {
                    if (c.counts[m] > 0) {
                        months[m] = months[m].add(measure < 0 ? BigDecimal.valueOf(c.counts[m]) : c.amounts[measure][m]);
                        reported[m] = true;
                        events += c.counts[m];
                    }
                }
                lastEventAt = Math.max(lastEventAt, c.lastEventAt);
            }
        }

        public TargetData toData() {
            return new TargetData(months.clone(), reported.clone(), events, lastEventAt);
        }
    }

    /** The key of a district's overflow cell of a stream: its values joined as any cell's. */
    public static String overflowKey(String district, Stream s) {
        return String.join(OVERFLOW, overflowDims(district, s.dimensions().size()));
    }

    private Facts() {
    }
}
