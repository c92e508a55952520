package io.planpulse.report;

import java.util.Locale;

/**
 * What a dispatch report is asked for, from the command line or {@code GET /report}: checked once here, so both give
 * the same message for the same mistake.
 */
public record ReportRequest(int year, int month, String district, Format format) {

    /** The deployment's district when none is configured (CONTRACT section 1b: {@code planpulse.district}). */
    public static final String DEFAULT_DISTRICT = io.planpulse.base.Districts.DEFAULT;

    /** The report's file formats. */
    public enum Format {
        HTML("html", "text/html; charset=utf-8"),
        XLSX("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");

        private final String extension;
        private final String contentType;

        Format(String extension, String contentType) {
            this.extension = extension;
            this.contentType = contentType;
        }

        public String extension() {
            return extension;
        }

        public String contentType() {
            return contentType;
        }

        static Format parse(String s) {
            for (Format f : values()) {
                if (f.extension.equals(s.toLowerCase(Locale.ROOT))) {
                    return f;
                }
            }
            throw new Invalid("format must be html or xlsx, not '" + s + "'");
        }
    }

    /** A request that names no report: the message says which value is wrong and why. */
    public static final class Invalid extends IllegalArgumentException {
        public Invalid(String message) {
            super(message);
        }
    }

    /**
     * @param year     required, 2000..2100
     * @param month    required, 1..12
     * @param district optional 6-digit code (null: the deployment's)
     * @param format   optional, html (default) or xlsx
     */
    public static ReportRequest parse(String year, String month, String district, String format) {
        if (year == null || year.isBlank()) {
            throw new Invalid("year is required (e.g. year=2025)");
        }
        if (month == null || month.isBlank()) {
            throw new Invalid("month is required (1 to 12)");
        }
        int y = number("year", year);
        if (y < 2000 || y > 2100) {
            throw new Invalid("year out of range: " + year + " (2000 to 2100)");
        }
        int m = number("month", month);
        if (m < 1 || m > 12) {
            throw new Invalid("month must be 1 to 12, not " + month);
        }
        if (district != null && !district.matches("\\d{6}")) {
            throw new Invalid("district must be a 6-digit administrative division code (e.g. 500113), not '"
                    + district + "'");
        }
        Format f = format == null || format.isBlank() ? Format.HTML : Format.parse(format.trim());
        return new ReportRequest(y, m, district, f);
    }

    private static int number(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new Invalid(name + " must be a number, not '" + value + "'");
        }
    }

    /** The default file name, e.g. {@code report-2025-06.html} ({@code report-500112-2025-06.html} for another district). */
    public String fileName() {
        String d = district == null || district.equals(DEFAULT_DISTRICT) ? "" : district + "-";
        return String.format("report-%s%d-%02d.%s", d, year, month, format.extension());
    }
}
