package io.planpulse.importer;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;

/**
 * A column of an import file: the record field it fills and the headers that name it. The field name itself is always
 * accepted; the first Chinese header is the one the shipped template uses. Headers are compared after {@link #normalise}
 * (full-width forms folded, case, blanks and a trailing required-marker {@code *} ignored).
 */
public enum Column {
    REPORT_ID("report_id", false, "报告编号", "填报编号"),
    PROJECT_ID("project_id", true, "项目编号", "项目代码", "项目ID"),
    INDICATOR_ID("indicator_id", true, "指标编号", "指标代码", "指标ID"),
    PERIOD("period", true, "报告期", "月份", "所属月份", "统计月份"),
    INVESTMENT_CNY("investment_cny", true, "本月完成投资(元)", "本月完成投资", "当月完成投资(元)", "当月完成投资"),
    PROGRESS_PCT("progress_pct", false, "形象进度(%)", "形象进度"),
    MILESTONE("milestone", false, "节点/里程碑", "节点", "里程碑", "形象进度节点"),
    VALUE("value", true, "数值", "指标值", "本期值"),
    REPORTED_AT("reported_at", true, "填报日期", "填报时间", "报送日期");

    private final String field;
    private final boolean required;
    private final List<String> chinese;
    private final List<String> names;

    Column(String field, boolean required, String... chinese) {
        this.field = field;
        this.required = required;
        this.chinese = List.of(chinese);
        this.names = java.util.stream.Stream.concat(java.util.stream.Stream.of(field), this.chinese.stream())
                .map(Column::normalise).toList();
    }

    /** The record's field name (CONTRACT section 3), also the English header. */
    public String field() {
        return field;
    }

    /** A row without a value here is refused (missing_field); the report_id is derived when absent. */
    public boolean required() {
        return required;
    }

    /** The shipped template's header. */
    public String templateHeader() {
        return chinese.get(0);
    }

    /** Every Chinese header accepted, the template's first. */
    public List<String> chineseHeaders() {
        return chinese;
    }

    boolean names(String normalisedHeader) {
        return names.contains(normalisedHeader);
    }

    /** A header as compared: NFKC (（）％ become ()%), lower case, without blanks or a trailing '*'. */
    static String normalise(String header) {
        String h = Normalizer.normalize(header, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT)
                .replaceAll("[\\s\\u00a0\\u3000\\ufeff]+", "");
        while (h.endsWith("*")) {
            h = h.substring(0, h.length() - 1);
        }
        while (h.startsWith("*")) {
            h = h.substring(1);
        }
        return h;
    }
}
