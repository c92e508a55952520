package io.planpulse.base;

import java.util.ArrayList;
import java.util.List;

/**
 * The names of the KPI stage's partitioned topics and stores for a number of partitions
 * ({@code planpulse.kpi.partitions}): with 1, the names every release before partitions used (so a deployment keeps
 * its state across the upgrade); with P &gt; 1 the same names ending in {@code -pP}. Each partition count has topics
 * and stores of its own, so a change of the count never meets topics of the wrong width: the facts move from the
 * layout in use to the new one (see {@code KpiRelayout}).
 */
public record KpiLayout(int partitions) {
    public KpiLayout {
        if (partitions < 1) {
            throw new IllegalArgumentException("planpulse.kpi.partitions must be at least 1, not " + partitions);
        }
    }

    public static KpiLayout of(int partitions) {
        return new KpiLayout(partitions);
    }

    private String suffix() {
        return partitions == 1 ? "" : "-p" + partitions;
    }

    /** Per (year, stream, cell): the flow facts. */
    public String flowFacts() {
        return Topics.FLOW_FACT_STORE + suffix();
    }

    /** Per (year, stream, subject): the report in force for each month. */
    public String reportFacts() {
        return Topics.REPORT_FACT_STORE + suffix();
    }

    /** Per district/year/id: the snapshot last published by the KPI stage. */
    public String kpiLast() {
        return Topics.KPI_LAST_STORE + suffix();
    }

    /** Per district/year/stream/subject: the unplanned subject last published. */
    public String unplannedLast() {
        return Topics.UNPLANNED_LAST_STORE + suffix();
    }

    /** Per (aggregate plan, KPI partition): the partition's latest contribution. */
    public String aggregateParts() {
        return Topics.AGGREGATE_PARTS_STORE + suffix();
    }

    /** Per aggregate plan's district/year/id: the snapshot last published by the aggregate stage. */
    public String aggregateLast() {
        return Topics.AGGREGATE_LAST_STORE + suffix();
    }

    /**
     * The stores whose state moves to another partition count: the KPI stage's, by district, and the aggregate
     * stage's KPIs, by province (its contributions are sent again by every KPI partition when it starts).
     */
    public List<String> movedStores() {
        return List.of(flowFacts(), reportFacts(), kpiLast(), unplannedLast(), aggregateLast());
    }

    /** The repartition name of one stream's way into the KPI stage (topic: APP_ID-NAME-repartition). */
    public String kpiInputRepartition(Stream s) {
        return Topics.KPI_INPUT_REPARTITION + "-" + s.type().replace('_', '-') + suffix();
    }

    /** The repartition name of the contributions to the aggregate stage. */
    public String contributionsRepartition() {
        return Topics.KPI_CONTRIBUTIONS_REPARTITION + suffix();
    }

    /** The KPI stage's input topics of an application: one repartition topic per stream. */
    public List<String> kpiInputTopics(String applicationId) {
        List<String> out = new ArrayList<>();
        for (Stream s : Stream.values()) {
            out.add(applicationId + "-" + kpiInputRepartition(s) + "-repartition");
        }
        return out;
    }

    /** What every KPI-stage input topic's name of an application starts with, whatever the partition count. */
    public static String kpiInputPrefix(String applicationId) {
        return applicationId + "-" + Topics.KPI_INPUT_REPARTITION + "-";
    }

    /** The aggregate stage's input topic of an application. */
    public String contributionsTopic(String applicationId) {
        return applicationId + "-" + contributionsRepartition() + "-repartition";
    }

    /** The changelog topic of a store of an application. */
    public static String changelog(String applicationId, String store) {
        return applicationId + "-" + store + "-changelog";
    }
}
