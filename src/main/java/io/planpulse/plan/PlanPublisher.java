package io.planpulse.plan;

import io.planpulse.avro.PlanTarget;
import io.planpulse.avro.PlanVersion;
import io.planpulse.base.Topics;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.streams.KeyValue;

/**
 * What loading a plan writes to planpulse.plan, in one transaction: the version's targets under
 * {@code district/year/v/VERSION/id}, then its manifest under {@code district/year/~version/VERSION} (see
 * {@link PlanCatalog}), and tombstones for the records of the same district's year's older versions beyond the last
 * {@link #KEEP_VERSIONS} (and for records of plans published before versions existed, and, for the deployment's
 * district, of the year's records published before districts, keyed {@code year/...}), so the topic stays small while
 * a refused version still leaves the one before it on the topic. Other districts' records are never touched.
 */
public final class PlanPublisher {
    /** Versions of a year kept on the topic, the new one included. */
    public static final int KEEP_VERSIONS = 3;
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private PlanPublisher() {
    }

    /** A new version id: when it was loaded, and a random suffix. */
    public static String newVersion(Instant loadedAt) {
        return ID.format(loadedAt) + "-" + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    }

    /**
     * @param existing the records planpulse.plan holds now (key → value), to find what to tombstone
     * @param source   the file name, shown at GET /api/plans
     */
    public static List<KeyValue<String, byte[]>> records(Plan plan, Map<String, byte[]> existing, String version,
                                                         Instant loadedAt, String source) {
        return records(plan, existing, version, loadedAt, source, plan.district());
    }

    /**
     * @param plan       a plan with its district ({@link Plan#inDistrict})
     * @param deployment the deployment's district: a plan of it also replaces the year's records published before
     *                   districts
     */
    public static List<KeyValue<String, byte[]>> records(Plan plan, Map<String, byte[]> existing, String version,
                                                         Instant loadedAt, String source, String deployment) {
        if (plan.district() == null) {
            throw new IllegalArgumentException("a plan is published with its district");
        }
        List<KeyValue<String, byte[]>> out = new ArrayList<>();
        if (plan.district().equals(deployment)) {
            String before = plan.year() + "/";
            for (String k : existing.keySet()) {
                if (k.startsWith(before)) {
                    out.add(KeyValue.pair(k, null));
                }
            }
        }
        String prefix = plan.district() + "/" + plan.year() + "/";
        // older versions of the year, newest first
        List<PlanVersion> older = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : existing.entrySet()) {
            if (e.getKey().startsWith(prefix + PlanCatalog.MANIFEST.substring(1)) && e.getValue() != null) {
                try {
                    older.add(Topics.PLAN_VERSION.decode(e.getValue()));
                } catch (java.io.IOException | RuntimeException ex) {
                    // an unreadable manifest keeps nothing in force: tombstone it with the legacy records below
                }
            }
        }
        older.sort(Comparator.comparing(PlanVersion::getLoadedAt).reversed());
        List<String> dropped = older.stream().skip(KEEP_VERSIONS - 1).map(PlanVersion::getVersion).toList();
        for (String k : existing.keySet()) {
            if (!k.startsWith(prefix)) {
                continue;
            }
            boolean legacy = !k.contains(PlanCatalog.TARGETS) && !k.contains(PlanCatalog.MANIFEST);
            boolean old = dropped.stream().anyMatch(v -> k.startsWith(prefix + "v/" + v + "/")
                    || k.equals(prefix + "~version/" + v));
            if (legacy || old) {
                out.add(KeyValue.pair(k, null));
            }
        }
        for (Target t : plan.targets()) {
            PlanTarget p = PlanCodec.toAvro(t);
            p.setPlanVersion(version);
            p.setDistrict(plan.district());
            p.setDistrictName(plan.districtName());
            out.add(KeyValue.pair(targetKey(plan.district(), plan.year(), version, t.id()), Topics.PLAN_TARGET.encode(p)));
        }
        PlanVersion m = PlanVersion.newBuilder().setYear(plan.year()).setVersion(version).setLoadedAt(loadedAt)
                .setTargets(plan.targets().size()).setTimezone(plan.timezone()).setSource(source)
                .setDistrict(plan.district()).setDistrictName(plan.districtName()).build();
        out.add(KeyValue.pair(manifestKey(plan.district(), plan.year(), version), Topics.PLAN_VERSION.encode(m)));
        return out;
    }

    public static String targetKey(String district, int year, String version, String id) {
        return district + "/" + year + PlanCatalog.TARGETS + version + "/" + id;
    }

    public static String manifestKey(String district, int year, String version) {
        return district + "/" + year + PlanCatalog.MANIFEST + version;
    }
}
