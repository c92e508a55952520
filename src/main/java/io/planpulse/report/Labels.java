package io.planpulse.report;

import io.planpulse.kpi.Outlook;
import io.planpulse.kpi.Status;
import java.util.Map;

/** The report's words in Chinese and English: categories, statuses, outlooks, units and districts. */
final class Labels {
    private Labels() {
    }

    record Text(String zh, String en) {
    }

    private static final Map<String, Text> CATEGORIES = Map.ofEntries(
            Map.entry("macro_economy", new Text("宏观经济", "Macro economy")),
            Map.entry("agriculture", new Text("农业农村", "Agriculture")),
            Map.entry("consumption", new Text("消费", "Consumption")),
            Map.entry("environment", new Text("生态环境", "Environment")),
            Map.entry("industry", new Text("工业", "Industry")),
            Map.entry("infrastructure", new Text("基础设施", "Infrastructure")),
            Map.entry("innovation", new Text("科技创新", "Innovation")),
            Map.entry("investment_projects", new Text("重点项目", "Key projects")),
            Map.entry("livelihood", new Text("民生保障", "Livelihood")),
            Map.entry("logistics_trade", new Text("物流与开放", "Logistics and trade")),
            Map.entry("reform", new Text("改革", "Reform")),
            Map.entry("other", new Text("其他", "Other")));

    private static final Map<String, String> UNITS = Map.ofEntries(
            Map.entry("CNY_100M", "亿元"), Map.entry("CNY_10k", "万元"), Map.entry("10k_tonnes", "万吨"),
            Map.entry("trips", "车次"), Map.entry("percent_growth", "%"), Map.entry("percent", "%"),
            Map.entry("count", "个"), Map.entry("10k_mu", "万亩"), Map.entry("index_prev_year_100", "上年=100"),
            Map.entry("CNY_10k_per_person", "万元/人"));

    static Text category(String c) {
        return CATEGORIES.getOrDefault(c, new Text(c, c));
    }

    static String districtName(String code) {
        return io.planpulse.base.Districts.name(code);
    }

    static String unit(String u) {
        return UNITS.getOrDefault(u, u);
    }

    static Text status(Status s) {
        return switch (s) {
            case NO_DATA -> new Text("无数据", "no data");
            case AHEAD -> new Text("超序时", "ahead");
            case ON_TRACK -> new Text("正常", "on track");
            case LAGGING -> new Text("滞后", "lagging");
            case SEVERELY_LAGGING -> new Text("严重滞后", "severely lagging");
            case COMPLETED -> new Text("已完成", "completed");
            case MISSED -> new Text("未完成", "missed");
        };
    }

    static Text outlook(Outlook o) {
        if (o == null) {
            return new Text("—", "—");
        }
        return switch (o) {
            case ON_COURSE -> new Text("可完成", "on course");
            case AT_RISK -> new Text("有风险", "at risk");
            case OFF_COURSE -> new Text("难完成", "off course");
        };
    }

    /** The chart and chip colour of a status. */
    static String colour(Status s) {
        return switch (s) {
            case COMPLETED -> "#17becf";
            case AHEAD -> "#2ca02c";
            case ON_TRACK -> "#9acd32";
            case LAGGING -> "#ffb000";
            case SEVERELY_LAGGING -> "#e8453c";
            case MISSED -> "#8c1c13";
            case NO_DATA -> "#c7c7c7";
        };
    }
}
