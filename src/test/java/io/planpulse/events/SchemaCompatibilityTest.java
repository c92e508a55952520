package io.planpulse.events;

import io.planpulse.base.AvroCodec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.planpulse.avro.ProjectProgress;
import io.planpulse.avro.TruckDeparture;
import java.nio.ByteBuffer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/**
 * The schema contract: every schema in schemas/ has its released versions under schemas/history/NAME/vN.avsc, the
 * current schema reads everything every released version wrote (backward compatible), and the newest released
 * version is the current one (a change must be released as a new version).
 */
class SchemaCompatibilityTest {
    private static final Path SCHEMAS = Path.of("schemas");

    static List<Path> current() throws IOException {
        try (Stream<Path> s = Files.list(SCHEMAS)) {
            return s.filter(p -> p.toString().endsWith(".avsc")).sorted().toList();
        }
    }

    static List<Path> history(String name) throws IOException {
        try (Stream<Path> s = Files.list(SCHEMAS.resolve("history").resolve(name))) {
            return s.filter(p -> p.getFileName().toString().matches("v\\d+\\.avsc"))
                    .sorted((a, b) -> Integer.compare(version(a), version(b))).toList();
        }
    }

    private static int version(Path p) {
        String n = p.getFileName().toString();
        return Integer.parseInt(n.substring(1, n.length() - 5));
    }

    @Test
    void shouldReadEveryReleasedVersionWithTheCurrentSchema() throws Exception {
        assertThat(current()).hasSize(12);
        for (Path p : current()) {
            Schema reader = new Schema.Parser().parse(p.toFile());
            List<Path> released = history(reader.getName());
            assertThat(released).as("released versions of %s", reader.getName()).isNotEmpty();
            for (Path v : released) {
                Schema writer = new Schema.Parser().parse(v.toFile());
                var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
                assertThat(result.getType()).as("%s reads %s: %s", p, v, result.getDescription())
                        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
            }
            Schema newest = new Schema.Parser().parse(released.get(released.size() - 1).toFile());
            assertThat(SchemaNormalization.parsingFingerprint64(newest))
                    .as("%s differs from its newest released version: add it as the next vN.avsc", p)
                    .isEqualTo(SchemaNormalization.parsingFingerprint64(reader));
        }
    }

    @Test
    void shouldRefuseAChangeThatIsNotBackwardCompatible() {
        Schema v1 = TruckDeparture.getClassSchema();
        String json = v1.toString().replace("{\"name\":\"departed_at\"",
                "{\"name\":\"carrier\",\"type\":\"string\",\"doc\":\"new, no default\"},{\"name\":\"departed_at\"");
        Schema broken = new Schema.Parser().parse(json);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(broken, v1).getType())
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    /** ProjectProgress as it would have been released before {@code milestone} was added. */
    private static Schema progressWithoutMilestone() {
        Schema cur = ProjectProgress.getClassSchema();
        List<Schema.Field> fields = cur.getFields().stream().filter(f -> !f.name().equals("milestone"))
                .map(f -> new Schema.Field(f, f.schema())).toList();
        return Schema.createRecord(cur.getName(), cur.getDoc(), cur.getNamespace(), false, fields);
    }

    private static byte[] writeWith(Schema writer) throws Exception {
        GenericRecord r = new GenericData.Record(writer);
        r.put("report_id", "r1");
        r.put("project_id", "p1");
        r.put("period", "2025-01");
        r.put("investment_cny", 12.5);
        r.put("progress_pct", null);
        r.put("reported_at", 1_736_000_000_000L);
        ByteBuffer buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(r);
        byte[] out = new byte[buf.remaining()];
        buf.get(out);
        return out;
    }

    @Test
    void shouldDecodeARecordWrittenWithAnOlderReleasedVersion() throws Exception {
        Schema old = progressWithoutMilestone();
        byte[] bytes = writeWith(old);
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        AvroCodec<ProjectProgress> codec = AvroCodec.of(ProjectProgress.getClassSchema(),
                List.of(old, ProjectProgress.getClassSchema()));
        ProjectProgress p = codec.decode(bytes);
        assertThat(p.getInvestmentCny()).isEqualTo(12.5);
        assertThat(p.getMilestone()).isNull();
    }

    @Test
    void shouldRejectARecordWhoseWriterSchemaWasNeverReleased() throws Exception {
        byte[] bytes = writeWith(progressWithoutMilestone());
        assertThatThrownBy(() -> EventDecoder.decode(io.planpulse.base.Stream.PROJECT_PROGRESS, bytes))
                .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.reason()).isEqualTo(Rejection.UNKNOWN_SCHEMA));
    }
}
