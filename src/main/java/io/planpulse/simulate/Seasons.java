package io.planpulse.simulate;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The seasons of the simulation, the same every year: flows (trucks, customs declarations, hub throughput) fall
 * around Spring Festival, on the real lunar new year dates, and project investment is low in the first months and
 * heaviest in the year-end push of the fourth quarter.
 */
public final class Seasons {
    /** 春节 (lunar new year's day), Gregorian dates. */
    static final Map<Integer, LocalDate> LUNAR_NEW_YEAR = Map.ofEntries(
            Map.entry(2015, LocalDate.of(2015, 2, 19)), Map.entry(2016, LocalDate.of(2016, 2, 8)),
            Map.entry(2017, LocalDate.of(2017, 1, 28)), Map.entry(2018, LocalDate.of(2018, 2, 16)),
            Map.entry(2019, LocalDate.of(2019, 2, 5)), Map.entry(2020, LocalDate.of(2020, 1, 25)),
            Map.entry(2021, LocalDate.of(2021, 2, 12)), Map.entry(2022, LocalDate.of(2022, 2, 1)),
            Map.entry(2023, LocalDate.of(2023, 1, 22)), Map.entry(2024, LocalDate.of(2024, 2, 10)),
            Map.entry(2025, LocalDate.of(2025, 1, 29)), Map.entry(2026, LocalDate.of(2026, 2, 17)),
            Map.entry(2027, LocalDate.of(2027, 2, 6)), Map.entry(2028, LocalDate.of(2028, 1, 26)),
            Map.entry(2029, LocalDate.of(2029, 2, 13)), Map.entry(2030, LocalDate.of(2030, 2, 3)),
            Map.entry(2031, LocalDate.of(2031, 1, 23)), Map.entry(2032, LocalDate.of(2032, 2, 11)),
            Map.entry(2033, LocalDate.of(2033, 1, 31)), Map.entry(2034, LocalDate.of(2034, 2, 19)),
            Map.entry(2035, LocalDate.of(2035, 2, 8)));

    /**
     * The Spring Festival dip of the flows, by day relative to lunar new year's day: traffic thins in the two
     * weeks before (workers travel home), all but stops during the seven-day holiday, and takes about two weeks to
     * come back. Linear between these points, 1 outside them.
     */
    private static final int[] DIP_DAYS = {-15, -8, -1, 0, 7, 8, 22};
    private static final double[] DIP_LEVEL = {1.0, 0.7, 0.5, 0.15, 0.15, 0.4, 1.0};

    /**
     * Weight of each month in a normal year's project investment, before the Spring Festival dip: a slow start
     * after the winter, a push at the end of each quarter (the quarterly statistics: 季末冲刺) and the biggest one at
     * the end of the year. Once the dip is applied about 0.17 of the year falls in Q1 and 0.33 in Q4.
     */
    private static final double[] INVESTMENT = {0.055, 0.055, 0.085, 0.065, 0.075, 0.105, 0.07, 0.075, 0.10, 0.075,
            0.09, 0.15};

    private Seasons() {
    }

    /** Lunar new year's day of a year (years the table lacks: 5 February, about its average). */
    public static LocalDate lunarNewYear(int year) {
        return LUNAR_NEW_YEAR.getOrDefault(year, LocalDate.of(year, 2, 5));
    }

    /** The level of the flows on a day, 1 on a normal day (below 1 around Spring Festival). */
    public static double springFestival(LocalDate day) {
        double best = 1.0;
        for (int year = day.getYear(); year <= day.getYear() + 1; year++) {
            long k = ChronoUnit.DAYS.between(lunarNewYear(year), day);
            best = Math.min(best, dip(k));
        }
        return best;
    }

    private static double dip(long k) {
        if (k <= DIP_DAYS[0] || k >= DIP_DAYS[DIP_DAYS.length - 1]) {
            return 1.0;
        }
        for (int i = 1; i < DIP_DAYS.length; i++) {
            if (k <= DIP_DAYS[i]) {
                double x = (k - DIP_DAYS[i - 1]) / (double) (DIP_DAYS[i] - DIP_DAYS[i - 1]);
                return DIP_LEVEL[i - 1] + x * (DIP_LEVEL[i] - DIP_LEVEL[i - 1]);
            }
        }
        return 1.0;
    }

    /**
     * The flows' rate on a day relative to the year's average day: the Spring Festival level over the year's mean
     * level, so a year still has its usual total (about 16 trucks a day on average).
     */
    public static double flow(LocalDate day) {
        return springFestival(day) / meanLevel(day.getYear());
    }

    private static final Map<Integer, Double> MEAN = new java.util.concurrent.ConcurrentHashMap<>();

    private static double meanLevel(int year) {
        return MEAN.computeIfAbsent(year, y -> {
            double sum = 0;
            int n = 0;
            for (LocalDate d = LocalDate.of(y, 1, 1); d.getYear() == y; d = d.plusDays(1)) {
                sum += springFestival(d);
                n++;
            }
            return sum / n;
        });
    }

    /**
     * The share of the year's project investment done in each month of {@code year}, January first, adding up to
     * 1: the normal year's shares, each scaled by the month's mean Spring Festival level (construction stops for
     * the holiday too), normalised.
     */
    public static double[] investment(int year) {
        double[] s = new double[12];
        double total = 0;
        for (int m = 0; m < 12; m++) {
            YearMonth ym = YearMonth.of(year, m + 1);
            double level = 0;
            for (int d = 1; d <= ym.lengthOfMonth(); d++) {
                level += springFestival(ym.atDay(d));
            }
            s[m] = INVESTMENT[m] * level / ym.lengthOfMonth();
            total += s[m];
        }
        for (int m = 0; m < 12; m++) {
            s[m] /= total;
        }
        return s;
    }

    /**
     * A front-loaded year of project investment (most of the work in the first half, little in the fourth
     * quarter), adding up to 1: the pattern of a project that finished its heavy works early.
     */
    public static double[] frontLoaded() {
        return new double[] {0.12, 0.12, 0.13, 0.13, 0.12, 0.10, 0.08, 0.06, 0.05, 0.04, 0.03, 0.02};
    }
}
