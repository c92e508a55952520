package io.planpulse.importer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The importer reads and checks files only: no Kafka, no command line, no pipeline, so it is tested on its own. */
class ImportPackageTest {
    @Test
    void shouldImportNothingOfKafkaTheCommandLineOrThePipeline() throws Exception {
        Path dir = Path.of("src/main/java/io/planpulse/importer");
        List<String> imports;
        try (Stream<Path> files = Files.list(dir)) {
            imports = files.flatMap(f -> {
                try {
                    return Files.readAllLines(f).stream().filter(l -> l.startsWith("import ")).map(l -> f.getFileName() + ": " + l);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
        assertThat(imports).isNotEmpty().noneMatch(l -> l.contains("org.apache.kafka") || l.contains("io.planpulse.cli")
                || l.contains("io.planpulse.pipeline") || l.contains("io.planpulse.intake") || l.contains("picocli"));
    }
}
