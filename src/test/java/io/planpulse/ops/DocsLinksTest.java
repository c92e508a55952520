package io.planpulse.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README and docs/ hold together: every relative link reaches a file, every {@code #anchor} into a markdown file
 * is one of its headings as GitHub names them, every alert's runbook annotation reaches its runbook entry, and the
 * README stays a front door (under 400 lines; the details live in docs/).
 */
class DocsLinksTest {
    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern CODE_SPAN = Pattern.compile("`[^`]*`");
    private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)(?:\\s+#+)?\\s*$");
    private static final Pattern RUNBOOK = Pattern.compile("^\\s*runbook:\\s*\"([^\"]+)\"\\s*$");

    @Test
    void shouldKeepTheReadmeUnder400Lines() throws IOException {
        assertThat(Files.readAllLines(Tools.ROOT.resolve("README.md"))).hasSizeLessThan(400);
    }

    @Test
    void shouldResolveEveryRelativeLinkAndAnchor() throws IOException {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path file : markdownFiles()) {
            for (String target : links(file)) {
                checked++;
                String problem = problem(file, target);
                if (problem != null) {
                    broken.add(Tools.ROOT.relativize(file) + ": " + target + ": " + problem);
                }
            }
        }
        assertThat(checked).as("relative links found").isGreaterThan(20);
        assertThat(broken).isEmpty();
    }

    @Test
    void shouldStartEveryDocWithATitleAndALinkBackToTheReadme() throws IOException {
        for (Path doc : markdownFiles()) {
            if (doc.getFileName().toString().equals("README.md")) {
                continue;
            }
            List<String> lines = Files.readAllLines(doc);
            assertThat(lines.get(0)).as(doc + ": title").startsWith("# ");
            assertThat(lines.get(2)).as(doc + ": one sentence of what it covers, then back to the README")
                    .isNotBlank().contains("](../README.md)");
        }
    }

    @Test
    void shouldPointEveryAlertsRunbookAtItsEntry() throws IOException {
        List<String> runbooks = new ArrayList<>();
        try (Stream<Path> rules = Files.list(Tools.ROOT.resolve("deploy/prometheus/rules"))) {
            for (Path file : rules.filter(p -> p.toString().endsWith(".yml")).sorted().toList()) {
                for (String line : Files.readAllLines(file)) {
                    Matcher m = RUNBOOK.matcher(line);
                    if (m.matches()) {
                        runbooks.add(m.group(1));
                    }
                }
            }
        }
        assertThat(runbooks).as("runbook annotations").hasSizeGreaterThanOrEqualTo(8)
                .allSatisfy(r -> assertThat(problem(Tools.ROOT.resolve("README.md"), r)).as(r).isNull());
    }

    @Test
    void shouldNameAnchorsAsGitHubDoes() {
        assertThat(slug("Kafka's own tools")).isEqualTo("kafkas-own-tools");
        assertThat(slug("Operations: Prometheus, alerts, Grafana, the whole stack"))
                .isEqualTo("operations-prometheus-alerts-grafana-the-whole-stack");
        assertThat(slug("Facts instead of per-target sums: before and after (2026-12-01)"))
                .isEqualTo("facts-instead-of-per-target-sums-before-and-after-2026-12-01");
        assertThat(slug("Plan overview · 计划总览")).isEqualTo("plan-overview--计划总览");
        assertThat(slug("The `kpi_input` topic, [linked](x.md)")).isEqualTo("the-kpi_input-topic-linked");
        assertThat(slug("PlanpulseStreamThreadFailing")).isEqualTo("planpulsestreamthreadfailing");
    }

    /** Why {@code target}, linked from {@code from}, does not resolve; null when it does. */
    private static String problem(Path from, String target) {
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path file = path.isEmpty() ? from : from.toAbsolutePath().getParent().resolve(path).normalize();
        if (!Files.exists(file)) {
            return "no such file";
        }
        if (anchor == null || !file.toString().endsWith(".md")) {
            return null;
        }
        try {
            Set<String> anchors = anchors(file);
            return anchors.contains(anchor) ? null : "no heading with that anchor; there are " + anchors;
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** The relative link targets of a markdown file, outside code blocks and code spans. */
    private static List<String> links(Path file) throws IOException {
        List<String> targets = new ArrayList<>();
        for (String line : prose(file)) {
            Matcher m = LINK.matcher(CODE_SPAN.matcher(line).replaceAll(""));
            while (m.find()) {
                String target = m.group(1);
                if (!target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    targets.add(target);
                }
            }
        }
        return targets;
    }

    /** The anchors GitHub gives the headings of a markdown file, a repeated one suffixed -1, -2, ... */
    private static Set<String> anchors(Path file) throws IOException {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : prose(file)) {
            Matcher m = HEADING.matcher(line);
            if (m.matches()) {
                String slug = slug(m.group(2));
                int n = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(n == 0 ? slug : slug + "-" + n);
            }
        }
        return anchors;
    }

    /** GitHub's anchor of a heading: its text, lower case, punctuation dropped but '-' and '_', each space a '-'. */
    static String slug(String heading) {
        String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replace("`", "");
        return text.toLowerCase(java.util.Locale.ROOT).replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "").replace(' ', '-');
    }

    /** The lines of a markdown file outside fenced code blocks. */
    private static List<String> prose(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        boolean fenced = false;
        for (String line : Files.readAllLines(file)) {
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static List<Path> markdownFiles() throws IOException {
        List<Path> files = new ArrayList<>(List.of(Tools.ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(Tools.ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        return files;
    }
}
