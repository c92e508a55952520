package io.planpulse.plan;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads and validates a plan file (CONTRACT section 2). Every problem is reported as {@code file:line: rule};
 * a file with any problem is refused whole. The YAML node tree is read directly so that every value keeps its line.
 */
public final class PlanLoader {
    /** The 2025 Banan plan shipped in the jar. */
    public static final String DEFAULT_PLAN_RESOURCE = "/plans/banan-2025.yaml";
    /** The zone of a deployment that names none (planpulse.timezone unset, CONTRACT section 1). */
    private static final ZoneId DEFAULT_DEPLOYMENT_ZONE = ZoneId.of("Asia/Shanghai");

    private static final Pattern ID = Pattern.compile("[a-z0-9_]+");
    private static final Set<String> TOP_KEYS = Set.of("year", "district", "district_name", "timezone", "report_deadline_day", "thresholds", "targets",
            "qualitative_targets");
    private static final Set<String> TARGET_KEYS = Set.of("id", "name_zh", "name_en", "category", "unit", "kind",
            "comparator", "target", "scale", "baseline", "schedule", "parent", "source", "filter", "owner", "binding");
    private static final Set<String> THRESHOLD_KEYS = Set.of("ahead", "lagging", "severely_lagging");

    private final String file;
    /** The zone of a plan that names none: the deployment's. */
    private final ZoneId deploymentZone;
    private final List<String> problems = new ArrayList<>();
    /** Not among the contract's refusal rules, but worth telling the author (unknown keys, missing display fields). */
    private final List<String> warnings = new ArrayList<>();
    /** The mapping being read: a missing required key is reported at its line. */
    private Node current;

    private PlanLoader(String file, ZoneId deploymentZone) {
        this.file = file;
        this.deploymentZone = deploymentZone;
    }

    /** A plan file of a deployment in {@code deploymentZone}: a plan that names no timezone takes that zone. */
    public static Plan load(Path path, ZoneId deploymentZone) throws PlanException, IOException {
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return new PlanLoader(path.toString(), deploymentZone).parse(r);
        }
    }

    /** A plan of a deployment in the default zone. */
    public static Plan load(String name, Reader reader) throws PlanException {
        return load(name, reader, DEFAULT_DEPLOYMENT_ZONE);
    }

    public static Plan load(String name, Reader reader, ZoneId deploymentZone) throws PlanException {
        return new PlanLoader(name, deploymentZone).parse(reader);
    }

    public static Plan loadDefault() {
        try (InputStream in = PlanLoader.class.getResourceAsStream(DEFAULT_PLAN_RESOURCE)) {
            return load("classpath:" + DEFAULT_PLAN_RESOURCE, new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException | PlanException e) {
            throw new IllegalStateException("the shipped plan does not load: " + e.getMessage(), e);
        }
    }

    private Plan parse(Reader reader) throws PlanException {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
            throw new PlanException(List.of(file + ":" + line + ": not valid YAML: " + e.getProblem()));
        } catch (RuntimeException e) {
            throw new PlanException(List.of(file + ":1: not valid YAML: " + e.getMessage()));
        }
        if (!(root instanceof MappingNode top)) {
            throw new PlanException(List.of(file + ":1: a plan file is a mapping with year and targets"));
        }
        current = top;
        Map<String, Node> fields = fields(top, TOP_KEYS, "plan");
        Integer year = integer(fields, "year", top, true);
        if (year != null && (year < 2000 || year > 2100)) {
            problem(fields.get("year"), "year must be between 2000 and 2100");
        }
        String district = string(fields, "district", false);
        if (district != null && !io.planpulse.base.Districts.isCode(district)) {
            problem(fields.get("district"), "district must be a 6-digit administrative division code (GB/T 2260, "
                    + "e.g. \"500113\"), not '" + district + "'");
        }
        String districtName = string(fields, "district_name", false);
        planDistrict = district;
        String timezone = string(fields, "timezone", false);
        if (timezone == null) {
            timezone = deploymentZone.getId();
        } else {
            try {
                ZoneId.of(timezone);
            } catch (DateTimeException e) {
                problem(fields.get("timezone"), "unknown time zone '" + timezone + "'");
            }
        }
        Integer deadline = integer(fields, "report_deadline_day", top, false);
        if (deadline == null) {
            deadline = 10;
        } else if (deadline < 1 || deadline > 28) {
            problem(fields.get("report_deadline_day"), "report_deadline_day must be between 1 and 28");
        }
        Thresholds thresholds = thresholds(fields.get("thresholds"));
        List<Target> targets = new ArrayList<>();
        Map<String, Integer> lines = new HashMap<>();
        Node targetsNode = fields.get("targets");
        if (!(targetsNode instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
            problem(targetsNode == null ? top : targetsNode, "targets must be a non-empty list");
        } else {
            for (Node n : seq.getValue()) {
                Target t = target(n, year == null ? 0 : year, timezone, deadline, thresholds);
                if (t == null) {
                    continue;
                }
                if (lines.containsKey(t.id())) {
                    problem(n, "duplicate target id '" + t.id() + "' (first at line " + lines.get(t.id()) + ")");
                } else {
                    lines.put(t.id(), line(n));
                    targets.add(t);
                }
            }
        }
        checkHierarchy(targets, lines);
        List<Map<String, String>> qualitative = qualitative(fields.get("qualitative_targets"));
        if (!problems.isEmpty()) {
            throw new PlanException(problems);
        }
        return new Plan(year, timezone, deadline, thresholds, List.copyOf(targets), qualitative, List.copyOf(warnings),
                district, districtName);
    }

    /** The district the file names, or null; a districts: source needs one that covers others. */
    private String planDistrict;

    private Target target(Node n, int year, String timezone, int deadline, Thresholds thresholds) {
        if (!(n instanceof MappingNode m)) {
            problem(n, "each target is a mapping");
            return null;
        }
        int before = problems.size();
        current = m;
        Map<String, Node> f = fields(m, TARGET_KEYS, "target");
        String id = string(f, "id", true);
        if (id != null && !ID.matcher(id).matches()) {
            problem(f.get("id"), "target id '" + id + "' must match [a-z0-9_]+");
        }
        String where = id == null ? "target" : "target '" + id + "'";
        String nameZh = display(f, "name_zh", id, where);
        String nameEn = display(f, "name_en", id, where);
        String category = display(f, "category", "uncategorized", where);
        String unit = display(f, "unit", "", where);
        Kind kind = parse(f.get("kind"), Kind::fromWire, where);
        Comparator comparator = parse(f.get("comparator"), Comparator::fromWire, where);
        Source source = parse(f.get("source"), Source::fromWire, where);
        requirePresent(f, m, where, "kind", "comparator", "source");
        String sourceTarget = null;
        if (source == Source.DISTRICTS) {
            sourceTarget = Source.districtsTarget(((ScalarNode) f.get("source")).getValue());
            if (!ID.matcher(sourceTarget).matches()) {
                problem(f.get("source"), where + ": source districts:<target_id> names '" + sourceTarget
                        + "', not a target id ([a-z0-9_]+)");
            }
            if (planDistrict != null && !io.planpulse.base.Districts.isAggregate(planDistrict)) {
                problem(f.get("source"), where + ": a districts: source in the plan of " + planDistrict
                        + ", which covers no other district (only a code ending in 00 does, such as 500000)");
            }
        }
        Double target = number(f, "target", false);
        if (target == null && source != null && !source.isRollup() && f.get("target") == null) {
            problem(m, where + ": target is required (only a children or districts: target may take the sum of "
                    + "the targets it sums)");
        }
        Double scale = number(f, "scale", false);
        if (scale == null) {
            scale = 1.0;
        } else if (!(scale > 0)) {
            problem(f.get("scale"), where + ": scale must be positive");
        }
        Double baseline = number(f, "baseline", false);
        List<Double> schedule = schedule(f.get("schedule"), where);
        String parent = string(f, "parent", false);
        Map<String, String> filter = filter(f.get("filter"), source, where);
        String owner = string(f, "owner", false);
        Boolean binding = bool(f.get("binding"));
        if (problems.size() > before) {
            return null;
        }
        return new Target(year, id, nameZh, nameEn, category, unit, kind, comparator, target, scale, baseline,
                schedule, parent, source, filter, owner, Boolean.TRUE.equals(binding), timezone, deadline, thresholds,
                sourceTarget);
    }

    private void checkHierarchy(List<Target> targets, Map<String, Integer> lines) {
        Map<String, Target> byId = new LinkedHashMap<>();
        targets.forEach(t -> byId.put(t.id(), t));
        Set<String> parents = new HashSet<>();
        for (Target t : targets) {
            if (t.parent() == null) {
                continue;
            }
            Target p = byId.get(t.parent());
            if (p == null) {
                problems.add(file + ":" + lines.get(t.id()) + ": target '" + t.id() + "': parent '" + t.parent()
                        + "' is not a target of this plan");
                continue;
            }
            if (p.source() != Source.CHILDREN) {
                problems.add(file + ":" + lines.get(t.id()) + ": target '" + t.id() + "': parent '" + t.parent()
                        + "' must have source children");
            }
            parents.add(p.id());
            Set<String> seen = new HashSet<>();
            for (Target cur = t; cur != null && cur.parent() != null; cur = byId.get(cur.parent())) {
                if (!seen.add(cur.id())) {
                    problems.add(file + ":" + lines.get(t.id()) + ": target '" + t.id() + "': parent chain is cyclic");
                    break;
                }
            }
        }
        for (Target t : targets) {
            if (t.source() == Source.CHILDREN && !parents.contains(t.id())) {
                problems.add(file + ":" + lines.get(t.id()) + ": target '" + t.id()
                        + "': source children but no target names it as parent");
            }
        }
    }

    private List<Double> schedule(Node n, String where) {
        if (n == null) {
            return Target.LINEAR;
        }
        if (!(n instanceof SequenceNode seq) || seq.getValue().size() != 12) {
            problem(n, where + ": schedule must be a list of 12 numbers");
            return null;
        }
        List<Double> out = new ArrayList<>();
        double prev = 0;
        for (Node v : seq.getValue()) {
            Double d = toNumber(v);
            if (d == null) {
                problem(v, where + ": schedule values must be numbers");
                return null;
            }
            if (d < prev || d < 0 || d > 1) {
                problem(v, where + ": schedule must be non-decreasing between 0 and 1");
                return null;
            }
            prev = d;
            out.add(d);
        }
        if (out.get(11) != 1.0) {
            problem(seq.getValue().get(11), where + ": schedule must end at 1.0");
            return null;
        }
        return List.copyOf(out);
    }

    private Map<String, String> filter(Node n, Source source, String where) {
        if (n == null || isNull(n)) {
            return Map.of();
        }
        if (!(n instanceof MappingNode m)) {
            problem(n, where + ": filter must be a mapping of event field to value");
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            String k = ((ScalarNode) t.getKeyNode()).getValue();
            if (source != null && !source.filterableFields().contains(k)) {
                problem(t.getKeyNode(), where + ": filter field '" + k + "' is not a field of source "
                        + source.wire() + " (allowed: " + new java.util.TreeSet<>(source.filterableFields()) + ")");
            }
            if (!(t.getValueNode() instanceof ScalarNode v)) {
                problem(t.getValueNode(), where + ": filter values must be strings");
            } else {
                out.put(k, v.getValue());
            }
        }
        return Map.copyOf(out);
    }

    private Thresholds thresholds(Node n) {
        if (n == null) {
            return Thresholds.DEFAULT;
        }
        if (!(n instanceof MappingNode m)) {
            problem(n, "thresholds must be a mapping with ahead, lagging and severely_lagging");
            return Thresholds.DEFAULT;
        }
        Map<String, Node> f = fields(m, THRESHOLD_KEYS, "thresholds");
        double ahead = orElse(number(f, "ahead", false), Thresholds.DEFAULT.ahead());
        double lagging = orElse(number(f, "lagging", false), Thresholds.DEFAULT.lagging());
        double severe = orElse(number(f, "severely_lagging", false), Thresholds.DEFAULT.severelyLagging());
        if (!(ahead > lagging && lagging > severe)) {
            problem(n, "thresholds must satisfy ahead > lagging > severely_lagging");
        }
        return new Thresholds(ahead, lagging, severe);
    }

    private List<Map<String, String>> qualitative(Node n) {
        if (n == null) {
            return List.of();
        }
        if (!(n instanceof SequenceNode seq)) {
            problem(n, "qualitative_targets must be a list");
            return List.of();
        }
        List<Map<String, String>> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
            if (!(item instanceof MappingNode m)) {
                problem(item, "each qualitative target is a mapping");
                continue;
            }
            Map<String, String> q = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                if (t.getValueNode() instanceof ScalarNode v) {
                    q.put(((ScalarNode) t.getKeyNode()).getValue(), v.getValue());
                }
            }
            out.add(q);
        }
        return List.copyOf(out);
    }

    private Map<String, Node> fields(MappingNode m, Set<String> allowed, String what) {
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                problem(t.getKeyNode(), what + " keys must be plain names");
                continue;
            }
            if (!allowed.contains(k.getValue())) {
                warnings.add(file + ":" + line(k) + ": ignoring unknown " + what + " field '" + k.getValue()
                        + "' (known: " + new java.util.TreeSet<>(allowed) + ")");
                continue;
            }
            out.put(k.getValue(), t.getValueNode());
        }
        return out;
    }

    private void requirePresent(Map<String, Node> f, Node m, String where, String... keys) {
        for (String k : keys) {
            if (f.get(k) == null) {
                problem(m, where + ": " + k + " is required");
            }
        }
    }

    private <T> T parse(Node n, java.util.function.Function<String, T> parser, String where) {
        if (n == null) {
            return null;
        }
        if (!(n instanceof ScalarNode s)) {
            problem(n, where + ": expected a single value");
            return null;
        }
        try {
            return parser.apply(s.getValue());
        } catch (IllegalArgumentException e) {
            problem(n, where + ": " + e.getMessage());
            return null;
        }
    }

    /** A display field: missing is not a contract violation, so it gets a default and a warning. */
    private String display(Map<String, Node> f, String key, String fallback, String where) {
        String v = string(f, key, false);
        if (v == null) {
            warnings.add(file + ":" + line(current) + ": " + where + ": no " + key + ", shown as '" + fallback + "'");
            return fallback == null ? "" : fallback;
        }
        return v;
    }

    private String string(Map<String, Node> f, String key, boolean required) {
        Node n = f.get(key);
        if (n == null || isNull(n)) {
            if (required) {
                problem(n, key + " is required");
            }
            return null;
        }
        if (!(n instanceof ScalarNode s) || s.getValue().isBlank()) {
            problem(n, key + " must be a non-empty string");
            return null;
        }
        return s.getValue();
    }

    private Integer integer(Map<String, Node> f, String key, Node parent, boolean required) {
        Node n = f.get(key);
        if (n == null) {
            if (required) {
                problem(parent, key + " is required");
            }
            return null;
        }
        if (n instanceof ScalarNode s) {
            try {
                return Integer.parseInt(s.getValue().trim());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        problem(n, key + " must be an integer");
        return null;
    }

    private Double number(Map<String, Node> f, String key, boolean required) {
        Node n = f.get(key);
        if (n == null || isNull(n)) {
            if (required) {
                problem(n, key + " is required");
            }
            return null;
        }
        Double d = toNumber(n);
        if (d == null) {
            problem(n, key + " must be a finite number");
        }
        return d;
    }

    private static Double toNumber(Node n) {
        if (!(n instanceof ScalarNode s)) {
            return null;
        }
        try {
            double d = Double.parseDouble(s.getValue().trim());
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private Boolean bool(Node n) {
        if (n == null) {
            return null;
        }
        if (n instanceof ScalarNode s && (s.getValue().equals("true") || s.getValue().equals("false"))) {
            return Boolean.parseBoolean(s.getValue());
        }
        problem(n, "binding must be true or false");
        return null;
    }

    private static boolean isNull(Node n) {
        return n instanceof ScalarNode s && (s.getValue().equals("null") || s.getValue().equals("~") || s.getValue().isEmpty())
                && s.getTag().getValue().endsWith(":null");
    }

    private static double orElse(Double d, double fallback) {
        return d == null ? fallback : d;
    }

    private static int line(Node n) {
        return n.getStartMark().getLine() + 1;
    }

    private void problem(Node n, String rule) {
        problems.add(file + ":" + line(n == null ? current : n) + ": " + rule);
    }
}
