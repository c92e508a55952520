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
SEL = 'year="$year", category=~"$category", kind=~"$kind"'
OWNER = ' * on (year, indicator) group_left (owner, name_zh, name_en) planpulse_kpi_info{year="$year", owner=~"$owner"}'


class Board:
    def __init__(self, uid, title, description, tags):
        self.uid, self.title, self.description, self.tags = uid, title, description, tags
        self.panels, self.next_id, self.y = [], 1, 0
        self.variables = []

    def var_query(self, name, label, query, all_=False, multi=False):
        v = {"name": name, "label": label, "type": "query", "datasource": DS,
             "query": {"query": query, "refId": "vars-" + name, "qryType": 1},
             "refresh": 2, "sort": 1, "hide": 0, "multi": multi, "includeAll": all_,
             "skipUrlSync": False, "options": []}
        if all_:
            v["allValue"] = ".*"
            v["current"] = {"selected": True, "text": ["All"], "value": ["$__all"]}
        self.variables.append(v)

    def panel(self, kind, title, targets, w=12, h=8, description="", options=None, field_config=None,
              transformations=None):
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


def ratio_defaults(extra=None):
    d = {"unit": "percentunit", "decimals": 1, "min": 0,
         "thresholds": {"mode": "absolute", "steps": [{"color": "red", "value": None}, {"color": "orange", "value": 0.85},
                                                      {"color": "green", "value": 0.95}]}}
    d.update(extra or {})
    return {"defaults": d, "overrides": []}


def gap_thresholds():
    return {"mode": "absolute", "steps": [{"color": "red", "value": None}, {"color": "orange", "value": -0.15},
                                          {"color": "light-green", "value": -0.05}, {"color": "green", "value": 0.10}]}


def target_table(b, title, sel, h=14, w=24, description=""):
    """Every target's names, owner, completion, expected, gap and status in one table, worst gap first."""
    b.panel("table", title, [
        {"expr": f"planpulse_kpi_completion_ratio{{{sel}}}{OWNER}", "format": "table", "instant": True},
        {"expr": f"planpulse_kpi_expected_ratio{{{sel}}}", "format": "table", "instant": True},
        {"expr": f"planpulse_kpi_gap_ratio{{{sel}}}", "format": "table", "instant": True},
        {"expr": f"max by (year, indicator, status) (planpulse_kpi_status{{{sel}}} == 1)", "format": "table",
         "instant": True},
    ], w=w, h=h, description=description,
        options={"showHeader": True, "cellHeight": "sm", "footer": {"show": False, "reducer": ["sum"], "countRows": False},
                 "sortBy": [{"displayName": "gap", "desc": False}]},
        field_config={"defaults": {"custom": {"align": "auto", "cellOptions": {"type": "auto"}, "inspect": False}},
                      "overrides": [
                          {"matcher": {"id": "byName", "options": "completion"},
                           "properties": [{"id": "unit", "value": "percentunit"},
                                          {"id": "custom.cellOptions", "value": {"type": "gauge", "mode": "basic"}},
                                          {"id": "max", "value": 1.2}, {"id": "min", "value": 0}]},
                          {"matcher": {"id": "byName", "options": "expected"},
                           "properties": [{"id": "unit", "value": "percentunit"}]},
                          {"matcher": {"id": "byName", "options": "gap"},
                           "properties": [{"id": "unit", "value": "percentunit"}, {"id": "thresholds", "value": gap_thresholds()},
                                          {"id": "custom.cellOptions", "value": {"type": "color-background"}}]},
                          {"matcher": {"id": "byName", "options": "status"},
                           "properties": [{"id": "mappings", "value": status_mappings()},
                                          {"id": "custom.cellOptions", "value": {"type": "color-text"}}]}]},
        transformations=[
            {"id": "merge", "options": {}},
            {"id": "organize", "options": {
                "excludeByName": {"Time": True, "__name__": True, "kind": True, "Value #D": True},
                "renameByName": {"Value #A": "completion", "Value #B": "expected", "Value #C": "gap",
                                 "name_zh": "名称", "name_en": "name", "indicator": "id"},
                "indexByName": {"indicator": 0, "name_zh": 1, "name_en": 2, "owner": 3, "category": 4,
                                "Value #A": 5, "Value #B": 6, "Value #C": 7, "status": 8}}}])


def overview():
    b = Board("planpulse-overview", "Plan overview · 计划总览",
              "Every target's completion against the time-elapsed progress (序时进度), coloured by status.",
              ["planpulse"])
    b.var_query("year", "Year", "label_values(planpulse_kpi_target, year)")
    b.var_query("category", "Category", 'label_values(planpulse_kpi_target{year="$year"}, category)', True, True)
    b.var_query("owner", "Owner 责任单位", 'label_values(planpulse_kpi_info{year="$year"}, owner)', True, True)
    b.var_query("kind", "Kind", 'label_values(planpulse_kpi_target{year="$year"}, kind)', True, True)
    for status, color in STATUS_COLORS[:6]:
        b.panel("stat", status.replace("_", " "), [
            {"expr": f'sum(planpulse_kpi_status{{{SEL}, status="{status}"}}{OWNER}) or vector(0)', "instant": True}],
            w=4, h=4, options={"colorMode": "background", "graphMode": "none", "textMode": "value",
                               "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}},
            field_config={"defaults": {"color": {"mode": "fixed", "fixedColor": color}}, "overrides": []})
    b.panel("stat", "Overdue reports 逾期未报", [
        {"expr": f"sum(planpulse_kpi_overdue{{{SEL}}}{OWNER}) or vector(0)", "instant": True}], w=6, h=4,
        options={"colorMode": "background", "graphMode": "none", "textMode": "value",
                 "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}},
        field_config={"defaults": {"thresholds": {"mode": "absolute", "steps": [
            {"color": "green", "value": None}, {"color": "orange", "value": 1}]}}, "overrides": []})
    b.panel("piechart", "Targets by status", [
        {"expr": f"sum by (status) (planpulse_kpi_status{{{SEL}}}{OWNER})", "instant": True, "legendFormat": "{{status}}"}],
        w=6, h=8, options={"pieType": "donut", "legend": {"displayMode": "list", "placement": "right", "showLegend": True},
                           "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}})
    b.panel("bargauge", "Worst gaps 差距最大", [
        {"expr": f"bottomk(15, planpulse_kpi_gap_ratio{{{SEL}}}{OWNER})", "instant": True,
         "legendFormat": "{{name_zh}} · {{name_en}}"}], w=12, h=8,
        options={"orientation": "horizontal", "displayMode": "gradient", "showUnfilled": True,
                 "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}},
        field_config={"defaults": {"unit": "percentunit", "min": -0.5, "max": 0.2, "thresholds": gap_thresholds()},
                      "overrides": []})
    target_table(b, "Every target: completion vs 序时进度", SEL, h=16)
    b.panel("timeseries", "Completion vs expected, by category (mean)", [
        {"expr": f"avg by (category) (planpulse_kpi_completion_ratio{{{SEL}}})", "legendFormat": "{{category}} completion"},
        {"expr": f"avg by (category) (planpulse_kpi_expected_ratio{{{SEL}}})", "legendFormat": "{{category}} expected"}],
        w=24, h=8, field_config=ratio_defaults())
    return b


def on_plan(selector):
    """The amount due by now (序时进度): the annual target times the share of the year elapsed."""
    return f"planpulse_kpi_target{{{selector}}} * on (year, indicator) planpulse_kpi_expected_ratio"


def projects():
    b = Board("planpulse-projects", "Key projects · 重点项目",
              "Investment of the key projects against their schedule; lagging projects worst first; overdue reports.",
              ["planpulse"])
    b.var_query("year", "Year", "label_values(planpulse_kpi_target, year)")
    rollups = "key_projects_annual_planned_investment|gov_key_projects_annual_investment|social_key_projects_annual_investment"
    for ind, title in [("key_projects_annual_planned_investment", "All key projects 全部 (亿元)"),
                       ("gov_key_projects_annual_investment", "Government-funded 政府投资类 (亿元)"),
                       ("social_key_projects_annual_investment", "Socially funded 社会投资类 (亿元)")]:
        b.panel("stat", title, [
            {"expr": f'planpulse_kpi_actual{{year="$year", indicator="{ind}"}}', "instant": True, "legendFormat": "actual"},
            {"expr": on_plan(f'year="$year", indicator="{ind}"'), "instant": True, "legendFormat": "on plan"},
            {"expr": f'planpulse_kpi_target{{year="$year", indicator="{ind}"}}', "instant": True, "legendFormat": "target"}],
            w=8, h=5, options={"colorMode": "value", "graphMode": "none", "textMode": "value_and_name",
                               "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}},
            field_config={"defaults": {"unit": "none", "decimals": 2}, "overrides": []})
    b.panel("timeseries", "Investment against schedule (亿元)", [
        {"expr": f'planpulse_kpi_actual{{year="$year", indicator=~"{rollups}"}}', "legendFormat": "{{indicator}} actual"},
        {"expr": on_plan(f'year="$year", indicator=~"{rollups}"'), "legendFormat": "{{indicator}} on plan"}], w=24, h=8, field_config={"defaults": {"unit": "none"}, "overrides": []})
    sel = 'year="$year", category="investment_projects", indicator=~"kp_.*"'
    target_table(b, "Lagging projects, worst first 滞后项目", sel, h=12,
                 description="Projects ordered by gap (completion − 序时进度).")
    b.panel("table", "Overdue reports 逾期未报", [
        {"expr": '(planpulse_kpi_overdue{year="$year"} == 1)' + OWNER.replace('owner=~"$owner"', 'owner=~".*"'),
         "format": "table", "instant": True}], w=24, h=8,
        transformations=[{"id": "organize", "options": {"excludeByName": {"Time": True, "Value": True, "__name__": True}}}])
    return b


def logistics():
    b = Board("planpulse-logistics", "Logistics & trade · 物流与贸易",
              "Cross-border trucks, cargo value, trade and hub throughput against the plan and against last year.",
              ["planpulse"])
    b.var_query("year", "Year", "label_values(planpulse_kpi_target, year)")
    items = [("cross_border_truck_departures", "Truck departures 跨境公路班车 (车次)"),
             ("cross_border_truck_cargo_value", "Cargo value 货值 (亿元)"),
             ("hub_throughput", "Hub throughput 枢纽吞吐量 (万吨)"),
             ("hub_foreign_trade_value", "Hub foreign trade 外贸进出口额 (亿元)")]
    for ind, title in items:
        b.panel("timeseries", title, [
            {"expr": f'planpulse_kpi_actual{{year="$year", indicator="{ind}"}}', "legendFormat": "actual"},
            {"expr": on_plan(f'year="$year", indicator="{ind}"'), "legendFormat": "on plan (序时进度)"},
            {"expr": f'planpulse_kpi_target{{year="$year", indicator="{ind}"}}', "legendFormat": "annual target"}],
            w=12, h=8)
    b.panel("bargauge", "Completion 完成率", [
        {"expr": 'planpulse_kpi_completion_ratio{year="$year", category="logistics_trade"}' + OWNER.replace('owner=~"$owner"', 'owner=~".*"'),
         "instant": True, "legendFormat": "{{name_zh}} · {{name_en}}"}], w=12, h=10,
        options={"orientation": "horizontal", "displayMode": "gradient", "showUnfilled": True,
                 "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}},
        field_config=ratio_defaults({"max": 1.5}))
    b.panel("bargauge", "Against last year, pro rata 同比(按序时)", [
        {"expr": 'planpulse_kpi_actual{year="$year", category="logistics_trade"} / on (year, indicator) '
                 '(planpulse_kpi_baseline * on (year, indicator) planpulse_kpi_expected_ratio)',
         "instant": True, "legendFormat": "{{indicator}}"}], w=12, h=10,
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
    for b in (overview(), projects(), logistics(), pipeline()):
        with open(os.path.join(out, b.uid + ".json"), "w", encoding="utf-8") as f:
            json.dump(b.json(), f, ensure_ascii=False, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
