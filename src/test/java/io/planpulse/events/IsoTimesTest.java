package io.planpulse.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-read ISO-8601 times give what OffsetDateTime.parse gives (cut to the millisecond), or refuse alike. */
class IsoTimesTest {

    static String expected(String s) {
        try {
            return Instant.ofEpochMilli(OffsetDateTime.parse(s).toInstant().toEpochMilli()).toString();
        } catch (RuntimeException e) {
            return "refused";
        }
    }

    static String actual(String s) {
        try {
            return IsoTimes.parseMillis(s).toString();
        } catch (RuntimeException e) {
            return "refused";
        }
    }

    @Test
    void shouldReadEveryTimeAsTheFormatterDoes() {
        List<String> edges = List.of("2025-06-01T08:30:00+08:00", "2025-06-01T08:30:00Z", "2025-06-01T08:30:00.1Z",
                "2025-06-01T08:30:00.123456789-05:30", "2025-06-01T08:30:00.1234567891Z", "2025-06-01T08:30:00.Z",
                "2025-06-01T08:30+08:00", "2025-06-01t08:30:00z", "2025-02-29T00:00:00Z", "2024-02-29T00:00:00Z",
                "2025-06-31T00:00:00Z", "2025-13-01T00:00:00Z", "2025-06-01T24:00:00Z", "2025-06-01T23:59:60Z",
                "2025-06-01T08:30:00+18:00", "2025-06-01T08:30:00+18:01", "2025-06-01T08:30:00-18:00",
                "2025-06-01T08:30:00+0800", "2025-06-01T08:30:00+08", "2025-06-01T08:30:00+08:00:30",
                "2025-06-01T08:30:00", "+12025-06-01T08:30:00Z", "0000-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z",
                "1969-12-31T23:59:59.9999+00:00", "2025-06-01 08:30:00Z", " 2025-06-01T08:30:00Z", "2025-06-01T08:30:00Z ",
                "2025-06-01T08:30:00\u0660Z", "", "2025", "2025-06-01T08:30:00-00:00", "9999-12-31T23:59:59.999-18:00");
        for (String s : edges) {
            assertThat(actual(s)).as(s).isEqualTo(expected(s));
        }
        Random rnd = new Random(8);
        String alphabet = "0123456789-:T.Z+ zt";
        for (int i = 0; i < 200_000; i++) {
            String s;
            if (i % 2 == 0) {
                Instant t = Instant.ofEpochSecond(rnd.nextLong() % 400_000_000_000L, rnd.nextInt(1_000_000_000));
                ZoneOffset off = ZoneOffset.ofTotalSeconds((rnd.nextInt(73) - 36) * 1800);
                s = t.atOffset(off).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            } else {
                StringBuilder b = new StringBuilder("2025-06-01T08:30:00.123+08:00");
                for (int k = rnd.nextInt(3); k >= 0; k--) {
                    b.setCharAt(rnd.nextInt(b.length()), alphabet.charAt(rnd.nextInt(alphabet.length())));
                }
                s = b.toString();
            }
            assertThat(actual(s)).as(s).isEqualTo(expected(s));
        }
    }
}
