package io.planpulse.cli;

import io.planpulse.avro.KpiSnapshot;
import io.planpulse.avro.PlanTarget;
import io.planpulse.app.Config;
import io.planpulse.app.TopicAdmin;
import io.planpulse.base.Topics;
import io.planpulse.plan.PlanCodec;
import io.planpulse.plan.Target;
import io.planpulse.base.Districts;
import io.planpulse.plan.PlanCatalog;
import io.planpulse.report.DispatchReport;
import io.planpulse.report.ReportRequest;
import io.planpulse.report.Reports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code planpulse report}: the monthly dispatch report (月度调度通报) through a month, written to a file, from what the
 * cluster holds: the KPI snapshots on planpulse.kpi and the plan version they were computed from on planpulse.plan
 * (CONTRACT section 7; see docs/report.md).
 */
@Command(name = "report", description = "Write the monthly dispatch report (月度调度通报) through month M as HTML or XLSX, "
        + "from the KPI snapshots and the plan on the cluster.")
public final class ReportCommand implements Callable<Integer> {

    @Option(names = "--year", required = true, description = "Plan year.")
    String year;
    @Option(names = "--month", required = true, description = "Month of the report, 1 to 12: figures through its end.")
    String month;
    @Option(names = "--district", description = "6-digit district code (default: the deployment's, planpulse.district).")
    String district;
    @Option(names = "--format", description = "html (default) or xlsx.")
    String format;
    @Option(names = "--out", description = "File to write (default: report-YEAR-MM.html or .xlsx in the current directory).")
    Path out;
    @Option(names = "--as-of", description = "When the report is made, for the overdue list (a date or an ISO instant; "
            + "default: the pipeline's clock as the newest KPI snapshot shows it).")
    String asOf;
    @Mixin
    ClusterOptions cluster = new ClusterOptions();
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ReportRequest request;
        try {
            request = ReportRequest.parse(year, month, district, format);
        } catch (ReportRequest.Invalid e) {
            throw new BadInput("report: " + e.getMessage());
        }
        Config config = cluster.config(Map.of());
        Instant madeAt = asOf == null ? null : Inputs.asOf(asOf, config.zone());
        Path file = out != null ? out : Path.of(request.fileName());
        if (file.getParent() != null && !Files.isDirectory(file.getParent())) {
            throw new BadInput("--out: no such directory: " + file.getParent());
        }
        String deployment = config.get(Config.DISTRICT);

        String d = request.district() != null ? request.district() : deployment;
        // the KPI snapshots and plan targets of the year of d and, for a city, of every district it covers: read once
        java.util.function.Predicate<String> ofYear = k -> {
            String[] p = PlanCatalog.planOf(k, deployment);
            return p != null && p[1].equals(String.valueOf(request.year())) && Districts.covers(d, p[0]);
        };
        Map<String, KpiSnapshot> kpis = TopicAdmin.readTable(config.clients(), Topics.KPI.name(), ofYear,
                Topics.KPI_SNAPSHOT);
        Map<String, PlanTarget> plans = TopicAdmin.readTable(config.clients(), Topics.PLAN.name(),
                k -> !k.contains(PlanCatalog.MANIFEST) && ofYear.test(k), Topics.PLAN_TARGET);
        DispatchReport report;
        try {
            report = report(request, d, kpis, plans, deployment, madeAt, true);
            if (Districts.isAggregate(d)) {
                // a city's report: a section per covered district with KPIs of the year as well (CONTRACT section 7)
                java.util.Set<String> covered = new java.util.TreeSet<>();
                kpis.keySet().forEach(k -> covered.add(PlanCatalog.planOf(k, deployment)[0]));
                covered.remove(d);
                List<DispatchReport.District> sections = new ArrayList<>();
                for (String c : covered) {
                    DispatchReport theirs = report(new ReportRequest(request.year(), request.month(), c,
                            request.format()), c, kpis, plans, deployment, madeAt, false);
                    if (theirs != null) {
                        sections.addAll(theirs.districts());
                    }
                }
                report = report.withDistricts(sections);
            }
        } catch (Reports.NotFound e) {
            throw new BadInput("report: " + e.getMessage());
        }
        byte[] body = Reports.render(report, request.format());
        try {
            Files.write(file, body);
        } catch (IOException e) {
            throw new BadInput(file + ": cannot write: " + e.getMessage());
        }
        spec.commandLine().getOut().printf("report %d-%02d (%s): %d targets, %d lagging, %d overdue, %d early warnings "
                        + "written to %s%n", request.year(), request.month(), request.format().extension(),
                report.districts().get(0).rows().size(), report.districts().get(0).lagging().size(),
                report.districts().get(0).overdue().size(), report.districts().get(0).earlyWarnings().size(), file);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /**
     * The report of district {@code d}'s plan from the tables read; without plan targets, null unless {@code required}
     * (the requested district's own report, which then says what is missing).
     */
    private static DispatchReport report(ReportRequest request, String d, Map<String, KpiSnapshot> kpis,
                                         Map<String, PlanTarget> plans, String deployment, Instant madeAt,
                                         boolean required) {
        Map<String, KpiSnapshot> snapshots = snapshots(kpis, d, deployment, request.year());
        String version = version(snapshots.values());
        List<Target> targets = targets(plans, d, deployment, request.year(), version);
        if (targets.isEmpty() && !required) {
            return null;
        }
        return Reports.build(request, targets, snapshots.values(), d, version, madeAt);
    }

    /**
     * A district's year's KPI snapshots among planpulse.kpi's (committed records, tombstones applied), by target id:
     * keys district/year/id, and, for the deployment's district, year/id (written before districts) where no newer one
     * is.
     */
    static Map<String, KpiSnapshot> snapshots(Map<String, KpiSnapshot> table, String district, String deployment,
                                              int year) {
        Map<String, KpiSnapshot> out = new HashMap<>();
        String prefix = district + "/" + year + "/";
        String before = year + "/";
        if (district.equals(deployment)) {
            table.forEach((key, snapshot) -> {
                if (key.startsWith(before)) {
                    out.put(key.substring(before.length()), snapshot);
                }
            });
        }
        table.forEach((key, snapshot) -> {
            if (key.startsWith(prefix)) {
                out.put(key.substring(prefix.length()), snapshot);
            }
        });
        return out;
    }

    /**
     * The plan version the snapshots were computed from: of the versions whose every target has a snapshot, the one
     * evaluated last (a version being switched to is not complete yet); null for plans published before versions.
     */
    static String version(java.util.Collection<KpiSnapshot> snapshots) {
        Map<String, List<KpiSnapshot>> byVersion = new HashMap<>();
        for (KpiSnapshot s : snapshots) {
            byVersion.computeIfAbsent(String.valueOf(s.getPlanVersion()), v -> new ArrayList<>()).add(s);
        }
        Comparator<List<KpiSnapshot>> complete = Comparator.comparing(l -> l.get(0).getPlanSize() == null
                || l.size() >= l.get(0).getPlanSize());
        return byVersion.values().stream()
                .max(complete.thenComparing(l -> l.stream().map(KpiSnapshot::getUpdatedAt)
                        .max(Comparator.naturalOrder()).orElse(Instant.EPOCH)))
                .map(l -> l.get(0).getPlanVersion()).orElse(null);
    }

    /**
     * The targets of one version of a district's year's plan among planpulse.plan's records (version null: the records
     * without one); for the deployment's district, also the records published before districts (keys year/...).
     */
    static List<Target> targets(Map<String, PlanTarget> table, String district, String deployment, int year,
                                String version) {
        Map<String, PlanTarget> records = new HashMap<>();
        table.forEach((k, v) -> {
            if (k.startsWith(district + "/" + year + "/") || (district.equals(deployment) && k.startsWith(year + "/"))) {
                records.put(k, v);
            }
        });
        List<Target> out = new ArrayList<>();
        records.values().stream()
                .filter(p -> p.getYear() == year && Objects.equals(p.getPlanVersion(), version))
                .sorted(Comparator.comparing(PlanTarget::getId))
                .forEach(p -> out.add(PlanCodec.fromAvro(p)));
        return out;
    }
}
