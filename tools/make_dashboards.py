#!/usr/bin/env python3
"""Writes the Grafana dashboards of deploy/grafana/dashboards/ (run from the repository root).

Dashboards are code here so that their queries stay consistent; the test suite validates every board against
@grafana/schema and runs every panel's query against a real Prometheus scraping a running demo.
"""
import json
import os

DS = {"type": "prometheus", "uid": "prometheus"}
STATUS_COLORS = [
    ("completed", "dark-green"), ("ahead", "green"), ("on_track", "light-green"), ("lagging", "orange"),
    ("severely_lagging", "red"), ("missed", "dark-red"), ("no_data", "gray"),
]
OUTLOOK_COLORS = [("on_course", "green"), ("at_risk", "orange"), ("off_course", "red")]
# No query names a target id: targets are picked by their labels (category, kind, unit), by the descriptive labels
# of planpulse_kpi_info (owner, parent, ...), by the plan's structure (a rollup is a target that another target
# names as its parent) and by template variables filled from label_values(), so the boards follow any year's plan.
#
# Districts (CONTRACT §1b): every KPI series carries `district`, and a target is (district, year, indicator), so
# every join matches on all three (two districts' plans may use the same id) and every KPI selector takes
# district=~"$district". A series without the label (a planpulse before districts) matches both: the label is
# empty on both sides of a join, and the "All" value .* matches the empty string. district_name, where the info
# series carries it, comes along with the names.
ON = "on (district, year, indicator)"
YEAR = 'district=~"$district", year="$year"'
SEL = YEAR + ', category=~"$category", kind=~"$kind"'
NAMES_LEFT = "group_left (owner, name_zh, name_en, district_name)"
OWNER = f' * {ON} {NAMES_LEFT} planpulse_kpi_info{{{YEAR}, owner=~"$owner"}}'
NAMES = f' * {ON} {NAMES_LEFT} planpulse_kpi_info{{{YEAR}}}'
# Tables list targets of every chosen district: the district (and its name, where the series carry one) come first.
DISTRICT_RENAME = {"district": "district 区县", "district_name": "区县名称"}
DISTRICT_FIRST = {"district": 0, "district_name": 1}
LEGEND = "{{district}} {{name_zh}} · {{name_en}}"


def info_only(info_sel):
    """Keeps the series of the targets whose planpulse_kpi_info matches, adding no label."""
    return f" and {ON} planpulse_kpi_info{{{info_sel}}}"


def rollups(parent_re):
    """The investment rollups (targets that investment_projects targets name as their parent) matching parent_re, as
    series {district, year, indicator}: the plan's structure, not its ids."""
    return (f'label_replace(group by (district, year, parent) (planpulse_kpi_info{{{YEAR}, category="investment_projects", '
            f'parent=~"{parent_re}"}}), "indicator", "$1", "parent", "(.+)")')


def early_warning(sel):
    """CONTRACT §5b: outlook off_course while the status is on_track or ahead."""
    return (f'((planpulse_kpi_outlook{{{sel}, outlook="off_course"}} == 1) and {ON} '
            f'(planpulse_kpi_status{{{sel}, status=~"on_track|ahead"}} == 1))')


class Board:
    def __init__(self, uid, title, description, tags):
        self.uid, self.title, self.description, self.tags = uid, title, description, tags
        self.panels, self.next_id, self.y = [], 1, 0
        self.variables = []

    def var_query(self, name, label, query, all_=False, multi=False, all_value=".*", description=""):
        v = {"name": name, "label": label, "type": "query", "datasource": DS,
             "query": {"query": query, "refId": "vars-" + name, "qryType": 1},
             "refresh": 2, "sort": 1, "hide": 0, "multi": multi, "includeAll": all_,
             "skipUrlSync": False, "options": []}
        if description:
            v["description"] = description
        if all_:
            v["allValue"] = all_value
            v["current"] = {"selected": True, "text": ["All"], "value": ["$__all"]}
        self.variables.append(v)

    def district_var(self):
        """$district: the districts with a plan in $year (CONTRACT §1b). "All" is .*, which also matches series
        without the label; the city (500000) is one of the values, its own aggregate plan."""
        self.var_query("district", "District 区县", 'label_values(planpulse_kpi_target{year="$year"}, district)', True, True,
                       description="The districts (GB/T 2260 codes) with a plan in the year; 500000 is the city's own "
                                   "plan. All: every district's targets.")

    def panel(self, kind, title, targets, w=12, h=8, description="", options=None, field_config=None,
              transformations=None, repeat=None, max_per_row=None):
        if self.panels and self._x + w > 24:
            self.y += self._row_h
            self._x, self._row_h = 0, 0
        elif not self.panels:
            self._x, self._row_h = 0, 0
        p = {"id": self.next_id, "type": kind, "title": title, "description": description, "datasource": DS,
             "gridPos": {"x": self._x, "y": self.y, "w": w, "h": h},
             "targets": [dict(t, refId=chr(65 + i), datasource=DS) for i, t in enumerate(targets)],
             "options": options or {}, "fieldConfig": field_config or {"defaults": {}, "overrides": []}}
        if transformations:
            p["transformations"] = transformations
        if repeat:
            p.update(repeat=repeat, repeatDirection="h", maxPerRow=max_per_row or 2)
        self.panels.append(p)
        self.next_id += 1
        self._x += w
        self._row_h = max(self._row_h, h)

    def json(self):
        return {"uid": self.uid, "title": self.title, "description": self.description, "tags": self.tags,
                "timezone": "Asia/Shanghai", "editable": True, "graphTooltip": 1, "schemaVersion": 39,
                "version": 1, "refresh": "30s", "time": {"from": "now-24h", "to": "now"},
                "fiscalYearStartMonth": 0, "liveNow": False, "weekStart": "",
                "templating": {"list": self.variables}, "annotations": {"list": []}, "links": [
                    {"title": "Plan boards", "type": "dashboards", "tags": ["planpulse"], "asDropdown": True,
                     "icon": "external link", "includeVars": True, "keepTime": True, "targetBlank": False,
                     "tooltip": "", "url": ""}],
                "panels": self.panels}


def status_mappings():
    return [{"type": "value", "options": {s: {"text": s, "color": c, "index": i}
                                         for i, (s, c) in enumerate(STATUS_COLORS)}}]


def outlook_mappings():
    return [{"type": "value", "options": {o: {"text": o, "color": c, "index": i}
                                         for i, (o, c) in enumerate(OUTLOOK_COLORS)}}]


def ratio_defaults(extra=None):
    d = {"unit": "percentunit", "decimals": 1, "min": 0,
         "thresholds": {"mode": "absolute", "steps": [{"color": "red", "value": None}, {"color": "orange", "value": 0.85},
                                                      {"color": "green", "value": 0.95}]}}
    d.update(extra or {})
    return {"defaults": d, "overrides": []}


def gap_thresholds():
    return {"mode": "absolute", "steps": [{"color": "red", "value": None}, {"color": "orange", "value": -0.15},
                                          {"color": "light-green", "value": -0.05}, {"color": "green", "value": 0.10}]}


def projected_thresholds():
    """Outlook bands of §5b (at_least targets): below 0.85 off course, below 0.95 at risk."""
    return {"mode": "absolute", "steps": [{"color": "red", "value": None}, {"color": "orange", "value": 0.85},
                                          {"color": "green", "value": 0.95}]}


def table_options(sort_by):
    """Sorted by the column sort_by, smallest (worst) first."""
    return {"showHeader": True, "cellHeight": "sm", "footer": {"show": False, "reducer": ["sum"], "countRows": False},
            "sortBy": [{"displayName": sort_by, "desc": False}]}


def by_name(name, *properties):
    return {"matcher": {"id": "byName", "options": name}, "properties": list(properties)}


def table_fields(*overrides):
    return {"defaults": {"custom": {"align": "auto", "cellOptions": {"type": "auto"}, "inspect": False}},
            "overrides": list(overrides)}


PERCENT = {"id": "unit", "value": "percentunit"}
STATUS_CELL = [{"id": "mappings", "value": status_mappings()}, {"id": "custom.cellOptions", "value": {"type": "color-text"}}]
OUTLOOK_CELL = [{"id": "mappings", "value": outlook_mappings()}, {"id": "custom.cellOptions", "value": {"type": "color-text"}}]


def target_table(b, title, sel, info_sel, h=14, w=24, description=""):
    """Every selected target's names, owner, completion, expected, gap and status in one table, worst gap first.
    sel picks KPI series by their own labels, info_sel the targets by their planpulse_kpi_info labels (owner, parent)."""
    keep = info_only(info_sel)
    b.panel("table", title, [
        {"expr": f"planpulse_kpi_completion_ratio{{{sel}}} * {ON} {NAMES_LEFT} planpulse_kpi_info{{{info_sel}}}",
         "format": "table", "instant": True},
        {"expr": f"planpulse_kpi_expected_ratio{{{sel}}}{keep}", "format": "table", "instant": True},
        {"expr": f"planpulse_kpi_gap_ratio{{{sel}}}{keep}", "format": "table", "instant": True},
        {"expr": f"max by (district, year, indicator, status) (planpulse_kpi_status{{{sel}}} == 1){keep}", "format": "table",
         "instant": True},
    ], w=w, h=h, description=description, options=table_options("gap"),
        field_config=table_fields(
            by_name("completion", PERCENT, {"id": "custom.cellOptions", "value": {"type": "gauge", "mode": "basic"}},
                    {"id": "max", "value": 1.2}, {"id": "min", "value": 0}),
            by_name("expected", PERCENT),
            by_name("gap", PERCENT, {"id": "thresholds", "value": gap_thresholds()},
                    {"id": "custom.cellOptions", "value": {"type": "color-background"}}),
            by_name("status", *STATUS_CELL)),
        transformations=[
            {"id": "merge", "options": {}},
            {"id": "organize", "options": {
                "excludeByName": {"Time": True, "__name__": True, "kind": True, "Value #D": True},
                "renameByName": {"Value #A": "completion", "Value #B": "expected", "Value #C": "gap",
                                 "name_zh": "名称", "name_en": "name", "indicator": "id", **DISTRICT_RENAME},
                "indexByName": {**DISTRICT_FIRST, "indicator": 2, "name_zh": 3, "name_en": 4, "owner": 5, "category": 6,
                                "Value #A": 7, "Value #B": 8, "Value #C": 9, "status": 10}}}])


def projection_table(b, title, sel, keep, h=14, w=24, description=""):
    """Actual, target and projected year-end (§5b) side by side for the cumulative flows of sel that `keep` (a
    filter appended to each query) lets through, worst projected completion first, with outlook and status."""
    sel = sel + ', kind="cumulative_flow"'
    b.panel("table", title, [
        {"expr": f"(planpulse_kpi_actual{{{sel}}}{keep}){NAMES}", "format": "table", "instant": True},
        {"expr": f"planpulse_kpi_target{{{sel}}}{keep}", "format": "table", "instant": True},
        {"expr": f"planpulse_kpi_projected{{{sel}}}{keep}", "format": "table", "instant": True},
        {"expr": f"planpulse_kpi_projected_completion_ratio{{{sel}}}{keep}", "format": "table", "instant": True},
        {"expr": f"max by (district, year, indicator, outlook) (planpulse_kpi_outlook{{{sel}}} == 1){keep}", "format": "table",
         "instant": True},
        {"expr": f"max by (district, year, indicator, status) (planpulse_kpi_status{{{sel}}} == 1){keep}", "format": "table",
         "instant": True},
    ], w=w, h=h, description=description, options=table_options("projected completion 预计完成率"),
        field_config=table_fields(
            by_name("actual", {"id": "decimals", "value": 2}),
            by_name("target", {"id": "decimals", "value": 2}),
            by_name("projected year-end 预计全年", {"id": "decimals", "value": 2}),
            by_name("projected completion 预计完成率", PERCENT, {"id": "thresholds", "value": projected_thresholds()},
                    {"id": "custom.cellOptions", "value": {"type": "color-background"}}),
            by_name("outlook", *OUTLOOK_CELL),
            by_name("status", *STATUS_CELL)),
        transformations=[
            {"id": "merge", "options": {}},
            {"id": "organize", "options": {
                "excludeByName": {"Time": True, "__name__": True, "kind": True, "year": True, "Value #E": True,
                                  "Value #F": True},
                "renameByName": {"Value #A": "actual", "Value #B": "target", "Value #C": "projected year-end 预计全年",
                                 "Value #D": "projected completion 预计完成率", "name_zh": "名称", "name_en": "name",
                                 "indicator": "id", **DISTRICT_RENAME},
                "indexByName": {**DISTRICT_FIRST, "indicator": 2, "name_zh": 3, "name_en": 4, "owner": 5, "category": 6, "unit": 7,
                                "Value #A": 8, "Value #B": 9, "Value #C": 10, "Value #D": 11, "outlook": 12, "status": 13}}}])


def early_warning_table(b, sel, info_sel, h=10, w=24):
    """Targets on or ahead of schedule today whose year is heading for a miss (§5b), worst projection first."""
    keep = f" and {ON} {early_warning(sel)}" + info_only(info_sel)
    b.panel("table", "Early warnings · 预警", [
        {"expr": f"(planpulse_kpi_projected_completion_ratio{{{sel}}}{keep}){NAMES}", "format": "table", "instant": True},
        {"expr": f"planpulse_kpi_projected{{{sel}}}{keep}", "format": "table", "instant": True},
        {"expr": f"planpulse_kpi_target{{{sel}}}{keep}", "format": "table", "instant": True},
        {"expr": f"planpulse_kpi_gap_ratio{{{sel}}}{keep}", "format": "table", "instant": True},
        {"expr": f"max by (district, year, indicator, status) (planpulse_kpi_status{{{sel}}} == 1){keep}", "format": "table",
         "instant": True},
    ], w=w, h=h, options=table_options("projected completion 预计完成率"),
        description="Targets whose status is on_track or ahead today but whose projected year-end (预计全年, from the "
                    "pattern so far and last year's seasonal profile) is more than 15 % short of the target: outlook "
                    "off_course. No lagging alert speaks for them yet; PlanTargetProjectedMiss does after 6 hours. "
                    "Empty when there is no early warning.",
        field_config=table_fields(
            by_name("projected completion 预计完成率", PERCENT, {"id": "thresholds", "value": projected_thresholds()},
                    {"id": "custom.cellOptions", "value": {"type": "color-background"}}),
            by_name("projected year-end 预计全年", {"id": "decimals", "value": 2}),
            by_name("target", {"id": "decimals", "value": 2}),
            by_name("gap today", PERCENT, {"id": "thresholds", "value": gap_thresholds()},
                    {"id": "custom.cellOptions", "value": {"type": "color-text"}}),
            by_name("status", *STATUS_CELL)),
        transformations=[
            {"id": "merge", "options": {}},
            {"id": "organize", "options": {
                "excludeByName": {"Time": True, "__name__": True, "kind": True, "year": True, "Value #E": True},
                "renameByName": {"Value #A": "projected completion 预计完成率", "Value #B": "projected year-end 预计全年",
                                 "Value #C": "target", "Value #D": "gap today", "name_zh": "名称", "name_en": "name",
                                 "indicator": "id", **DISTRICT_RENAME},
                "indexByName": {**DISTRICT_FIRST, "indicator": 2, "name_zh": 3, "name_en": 4, "owner": 5, "category": 6, "unit": 7,
                                "Value #A": 8, "Value #B": 9, "Value #C": 10, "Value #D": 11, "status": 12}}}])


def stat_options(color_mode="background", text_mode="value"):
    return {"colorMode": color_mode, "graphMode": "none", "textMode": text_mode,
            "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}}


def warn_at_one():
    return {"defaults": {"thresholds": {"mode": "absolute", "steps": [
        {"color": "green", "value": None}, {"color": "orange", "value": 1}]}}, "overrides": []}


def overview():
    b = Board("planpulse-overview", "Plan overview · 计划总览",
              "Every target's completion against the time-elapsed progress (序时进度), coloured by status, and where "
              "its year is heading (预计全年完成, early warnings).",
              ["planpulse"])
    b.var_query("year", "Year", "label_values(planpulse_kpi_target, year)")
    b.district_var()
    b.var_query("category", "Category", f'label_values(planpulse_kpi_target{{{YEAR}}}, category)', True, True)
    b.var_query("owner", "Owner 责任单位", f'label_values(planpulse_kpi_info{{{YEAR}}}, owner)', True, True)
    b.var_query("kind", "Kind", f'label_values(planpulse_kpi_target{{{YEAR}}}, kind)', True, True)
    owners = YEAR + ', owner=~"$owner"'
    for status, color in STATUS_COLORS[:6]:
        b.panel("stat", status.replace("_", " "), [
            {"expr": f'sum(planpulse_kpi_status{{{SEL}, status="{status}"}}{OWNER}) or vector(0)', "instant": True}],
            w=4, h=4, options=stat_options(),
            field_config={"defaults": {"color": {"mode": "fixed", "fixedColor": color}}, "overrides": []})
    b.panel("stat", "Overdue reports 逾期未报", [
        {"expr": f"sum(planpulse_kpi_overdue{{{SEL}}}{OWNER}) or vector(0)", "instant": True}], w=6, h=4,
        options=stat_options(), field_config=warn_at_one())
    b.panel("stat", "Early warnings 预警", [
        {"expr": f"count({early_warning(SEL)}{OWNER}) or vector(0)", "instant": True}], w=6, h=4,
        description="Targets on schedule today (on_track or ahead) whose projected year-end is more than 15 % short of "
                    "the target (outlook off_course); listed in the table below.",
        options=stat_options(), field_config=warn_at_one())
    b.panel("stat", "Outlook 全年展望", [
        {"expr": f'sum(planpulse_kpi_outlook{{{SEL}, outlook="{o}"}}{OWNER}) or vector(0)', "instant": True,
         "legendFormat": o} for o, _ in OUTLOOK_COLORS], w=12, h=4,
        description="Targets on course, at risk or off course for the year: projected completion against the plan's "
                    "thresholds (CONTRACT §5b). Targets without a projection yet (early in the year, no data) are in "
                    "none of the three.",
        options=stat_options("background", "value_and_name"),
        field_config={"defaults": {}, "overrides": [
            by_name(o, {"id": "color", "value": {"mode": "fixed", "fixedColor": c}}) for o, c in OUTLOOK_COLORS]})
    b.panel("piechart", "Targets by status", [
        {"expr": f"sum by (status) (planpulse_kpi_status{{{SEL}}}{OWNER})", "instant": True, "legendFormat": "{{status}}"}],
        w=8, h=8, options={"pieType": "donut", "legend": {"displayMode": "list", "placement": "right", "showLegend": True},
                           "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}})
    b.panel("bargauge", "Worst gaps 差距最大", [
        {"expr": f"bottomk(15, planpulse_kpi_gap_ratio{{{SEL}}}{OWNER})", "instant": True,
         "legendFormat": LEGEND}], w=16, h=8,
        options={"orientation": "horizontal", "displayMode": "gradient", "showUnfilled": True,
                 "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}},
        field_config={"defaults": {"unit": "percentunit", "min": -0.5, "max": 0.2, "thresholds": gap_thresholds()},
                      "overrides": []})
    early_warning_table(b, SEL, owners, h=8)
    target_table(b, "Every target: completion vs 序时进度", SEL, owners, h=16)
    projection_table(b, "Projected year-end 预计全年完成 · every cumulative flow", YEAR + ', category=~"$category"',
                     info_only(owners), h=14,
                     description="Every cumulative_flow target: the actual so far, the annual target and the projected "
                                 "year-end actual in the target's unit (CONTRACT §5b: the actual ÷ the share of the year "
                                 "normally in by now, from last year's pattern when there is one), worst projected "
                                 "completion first. No projection early in the year or without data.")
    b.panel("timeseries", "Completion vs expected, by category (mean)", [
        {"expr": f"avg by (category) (planpulse_kpi_completion_ratio{{{SEL}}})", "legendFormat": "{{category}} completion"},
        {"expr": f"avg by (category) (planpulse_kpi_expected_ratio{{{SEL}}})", "legendFormat": "{{category}} expected"}],
        w=24, h=8, field_config=ratio_defaults())
    return b


def on_plan(selector):
    """The amount due by now (序时进度): the annual target times the share of the year elapsed."""
    return f"planpulse_kpi_target{{{selector}}} * {ON} planpulse_kpi_expected_ratio"


PROJECTION_NOTE = (
    "Solid: the actual and the amount due by now (序时进度). Dashed: December figures, the annual target and the "
    "projected year-end (预计全年: at each instant, where the year ends if the pattern up to then holds; CONTRACT "
    "§5b, the actual ÷ the share of the year normally in by then, from last year's pattern when there is one). "
    "Prometheus holds no future samples, so the projection is not a curve into the coming months: read the dashed "
    "projected line as the level the actual is heading for by December, and its history as how that outlook has "
    "moved. Nothing is projected in the first weeks of the year or without data.")


def against_plan(selector, keep="", name="{{district}} {{name_zh}} · "):
    """Actual, on plan, projected year-end and annual target of the targets of selector (and keep, a filter)."""
    names = f' * {ON} group_left (name_zh) planpulse_kpi_info{{{YEAR}}}'
    return [
        {"expr": f"(planpulse_kpi_actual{{{selector}}}{keep}){names}", "legendFormat": name + "actual"},
        {"expr": f"({on_plan(selector)}{keep}){names}", "legendFormat": name + "on plan 序时进度"},
        {"expr": f"(planpulse_kpi_projected{{{selector}}}{keep}){names}", "legendFormat": name + "projected year-end 预计全年"},
        {"expr": f"(planpulse_kpi_target{{{selector}}}{keep}){names}", "legendFormat": name + "annual target"}]


def december_lines():
    """The December figures (target, projection) dashed, so that they do not read as the actual's path."""
    return {"defaults": {"unit": "none", "decimals": 2}, "overrides": [
        {"matcher": {"id": "byRegexp", "options": ".*(projected year-end|annual target).*"},
         "properties": [{"id": "custom.lineStyle", "value": {"fill": "dash", "dash": [10, 10]}}]}]}


def projects():
    b = Board("planpulse-projects", "Key projects · 重点项目",
              "Investment rollups against their schedule and their projected year-end; the projects of a rollup, worst "
              "first; overdue reports; reports for projects the plan does not name.",
              ["planpulse"])
    b.var_query("year", "Year", "label_values(planpulse_kpi_target, year)")
    b.district_var()
    # A rollup is an investment target that other targets name as their parent. "All" is every rollup: .+ never
    # matches the empty parent of a top-level target.
    b.var_query("rollup", "Rollup 汇总", f'label_values(planpulse_kpi_info{{{YEAR}, category="investment_projects", '
                'parent!=""}, parent)', True, True, all_value=".+",
                description="An investment_projects target that other targets roll up into (their parent).")
    chosen = f" and {ON} {rollups('$rollup')}"
    b.panel("stat", "Rollup $rollup", [dict(t, instant=True) for t in against_plan(YEAR, chosen)],
            w=24, h=5, repeat="rollup", max_per_row=3,
            description="One panel per chosen rollup: actual, the amount due by now (序时进度), the projected year-end "
                        "(预计全年, CONTRACT §5b) and the annual target, in the rollup's unit.",
            options=stat_options("value", "value_and_name"),
            field_config={"defaults": {"unit": "none", "decimals": 2}, "overrides": []})
    b.panel("timeseries", "Rollups against schedule, with projected year-end", against_plan(YEAR, chosen),
            w=24, h=9, description=PROJECTION_NOTE, field_config=december_lines())
    projection_table(b, "Projected year-end 预计全年完成 · the rollups and their projects",
                     YEAR + ', category="investment_projects"',
                     f' and {ON} (planpulse_kpi_info{{{YEAR}, parent=~"$rollup"}} or '
                     f'{rollups("$rollup")})', h=12,
                     description="Every cumulative_flow target among the chosen rollups and the targets that roll up "
                                 "into them: actual, annual target and projected year-end (CONTRACT §5b) in the "
                                 "target's unit, worst projected completion first.")
    target_table(b, "Projects of the rollup, worst gap first 滞后项目", YEAR + ', category="investment_projects"',
                 YEAR + ', parent=~"$rollup"', h=12,
                 description="The targets that roll up into the chosen rollups, ordered by gap (completion − 序时进度).")
    b.panel("table", "Overdue reports 逾期未报", [
        {"expr": f'(planpulse_kpi_overdue{{{YEAR}}} == 1){NAMES}', "format": "table", "instant": True}], w=16, h=8,
        description="Report-fed targets (projects, indicators, their rollups) without a report for the last month whose "
                    "deadline has passed. Empty when none is overdue.",
        transformations=[{"id": "organize", "options": {"excludeByName": {"Time": True, "Value": True, "__name__": True}}}])
    b.panel("stat", "Unplanned subjects 计划外上报", [
        {"expr": f'sum by (stream) (planpulse_unplanned_subjects{{{YEAR}}}) or on () vector(0)', "instant": True,
         "legendFormat": "{{stream}}"}], w=8, h=8,
        description="Report subjects (project or indicator ids) that have reports for this year but no target in its "
                    "plan, by stream. A typo'd project id in a progress report shows up here, and so does a project "
                    "that is not in the plan yet: the reports are kept, not rejected. Correct the id at the sender, or "
                    "add the project to the plan and `plan load` it: its reports count at once, none re-sent. "
                    "The subjects are listed at GET /api/unplanned?year=<year>.",
        options=stat_options("background", "value_and_name"), field_config=warn_at_one())
    return b


def key_projects():
    """The key projects of each chosen district's plan, as series {district, year, indicator}: investment_projects
    targets that roll up into a parent and that nothing rolls up into (the leaves under the rollups of the Key
    projects board, so that a rollup and its projects are not counted twice)."""
    return (f'(planpulse_kpi_info{{{YEAR}, category="investment_projects", parent!=""}} unless {ON} '
            f'{rollups(".+")})')


def city():
    b = Board("planpulse-city", "City overview · 全市总览",
              "One row per district (and the city's own plan, 500000): its targets by status and by outlook, overdue "
              "reports, early warnings and key-project completion, the districts most behind schedule first.",
              ["planpulse"])
    b.var_query("year", "Year", "label_values(planpulse_kpi_target, year)")
    b.district_var()
    behind = 'status=~"lagging|severely_lagging"'
    per_district = [
        # A: the sort key, worst first.
        ("behind 滞后", f'sum by (district) (planpulse_kpi_status{{{YEAR}, {behind}}})'),
        ("targets", f"count by (district) (planpulse_kpi_target{{{YEAR}}})"),
    ] + [(s, f'sum by (district) (planpulse_kpi_status{{{YEAR}, status="{s}"}})') for s, _ in STATUS_COLORS] + [
        (o, f'sum by (district) (planpulse_kpi_outlook{{{YEAR}, outlook="{o}"}})') for o, _ in OUTLOOK_COLORS] + [
        ("overdue 逾期", f"sum by (district) (planpulse_kpi_overdue{{{YEAR}}})"),
        # count() has no row for a district without early warnings: 0 for every district with targets instead.
        ("early warnings 预警", f"count by (district) ({early_warning(YEAR)}) or "
                              f"0 * count by (district) (planpulse_kpi_target{{{YEAR}}})"),
        # Key projects, by amount: the projects' actual investment so far over their annual targets (a project
        # without data counts as nothing done), and the share of it due by now (序时进度).
        ("key projects 重点项目完成率",
         f"sum by (district) ((planpulse_kpi_actual{{{YEAR}}} > -Inf) and {ON} {key_projects()}) / "
         f"sum by (district) (planpulse_kpi_target{{{YEAR}}} and {ON} {key_projects()})"),
        ("key projects due 序时进度",
         f"sum by (district) ((planpulse_kpi_target{{{YEAR}}} * {ON} planpulse_kpi_expected_ratio) and {ON} "
         f"{key_projects()}) / sum by (district) (planpulse_kpi_target{{{YEAR}}} and {ON} {key_projects()})"),
    ]
    names = ("district_name", f"group by (district, district_name) (planpulse_kpi_info{{{YEAR}}})")
    columns = per_district + [names]
    value = {name: f"Value #{chr(65 + i)}" for i, (name, _) in enumerate(columns)}
    count_cell = [{"id": "decimals", "value": 0}]
    b.panel("table", "Districts, most behind schedule first · 各区县进度", [
        {"expr": expr, "format": "table", "instant": True} for _, expr in columns], w=24, h=14,
        description="One row per district with a plan in the year (the city's own aggregate plan is 500000): "
                    "targets, targets by status (behind = lagging + severely lagging) and by outlook (CONTRACT §5b), "
                    "monthly reports overdue, early warnings (outlook off_course while on_track or ahead, as "
                    "PlanTargetProjectedMiss) and key-project completion: the investment so far of the plan's key "
                    "projects (investment_projects targets under a rollup) over their annual targets, beside the "
                    "share due by now. Sorted by the number of targets behind schedule. Click a district for its "
                    "Plan overview.",
        options=dict(table_options("behind 滞后"), sortBy=[{"displayName": "behind 滞后", "desc": True}]),
        field_config=table_fields(
            by_name(DISTRICT_RENAME["district"], {"id": "links", "value": [
                {"title": "Plan overview of ${__value.raw}",
                 "url": "/d/planpulse-overview?var-year=${year}&var-district=${__value.raw}"}]}),
            by_name("behind 滞后", *count_cell, {"id": "thresholds", "value": warn_at_one()["defaults"]["thresholds"]},
                    {"id": "custom.cellOptions", "value": {"type": "color-background"}}),
            *[by_name(s, *count_cell, {"id": "color", "value": {"mode": "fixed", "fixedColor": c}},
                      {"id": "custom.cellOptions", "value": {"type": "color-text"}})
              for s, c in STATUS_COLORS + OUTLOOK_COLORS],
            by_name("targets", *count_cell),
            by_name("overdue 逾期", *count_cell, {"id": "thresholds", "value": warn_at_one()["defaults"]["thresholds"]},
                    {"id": "custom.cellOptions", "value": {"type": "color-text"}}),
            by_name("early warnings 预警", *count_cell,
                    {"id": "thresholds", "value": warn_at_one()["defaults"]["thresholds"]},
                    {"id": "custom.cellOptions", "value": {"type": "color-text"}}),
            by_name("key projects 重点项目完成率", PERCENT, {"id": "decimals", "value": 1},
                    {"id": "custom.cellOptions", "value": {"type": "gauge", "mode": "basic"}},
                    {"id": "max", "value": 1}, {"id": "min", "value": 0}),
            by_name("key projects due 序时进度", PERCENT, {"id": "decimals", "value": 1})),
        transformations=[
            {"id": "merge", "options": {}},
            {"id": "sortBy", "options": {"fields": {}, "sort": [{"field": value["behind 滞后"], "desc": True}]}},
            {"id": "organize", "options": {
                "excludeByName": {"Time": True, value["district_name"]: True},
                "renameByName": {**{value[n]: n for n, _ in per_district}, **DISTRICT_RENAME},
                "indexByName": {**DISTRICT_FIRST, **{value[n]: i + 2 for i, (n, _) in enumerate(per_district)}}}}])
    b.panel("bargauge", "Key-project completion 重点项目完成率", [
        {"expr": dict(per_district)["key projects 重点项目完成率"], "instant": True, "legendFormat": "{{district}}"}],
        w=12, h=10,
        description="The key projects' investment so far over their annual targets, per district (see the table).",
        options={"orientation": "horizontal", "displayMode": "gradient", "showUnfilled": True,
                 "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}},
        field_config=ratio_defaults({"max": 1}))
    b.panel("timeseries", "Targets behind schedule, by district 滞后目标数", [
        {"expr": dict(per_district)["behind 滞后"], "legendFormat": "{{district}}"}], w=12, h=10,
        description="Lagging and severely lagging targets of each district over time.",
        field_config={"defaults": {"unit": "none", "decimals": 0, "min": 0}, "overrides": []})
    return b


def logistics():
    b = Board("planpulse-logistics", "Logistics & trade · 物流与贸易",
              "The logistics and trade flows (trucks, cargo value, hub throughput, trade, ...) against the plan, their "
              "projected year-end, and against last year.",
              ["planpulse"])
    b.var_query("year", "Year", "label_values(planpulse_kpi_target, year)")
    b.district_var()
    flows = 'category="logistics_trade", kind="cumulative_flow"'
    b.var_query("target", "Target 指标", f'label_values(planpulse_kpi_info{{{YEAR}, {flows}}}, indicator)', True, True,
                description="The cumulative flows of category logistics_trade in the year's plan; one panel each.")
    b.panel("timeseries", "$target", against_plan(f'{YEAR}, {flows}, indicator=~"$target"'), w=24, h=8,
            repeat="target", max_per_row=2, description=PROJECTION_NOTE, field_config=december_lines())
    b.panel("bargauge", "Completion 完成率", [
        {"expr": f'planpulse_kpi_completion_ratio{{{YEAR}, category="logistics_trade"}}{NAMES}',
         "instant": True, "legendFormat": LEGEND}], w=8, h=10,
        options={"orientation": "horizontal", "displayMode": "gradient", "showUnfilled": True,
                 "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}},
        field_config=ratio_defaults({"max": 1.5}))
    b.panel("bargauge", "Projected year-end completion 预计完成率", [
        {"expr": f'planpulse_kpi_projected_completion_ratio{{{YEAR}, category="logistics_trade"}}{NAMES}',
         "instant": True, "legendFormat": LEGEND}], w=8, h=10,
        description="Projected year-end ÷ target (CONTRACT §5b). Below 85 %: off course; below 95 %: at risk (for "
                    "at_least targets). No bar early in the year or without data.",
        options={"orientation": "horizontal", "displayMode": "gradient", "showUnfilled": True,
                 "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}},
        field_config=ratio_defaults({"max": 1.5}))
    b.panel("bargauge", "Against last year, pro rata 同比(按序时)", [
        {"expr": f'(planpulse_kpi_actual{{{YEAR}, category="logistics_trade"}} / {ON} '
                 f'(planpulse_kpi_baseline{{{YEAR}}} * {ON} planpulse_kpi_expected_ratio)){NAMES}',
         "instant": True, "legendFormat": LEGEND}], w=8, h=10,
        description="Actual so far ÷ (last year's total × the share of the year due): 1.0 = last year's pace.",
        options={"orientation": "horizontal", "displayMode": "gradient", "showUnfilled": True,
                 "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}},
        field_config=ratio_defaults({"max": 1.5}))
    return b


def pipeline():
    b = Board("planpulse-pipeline", "Pipeline health · 数据管道",
              "Events by stream, rejections, freshness, consumer lag, Kafka Streams state and the JVM.", ["planpulse"])
    b.panel("timeseries", "Events/s by stream", [
        {"expr": "sum by (stream) (rate(planpulse_events_total[$__rate_interval]))", "legendFormat": "{{stream}}"},
        {"expr": "sum by (stream) (rate(planpulse_events_duplicate_total[$__rate_interval]))",
         "legendFormat": "{{stream}} duplicates"}], w=12, h=8, field_config={"defaults": {"unit": "reqps"}, "overrides": []})
    b.panel("timeseries", "Rejections by reason", [
        {"expr": "sum by (stream, reason) (increase(planpulse_events_rejected_total[$__rate_interval]))",
         "legendFormat": "{{stream}} · {{reason}}"}], w=12, h=8)
    b.panel("timeseries", "Freshness: event → KPI (s)", [
        {"expr": 'max by (quantile) (planpulse_processing_latency_seconds{quantile=~"0.5|0.99"})',
         "legendFormat": "p{{quantile}}"},
        {"expr": "max(planpulse_processing_latency_seconds_max)", "legendFormat": "max"}], w=12, h=8,
        field_config={"defaults": {"unit": "s"}, "overrides": []})
    b.panel("timeseries", "Consumer lag (records, max)", [
        {"expr": "max by (client_id) (kafka_consumer_fetch_manager_records_lag_max)", "legendFormat": "{{client_id}}"}],
        w=12, h=8)
    b.panel("stat", "Kafka Streams", [
        {"expr": "sum(kafka_stream_alive_stream_threads)", "instant": True, "legendFormat": "alive threads"},
        {"expr": "sum(kafka_stream_failed_stream_threads_total) or vector(0)", "instant": True, "legendFormat": "failed threads"},
        {"expr": "sum(up{job=\"planpulse\"})", "instant": True, "legendFormat": "instances up"}], w=12, h=5,
        options={"colorMode": "value", "graphMode": "none", "textMode": "value_and_name",
                 "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}})
    b.panel("timeseries", "Streams processing (records/s) and commit latency", [
        {"expr": "sum(kafka_stream_thread_process_rate)", "legendFormat": "processed/s"},
        {"expr": "max(kafka_stream_thread_commit_latency_avg)", "legendFormat": "commit latency avg (ms)"}], w=12, h=5)
    b.panel("timeseries", "JVM heap", [
        {"expr": 'sum by (instance) (jvm_memory_used_bytes{area="heap"})', "legendFormat": "used {{instance}}"},
        {"expr": 'sum by (instance) (jvm_memory_max_bytes{area="heap"})', "legendFormat": "max {{instance}}"}], w=12, h=8,
        field_config={"defaults": {"unit": "bytes"}, "overrides": []})
    b.panel("timeseries", "GC pause (s/s) and KPI updates/s", [
        {"expr": "sum(rate(jvm_gc_pause_seconds_sum[$__rate_interval]))", "legendFormat": "GC pause"},
        {"expr": "sum(rate(planpulse_kpi_updates_total[$__rate_interval]))", "legendFormat": "KPI updates/s"}], w=12, h=8)
    return b


def main():
    out = "deploy/grafana/dashboards"
    os.makedirs(out, exist_ok=True)
    for b in (overview(), city(), projects(), logistics(), pipeline()):
        with open(os.path.join(out, b.uid + ".json"), "w", encoding="utf-8") as f:
            json.dump(b.json(), f, ensure_ascii=False, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
