package io.planpulse.importer;

import io.planpulse.events.EventDecoder;
import io.planpulse.events.Rejection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads and checks a whole CSV or xlsx file of monthly reports (docs/import.md): finds the header row, maps columns by
 * header name (the record's field names or the template's Chinese headers), reads every row below it and checks each
 * value as the pipeline would, collecting every problem of every row instead of stopping at the first. Knows nothing
 * of Kafka: what to do with the records is the caller's.
 */
public final class Importer {
    /** The header row is the first of this many non-empty rows that names every required column (titles may precede it). */
    public static final int HEADER_SEARCH_ROWS = 10;
    public static final int MAX_MILESTONE = 4 * EventDecoder.MAX_STRING;
    /** Ids that are a sheet's total row, not a project or indicator. */
    private static final Set<String> TOTALS = Set.of("合计", "总计", "小计", "total", "sum");
    /** Deadline day of January that closes a year when the plan does not say (CONTRACT section 3, late events). */
    private static final int DEFAULT_DEADLINE_DAY = 10;

    private Importer() {
    }

    /** A district code as {@code --district} takes it: six digits (GB/T 2260). */
    public static boolean validDistrict(String d) {
        return io.planpulse.base.Districts.isCode(d);
    }

    /**
     * Reads and checks {@code file} (.csv or .xlsx), times without an offset taken in {@code zone}, "a year ahead"
     * measured from {@code clock}.
     *
     * @param district the {@code --district} code, or null; kept in every record (see {@link ImportRecord#district()})
     * @throws BadFile when the file as a whole cannot be read: not CSV or xlsx, no header row, no rows
     */
    public static ImportResult read(Path file, ReportKind kind, String district, ZoneId zone, Clock clock)
            throws BadFile {
        if (district != null && !validDistrict(district)) {
            throw new IllegalArgumentException("district must be six digits: " + district);
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new BadFile(file + ": no such file or not readable");
        }
        Rows rows = new Rows(kind, district, zone, clock);
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        byte[] head = head(file);
        if (startsWith(head, 0xD0, 0xCF, 0x11, 0xE0)) {
            throw new BadFile(file + ": an old .xls workbook (or a password-protected one) is not read: save it as "
                    + "\"Excel 工作簿 (*.xlsx)\" without a password, or as \"CSV UTF-8\"");
        }
        if (name.endsWith(".csv")) {
            CsvSheet.read(file, rows);
        } else if (name.endsWith(".xlsx") || name.endsWith(".xlsm")) {
            if (!startsWith(head, 'P', 'K', 3, 4)) {
                throw new BadFile(file + ": not an .xlsx workbook (an .xlsx file is a zip archive)");
            }
            XlsxSheet.read(file, kind, rows);
        } else {
            throw new BadFile(file + ": the name must end in .csv or .xlsx");
        }
        return rows.finish(file);
    }

    private static byte[] head(Path file) throws BadFile {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(4);
        } catch (IOException e) {
            throw new BadFile(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static boolean startsWith(byte[] head, int... magic) {
        if (head.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((head[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /** The state of one read: the header once found, then each row checked as it streams past. */
    private static final class Rows implements RowHandler {
        private final ReportKind kind;
        private final String district;
        private final ZoneId zone;
        private final Clock clock;
        private final Instant horizon;
        private final LocalDate today;
        private String sheet;
        private boolean date1904;
        private int headerRow = -1;
        private final Map<Column, Integer> index = new EnumMap<>(Column.class);
        private final Map<Integer, String> headers = new HashMap<>();
        private final List<String> notes = new ArrayList<>();
        /** Why the header search stopped without a header (too many rows searched, a field named twice). */
        private String headerProblem;
        private String firstRowSeen;
        private int rowsBeforeHeader;
        private int dataRows;
        private int lastRow;
        /** Empty rows since the last row with a report (Excel leaves fully empty rows out of the file: gaps count). */
        private final List<int[]> pendingEmpty = new ArrayList<>();
        private final List<int[]> emptyInside = new ArrayList<>();
        private final List<ImportRecord> records = new ArrayList<>();
        private final List<Problem> problems = new ArrayList<>();
        /** report_id → the row that used it and its content's id. */
        private final Map<String, Seen> byId = new HashMap<>();
        /** subject, period and reported_at → the row and content: two contents there would leave the pipeline to pick one. */
        private final Map<String, Seen> bySlot = new HashMap<>();
        private final List<String> repeated = new ArrayList<>();
        private final Map<Integer, Integer> closedYears = new TreeMap<>();

        private record Seen(int row, String content) {
        }

        Rows(ReportKind kind, String district, ZoneId zone, Clock clock) {
            this.kind = kind;
            this.district = district;
            this.zone = zone;
            this.clock = clock;
            this.horizon = clock.instant().atZone(zone).plusYears(1).toInstant();
            this.today = LocalDate.ofInstant(clock.instant(), zone);
        }

        @Override
        public void sheet(String name, boolean date1904) {
            this.sheet = name;
            this.date1904 = date1904;
        }

        @Override
        public void row(int number, Cell[] cells) {
            if (headerProblem != null) {
                return;
            }
            if (headerRow < 0) {
                header(number, cells);
                lastRow = number;
                return;
            }
            if (number > lastRow + 1) {
                pendingEmpty.add(new int[] {lastRow + 1, number - 1});
            }
            lastRow = number;
            boolean empty = true;
            for (int i : index.values()) {
                if (i < cells.length && cells[i] != null && !cells[i].blank()) {
                    empty = false;
                    break;
                }
            }
            if (empty) {
                pendingEmpty.add(new int[] {number, number});
                return;
            }
            emptyInside.addAll(pendingEmpty);
            pendingEmpty.clear();
            dataRows++;
            check(number, cells);
        }

        private void header(int number, Cell[] cells) {
            boolean blank = true;
            Map<Column, Integer> found = new EnumMap<>(Column.class);
            Map<Column, Integer> twice = new EnumMap<>(Column.class);
            List<String> ignored = new ArrayList<>();
            StringBuilder seen = new StringBuilder();
            for (int i = 0; i < cells.length; i++) {
                Cell c = cells[i];
                if (c == null || c.blank()) {
                    continue;
                }
                blank = false;
                String text = c.shown() == null ? "" : Values.trim(c.shown());
                seen.append(seen.length() == 0 ? "" : ", ").append(Problem.letter(i)).append(' ').append(Values.escaped(text));
                Column col = kind.columns().stream().filter(k -> k.names(Column.normalise(text))).findFirst().orElse(null);
                if (col == null) {
                    ignored.add(Problem.letter(i) + " " + Values.escaped(text));
                } else if (found.containsKey(col)) {
                    twice.put(col, i);
                } else {
                    found.put(col, i);
                    headers.put(i, text);
                }
            }
            if (blank) {
                return;
            }
            if (firstRowSeen == null) {
                firstRowSeen = "row " + number + ": " + seen;
            }
            boolean complete = kind.columns().stream().filter(Column::required).allMatch(found::containsKey);
            if (!complete) {
                headers.clear();
                if (++rowsBeforeHeader >= HEADER_SEARCH_ROWS) {
                    headerProblem = noHeader();
                }
                return;
            }
            if (!twice.isEmpty()) {
                Map.Entry<Column, Integer> t = twice.entrySet().iterator().next();
                headerProblem = "row " + number + ": columns " + Problem.letter(found.get(t.getKey())) + " and "
                        + Problem.letter(t.getValue()) + " both name " + t.getKey().field() + ": keep one";
                return;
            }
            headerRow = number;
            index.putAll(found);
            if (!ignored.isEmpty()) {
                notes.add("columns ignored (not a field of " + kind.type() + "): " + String.join(", ", ignored));
            }
        }

        private Cell cell(Cell[] cells, Column col) {
            Integer i = index.get(col);
            if (i == null || i >= cells.length || cells[i] == null || cells[i].blank()) {
                return null;
            }
            return cells[i];
        }

        private void problem(int row, Column col, Cell c, String reason, String message) {
            int i = col == null ? -1 : index.get(col);
            problems.add(new Problem(row, i, i < 0 ? null : headers.get(i), c == null ? null : c.shown(), reason, message));
        }

        private void missing(int row, Column col) {
            problem(row, col, null, Rejection.MISSING_FIELD, col.field() + " is missing");
        }

        /** The column's cell, or null: then, if the column is required, the row's problem says it is missing. */
        private Cell cell(int row, Cell[] cells, Column col, boolean required) {
            Cell c = cell(cells, col);
            if (c == null && required) {
                missing(row, col);
            }
            return c;
        }

        /** One data row: every value checked, every problem kept; a good row becomes a record unless it repeats one. */
        private void check(int row, Cell[] cells) {
            int before = problems.size();
            String reportId = id(row, cells, Column.REPORT_ID, false);
            String subject = id(row, cells, kind.subject(), true);
            YearMonth period = null;
            Cell pc = cell(row, cells, Column.PERIOD, true);
            if (pc != null) {
                try {
                    period = Values.period(pc, zone, date1904);
                    if (period.atDay(1).atStartOfDay(zone).toInstant().isAfter(horizon)) {
                        problem(row, Column.PERIOD, pc, Rejection.OUT_OF_RANGE, "period " + period
                                + " is more than a year ahead of today (" + today + ")");
                        period = null;
                    }
                } catch (Values.Bad b) {
                    problem(row, Column.PERIOD, pc, b.reason, b.getMessage());
                }
            }
            Double amount = number(row, cells, kind.amount(), true, kind == ReportKind.PROJECT_PROGRESS, false);
            Double pct = null;
            String milestone = null;
            if (kind == ReportKind.PROJECT_PROGRESS) {
                pct = number(row, cells, Column.PROGRESS_PCT, false, true, true);
                if (pct != null && !(pct >= 0 && pct <= 100)) {
                    problem(row, Column.PROGRESS_PCT, cell(cells, Column.PROGRESS_PCT), Rejection.INVALID_VALUE,
                            "progress_pct must be between 0 and 100");
                    pct = null;
                }
                Cell mc = cell(cells, Column.MILESTONE);
                if (mc != null) {
                    try {
                        milestone = Values.text(mc);
                        if (milestone.length() > MAX_MILESTONE) {
                            problem(row, Column.MILESTONE, mc, Rejection.INVALID_VALUE, "milestone longer than "
                                    + MAX_MILESTONE + " characters");
                        }
                    } catch (Values.Bad b) {
                        problem(row, Column.MILESTONE, mc, b.reason, b.getMessage());
                    }
                }
            }
            Instant reportedAt = null;
            Cell rc = cell(row, cells, Column.REPORTED_AT, true);
            if (rc != null) {
                try {
                    reportedAt = Values.time(rc, zone, date1904);
                } catch (Values.Bad b) {
                    problem(row, Column.REPORTED_AT, rc, b.reason, b.getMessage());
                }
            }
            if (problems.size() > before) {
                return;
            }
            String content = ReportIds.derive(kind, district, subject, period.toString(), amount, pct, milestone, reportedAt);
            String id = reportId != null ? reportId : content;
            Seen same = byId.get(id);
            if (same != null) {
                if (same.content.equals(content)) {
                    repeated.add("row " + row + " repeats row " + same.row);
                } else {
                    problem(row, Column.REPORT_ID, cell(cells, Column.REPORT_ID), "duplicate_id", "report_id already used in "
                            + "row " + same.row + " for other figures (the pipeline would drop this row as a duplicate)");
                }
                return;
            }
            String slot = subject + '\u0000' + period + '\u0000' + reportedAt.toEpochMilli();
            Seen other = bySlot.get(slot);
            if (other != null && !other.content.equals(content)) {
                problems.add(new Problem(row, -1, null, null, "conflicting_row", "row " + other.row + " reports other figures"
                        + " for the same " + kind.subject().field() + ", period and reported_at (the pipeline would keep "
                        + "one of them arbitrarily): give one of them a later reported_at or remove it"));
                return;
            }
            byId.put(id, new Seen(row, content));
            bySlot.putIfAbsent(slot, new Seen(row, content));
            int year = period.getYear();
            if (!today.isBefore(LocalDate.of(year + 1, 1, DEFAULT_DEADLINE_DAY).plusDays(1))) {
                closedYears.merge(year, 1, Integer::sum);
            }
            records.add(new ImportRecord(row, kind, id, reportId == null, subject, period.toString(), amount, pct,
                    milestone, reportedAt, district));
        }

        /** An id column's text: required ones refused when missing; no control characters, no longer than the pipeline takes. */
        private String id(int row, Cell[] cells, Column col, boolean required) {
            Cell c = cell(row, cells, col, required);
            if (c == null) {
                return null;
            }
            try {
                String v = Values.text(c);
                if (v.length() > EventDecoder.MAX_STRING) {
                    problem(row, col, c, Rejection.INVALID_VALUE, col.field() + " is longer than "
                            + EventDecoder.MAX_STRING + " characters");
                } else if (Values.hasControl(v)) {
                    problem(row, col, c, Rejection.INVALID_VALUE, col.field() + " holds control characters");
                } else if (TOTALS.contains(v.toLowerCase(Locale.ROOT))) {
                    problem(row, col, c, Rejection.INVALID_VALUE, "a total row, not a report: remove it");
                } else {
                    return v;
                }
            } catch (Values.Bad b) {
                problem(row, col, c, b.reason, b.getMessage());
            }
            return null;
        }

        private Double number(int row, Cell[] cells, Column col, boolean required, boolean nonNegative, boolean percent) {
            Cell c = cell(row, cells, col, required);
            if (c == null) {
                return null;
            }
            try {
                double v = Values.number(c, percent);
                if (nonNegative && v < 0) {
                    problem(row, col, c, Rejection.NEGATIVE_AMOUNT, col.field() + " is negative");
                    return null;
                }
                return v;
            } catch (Values.Bad b) {
                problem(row, col, c, b.reason, b.getMessage());
                return null;
            }
        }

        ImportResult finish(Path file) throws BadFile {
            if (headerRow < 0) {
                throw new BadFile(file + (sheet == null ? "" : " (sheet " + sheet + ")") + ": "
                        + (headerProblem != null ? headerProblem : noHeader()));
            }
            if (dataRows == 0) {
                throw new BadFile(file + ": no reports below the header (row " + headerRow + ")");
            }
            if (!emptyInside.isEmpty()) {
                notes.add("empty rows skipped: " + shortList(ranges(emptyInside)));
            }
            if (!repeated.isEmpty()) {
                notes.add("rows repeating an earlier row exactly, sent once: " + shortList(repeated));
            }
            closedYears.forEach((year, n) -> notes.add(n + " report(s) for " + year + ", a year closed on " + (year + 1)
                    + "-01-" + DEFAULT_DEADLINE_DAY + " unless its plan's report_deadline_day is later: the pipeline "
                    + "refuses them as late"));
            return new ImportResult(file, kind, sheet, headerRow, dataRows, List.copyOf(records), List.copyOf(problems),
                    List.copyOf(notes));
        }

        private String noHeader() {
            String expected = String.join(", ", kind.columns().stream().filter(Column::required)
                    .map(c -> c.field() + " (" + c.templateHeader() + ")").toList());
            return "no header row naming the columns " + expected + " in the first " + HEADER_SEARCH_ROWS
                    + " non-empty rows" + (firstRowSeen == null ? " (the file is empty)" : "; the first row is " + firstRowSeen);
        }

        /** Adjacent runs of rows joined: 5, 7-9. */
        private static List<String> ranges(List<int[]> rows) {
            List<String> out = new ArrayList<>();
            int from = -1;
            int to = -1;
            for (int[] r : rows) {
                if (from >= 0 && r[0] == to + 1) {
                    to = r[1];
                    continue;
                }
                if (from >= 0) {
                    out.add(from == to ? String.valueOf(from) : from + "-" + to);
                }
                from = r[0];
                to = r[1];
            }
            if (from >= 0) {
                out.add(from == to ? String.valueOf(from) : from + "-" + to);
            }
            return out;
        }

        private static String shortList(List<String> items) {
            return items.size() <= 10 ? String.join(", ", items)
                    : String.join(", ", items.subList(0, 10)) + " and " + (items.size() - 10) + " more";
        }
    }
}
