package io.planpulse.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.planpulse.avro.KpiSnapshot;
import io.planpulse.avro.MonthValue;
import io.planpulse.avro.UnplannedSubject;
import io.planpulse.kpi.Outlook;
import io.planpulse.kpi.Status;
import io.planpulse.plan.PlanCatalog;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The read-only HTTP API of CONTRACT section 6 (JSON, snake_case) on the JDK's HTTP server: /api/kpis,
 * /api/kpis/{year}/{id}, /api/lagging, /api/outlook, /api/plans, /api/unplanned, /health, /ready and /metrics. Anything but GET is refused with 405.
 */
public final class HttpApi implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> STATUSES = java.util.Arrays.stream(Status.values()).map(Status::wire)
            .collect(Collectors.toSet());
    private static final Set<String> OUTLOOKS = java.util.Arrays.stream(Outlook.values()).map(Outlook::wire)
            .collect(Collectors.toSet());

    private final HttpServer server;
    private final KpiTable view;
    private final PrometheusMeterRegistry registry;
    private final BooleanSupplier ready;
    private volatile Supplier<List<PlanCatalog.YearStatus>> plans = List::of;
    private volatile BooleanSupplier healthy = () -> true;

    public HttpApi(String host, int port, KpiTable view, PrometheusMeterRegistry registry, BooleanSupplier ready)
            throws IOException {
        this.view = view;
        this.registry = registry;
        this.ready = ready;
        server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "planpulse-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
    }

    /** Serves GET /api/plans from these statuses (the pipeline's own catalogue's). */
    public HttpApi plans(Supplier<List<PlanCatalog.YearStatus>> plans) {
        this.plans = plans;
        return this;
    }

    /** /health answers 503 once this says false (PipelineApp: the instance failed and is about to exit). */
    public HttpApi health(BooleanSupplier healthy) {
        this.healthy = healthy;
        return this;
    }

    public HttpApi start() {
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://" + server.getAddress().getHostString() + ":" + port();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().add("Allow", "GET, HEAD");
                send(ex, 405, Map.of("error", "read-only API: only GET is allowed"));
                return;
            }
            String path = ex.getRequestURI().getPath();
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            if (path.equals("/health")) {
                boolean up = healthy.getAsBoolean();
                send(ex, up ? 200 : 503, Map.of("status", up ? "up" : "down"));
            } else if (path.equals("/ready")) {
                boolean ok = ready.getAsBoolean();
                send(ex, ok ? 200 : 503, Map.of("status", ok ? "ready" : "not_ready"));
            } else if (path.equals("/metrics")) {
                // under the view's read lock: a scrape never sees half of a plan version switch
                byte[] body = view.read(registry::scrape).getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            } else if (path.equals("/api/kpis") || path.equals("/api/kpis/")) {
                Integer year = year(q);
                String category = q.get("category");
                String status = q.get("status");
                if (status != null && !STATUSES.contains(status)) {
                    throw new BadRequest("unknown status '" + status + "' (one of " + new java.util.TreeSet<>(STATUSES) + ")");
                }
                String outlook = q.get("outlook");
                if (outlook != null && !OUTLOOKS.contains(outlook)) {
                    throw new BadRequest("unknown outlook '" + outlook + "' (one of " + new java.util.TreeSet<>(OUTLOOKS) + ")");
                }
                List<Map<String, Object>> items = new ArrayList<>();
                for (KpiSnapshot s : view.all()) {
                    if ((year == null || s.getYear() == year) && (category == null || category.equals(s.getCategory()))
                            && (status == null || status.equals(s.getStatus()))
                            && (outlook == null || outlook.equals(s.getOutlook()))) {
                        items.add(item(s));
                    }
                }
                send(ex, 200, items);
            } else if (path.startsWith("/api/kpis/")) {
                String[] parts = path.substring("/api/kpis/".length()).split("/");
                if (parts.length != 2) {
                    throw new BadRequest("expected /api/kpis/{year}/{id}");
                }
                int year = parseYear(parts[0]);
                KpiSnapshot s = view.get(year, parts[1]);
                if (s == null) {
                    send(ex, 404, Map.of("error", "no target '" + parts[1] + "' in the " + year + " plan"));
                    return;
                }
                Map<String, Object> item = item(s);
                List<Map<String, Object>> months = new ArrayList<>();
                for (MonthValue m : s.getMonths()) {
                    Map<String, Object> mv = new LinkedHashMap<>();
                    mv.put("month", m.getMonth());
                    mv.put("value", m.getValue());
                    mv.put("cumulative", m.getCumulative());
                    months.add(mv);
                }
                item.put("months", months);
                item.put("children", s.getChildren());
                send(ex, 200, item);
            } else if (path.equals("/api/lagging")) {
                Integer year = year(q);
                List<Map<String, Object>> items = view.all().stream()
                        .filter(s -> year == null || s.getYear() == year)
                        .filter(s -> s.getStatus().equals("lagging") || s.getStatus().equals("severely_lagging")
                                || s.getOverdue())
                        .sorted(Comparator.comparing((KpiSnapshot s) -> s.getGap() == null ? Double.MAX_VALUE : s.getGap())
                                .thenComparing(KpiSnapshot::getId))
                        .map(HttpApi::item).toList();
                send(ex, 200, items);
            } else if (path.equals("/api/outlook")) {
                Integer year = year(q);
                List<Map<String, Object>> items = view.all().stream()
                        .filter(s -> year == null || s.getYear() == year)
                        .filter(s -> "at_risk".equals(s.getOutlook()) || "off_course".equals(s.getOutlook()))
                        .sorted(Comparator.comparing((KpiSnapshot s) -> s.getProjectedCompletion() == null
                                        ? Double.MAX_VALUE : worstFirst(s))
                                .thenComparing(KpiSnapshot::getId))
                        .map(s -> {
                            Map<String, Object> m = item(s);
                            m.put("early_warning", "off_course".equals(s.getOutlook())
                                    && ("on_track".equals(s.getStatus()) || "ahead".equals(s.getStatus())));
                            return m;
                        }).toList();
                send(ex, 200, items);
            } else if (path.equals("/api/plans")) {
                send(ex, 200, plans());
            } else if (path.equals("/api/unplanned")) {
                Integer year = year(q);
                List<Map<String, Object>> items = new ArrayList<>();
                for (UnplannedSubject u : view.unplanned()) {
                    if (year == null || u.getYear() == year) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("year", u.getYear());
                        m.put("stream", u.getStream());
                        m.put("subject", u.getSubject());
                        m.put("reports", u.getReports());
                        m.put("last_period", u.getLastPeriod().isEmpty() ? null : u.getLastPeriod());
                        items.add(m);
                    }
                }
                send(ex, 200, items);
            // ---- issue 15: schemas for producers (GET /schemas, GET /schemas/{type}; see SchemaRoutes) ----
            } else if (SchemaRoutes.matches(path)) {
                SchemaRoutes.Answer a = SchemaRoutes.answer(path);
                send(ex, a.status(), a.body());
            // ---- end of issue 15 ----
            } else {
                send(ex, 404, Map.of("error", "no such route: " + path));
            }
        } catch (BadRequest e) {
            send(ex, 400, Map.of("error", e.getMessage()));
        } catch (RuntimeException e) {
            send(ex, 500, Map.of("error", e.toString()));
        } finally {
            ex.close();
        }
    }

    /**
     * How far below its target a projection ends, for "worst first": the shortfall of projected completion (at_most:
     * the excess; about: the distance from 1).
     */
    private static double worstFirst(KpiSnapshot s) {
        double pc = s.getProjectedCompletion();
        return switch (s.getComparator()) {
            case "at_most" -> 1 - pc;
            case "about" -> -Math.abs(pc - 1);
            default -> pc - 1;
        };
    }

    /** GET /api/plans: per year, the version in force and the last refused one. */
    private List<Map<String, Object>> plans() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (PlanCatalog.YearStatus y : plans.get()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("year", y.year());
            m.put("in_force", version(y.inForce()));
            Map<String, Object> refused = null;
            if (y.lastRefused() != null) {
                refused = version(y.lastRefused().version());
                refused.put("reason", y.lastRefused().reason());
            }
            m.put("last_refused", refused);
            out.add(m);
        }
        return out;
    }

    private static Map<String, Object> version(PlanCatalog.Version v) {
        if (v == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", v.version());
        m.put("loaded_at", v.loadedAt() == null ? null : v.loadedAt().toString());
        m.put("targets", v.targets());
        m.put("source", v.source());
        return m;
    }

    /** The list item of CONTRACT section 6, fields in contract order. */
    static Map<String, Object> item(KpiSnapshot s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.getId());
        m.put("year", s.getYear());
        m.put("name_zh", s.getNameZh());
        m.put("name_en", s.getNameEn());
        m.put("category", s.getCategory());
        m.put("unit", s.getUnit());
        m.put("kind", s.getKind());
        m.put("comparator", s.getComparator());
        m.put("target", s.getTarget());
        m.put("actual", s.getActual());
        m.put("completion", s.getCompletion());
        m.put("expected", s.getExpected());
        m.put("gap", s.getGap());
        m.put("status", s.getStatus());
        m.put("overdue", s.getOverdue());
        m.put("parent", s.getParent());
        m.put("owner", s.getOwner());
        m.put("data_through", s.getDataThrough());
        m.put("projected", s.getProjected());
        m.put("projected_completion", s.getProjectedCompletion());
        m.put("outlook", s.getOutlook());
        m.put("updated_at", s.getUpdatedAt().toString());
        return m;
    }

    private static final class BadRequest extends RuntimeException {
        BadRequest(String m) {
            super(m, null, false, false);
        }
    }

    private static Integer year(Map<String, String> q) {
        String y = q.get("year");
        return y == null ? null : parseYear(y);
    }

    private static int parseYear(String y) {
        try {
            int v = Integer.parseInt(y);
            if (v < 2000 || v > 2100) {
                throw new BadRequest("year out of range: " + y);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new BadRequest("year must be a number, not '" + y + "'");
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int i = pair.indexOf('=');
            String k = URLDecoder.decode(i < 0 ? pair : pair.substring(0, i), StandardCharsets.UTF_8);
            String v = i < 0 ? "" : URLDecoder.decode(pair.substring(i + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    private static void send(HttpExchange ex, int code, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(code, -1);
            return;
        }
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
