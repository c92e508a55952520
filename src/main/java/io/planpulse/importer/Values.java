package io.planpulse.importer;

import io.planpulse.events.Rejection;
import java.math.BigDecimal;
import java.text.Normalizer;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.poi.ss.usermodel.DateUtil;

/**
 * How the cells of a sheet become field values: numbers stored as text, Excel dates (date-formatted cells and plain
 * serial numbers), dates as text in the deployment's zone, periods in the forms people type them. Each refusal carries
 * the reason code the pipeline gives the same fault ({@link Rejection}).
 */
final class Values {
    /** Serial numbers taken for dates: 1900-01-01 to 2099-12-31 (1900 date system). */
    static final double FIRST_SERIAL = 1;
    static final double LAST_SERIAL = 73050;
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d{1,3}(,\\d{3})+|\\d+)(\\.\\d+)?([eE][+-]?\\d+)?|[+-]?\\.\\d+");
    private static final Pattern DATE = Pattern.compile(
            "(\\d{4})\\s*[-/.年]\\s*(\\d{1,2})\\s*[-/.月]\\s*(\\d{1,2})\\s*日?"
                    + "(?:(?:\\s+|T)(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?)?");
    private static final Pattern YYYYMMDD = Pattern.compile("(\\d{4})(\\d{2})(\\d{2})");
    private static final Pattern MONTH = Pattern.compile("(\\d{4})\\s*[-/.年]\\s*(\\d{1,2})\\s*月?");
    private static final Pattern YYYYMM = Pattern.compile("(\\d{4})(\\d{2})");
    private static final Pattern OFFSET = Pattern.compile(".*T.*([+-]\\d{2}:?\\d{2}|Z)");

    /** A value a column cannot take: the pipeline's reason code and what is wrong. */
    static final class Bad extends Exception {
        final String reason;

        Bad(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }

    private Values() {
    }

    /** Without leading and trailing blanks, no-break and ideographic spaces and a BOM included. */
    static String trim(String s) {
        if (s == null) {
            return "";
        }
        int b = 0;
        int e = s.length();
        while (b < e && blankChar(s.charAt(b))) {
            b++;
        }
        while (e > b && blankChar(s.charAt(e - 1))) {
            e--;
        }
        return s.substring(b, e);
    }

    private static boolean blankChar(char c) {
        return Character.isWhitespace(c) || c == '\u00a0' || c == '\u3000' || c == '\ufeff' || c == '\u200b';
    }

    /** Full-width digits and signs folded (１２３，４ is 123,4), then trimmed: what numbers and dates are read from. */
    private static String folded(String s) {
        return trim(Normalizer.normalize(s, Normalizer.Form.NFKC));
    }

    /** A number as plain decimal text: 1234.5, 7, 0.1 (the shortest that reads back as the same double). */
    static String plain(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        BigDecimal d = BigDecimal.valueOf(v).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
    }

    /**
     * A number: a numeric cell, or text such as {@code 1,234.5}, {@code " 12 "}, {@code １２}. With {@code percent},
     * a percentage-formatted cell (0.85 shown as 85%) and text ending in {@code %} give the figure shown (85).
     */
    static double number(Cell c, boolean percent) throws Bad {
        switch (c.type()) {
            case NUMBER:
                return c.number();
            case PERCENT:
                // 0.45 shown as 45% is 45, not 45.00000000000001
                return percent ? BigDecimal.valueOf(c.number()).movePointRight(2).doubleValue() : c.number();
            case DATE:
                throw new Bad(Rejection.INVALID_VALUE, "a date, not a number (the cell has a date format)");
            case TEXT:
                break;
            default:
                throw new Bad(Rejection.INVALID_VALUE, "not a number");
        }
        String s = folded(c.text());
        boolean pct = percent && s.endsWith("%");
        if (pct) {
            s = trim(s.substring(0, s.length() - 1));
        }
        if (!NUMBER.matcher(s).matches()) {
            throw new Bad(Rejection.INVALID_VALUE, "not a number (write digits, optionally with a decimal point and "
                    + "thousands commas: 1,234.5)");
        }
        double v = new BigDecimal(s.replace(",", "")).doubleValue();
        if (!Double.isFinite(v)) {
            throw new Bad(Rejection.INVALID_VALUE, "not a finite number");
        }
        return v;
    }

    /** An id or text field: trimmed text, or a number's plain decimal (a project code typed as 1001 is "1001"). */
    static String text(Cell c) throws Bad {
        return switch (c.type()) {
            case TEXT -> trim(c.text());
            case NUMBER -> plain(c.number());
            case DATE, PERCENT -> throw new Bad(Rejection.INVALID_VALUE, "a formatted number (date or percentage), not text: "
                    + "format the column as text");
            case BOOLEAN, ERROR -> throw new Bad(Rejection.INVALID_VALUE, "not text");
        };
    }

    /**
     * A time: a date-formatted cell or a plain serial number (Excel's days since 1900, or 1904 when the workbook says
     * so), a number yyyyMMdd, or text: {@code 2025-06-10}, {@code 2025/6/10}, {@code 2025年6月10日}, each optionally
     * with {@code 14:30} or {@code 14:30:15}, taken in {@code zone}; or an ISO-8601 time with an offset.
     */
    static Instant time(Cell c, ZoneId zone, boolean date1904) throws Bad {
        return switch (c.type()) {
            case DATE, NUMBER -> fromNumber(c.number(), date1904).atZone(zone).toInstant();
            case TEXT -> fromText(folded(c.text()), zone);
            default -> throw new Bad(Rejection.INVALID_VALUE, "not a date");
        };
    }

    private static LocalDateTime fromNumber(double v, boolean date1904) throws Bad {
        if (v == Math.rint(v) && v >= 19000101 && v <= 20991231) {
            Matcher m = YYYYMMDD.matcher(String.valueOf((long) v));
            if (m.matches()) {
                return date(m.group(1), m.group(2), m.group(3)).atStartOfDay();
            }
        }
        if (v < FIRST_SERIAL || v > LAST_SERIAL) {
            throw new Bad(Rejection.INVALID_VALUE, "not a date (an Excel date serial from " + (long) FIRST_SERIAL + " to "
                    + (long) LAST_SERIAL + ", or yyyyMMdd)");
        }
        return DateUtil.getLocalDateTime(v, date1904, true);
    }

    private static Instant fromText(String s, ZoneId zone) throws Bad {
        Matcher m = DATE.matcher(s);
        if (m.matches()) {
            LocalDate d = date(m.group(1), m.group(2), m.group(3));
            if (m.group(4) == null) {
                return d.atStartOfDay(zone).toInstant();
            }
            try {
                String frac = m.group(7) == null ? "0" : (m.group(7) + "000000000").substring(0, 9);
                return d.atTime(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                        m.group(6) == null ? 0 : Integer.parseInt(m.group(6)), Integer.parseInt(frac))
                        .atZone(zone).toInstant().truncatedTo(ChronoUnit.MILLIS);
            } catch (DateTimeException e) {
                throw new Bad(Rejection.INVALID_VALUE, "no such time of day");
            }
        }
        m = YYYYMMDD.matcher(s);
        if (m.matches()) {
            return date(m.group(1), m.group(2), m.group(3)).atStartOfDay(zone).toInstant();
        }
        if (OFFSET.matcher(s).matches()) {
            try {
                return (s.endsWith("Z") ? Instant.parse(s) : OffsetDateTime.parse(s).toInstant()).truncatedTo(ChronoUnit.MILLIS);
            } catch (DateTimeParseException e) {
                // refused below
            }
        }
        throw new Bad(Rejection.INVALID_VALUE, "not a date (2025-06-10, 2025/6/10, 2025年6月10日, optionally with 14:30, "
                + "or an Excel date)");
    }

    private static LocalDate date(String y, String m, String d) throws Bad {
        try {
            return LocalDate.of(Integer.parseInt(y), Integer.parseInt(m), Integer.parseInt(d));
        } catch (DateTimeException e) {
            throw new Bad(Rejection.INVALID_VALUE, "no such date");
        }
    }

    /**
     * A period: text {@code 2025-06}, {@code 2025/6}, {@code 2025年6月}, {@code 202506}, a number 202506, or a date
     * (a date cell, a serial, or text such as 2025-06-01 or 2025/6/30): the month it falls in.
     */
    static YearMonth period(Cell c, ZoneId zone, boolean date1904) throws Bad {
        switch (c.type()) {
            case NUMBER:
                double v = c.number();
                if (v == Math.rint(v) && v >= 190001 && v <= 209912) {
                    return month(String.valueOf((long) v / 100), String.valueOf((long) v % 100));
                }
                return YearMonth.from(badPeriod(() -> fromNumber(v, date1904)));
            case DATE:
                return YearMonth.from(badPeriod(() -> fromNumber(c.number(), date1904)));
            case TEXT:
                break;
            default:
                throw new Bad(Rejection.BAD_PERIOD, "not a month");
        }
        String s = folded(c.text());
        Matcher m = MONTH.matcher(s);
        if (m.matches()) {
            return month(m.group(1), m.group(2));
        }
        m = YYYYMM.matcher(s);
        if (m.matches()) {
            return month(m.group(1), m.group(2));
        }
        return YearMonth.from(badPeriod(() -> LocalDate.ofInstant(fromText(s, zone), zone)));
    }

    private interface Parse<T> {
        T get() throws Bad;
    }

    private static <T> T badPeriod(Parse<T> p) throws Bad {
        try {
            return p.get();
        } catch (Bad b) {
            throw new Bad(Rejection.BAD_PERIOD, "not a month (2025-06, 2025/6, 2025年6月, 202506 or a date in the month)");
        }
    }

    private static YearMonth month(String y, String m) throws Bad {
        int month = Integer.parseInt(m);
        if (month < 1 || month > 12) {
            throw new Bad(Rejection.BAD_PERIOD, "no month " + month);
        }
        return YearMonth.of(Integer.parseInt(y), month);
    }

    /** A value as it is echoed in a message: quoted, control characters escaped, long ones cut. */
    static String quoted(String s) {
        return s == null ? "(empty)" : "\"" + escaped(s) + "\"";
    }

    /** Text fit for a terminal line: quotes, backslashes and control characters escaped, cut after 60 characters. */
    static String escaped(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 60; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    int t = Character.getType(c);
                    if (Character.isISOControl(c) || t == Character.FORMAT || t == Character.LINE_SEPARATOR
                            || t == Character.PARAGRAPH_SEPARATOR) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        if (s.length() > 60) {
            b.append("... (").append(s.length()).append(" characters)");
        }
        return b.toString();
    }

    /** Control characters (other than a cell's line breaks) have no place in an id. */
    static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i)) || Character.getType(s.charAt(i)) == Character.FORMAT) {
                return true;
            }
        }
        return false;
    }
}
