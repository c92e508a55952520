package io.planpulse.serve;

import static java.util.Map.entry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.planpulse.avro.KpiSnapshot;
import io.planpulse.kpi.Outlook;
import io.planpulse.kpi.Status;
import io.planpulse.plan.PlanCatalog;
import io.planpulse.serve.ApiItems.Detail;
import io.planpulse.serve.ApiItems.Item;
import io.planpulse.serve.ApiItems.Plan;
import io.planpulse.serve.ApiItems.Unplanned;
import io.planpulse.serve.ApiItems.Warning;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The read-only HTTP API of CONTRACT section 6 (JSON, snake_case; the items are {@link ApiItems}) on the JDK's HTTP
 * server, as a table of routes: a path, or a path prefix whose rest the route reads. Anything but GET (and HEAD) is
 * refused with 405.
 */
public final class HttpApi implements AutoCloseable {
    private static final SortedSet<String> STATUSES = Arrays.stream(Status.values()).map(Status::wire)
            .collect(Collectors.toCollection(TreeSet::new));
    private static final SortedSet<String> OUTLOOKS = Arrays.stream(Outlook.values()).map(Outlook::wire)
            .collect(Collectors.toCollection(TreeSet::new));

    /** A request as a route reads it: the rest of the path after a prefix route's prefix, the query parameters. */
    record Request(String rest, Map<String, String> query) {
    }

    /** A status and a body: an object to write as JSON, or bytes of {@code type}; headers besides the type. */
    record Answer(int status, String type, Object body, Map<String, String> headers) {
        Answer(int status, String type, Object body) {
            this(status, type, body, Map.of());
        }

        static Answer json(int status, Object body) {
            return new Answer(status, "application/json; charset=utf-8", body);
        }

        static Answer ok(Object body) {
            return json(200, body);
        }

        static Answer error(int status, String message) {
            return json(status, new ApiItems.Error(message));
        }
    }

    interface Route {
        Answer answer(Request r);
    }

    /** A document served as it is (GET /report): its bytes, type and Content-Disposition (null: none). */
    public record Document(int status, String contentType, String disposition, byte[] body) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final KpiTable view;
    private final PrometheusMeterRegistry registry;
    private final BooleanSupplier ready;
    private volatile Supplier<List<PlanCatalog.YearStatus>> plans = List::of;
    private volatile BooleanSupplier healthy = () -> true;
    private volatile Function<Map<String, String>, Document> report;
    private final Map<String, Route> routes = Map.ofEntries(
            entry("/health", this::health),
            entry("/ready", this::ready),
            entry("/metrics", this::metrics),
            entry("/api/districts", this::districts),
            entry("/api/kpis", this::kpis),
            entry("/api/kpis/", this::kpis),
            entry("/api/lagging", this::lagging),
            entry("/api/outlook", this::outlook),
            entry("/api/plans", r -> Answer.ok(plans.get().stream().map(Plan::of).toList())),
            entry("/api/unplanned", this::unplanned),
            entry("/report", this::report),
            entry("/schemas", r -> SchemaRoutes.all()),
            entry("/schemas/", r -> SchemaRoutes.all()));
    /** Tried after the exact paths. */
    private final Map<String, Route> prefixRoutes = Map.of(
            "/api/kpis/", this::kpi, // {year}/{id}
            "/schemas/", r -> SchemaRoutes.one(r.rest())); // {type}[.avsc]

    public HttpApi(String host, int port, KpiTable view, PrometheusMeterRegistry registry, BooleanSupplier ready)
            throws IOException {
        this.view = view;
        this.registry = registry;
        this.ready = ready;
        server = HttpServer.create(new InetSocketAddress(host, port), 64);
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "planpulse-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** Serves GET /api/plans from these statuses (the pipeline's own catalogue's). */
    public HttpApi plans(Supplier<List<PlanCatalog.YearStatus>> plans) {
        this.plans = plans;
        return this;
    }

    /** Serves GET /report (the monthly dispatch report) from this; without it, /report is 404. */
    public HttpApi report(Function<Map<String, String>, Document> report) {
        this.report = report;
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

    private Answer health(Request r) {
        return state(healthy.getAsBoolean(), "up", "down");
    }

    private Answer ready(Request r) {
        return state(ready.getAsBoolean(), "ready", "not_ready");
    }

    private static Answer state(boolean ok, String yes, String no) {
        return Answer.json(ok ? 200 : 503, new ApiItems.State(ok ? yes : no));
    }

    private Answer report(Request r) {
        Function<Map<String, String>, Document> source = report;
        if (source == null) {
            return Answer.error(404, "no report on this server");
        }
        Document d = source.apply(r.query());
        Map<String, String> headers = d.disposition() == null ? Map.of("Cache-Control", "no-store")
                : Map.of("Cache-Control", "no-store", "Content-Disposition", d.disposition());
        return new Answer(d.status(), d.contentType(), d.body(), headers);
    }

    private Answer metrics(Request r) {
        String district = district(r);
        // under the view's read lock: a scrape never sees half of a plan version switch
        String text = view.read(registry::scrape);
        if (district != null) {
            text = MetricsFilter.kpiSeriesOf(text, district);
        }
        return new Answer(200, "text/plain; version=0.0.4; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * GET /api/districts?year=Y: one entry per district with a plan (KPIs) or facts (planpulse.district-facts) in the year,
     * the most lagging first (lagging and severely lagging targets, then overdue ones; then by code).
     */
    private Answer districts(Request r) {
        Integer year = year(r);
        Map<String, List<KpiSnapshot>> byDistrict = new java.util.TreeMap<>();
        view.read(() -> {
            view.all().stream().filter(inYear(r)).forEach(s -> {
                byDistrict.computeIfAbsent(s.getDistrict(), k -> new ArrayList<>()).add(s);
                // districts with facts and no plan that a city's districts: roll-up found
                if (s.getMissingDistricts() != null) {
                    s.getMissingDistricts().forEach(d -> byDistrict.computeIfAbsent(d, k -> new ArrayList<>()));
                }
            });
            view.unplanned().stream().filter(u -> year == null || u.getYear() == year)
                    .forEach(u -> byDistrict.computeIfAbsent(u.getDistrict(), k -> new ArrayList<>()));
            // every district with facts of the year, flows only and no plan over it included
            view.districtFacts().stream().filter(d -> year == null || d.getYear() == year)
                    .forEach(d -> byDistrict.computeIfAbsent(d.getDistrict(), k -> new ArrayList<>()));
            return null;
        });
        Map<String, String> versions = new java.util.HashMap<>();
        for (PlanCatalog.YearStatus st : plans.get()) {
            if ((year == null || st.year() == year) && st.inForce() != null) {
                versions.put(st.district(), st.inForce().version());
                byDistrict.computeIfAbsent(st.district(), k -> new ArrayList<>());
            }
        }
        List<ApiItems.District> out = new ArrayList<>();
        for (Map.Entry<String, List<KpiSnapshot>> e : byDistrict.entrySet()) {
            String code = e.getKey();
            List<KpiSnapshot> items = e.getValue();
            Map<String, Integer> byStatus = new java.util.TreeMap<>();
            Map<String, Integer> byOutlook = new java.util.TreeMap<>();
            int overdue = 0;
            int early = 0;
            String name = io.planpulse.base.Districts.name(code);
            for (KpiSnapshot s : items) {
                byStatus.merge(s.getStatus(), 1, Integer::sum);
                if (s.getOutlook() != null) {
                    byOutlook.merge(s.getOutlook(), 1, Integer::sum);
                }
                overdue += s.getOverdue() ? 1 : 0;
                early += Warning.of(s).earlyWarning() ? 1 : 0;
                if (s.getDistrictName() != null) {
                    name = s.getDistrictName();
                }
            }
            List<String> covers = null;
            if (io.planpulse.base.Districts.isAggregate(code)) {
                covers = byDistrict.keySet().stream()
                        .filter(d -> !d.equals(code) && io.planpulse.base.Districts.covers(code, d)).toList();
            }
            String version = versions.get(code);
            if (version == null && !items.isEmpty()) {
                version = items.get(0).getPlanVersion();
            }
            out.add(new ApiItems.District(code, name, covers, version, items.size(), byStatus, byOutlook, overdue,
                    early));
        }
        out.sort(Comparator.comparing((ApiItems.District d) -> -(d.byStatus().getOrDefault("lagging", 0)
                        + d.byStatus().getOrDefault("severely_lagging", 0)))
                .thenComparing(d -> -d.byStatus().getOrDefault("severely_lagging", 0))
                .thenComparing(d -> -d.overdue()).thenComparing(ApiItems.District::district));
        return Answer.ok(out);
    }

    /** GET /api/kpis?year=Y&category=C&status=S&outlook=O. */
    private Answer kpis(Request r) {
        String category = r.query().get("category");
        String status = oneOf(r, "status", STATUSES);
        String outlook = oneOf(r, "outlook", OUTLOOKS);
        return Answer.ok(view.all().stream().filter(inYear(r)).filter(inDistrict(r))
                .filter(s -> category == null || category.equals(s.getCategory()))
                .filter(s -> status == null || status.equals(s.getStatus()))
                .filter(s -> outlook == null || outlook.equals(s.getOutlook()))
                .map(Item::of).toList());
    }

    /**
     * GET /api/kpis/{year}/{id}[?district=D]: D is needed only when more than one district's plan has that id
     * (otherwise 400 naming those districts).
     */
    private Answer kpi(Request r) {
        String[] parts = r.rest().split("/");
        if (parts.length != 2) {
            throw new BadRequest("expected /api/kpis/{year}/{id}");
        }
        int year = parseYear(parts[0]);
        String district = district(r);
        List<KpiSnapshot> found = view.get(year, parts[1]).stream()
                .filter(s -> district == null || district.equals(s.getDistrict())).toList();
        if (found.isEmpty()) {
            return Answer.error(404, "no target '" + parts[1] + "' in the " + year + " plan"
                    + (district == null ? "" : " of district " + district));
        }
        if (found.size() > 1) {
            throw new BadRequest("the " + year + " plans of districts " + found.stream().map(KpiSnapshot::getDistrict)
                    .toList() + " all have target '" + parts[1] + "': add ?district=D");
        }
        return Answer.ok(Detail.of(found.get(0)));
    }

    /** GET /api/lagging?year=Y: lagging, severely lagging or overdue, worst gap first. */
    private Answer lagging(Request r) {
        return Answer.ok(view.all().stream().filter(inYear(r)).filter(inDistrict(r))
                .filter(s -> s.getStatus().equals("lagging") || s.getStatus().equals("severely_lagging") || s.getOverdue())
                .sorted(Comparator.comparing((KpiSnapshot s) -> s.getGap() == null ? Double.MAX_VALUE : s.getGap())
                        .thenComparing(KpiSnapshot::getId))
                .map(Item::of).toList());
    }

    /** GET /api/outlook?year=Y: at risk or off course, worst projected completion first. */
    private Answer outlook(Request r) {
        return Answer.ok(view.all().stream().filter(inYear(r)).filter(inDistrict(r))
                .filter(s -> "at_risk".equals(s.getOutlook()) || "off_course".equals(s.getOutlook()))
                .sorted(Comparator.comparing((KpiSnapshot s) -> s.getProjectedCompletion() == null
                        ? Double.MAX_VALUE : worstFirst(s)).thenComparing(KpiSnapshot::getId))
                .map(Warning::of).toList());
    }

    /** GET /api/unplanned?year=Y[&amp;district=D]. */
    private Answer unplanned(Request r) {
        Integer year = year(r);
        String district = district(r);
        return Answer.ok(view.unplanned().stream().filter(u -> year == null || u.getYear() == year)
                .filter(u -> district == null || district.equals(u.getDistrict()))
                .map(Unplanned::of).toList());
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

    /** Items of the plans of district D only (CONTRACT section 6), when the request names one. */
    private static Predicate<KpiSnapshot> inDistrict(Request r) {
        String d = district(r);
        return s -> d == null || d.equals(s.getDistrict());
    }

    private static String district(Request r) {
        String d = r.query().get("district");
        if (d != null && !io.planpulse.base.Districts.isCode(d)) {
            throw new BadRequest("district must be a 6-digit administrative division code (e.g. 500113), not '"
                    + d + "'");
        }
        return d;
    }

    private static Predicate<KpiSnapshot> inYear(Request r) {
        Integer year = year(r);
        return s -> year == null || s.getYear() == year;
    }

    private static String oneOf(Request r, String name, SortedSet<String> values) {
        String v = r.query().get(name);
        if (v != null && !values.contains(v)) {
            throw new BadRequest("unknown " + name + " '" + v + "' (one of " + values + ")");
        }
        return v;
    }

    private static Integer year(Request r) {
        String y = r.query().get("year");
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

    private static final class BadRequest extends RuntimeException {
        BadRequest(String m) {
            super(m, null, false, false);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            send(ex, answer(ex));
        } finally {
            ex.close();
        }
    }

    private Answer answer(HttpExchange ex) {
        if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().add("Allow", "GET, HEAD");
            return Answer.error(405, "read-only API: only GET is allowed");
        }
        String path = ex.getRequestURI().getPath();
        try {
            Map<String, String> query = query(ex.getRequestURI().getRawQuery());
            Route exact = routes.get(path);
            if (exact != null) {
                return exact.answer(new Request("", query));
            }
            for (Map.Entry<String, Route> e : prefixRoutes.entrySet()) {
                if (path.startsWith(e.getKey())) {
                    return e.getValue().answer(new Request(path.substring(e.getKey().length()), query));
                }
            }
            return Answer.error(404, "no such route: " + path);
        } catch (BadRequest e) {
            return Answer.error(400, e.getMessage());
        } catch (RuntimeException e) {
            return Answer.error(500, e.toString());
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

    private static void send(HttpExchange ex, Answer a) throws IOException {
        byte[] bytes = a.body() instanceof byte[] b ? b : ApiItems.JSON.writeValueAsBytes(a.body());
        ex.getResponseHeaders().add("Content-Type", a.type());
        a.headers().forEach(ex.getResponseHeaders()::add);
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(a.status(), -1);
            return;
        }
        ex.sendResponseHeaders(a.status(), bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops the server and the threads that served it (waiting a little for answers under way). */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
