package io.planpulse.pipeline;

import io.planpulse.base.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.planpulse.avro.HubThroughput;
import io.planpulse.avro.IndicatorReport;
import io.planpulse.avro.KpiSnapshot;
import io.planpulse.avro.ProjectProgress;
import io.planpulse.avro.RejectedRecord;
import io.planpulse.avro.StatusChange;
import io.planpulse.avro.TradeDeclaration;
import io.planpulse.avro.TruckDeparture;
import io.planpulse.avro.UnplannedSubject;
import io.planpulse.plan.Plan;
import io.planpulse.plan.PlanCatalog;
import io.planpulse.plan.PlanLoader;
import io.planpulse.plan.PlanPublisher;
import io.planpulse.base.Stream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The production topology in a TopologyTestDriver started at a fixed instant, with an as-of clock set by the test. */
public final class TopologyFixture implements AutoCloseable {
    static final Instant WALL_START = Instant.parse("2025-01-01T00:00:00Z");

    final MutableClock clock;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    public final TopologyTestDriver driver;
    private final PlanpulseTopology.Settings settings;
    private final Map<Stream, TestInputTopic<byte[], byte[]>> inputs = new EnumMap<>(Stream.class);
    private final TestInputTopic<String, byte[]> plan;
    private final TestOutputTopic<String, KpiSnapshot> kpi;
    private final TestOutputTopic<String, StatusChange> status;
    private final TestOutputTopic<String, RejectedRecord> rejected;
    private final Map<String, KpiSnapshot> table = new LinkedHashMap<>();
    private final Map<String, byte[]> planRecords = new HashMap<>();
    private final TestOutputTopic<String, UnplannedSubject> unplannedTopic;
    private final TestOutputTopic<String, io.planpulse.avro.DistrictFacts> districtFactsTopic;
    /** planpulse.district-facts as a compacted topic reads: key district/year. */
    final Map<String, io.planpulse.avro.DistrictFacts> districtFacts = new java.util.TreeMap<>();
    final Map<String, UnplannedSubject> unplanned = new LinkedHashMap<>();
    final List<KpiSnapshot> snapshots = new ArrayList<>();
    final List<StatusChange> statusChanges = new ArrayList<>();
    public final List<RejectedRecord> rejects = new ArrayList<>();

    public TopologyFixture(String asOf) throws Exception {
        this(asOf, java.time.ZoneId.of("Asia/Shanghai"), PlanpulseTopology.DEFAULT_MAX_CELLS);
    }

    /** With at most {@code maxCells} flow cells per (stream, year) ({@code planpulse.facts.max-cells}). */
    public TopologyFixture(String asOf, int maxCells) throws Exception {
        this(asOf, java.time.ZoneId.of("Asia/Shanghai"), maxCells);
    }

    /** A deployment in {@code zone} (planpulse.timezone). */
    public TopologyFixture(String asOf, java.time.ZoneId zone) throws Exception {
        this(asOf, zone, PlanpulseTopology.DEFAULT_MAX_CELLS);
    }

    public TopologyFixture(String asOf, java.time.ZoneId zone, int maxCells) throws Exception {
        this(asOf, zone, maxCells, PlanpulseTopology.DEFAULT_DISTRICT);
    }

    /** A deployment whose district ({@code planpulse.district}) is {@code district}: its plans', and events' without one. */
    public TopologyFixture(String asOf, java.time.ZoneId zone, int maxCells, String district) throws Exception {
        clock = new MutableClock(OffsetDateTime.parse(asOf).toInstant());
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "planpulse-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("planpulse-ttd").toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        settings = PlanpulseTopology.Settings.defaults(clock, zone).withMaxCells(maxCells).withDistrict(district);
        driver = new TopologyTestDriver(PlanpulseTopology.build(settings, registry), props, WALL_START);
        for (Stream s : Stream.values()) {
            inputs.put(s, driver.createInputTopic(s.topic(), new ByteArraySerializer(), new ByteArraySerializer(),
                    WALL_START, Duration.ofMillis(1)));
        }
        plan = driver.createInputTopic(Topics.PLAN.name(), new StringSerializer(), new ByteArraySerializer());
        kpi = driver.createOutputTopic(Topics.KPI.name(), new StringDeserializer(), Topics.KPI_SNAPSHOT.serde().deserializer());
        status = driver.createOutputTopic(Topics.STATUS_CHANGES.name(), new StringDeserializer(),
                Topics.STATUS_CHANGE.serde().deserializer());
        rejected = driver.createOutputTopic(Topics.REJECTED.name(), new StringDeserializer(),
                Topics.REJECTED_RECORD.serde().deserializer());
        districtFactsTopic = driver.createOutputTopic(Topics.DISTRICTS.name(), new StringDeserializer(),
                Topics.DISTRICT_FACTS.serde().deserializer());
        unplannedTopic = driver.createOutputTopic(Topics.UNPLANNED.name(), new StringDeserializer(),
                Topics.UNPLANNED_SUBJECT.serde().deserializer());
    }

    public static Plan testPlan() throws Exception {
        return plan("/plans/test-2025.yaml");
    }

    static Plan plan(String resource) throws Exception {
        try (var in = TopologyFixture.class.getResourceAsStream(resource)) {
            return PlanLoader.load(resource, new InputStreamReader(in, StandardCharsets.UTF_8));
        }
    }

    /** Publishes the plan as a new version, as plan load does; returns the version id. */
    public String load(Plan p) {
        Instant at = Instant.now().plusMillis(planRecords.size());
        String version = PlanPublisher.newVersion(at);
        for (KeyValue<String, byte[]> kv : PlanPublisher.records(p.inDistrict(settings.district()), planRecords, version, at,
                "test", settings.district())) {
            plan.pipeInput(kv.key, kv.value);
            if (kv.value == null) {
                planRecords.remove(kv.key);
            } else {
                planRecords.put(kv.key, kv.value);
            }
        }
        return version;
    }

    /** Pipes raw plan records (key, value), as another publisher might. */
    void planRecord(String key, byte[] value) {
        plan.pipeInput(key, value);
    }

    void send(Stream s, String key, byte[] value) {
        inputs.get(s).pipeInput(key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    }

    /** A record with headers (content-type, CloudEvents attributes, ...); null headers send none. */
    public void send(Stream s, String key, byte[] value, org.apache.kafka.common.header.Headers headers) {
        inputs.get(s).pipeInput(new org.apache.kafka.streams.test.TestRecord<>(
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, headers));
    }

    public void send(Object event) {
        if (event instanceof TruckDeparture e) {
            send(Stream.TRUCK_DEPARTURE, e.getDepartureId(), Topics.TRUCK_DEPARTURE.encode(e));
        } else if (event instanceof TradeDeclaration e) {
            send(Stream.TRADE_DECLARATION, e.getDeclarationId(), Topics.TRADE_DECLARATION.encode(e));
        } else if (event instanceof HubThroughput e) {
            send(Stream.HUB_THROUGHPUT, e.getRecordId(), Topics.HUB_THROUGHPUT.encode(e));
        } else if (event instanceof ProjectProgress e) {
            send(Stream.PROJECT_PROGRESS, e.getReportId(), Topics.PROJECT_PROGRESS.encode(e));
        } else if (event instanceof IndicatorReport e) {
            send(Stream.INDICATOR_REPORT, e.getReportId(), Topics.INDICATOR_REPORT.encode(e));
        } else {
            throw new IllegalArgumentException(String.valueOf(event));
        }
    }

    /** Lets the flush and evaluation punctuators run, then reads every output. */
    public void settle() {
        for (int i = 0; i < 3; i++) {
            driver.advanceWallClockTime(Duration.ofMillis(100));
        }
        while (!kpi.isEmpty()) {
            var r = kpi.readRecord();
            if (r.value() == null) {
                table.remove(r.key());
            } else {
                table.put(r.key(), r.value());
                snapshots.add(r.value());
            }
        }
        while (!unplannedTopic.isEmpty()) {
            var r = unplannedTopic.readRecord();
            if (r.value() == null) {
                unplanned.remove(r.key());
            } else {
                unplanned.put(r.key(), r.value());
            }
        }
        while (!districtFactsTopic.isEmpty()) {
            var r = districtFactsTopic.readRecord();
            if (r.value() == null) {
                districtFacts.remove(r.key());
            } else {
                districtFacts.put(r.key(), r.value());
            }
        }
        statusChanges.addAll(status.readValuesToList());
        rejects.addAll(rejected.readValuesToList());
    }

    /** Moves the as-of clock and lets a full evaluation run. */
    void clockTo(String asOf) {
        clock.set(OffsetDateTime.parse(asOf).toInstant());
        driver.advanceWallClockTime(Duration.ofSeconds(6));
        settle();
    }

    PlanCatalog catalog() {
        return settings.catalog();
    }

    /** A store of a processor tested on its own: built without logging, initialised on the mock context, added to it. */
    static <S extends org.apache.kafka.streams.processor.StateStore> S store(
            org.apache.kafka.streams.processor.api.MockProcessorContext<?, ?> context,
            org.apache.kafka.streams.state.StoreBuilder<S> builder) {
        S s = builder.withLoggingDisabled().build();
        s.init(context.getStateStoreContext(), s);
        context.addStateStore(s);
        return s;
    }

    /** Every record handed to the KPI stage so far (the repartition topics' contents), in the order sent. */
    java.util.List<io.planpulse.avro.internal.KpiInput> kpiInputs() {
        java.util.List<io.planpulse.avro.internal.KpiInput> out = new ArrayList<>();
        for (String topic : io.planpulse.base.KpiLayout.of(1).kpiInputTopics("planpulse-test")) {
            out.addAll(driver.createOutputTopic(topic, new StringDeserializer(),
                    Topics.KPI_INPUT.serde().deserializer()).readValuesToList());
        }
        return out;
    }

    public KpiSnapshot kpi(String id) {
        return table.get(settings.district() + "/2025/" + id);
    }

    Map<String, KpiSnapshot> table() {
        return table;
    }

    public double counter(String name, String... tags) {
        var search = registry.find(name).tags(tags);
        return search.counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Override
    public void close() {
        driver.close();
    }

    public static TruckDeparture truck(String id, String departedAt, String country, double value) {
        return TruckDeparture.newBuilder().setDepartureId(id).setRouteId("cq-hanoi").setDestinationCountry(country)
                .setExitPort("youyiguan").setDepartedAt(OffsetDateTime.parse(departedAt).toInstant())
                .setCargoValueCny(value).setCargoWeightT(18.5).build();
    }

    /** A truck of 10 March 2025 to VN worth 1,000,000 yuan, of {@code district} (null: none, the deployment's). */
    static TruckDeparture truckIn(String id, String district) {
        TruckDeparture t = truck(id, "2025-03-10T10:00:00+08:00", "VN", 1_000_000);
        t.setDistrict(district);
        return t;
    }

    /** A report of p1 for March 2025, of {@code district} (null: none). */
    static ProjectProgress p1In(String id, String district, double yuan) {
        ProjectProgress p = progress(id, "p1", "2025-03", yuan, "2025-04-05T09:00:00+08:00");
        p.setDistrict(district);
        return p;
    }

    static ProjectProgress progress(String id, String project, String period, double yuan, String reportedAt) {
        return ProjectProgress.newBuilder().setReportId(id).setProjectId(project).setPeriod(period)
                .setInvestmentCny(yuan).setReportedAt(OffsetDateTime.parse(reportedAt).toInstant()).build();
    }

    static IndicatorReport indicator(String id, String indicator, String period, double value, String reportedAt) {
        return IndicatorReport.newBuilder().setReportId(id).setIndicatorId(indicator).setPeriod(period).setValue(value)
                .setReportedAt(OffsetDateTime.parse(reportedAt).toInstant()).build();
    }

    public static HubThroughput hub(String id, String measuredAt, double tonnes) {
        return HubThroughput.newBuilder().setRecordId(id).setTerminal("road_port").setTonnes(tonnes)
                .setMeasuredAt(OffsetDateTime.parse(measuredAt).toInstant()).build();
    }

    public static TradeDeclaration trade(String id, String declaredAt, double value) {
        return TradeDeclaration.newBuilder().setDeclarationId(id).setDirection("export").setChannel("nanpeng_b")
                .setPartnerCountry("VN").setValueCny(value).setDeclaredAt(OffsetDateTime.parse(declaredAt).toInstant()).build();
    }
}
