package io.planpulse.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PlanLoaderTest {
    private static final String HEADER = "year: 2025\ntargets:\n";
    private static final String TRUCKS = """
              - id: trucks
                name_zh: 发车
                name_en: Trucks
                category: logistics_trade
                unit: trips
                kind: cumulative_flow
                comparator: at_least
                target: 4800
                source: truck_departures:count
            """;

    private static Plan load(String yaml) throws PlanException {
        return PlanLoader.load("plan.yaml", new StringReader(yaml));
    }

    private static List<String> problems(String yaml) {
        try {
            load(yaml);
        } catch (PlanException e) {
            return e.problems();
        }
        throw new AssertionError("plan was accepted");
    }

    @Test
    void shouldLoadAndValidateTheShippedBananPlan() {
        Plan p = PlanLoader.loadDefault();
        assertThat(p.year()).isEqualTo(2025);
        assertThat(p.timezone()).isEqualTo("Asia/Shanghai");
        assertThat(p.targets()).hasSize(267);
        assertThat(p.qualitative()).hasSize(5);
        Map<String, Target> byId = p.targets().stream().collect(Collectors.toMap(Target::id, t -> t));
        List<Target> gov = p.targets().stream().filter(t -> "gov_key_projects_annual_investment".equals(t.parent())).toList();
        List<Target> social = p.targets().stream().filter(t -> "social_key_projects_annual_investment".equals(t.parent())).toList();
        assertThat(gov).hasSize(70).allSatisfy(t -> assertThat(t.source()).isEqualTo(Source.PROJECT_PROGRESS));
        assertThat(social).hasSize(55);
        assertThat(gov.stream().map(t -> BigDecimal.valueOf(t.target())).reduce(BigDecimal.ZERO, BigDecimal::add))
                .isEqualByComparingTo("124");
        assertThat(social.stream().map(t -> BigDecimal.valueOf(t.target())).reduce(BigDecimal.ZERO, BigDecimal::add))
                .isEqualByComparingTo("123");
        assertThat(byId.get("key_projects_annual_planned_investment").target()).isEqualTo(247.0);
        assertThat(byId.get("key_projects_annual_planned_investment").comparator()).isEqualTo(Comparator.AT_LEAST);
        assertThat(byId.get("cross_border_truck_departures").source()).isEqualTo(Source.TRUCK_COUNT);
        assertThat(byId.get("cross_border_truck_departures").baseline()).isEqualTo(5502.0);
        assertThat(byId.get("cross_border_truck_cargo_value").scale()).isEqualTo(1e8);
        assertThat(byId.get("hub_throughput").scale()).isEqualTo(1e4);
        assertThat(byId.get("hub_foreign_trade_value").source()).isEqualTo(Source.TRADE_VALUE);
        assertThat(byId.get("surveyed_unemployment_rate").comparator()).isEqualTo(Comparator.AT_MOST);
        assertThat(byId.get("high_tech_enterprises").kind()).isEqualTo(Kind.STOCK_LEVEL);
        assertThat(byId.get("high_tech_enterprises").baseline()).isEqualTo(355.0);
    }

    @Test
    void shouldApplyTheContractDefaults() throws Exception {
        Plan p = load(HEADER + TRUCKS);
        assertThat(p.reportDeadlineDay()).isEqualTo(10);
        assertThat(p.thresholds()).isEqualTo(Thresholds.DEFAULT);
        Target t = p.targets().get(0);
        assertThat(t.scale()).isEqualTo(1.0);
        assertThat(t.schedule()).hasSize(12).endsWith(1.0);
        assertThat(t.schedule().get(5)).isEqualTo(0.5);
        assertThat(t.filter()).isEmpty();
    }

    @Test
    void shouldRefuseAnUnknownKindNamingTheLine() {
        assertThat(problems(HEADER + TRUCKS.replace("cumulative_flow", "flowish")))
                .containsExactly("plan.yaml:8: target 'trucks': unknown kind 'flowish' (expected cumulative_flow, stock_level, growth_rate, ratio or ceiling)");
    }

    @Test
    void shouldRefuseADuplicateId() {
        assertThat(problems(HEADER + TRUCKS + TRUCKS))
                .containsExactly("plan.yaml:12: duplicate target id 'trucks' (first at line 3)");
    }

    @Test
    void shouldRefuseAMissingOrCyclicParent() {
        assertThat(problems(HEADER + TRUCKS + "    parent: nowhere\n"))
                .containsExactly("plan.yaml:3: target 'trucks': parent 'nowhere' is not a target of this plan");
        String a = TRUCKS.replace("trucks", "a").replace("truck_departures:count", "children") + "    parent: b\n";
        String b = TRUCKS.replace("trucks", "b").replace("truck_departures:count", "children") + "    parent: a\n";
        assertThat(problems(HEADER + a + b)).contains("plan.yaml:3: target 'a': parent chain is cyclic");
    }

    @Test
    void shouldRefuseAScheduleThatDecreasesOrDoesNotEndAtOne() {
        assertThat(problems(HEADER + TRUCKS + "    schedule: [0.1, 0.2, 0.3, 0.2, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0]\n"))
                .containsExactly("plan.yaml:12: target 'trucks': schedule must be non-decreasing between 0 and 1");
        assertThat(problems(HEADER + TRUCKS + "    schedule: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999]\n"))
                .containsExactly("plan.yaml:12: target 'trucks': schedule must end at 1.0");
        assertThat(problems(HEADER + TRUCKS + "    schedule: [0.5, 1.0]\n"))
                .containsExactly("plan.yaml:12: target 'trucks': schedule must be a list of 12 numbers");
    }

    @Test
    void shouldRefuseAnUnknownSourceAndAFilterOnAFieldTheSourceLacks() {
        assertThat(problems(HEADER + TRUCKS.replace("truck_departures:count", "trucks:count")))
                .containsExactly("plan.yaml:11: target 'trucks': unknown source 'trucks:count'");
        assertThat(problems(HEADER + TRUCKS + "    filter: {terminal: road_port}\n")).singleElement().asString()
                .startsWith("plan.yaml:12: target 'trucks': filter field 'terminal' is not a field of source truck_departures:count");
    }

    @Test
    void shouldRefuseABadIdAMissingTargetAndUnknownKeys() {
        assertThat(problems(HEADER + TRUCKS.replace("id: trucks", "id: Trucks-1"))).singleElement().asString()
                .contains("plan.yaml:3: ").contains("must match [a-z0-9_]+");
        assertThat(problems(HEADER + TRUCKS.replace("    target: 4800\n", ""))).singleElement().asString()
                .isEqualTo("plan.yaml:3: target 'trucks': target is required (only a children or districts: target may take the sum of the targets it sums)");
        assertThat(problems(HEADER + TRUCKS.replace("    target: 4800\n", "    tagret: 4800\n"))).singleElement().asString()
                .isEqualTo("plan.yaml:3: target 'trucks': target is required (only a children or districts: target may take the sum of the targets it sums)");
    }

    @Test
    void shouldWarnAboutUnknownKeysAndMissingDisplayFieldsWithoutRefusingThePlan() throws Exception {
        Plan p = load("year: 2025\nnote: draft\ntargets:\n" + TRUCKS.replace("    name_en: Trucks\n", "")
                + "    quote: 跨境公路班车\n");
        assertThat(p.targets()).hasSize(1);
        assertThat(p.targets().get(0).nameEn()).isEqualTo("trucks");
        assertThat(p.warnings()).containsExactly(
                "plan.yaml:2: ignoring unknown plan field 'note' (known: [district, district_name, qualitative_targets, report_deadline_day, targets, thresholds, timezone, year])",
                "plan.yaml:12: ignoring unknown target field 'quote' (known: [baseline, binding, category, comparator, filter, id, kind, name_en, name_zh, owner, parent, scale, schedule, source, target, unit])",
                "plan.yaml:4: target 'trucks': no name_en, shown as 'trucks'");
    }

    @Test
    void shouldRefuseBrokenYamlWithItsLine() {
        assertThat(problems("year: 2025\ntargets:\n  - id: [unclosed\n")).singleElement().asString()
                .startsWith("plan.yaml:4: not valid YAML");
    }
}
