package io.planpulse.pipeline;

import static io.planpulse.pipeline.TopologyFixture.p1In;
import static io.planpulse.pipeline.TopologyFixture.truckIn;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.planpulse.avro.IndicatorReport;
import io.planpulse.avro.KpiSnapshot;
import io.planpulse.avro.internal.KpiContribution;
import io.planpulse.avro.internal.KpiInput;
import io.planpulse.base.Districts;
import io.planpulse.base.Topics;
import io.planpulse.intake.CommitHook;
import io.planpulse.kpistage.AggregateProcessor;
import io.planpulse.kpistage.KpiOutput;
import io.planpulse.kpistage.KpiProcessor;
import io.planpulse.kpistage.Snapshots;
import io.planpulse.plan.PlanLoader;
import java.io.StringReader;
import java.nio.file.Files;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The KPI work partitioned by district (CONTRACT section 1b, planpulse.kpi.partitions): the same facts handed to
 * three partitions of the KPI stage, each holding only its districts', and their contributions added up by the
 * aggregate stage, give every district's and every aggregate's KPIs exactly as one partition holding every fact does.
 */
class PartitionedKpiTest {
    private static final String AS_OF = "2025-06-15T12:00:00+08:00";
    private static final int PARTITIONS = 3;
    private static final io.planpulse.base.KpiLayout LAYOUT = io.planpulse.base.KpiLayout.of(PARTITIONS);

    /** 500100 (主城, covering every district below) sums the districts' plans; the city's plan is the test plan. */
    private static final String MAIN_CITY = DistrictPlansTest.CITY.replace("district: \"500000\"", "district: \"500100\"")
            .replace("district_name: 重庆市", "district_name: 主城都市区");

    @Test
    void shouldGiveEveryKpiFromThreePartitionsExactlyAsFromOne() throws Exception {
        try (TopologyFixture one = new TopologyFixture(AS_OF, ZoneId.of("Asia/Shanghai"),
                PlanpulseTopology.DEFAULT_MAX_CELLS, "500113")) {
            one.load(DistrictPlansTest.plan(null, null));
            one.load(DistrictPlansTest.plan("500112", "渝北区"));
            one.load(DistrictPlansTest.plan("500105", "江北区"));
            one.load(DistrictPlansTest.plan("500000", "重庆市"));
            one.load(PlanLoader.load("main-city.yaml", new StringReader(MAIN_CITY)));
            String[] districts = {"500113", "500112", "500105", "500106"};
            assertThat(java.util.Arrays.stream(districts).map(d -> Districts.partition(d, PARTITIONS)).distinct())
                    .as("the districts span every partition").hasSize(PARTITIONS);
            for (int i = 0; i < 12; i++) {
                one.send(truckIn("t" + i, districts[i % districts.length]));
                one.send(p1In("r" + i, districts[i % districts.length], 1_000_000 + 37 * i));
            }
            IndicatorReport cityGdp = TopologyFixture.indicator("g1", "gdp_growth", "2025-03", 6.1, "2025-04-02T09:00:00+08:00");
            cityGdp.setDistrict("500000");
            one.send(cityGdp);
            IndicatorReport bananGdp = TopologyFixture.indicator("g2", "gdp_growth", "2025-03", 7.4, "2025-04-02T09:00:00+08:00");
            bananGdp.setDistrict("500113");
            one.send(bananGdp);
            one.settle();
            Map<String, KpiSnapshot> expected = new TreeMap<>(one.table());
            assertThat(expected).containsKeys("500000/2025/trucks", "500000/2025/p1", "500000/2025/gdp_growth",
                    "500100/2025/trucks_total", "500100/2025/p1_total", "500113/2025/trucks", "500105/2025/p1");
            assertThat(expected.get("500000/2025/trucks").getActual()).isEqualTo(12.0);
            assertThat(expected.get("500000/2025/gdp_growth").getActual()).as("the city's own report only").isEqualTo(6.1);
            assertThat(expected.get("500100/2025/trucks_total").getActual()).as("the three planned districts")
                    .isEqualTo(9.0);
            assertThat(expected.get("500100/2025/trucks_total").getMissingDistricts()).containsExactly("500106");

            List<KpiInput> inputs = one.kpiInputs();
            assertThat(inputs).isNotEmpty();
            List<Stage> kpi = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                kpi.add(Stage.kpi(one, p));
            }
            for (KpiInput in : inputs) {
                kpi.get(Districts.partition(KpiProcessor.districtOf(in, "500113"), PARTITIONS)).process(in);
            }
            Stage aggregates = Stage.aggregate(one, Districts.partition(Districts.province("500000"), PARTITIONS));
            Map<String, KpiSnapshot> got = new TreeMap<>();
            for (int round = 0; round < 2; round++) {
                for (Stage s : kpi) {
                    s.punctuate(1_000 + round * 200L);
                    for (Record<String, KpiOutput> r : s.forwarded()) {
                        if (r.value() instanceof KpiOutput.Contribution c) {
                            assertThat(r.key()).isEqualTo("500000");
                            aggregates.process(c.contribution());
                        } else if (r.value() instanceof KpiOutput.Snapshot snap && snap.snapshot() != null) {
                            got.put(r.key(), snap.snapshot());
                        }
                    }
                }
                aggregates.punctuate(1_100 + round * 200L);
                for (Record<String, KpiOutput> r : aggregates.forwarded()) {
                    if (r.value() instanceof KpiOutput.Snapshot snap && snap.snapshot() != null) {
                        got.put(r.key(), snap.snapshot());
                    }
                }
            }
            assertThat(got.keySet()).containsExactlyElementsOf(expected.keySet());
            expected.forEach((key, want) -> assertThat(Snapshots.sameFigures(got.get(key), want))
                    .as("%s: %s against %s", key, got.get(key), want).isTrue());
            // and every partition evaluated only its own districts' plans
            for (int p = 0; p < PARTITIONS; p++) {
                for (String key : kpi.get(p).published) {
                    assertThat(Districts.partition(key.substring(0, 6), PARTITIONS)).as(key).isEqualTo(p);
                    assertThat(Districts.isAggregate(key.substring(0, 6))).as(key).isFalse();
                }
            }
        }
    }

    /** One task of a stage on a mock context: its stores, its punctuator and what it forwarded since last asked. */
    private static final class Stage {
        final MockProcessorContext<String, KpiOutput> context;
        final Processor<String, ?, String, KpiOutput> processor;
        final java.util.Set<String> published = new java.util.TreeSet<>();

        Stage(MockProcessorContext<String, KpiOutput> context, Processor<String, ?, String, KpiOutput> processor) {
            this.context = context;
            this.processor = processor;
        }

        static MockProcessorContext<String, KpiOutput> context(int partition) throws Exception {
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "planpulse-test");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            return new MockProcessorContext<>(props, new TaskId(1, partition),
                    Files.createTempDirectory("planpulse-partition").toFile());
        }

        static Stage kpi(TopologyFixture f, int partition) throws Exception {
            MockProcessorContext<String, KpiOutput> c = context(partition);
            TopologyFixture.store(c, Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(LAYOUT.flowFacts()),
                    Serdes.String(), Topics.FLOW_FACT.serde()));
            TopologyFixture.store(c, Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(LAYOUT.reportFacts()),
                    Serdes.String(), Topics.REPORT_FACT.serde()));
            TopologyFixture.store(c, Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(LAYOUT.kpiLast()),
                    Serdes.String(), Topics.KPI_SNAPSHOT.serde()));
            TopologyFixture.store(c, Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(LAYOUT.unplannedLast()),
                    Serdes.String(), Topics.UNPLANNED_SUBJECT.serde()));
            TopologyFixture.store(c, CommitHook.builder(Topics.KPI_COMMIT_HOOK));
            KpiProcessor p = new KpiProcessor(f.catalog(), new SimpleMeterRegistry(), f.clock, Duration.ofMillis(100),
                    Duration.ofSeconds(5), PlanpulseTopology.DEFAULT_MAX_CELLS, "500113", PARTITIONS);
            p.init(c);
            return new Stage(c, p);
        }

        static Stage aggregate(TopologyFixture f, int partition) throws Exception {
            MockProcessorContext<String, KpiOutput> c = context(partition);
            TopologyFixture.store(c, Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(LAYOUT.aggregateParts()),
                    Serdes.String(), Topics.KPI_CONTRIBUTION.serde()));
            TopologyFixture.store(c, Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(LAYOUT.aggregateLast()),
                    Serdes.String(), Topics.KPI_SNAPSHOT.serde()));
            AggregateProcessor p = new AggregateProcessor(f.catalog(), new SimpleMeterRegistry(), f.clock,
                    Duration.ofMillis(100), Duration.ofSeconds(5), PARTITIONS);
            p.init(c);
            return new Stage(c, p);
        }

        @SuppressWarnings("unchecked")
        void process(KpiInput in) {
            ((Processor<String, KpiInput, String, KpiOutput>) processor).process(new Record<>("k", in, 0L));
        }

        @SuppressWarnings("unchecked")
        void process(KpiContribution c) {
            ((Processor<String, KpiContribution, String, KpiOutput>) processor).process(new Record<>("500000", c, 0L));
        }

        void punctuate(long wallMs) {
            context.setCurrentSystemTimeMs(wallMs);
            context.scheduledPunctuators().stream().filter(p -> p.getType() == PunctuationType.WALL_CLOCK_TIME)
                    .findFirst().orElseThrow().getPunctuator().punctuate(wallMs);
        }

        List<Record<String, KpiOutput>> forwarded() {
            List<Record<String, KpiOutput>> out = new ArrayList<>();
            context.forwarded().forEach(r -> {
                Record<String, KpiOutput> rec = new Record<>(r.record().key(), r.record().value(), r.record().timestamp());
                out.add(rec);
                if (rec.value() instanceof KpiOutput.Snapshot) {
                    published.add(rec.key());
                }
            });
            context.resetForwards();
            return out;
        }
    }
}
