package io.planpulse.cli;

import io.planpulse.app.Config;
import io.planpulse.app.Replay;
import io.planpulse.app.TopicAdmin;
import io.planpulse.avro.IndicatorReport;
import io.planpulse.avro.ProjectProgress;
import io.planpulse.events.JsonEvents;
import io.planpulse.importer.BadFile;
import io.planpulse.importer.ImportRecord;
import io.planpulse.importer.ImportResult;
import io.planpulse.importer.Importer;
import io.planpulse.importer.Problem;
import io.planpulse.importer.ReportKind;
import io.planpulse.importer.Template;
import io.planpulse.base.Stream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code import}: monthly reports as departments keep them, a CSV or xlsx file (CONTRACT section 7, docs/import.md).
 * The whole file is checked first ({@link Importer}); if any row is bad every problem is listed and nothing is sent
 * (exit 2). A good file goes to the report's topic as single-object Avro, keyed by report_id, through an idempotent
 * producer, as {@code replay} sends.
 */
@Command(name = "import", description = "Import monthly reports from a CSV (UTF-8) or .xlsx file: one row per report, "
        + "columns named by the record's fields or the Chinese headers of the shipped template (import --template FILE "
        + "writes it). The whole file is checked first; any bad row is listed (row, column, value, reason) and nothing is "
        + "sent (exit 2). Rows without a report_id get one derived from their content, so importing the same file twice "
        + "changes nothing. See docs/import.md.")
public final class ImportCommand implements Callable<Integer> {
    /** Progress goes to stderr after every this many rows sent. */
    static final int PROGRESS_EVERY = 10_000;

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "The .csv or .xlsx file.")
    Path file;
    @Option(names = "--type", paramLabel = "TYPE", description = "project_progress or indicator_report.")
    String type;
    @Option(names = "--district", paramLabel = "D", description = "District code (6 digits) of the reports, sent in "
            + "each event's district field (default: none, the deployment's district, planpulse.district).")
    String district;
    @Option(names = "--template", paramLabel = "FILE", description = "Write the template import-template.xlsx to FILE "
            + "(then import FILE too, if one is given).")
    Path template;
    @Option(names = "--check", description = "Check the file and report, send nothing (no cluster needed).")
    boolean check;
    @Mixin
    ClusterOptions cluster = new ClusterOptions();
    @Option(names = "--quiet", description = "No progress output.")
    boolean quiet;
    @Spec
    CommandSpec spec;

    /** Where checked records go: a Kafka producer, or a test's list. */
    public interface Sink extends AutoCloseable {
        void send(ImportRecord r) throws IOException;

        /** Every record sent is acknowledged (or the failure thrown). */
        void flush() throws IOException;

        @Override
        void close() throws IOException;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (template != null) {
            writeTemplate(template);
            out.println("wrote " + template);
            out.flush();
            if (file == null) {
                return 0;
            }
        }
        if (file == null) {
            throw new BadInput("import: give a FILE (.csv or .xlsx), or --template FILE");
        }
        ReportKind kind = type == null ? null : ReportKind.fromType(type);
        if (kind == null) {
            throw new BadInput("import: --type must be project_progress or indicator_report"
                    + (type == null ? "" : ", not '" + type + "'"));
        }
        if (district != null && !Importer.validDistrict(district)) {
            throw new BadInput("import: --district must be a 6-digit district code (500113), not '" + district + "'");
        }
        Config config = config();
        ImportResult result;
        try {
            result = Importer.read(file, kind, district, config.zone(), Clock.systemUTC());
        } catch (BadFile e) {
            throw new BadInput(e.getMessage());
        }
        if (check || !result.ok()) {
            return report(result, null, out, err, quiet);
        }
        TopicAdmin.ensureTopics(config.clients(), config.getInt(Config.PARTITIONS), config.getInt(Config.REPLICATION));
        try (Sink sink = kafka(config.clients())) {
            return report(result, sink, out, err, quiet);
        }
    }

    /** The deployment's configuration; --check needs no cluster. */
    private Config config() throws Exception {
        return cluster.config(Map.of(), !check);
    }

    /** The jar's template (made by the build); made afresh when running from classes without it. */
    static void writeTemplate(Path to) throws IOException {
        Optional<InputStream> shipped = Template.shipped();
        if (shipped.isPresent()) {
            try (InputStream in = shipped.get()) {
                Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
            }
            return;
        }
        try (OutputStream o = Files.newOutputStream(to)) {
            Template.write(o);
        }
    }

    /**
     * Lists the notes and problems of a checked file on {@code err}; when there is no problem and a sink is given,
     * sends every record to it (progress on {@code err}) and prints the summary line on {@code out}. Returns the exit
     * code: 2 when the file has problems (then nothing is sent), else 0.
     */
    public static int report(ImportResult r, Sink sink, PrintWriter out, PrintWriter err, boolean quiet) throws IOException {
        String name = r.file().toString() + (r.sheet() == null ? "" : " (sheet " + r.sheet() + ")");
        r.notes().forEach(n -> err.println(name + ": " + n));
        if (!r.ok()) {
            for (Problem p : r.problems()) {
                err.println(r.file() + ": " + p.describe());
            }
            err.printf("%s: %d problem(s) in %d of %d rows: nothing sent%n", name, r.problems().size(), r.badRows(),
                    r.dataRows());
            err.flush();
            return BadInput.EXIT_CODE;
        }
        int total = r.records().size();
        if (sink == null) {
            out.printf("%s: %d %s reports in %d rows, all good (checked only, nothing sent)%n", name, total,
                    r.kind().type(), r.dataRows());
            out.flush();
            err.flush();
            return 0;
        }
        int sent = 0;
        for (ImportRecord rec : r.records()) {
            sink.send(rec);
            sent++;
            if (!quiet && sent % PROGRESS_EVERY == 0 && sent < total) {
                err.printf("import: %d/%d rows sent%n", sent, total);
                err.flush();
            }
        }
        sink.flush();
        long derived = r.records().stream().filter(ImportRecord::derivedId).count();
        out.printf("%s: imported %d %s reports (%d rows; %d report_ids derived from the content)%n", name, sent,
                r.kind().type(), r.dataRows(), derived);
        out.flush();
        err.flush();
        return 0;
    }

    /** The event of a record: the key is its report_id; its district is --district's (none: the deployment's). */
    public static JsonEvents.Event event(ImportRecord r) {
        return switch (r.kind()) {
            case PROJECT_PROGRESS -> new JsonEvents.Event(Stream.PROJECT_PROGRESS, r.reportId(), ProjectProgress.newBuilder()
                    .setReportId(r.reportId()).setProjectId(r.subject()).setPeriod(r.period())
                    .setInvestmentCny(r.amount()).setProgressPct(r.progressPct()).setMilestone(r.milestone())
                    .setReportedAt(r.reportedAt()).setDistrict(r.district()).build());
            case INDICATOR_REPORT -> new JsonEvents.Event(Stream.INDICATOR_REPORT, r.reportId(), IndicatorReport.newBuilder()
                    .setReportId(r.reportId()).setIndicatorId(r.subject()).setPeriod(r.period()).setValue(r.amount())
                    .setReportedAt(r.reportedAt()).setDistrict(r.district()).build());
        };
    }

    /** An idempotent producer as replay's: a retry after a lost acknowledgement never writes a report twice. */
    static Sink kafka(Map<String, Object> clients) {
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Replay.producerConfig(clients),
                new ByteArraySerializer(), new ByteArraySerializer());
        AtomicReference<Exception> failure = new AtomicReference<>();
        return new Sink() {
            @Override
            public void send(ImportRecord r) throws IOException {
                failed();
                JsonEvents.Event e = event(r);
                producer.send(new ProducerRecord<>(e.stream().topic(), e.key().getBytes(StandardCharsets.UTF_8), e.encode()),
                        (md, ex) -> {
                            if (ex != null) {
                                failure.compareAndSet(null, ex);
                            }
                        });
            }

            @Override
            public void flush() throws IOException {
                producer.flush();
                failed();
            }

            private void failed() throws IOException {
                Exception f = failure.get();
                if (f != null) {
                    throw new IOException("producing failed: " + f.getMessage(), f);
                }
            }

            @Override
            public void close() {
                producer.close();
            }
        };
    }
}
