package io.planpulse.importer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The report_id of a row without one: {@code imp-} and 32 hex digits (128 bits) of a SHA-256 over the record's
 * normalised fields (type, district, subject, period, amount and percentage as plain decimals, milestone, reported_at
 * in epoch milliseconds), each length-prefixed so that no two different records hash the same text. The same report
 * has the same id whether it comes from CSV or xlsx, from this run or the next, so importing a file again is a
 * duplicate the pipeline counts and drops. A row's number is not part of it: moving rows changes nothing.
 */
public final class ReportIds {
    public static final String PREFIX = "imp-";

    private ReportIds() {
    }

    public static String derive(ReportKind kind, String district, String subject, String period, double amount,
                                Double progressPct, String milestone, Instant reportedAt) {
        StringBuilder b = new StringBuilder();
        field(b, kind.type());
        field(b, district == null ? "" : district);
        field(b, subject);
        field(b, period);
        field(b, Values.plain(amount));
        field(b, progressPct == null ? "" : Values.plain(progressPct));
        field(b, milestone == null ? "" : milestone);
        field(b, Long.toString(reportedAt.toEpochMilli()));
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static void field(StringBuilder b, String v) {
        b.append(v.length()).append(':').append(v).append(';');
    }
}
