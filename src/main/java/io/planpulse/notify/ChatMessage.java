package io.planpulse.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a chat group reads of one Alertmanager notification (webhook payload version 4), in Chinese: per alert the
 * target's name and id, its district (labels {@code district_name}/{@code district} where the alert carries them),
 * its owner, its completion against 序时进度 (expected), the gap and the year-end outlook (annotations of the shipped
 * rules), and a link to the board. The same content as the WeCom template
 * ({@code deploy/alertmanager/templates/planpulse-zh.tmpl}); alerts without figures (the pipeline's own) show their
 * description instead.
 */
public record ChatMessage(String title, List<Item> items, String boardUrl) {

    /** One alert: every field plain text, as the labels and annotations carry it (escaping is the renderer's job). */
    public record Item(boolean firing, String alert, String target, String indicator, String district, String owner,
            List<String> figures) {
    }

    static final Map<String, String> ALERTS = Map.of(
            "PlanTargetLagging", "目标滞后于序时进度",
            "PlanTargetSeverelyLagging", "目标严重滞后于序时进度",
            "PlanReportOverdue", "月报逾期未报",
            "PlanTargetProjectedMiss", "预计全年难以完成（预警）");
    static final Map<String, String> OUTLOOKS = Map.of(
            "on_course", "可完成", "at_risk", "有风险", "off_course", "难以完成");
    static final String NONE = "—";

    /** The message for an Alertmanager webhook payload. */
    public static ChatMessage of(JsonNode payload, String boardUrl) {
        List<Item> items = new ArrayList<>();
        for (JsonNode a : payload.path("alerts")) {
            JsonNode labels = a.path("labels");
            JsonNode ann = a.path("annotations");
            String alertname = text(labels, "alertname");
            String indicator = text(labels, "indicator");
            String target = first(text(labels, "name_zh"), indicator, alertname);
            String name = text(labels, "district_name");
            String code = text(labels, "district");
            String district = name.isEmpty() ? code : code.isEmpty() || code.equals(name) ? name : name + "（" + code + "）";
            items.add(new Item(!"resolved".equals(a.path("status").asText()),
                    ALERTS.getOrDefault(alertname, alertname), target, indicator.equals(target) ? "" : indicator,
                    district.isEmpty() ? NONE : district, first(text(labels, "owner"), NONE), figures(ann)));
        }
        String title;
        if (items.isEmpty()) {
            title = "planpulse";
        } else {
            Item head = items.get(0);
            title = (head.firing() ? "【告警】" : "【已恢复】") + head.alert() + "：" + head.target()
                    + (items.size() > 1 ? " 等 " + items.size() + " 项" : "");
        }
        return new ChatMessage(title, List.copyOf(items), boardUrl == null ? "" : boardUrl);
    }

    private static List<String> figures(JsonNode ann) {
        String completion = text(ann, "completion");
        if (completion.isEmpty()) {
            String d = first(text(ann, "description"), text(ann, "summary"));
            return d.isEmpty() ? List.of() : List.of(d);
        }
        List<String> out = new ArrayList<>();
        out.add("完成 " + percent(completion) + "，序时进度 " + percent(text(ann, "expected")) + "，差距 "
                + percent(text(ann, "gap")));
        String outlook = text(ann, "outlook");
        String projected = text(ann, "projected_completion");
        out.add("预计全年完成 " + percent(projected) + "（"
                + (outlook.isEmpty() ? "暂无预测" : OUTLOOKS.getOrDefault(outlook, outlook)) + "）");
        return out;
    }

    /** A ratio as a percentage with at most one decimal ("0.3" is "30%", "-0.1234" is "-12.3%"); n/a if absent. */
    static String percent(String ratio) {
        try {
            BigDecimal p = new BigDecimal(ratio.trim()).movePointRight(2).setScale(1, RoundingMode.HALF_UP)
                    .stripTrailingZeros();
            return (p.signum() == 0 ? "0" : p.toPlainString()) + "%";
        } catch (NumberFormatException e) {
            return "n/a";
        }
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).asText("").strip();
    }

    private static String first(String... values) {
        for (String v : values) {
            if (!v.isEmpty()) {
                return v;
            }
        }
        return "";
    }

    /** DingTalk's markdown: a heading per alert, its facts as a list, the board link last. */
    public String markdown() {
        StringBuilder b = new StringBuilder();
        for (Item i : items) {
            b.append("### ").append(i.firing() ? "【告警】" : "【已恢复】").append(escape(i.alert())).append("\n\n");
            b.append("**").append(escape(i.target())).append("**");
            if (!i.indicator().isEmpty()) {
                b.append("（").append(escape(i.indicator())).append("）");
            }
            b.append("\n\n");
            b.append("- 区县：").append(escape(i.district())).append("\n");
            b.append("- 责任单位：").append(escape(i.owner())).append("\n");
            for (String f : i.figures()) {
                b.append("- ").append(escape(f)).append("\n");
            }
            b.append("\n");
        }
        if (!boardUrl.isEmpty()) {
            b.append("[查看看板](").append(boardUrl.replace(")", "%29").replace(" ", "%20")).append(")\n");
        }
        return b.toString();
    }

    /**
     * Text for markdown: characters that markdown reads as markup are backslash-escaped, angle brackets become
     * entities (no raw HTML) and line breaks become spaces, so a label value can neither format nor break the layout.
     */
    static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length() + 8);
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\\', '*', '_', '`', '[', ']', '(', ')', '#', '|', '~', '!' -> b.append('\\').append(c);
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '\r', '\n' -> b.append(' ');
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Feishu's rich text ("post") content: plain text elements, so nothing in it needs escaping. */
    public ObjectNode feishuPost() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ArrayNode lines = f.arrayNode();
        for (Item i : items) {
            line(lines, (i.firing() ? "【告警】" : "【已恢复】") + i.alert() + "：" + i.target()
                    + (i.indicator().isEmpty() ? "" : "（" + i.indicator() + "）"));
            line(lines, "区县：" + i.district() + "　责任单位：" + i.owner());
            i.figures().forEach(s -> line(lines, s));
        }
        if (!boardUrl.isEmpty()) {
            lines.addArray().addObject().put("tag", "a").put("text", "查看看板").put("href", boardUrl);
        }
        ObjectNode post = f.objectNode();
        post.putObject("post").putObject("zh_cn").put("title", title).set("content", lines);
        return post;
    }

    private static void line(ArrayNode lines, String text) {
        lines.addArray().addObject().put("tag", "text").put("text", text.replace('\n', ' '));
    }
}
