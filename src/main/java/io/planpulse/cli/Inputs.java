package io.planpulse.cli;

import io.planpulse.app.Config;
import io.planpulse.app.PipelineApp;
import io.planpulse.plan.Plan;
import io.planpulse.plan.PlanException;
import io.planpulse.plan.PlanLoader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** What several commands read from their arguments, checked the same way: plan files, instants, input files. */
final class Inputs {
    private Inputs() {
    }

    /** The plans of these files for a deployment in the default zone, or the shipped 2025 plan when there are none. */
    static List<Plan> plans(List<Path> files) throws BadInput {
        return plans(files, Config.DEFAULT_ZONE);
    }

    /** The plans of these files, a plan without timezone in {@code zone} (planpulse.timezone); else the shipped plan. */
    static List<Plan> plans(List<Path> files, ZoneId zone) throws BadInput {
        List<Plan> out = new ArrayList<>();
        if (files == null || files.isEmpty()) {
            out.add(PlanLoader.loadDefault());
            return out;
        }
        for (Path f : files) {
            try {
                Plan p = PlanLoader.load(f, zone);
                p.warnings().forEach(w -> System.err.println("warning: " + w));
                out.add(p);
            } catch (PlanException e) {
                throw new BadInput("plan refused:\n" + e.getMessage());
            } catch (IOException e) {
                throw new BadInput(f + ": cannot read: " + e.getMessage());
            }
        }
        return out;
    }

    /** A date means its start in {@code zone}; anything else must be an ISO instant or offset date-time. */
    static Instant asOf(String value, ZoneId zone) throws BadInput {
        try {
            if (value.length() == 10) {
                return LocalDate.parse(value).atStartOfDay(zone).toInstant();
            }
            return value.endsWith("Z") ? Instant.parse(value) : OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadInput("--as-of: '" + value + "' is neither a date (2025-06-30) nor an ISO instant (2025-06-30T12:00:00+08:00)");
        }
    }

    static void checkFiles(List<Path> files) throws BadInput {
        for (Path f : files) {
            if (!Files.isReadable(f)) {
                throw new BadInput(f + ": no such file or not readable");
            }
        }
    }

    /** Fails at once, before a broker or anything else starts, when the HTTP port is taken (port 0 always works). */
    static void checkPortFree(String host, int port) throws BadInput {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new BadInput(PipelineApp.cannotListen(host, port, e).getMessage());
        }
    }
}
