package io.planpulse.kpi;

/** One month of a target's breakdown: the month's value and the actual through its end (null: no data yet). */
public record MonthPoint(String month, Double value, Double cumulative) {
}
