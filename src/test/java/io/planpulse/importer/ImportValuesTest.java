package io.planpulse.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ImportValuesTest {
    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    private static double num(String s) throws Values.Bad {
        return Values.number(Cell.text(s), false);
    }

    @Test
    void shouldReadNumbersStoredAsText() throws Exception {
        assertThat(num("1,234.5")).isEqualTo(1234.5);
        assertThat(num(" 12 ")).isEqualTo(12);
        assertThat(num("\u00a012\u3000")).isEqualTo(12);
        assertThat(num("１２，３４５")).isEqualTo(12345);
        assertThat(num("-0.5")).isEqualTo(-0.5);
        assertThat(num("1.5E3")).isEqualTo(1500);
        assertThat(Values.number(Cell.text("45%"), true)).isEqualTo(45);
        assertThat(Values.number(Cell.number(0.45, Cell.Type.PERCENT), true)).isEqualTo(45);
        for (String bad : new String[] {"1,23", "12元", "1.2.3", "abc", "45%", "NaN", "Infinity"}) {
            assertThatThrownBy(() -> num(bad)).as(bad).isInstanceOf(Values.Bad.class);
        }
    }

    @Test
    void shouldReadPeriodsInTheFormsPeopleTypeThem() throws Exception {
        for (String p : new String[] {"2025-06", "2025/6", "2025.06", "2025年6月", "202506", "2025-06-30", "2025/6/1"}) {
            assertThat(Values.period(Cell.text(p), ZONE, false)).as(p).isEqualTo(YearMonth.of(2025, 6));
        }
        assertThat(Values.period(Cell.number(202506, Cell.Type.NUMBER), ZONE, false)).isEqualTo(YearMonth.of(2025, 6));
        assertThat(Values.period(Cell.number(45809, Cell.Type.DATE), ZONE, false)).isEqualTo(YearMonth.of(2025, 6));
        assertThat(Values.period(Cell.number(45809, Cell.Type.NUMBER), ZONE, false)).isEqualTo(YearMonth.of(2025, 6));
        for (String bad : new String[] {"2025-13", "June", "2025", "25-06"}) {
            assertThatThrownBy(() -> Values.period(Cell.text(bad), ZONE, false)).as(bad)
                    .isInstanceOfSatisfying(Values.Bad.class, b -> assertThat(b.reason).isEqualTo("bad_period"));
        }
    }

    @Test
    void shouldReadTimesInTheDeploymentZoneAndExcelSerialsInBothDateSystems() throws Exception {
        Instant tenth = Instant.parse("2025-06-09T16:00:00Z");
        for (String t : new String[] {"2025-06-10", "2025/6/10", "2025年6月10日", "20250610", "2025-06-10T00:00:00+08:00"}) {
            assertThat(Values.time(Cell.text(t), ZONE, false)).as(t).isEqualTo(tenth);
        }
        assertThat(Values.time(Cell.text("2025/6/10 14:30:15"), ZONE, false)).isEqualTo(Instant.parse("2025-06-10T06:30:15Z"));
        assertThat(Values.time(Cell.number(45818, Cell.Type.DATE), ZONE, false)).isEqualTo(tenth);
        assertThat(Values.time(Cell.number(45818, Cell.Type.NUMBER), ZONE, false)).isEqualTo(tenth);
        assertThat(Values.time(Cell.number(45818 - 1462, Cell.Type.DATE), ZONE, true)).isEqualTo(tenth);
        assertThat(Values.time(Cell.number(45818.5, Cell.Type.DATE), ZONE, false)).isEqualTo(Instant.parse("2025-06-10T04:00:00Z"));
        for (String bad : new String[] {"2025-02-30", "10/6/2025", "2025-06-10 25:00", "tomorrow"}) {
            assertThatThrownBy(() -> Values.time(Cell.text(bad), ZONE, false)).as(bad).isInstanceOf(Values.Bad.class);
        }
        assertThatThrownBy(() -> Values.time(Cell.number(12_345_678, Cell.Type.NUMBER), ZONE, false))
                .isInstanceOf(Values.Bad.class);
    }

    @Test
    void shouldEchoValuesQuotedWithControlCharactersEscapedAndLongOnesCut() {
        assertThat(Values.quoted("a\"b\\c\nd\te\u0000f\u202eg")).isEqualTo("\"a\\\"b\\\\c\\nd\\te\\u0000f\\u202eg\"");
        assertThat(Values.quoted("x".repeat(100))).isEqualTo("\"" + "x".repeat(60) + "... (100 characters)\"");
        assertThat(Values.plain(1.0)).isEqualTo("1");
        assertThat(Values.plain(1234.50)).isEqualTo("1234.5");
        assertThat(Values.plain(1e20)).isEqualTo("100000000000000000000");
        assertThat(Problem.letter(0)).isEqualTo("A");
        assertThat(Problem.letter(25)).isEqualTo("Z");
        assertThat(Problem.letter(26)).isEqualTo("AA");
        assertThat(Problem.letter(27 * 26)).isEqualTo("AAA");
    }
}
