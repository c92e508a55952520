package io.planpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.planpulse.app.Config;
import io.planpulse.app.PipelineApp;
import io.planpulse.avro.StatusChange;
import io.planpulse.avro.TruckDeparture;
import io.planpulse.avro.internal.KpiInput;
import io.planpulse.base.KpiLayout;
import io.planpulse.base.Stream;
import io.planpulse.base.Topics;
import io.planpulse.broker.EmbeddedBroker;
import io.planpulse.facts.Facts;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A change of planpulse.kpi.partitions on a deployment with state (CONTRACT section 1b): the KPI stage's facts, the
 * KPIs it last published and the facts handed over but not yet taken in move to the new partitions at the next
 * start; the figures stay exact, no KPI is published as new again (no status change from nothing), the old count's
 * topics are gone, and the pipeline goes on counting.
 */
class KpiRelayoutIT {
    private static final String SEP = String.valueOf(Facts.SEP);

    @Test
    void shouldMoveTheKpiStagesStateToANewPartitionCount(@TempDir Path dir) throws Exception {
        Clock clock = Clock.fixed(OffsetDateTime.parse(Scenario.AS_OF).toInstant(), ZoneOffset.UTC);
        try (EmbeddedBroker broker = EmbeddedBroker.start(null)) {
            Config one = TestConfigs.local(broker.bootstrapServers(), dir);
            DistrictsPipelineIT.loadPlans(one);
            try (PipelineApp app = PipelineApp.start(one, clock)) {
                app.awaitReady(Duration.ofMinutes(2));
                DistrictsPipelineIT.sendTrucks(broker.bootstrapServers());
                DistrictsPipelineIT.awaitFigures(app.url());
                app.awaitReflected(Duration.ofMinutes(2));
            }
            String appId = one.get("application.id");
            // a truck of Yubei handed over to the KPI stage of one partition while every instance was stopped
            KpiInput inFlight = KpiInput.newBuilder().setYear(2025).setMonth(3).setStream("truck_departure")
                    .setSubject(String.join(SEP, "500112", "cq-hanoi", "VN", "youyiguan")).setReport(false)
                    .setCount(1).setAmounts(List.of("1000000", "18.5")).setReportedAt(0).setLastEventAt(1L).build();
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers",
                    broker.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
                p.send(new ProducerRecord<>(KpiLayout.of(1).kpiInputTopics(appId).get(
                        Stream.TRUCK_DEPARTURE.ordinal()), "k", Topics.KPI_INPUT.serde().serializer()
                        .serialize("", inFlight))).get();
            }

            Config three = TestConfigs.local(broker.bootstrapServers(), dir, Config.KPI_PARTITIONS, "3");
            try (PipelineApp app = PipelineApp.start(three, clock)) {
                app.awaitReady(Duration.ofMinutes(2));
                DistrictsPipelineIT.awaitFigures(app.url(), 4, 3, 1, 11);
                try (Admin admin = Admin.create(three.clients())) {
                    Set<String> topics = admin.listTopics().names().get();
                    assertThat(topics).as("the old count's topics are deleted")
                            .doesNotContain(KpiLayout.changelog(appId, KpiLayout.of(1).flowFacts()))
                            .doesNotContainAnyElementsOf(KpiLayout.of(1).kpiInputTopics(appId))
                            .contains(KpiLayout.changelog(appId, KpiLayout.of(3).flowFacts()));
                    assertThat(PipelineApp.endOffsets(admin, List.of(KpiLayout.changelog(appId,
                            KpiLayout.of(3).flowFacts()))).keySet()).hasSize(3);
                }
                // one more truck of Jiangbei, counted on top of the moved facts
                TruckDeparture t = io.planpulse.pipeline.TopologyFixture.truck("jb-after", "2025-03-11T10:00:00+08:00",
                        "VN", 1_000_000);
                t.setDistrict("500105");
                try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers",
                        broker.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
                    p.send(new ProducerRecord<>(Stream.TRUCK_DEPARTURE.topic(), t.getDepartureId(),
                            Topics.TRUCK_DEPARTURE.encode(t))).get();
                }
                DistrictsPipelineIT.awaitFigures(app.url(), 4, 3, 2, 12);
                assertThat(app.failure()).isNull();
            }
            // every KPI was new once, before the move: none was published as new again after it
            List<StatusChange> fromNothing = new ArrayList<>();
            for (ConsumerRecord<String, StatusChange> r : readAll(broker.bootstrapServers(), Topics.STATUS_CHANGES.name())) {
                if (r.value().getFrom() == null && r.key().equals("500113/2025/trucks")) {
                    fromNothing.add(r.value());
                }
            }
            assertThat(fromNothing).hasSize(1);
        }
    }

    private static List<ConsumerRecord<String, StatusChange>> readAll(String bootstrap, String topic) {
        List<ConsumerRecord<String, StatusChange>> out = new ArrayList<>();
        try (KafkaConsumer<String, StatusChange> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "isolation.level", "read_committed"), new StringDeserializer(),
                Topics.STATUS_CHANGE.serde().deserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
