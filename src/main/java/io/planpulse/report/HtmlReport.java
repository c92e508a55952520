package io.planpulse.report;

import io.planpulse.kpi.Status;
import io.planpulse.plan.Kind;
import java.time.Month;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The report as one self-contained HTML file: inline CSS, inline SVG charts, no script, nothing fetched. Chinese first;
 * the English names stand under the Chinese ones and a CSS-only switch at the top hides them. Everything taken from
 * the plan or the data (names, ids, owners, units) is escaped.
 */
public final class HtmlReport {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    /** At most this many bars in the completion chart (the tables list every target). */
    private static final int CHART_ROWS = 30;

    private HtmlReport() {
    }

    public static String render(DispatchReport r) {
        StringBuilder h = new StringBuilder(64 * 1024);
        DispatchReport.District first = r.districts().get(0);
        String title = String.format("%s %d年%d月重点工作月度调度通报", first.name(), r.year(), r.month());
        h.append("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(Html.escape(title)).append("</title><style>").append(CSS)
                .append("</style></head><body>")
                .append("<input type=\"checkbox\" id=\"en\" checked><label for=\"en\" class=\"toggle\">English 英文名称</label>")
                .append("<main>");
        h.append("<h1>").append(Html.escape(title)).append("<span class=\"en\">Monthly dispatch report, ")
                .append(Html.escape(first.name())).append(", ")
                .append(Month.of(r.month()).getDisplayName(TextStyle.FULL, Locale.ENGLISH))
                .append(' ').append(r.year()).append("</span></h1>");
        h.append("<p class=\"meta\">统计截至 ").append(Html.escape(TIME.format(r.clock().atZone(r.zone()))))
                .append("（").append(r.month()).append("月末，").append(Html.escape(r.zone().getId())).append("）· 生成于 ")
                .append(Html.escape(TIME.format(r.madeAt().atZone(r.zone()))))
                .append(" · 计划版本 ").append(Html.escape(r.planVersion() == null ? "—" : r.planVersion()))
                .append("<span class=\"en\">Figures at the end of the month; made at the pipeline's clock.</span></p>");
        if (r.provisional()) {
            h.append("<p class=\"warn\">本月尚未结束，数据为初步数据。<span class=\"en\">The month had not ended when this "
                    + "report was made: its figures are provisional.</span></p>");
        }
        for (DispatchReport.District d : r.districts()) {
            district(h, r, d);
        }
        h.append("<footer><p>完成率 = 完成值 ÷ 年度目标；序时进度 = 按计划进度至月末应完成的比例；差距 = 完成率 − 序时进度。"
                + "预计全年完成按当前进度推算；标“≈”者按计划进度推算（实时预测所用的上年季节规律不在快照中）。</p>"
                + "<p class=\"en\">Completion = actual ÷ annual target; 序时进度 (time-elapsed progress) = the share "
                + "of the target the schedule puts by the month end; gap = completion − 序时进度. Projections marked ≈ "
                + "follow the schedule (the live projection follows last year's seasonal pattern, which the KPI "
                + "snapshots do not carry).</p></footer>");
        return h.append("</main></body></html>\n").toString();
    }

    private static void district(StringBuilder h, DispatchReport r, DispatchReport.District d) {
        if (r.districts().size() > 1) {
            h.append("<h2>").append(Html.escape(d.name())).append(" ").append(Html.escape(d.code())).append("</h2>");
        }
        summary(h, d);
        h.append("<section><h2>一、总体情况<span class=\"en\">Overview</span></h2><div class=\"charts\">");
        figure(h, "各类指标状态", "Targets by category and status", Charts.statusByCategory(d));
        if (!d.projects().isEmpty()) {
            figure(h, "重点项目月度投资与计划", "Key projects: investment by month against plan",
                    Charts.projectInvestment(d.projectTotals(), Labels.unit(d.projects().get(0).unit())));
        }
        Set<String> projects = d.projects().stream().map(DispatchReport.Project::id).collect(Collectors.toSet());
        List<DispatchReport.Row> flows = d.rows().stream()
                .filter(x -> x.kind().equals(Kind.CUMULATIVE_FLOW.wire()) && !projects.contains(x.id()))
                .limit(CHART_ROWS).toList();
        if (!flows.isEmpty()) {
            figure(h, "累计类指标完成率与序时进度", "Cumulative targets: completion against time-elapsed progress",
                    Charts.completionVsExpected(flows));
        }
        h.append("</div></section>");

        h.append("<section><h2>二、各项指标完成情况<span class=\"en\">Every target against 序时进度</span></h2>");
        for (String c : MonthReport.categories(d.rows())) {
            Labels.Text name = Labels.category(c);
            h.append("<h3>").append(Html.escape(name.zh())).append(" <span class=\"en\">").append(Html.escape(name.en()))
                    .append("</span></h3>");
            targetTable(h, d.rows().stream().filter(x -> x.category().equals(c)).toList());
        }
        h.append("</section>");

        if (!d.projects().isEmpty()) {
            projects(h, r, d);
        }
        list(h, "四、滞后指标", "Lagging targets", d.lagging(), false);
        list(h, "五、逾期未报", "Overdue monthly reports", d.overdue(), false);
        list(h, "六、预警", "Early warnings: on schedule, heading for a miss", d.earlyWarnings(), true);
    }

    private static void figure(StringBuilder h, String zh, String en, String svg) {
        h.append("<figure><figcaption>").append(Html.escape(zh)).append(" <span class=\"en\">").append(Html.escape(en))
                .append("</span></figcaption>").append(svg).append("</figure>");
    }

    private static void list(StringBuilder h, String zh, String en, List<DispatchReport.Row> rows, boolean projection) {
        h.append("<section><h2>").append(Html.escape(zh)).append("<span class=\"en\">").append(Html.escape(en))
                .append("</span></h2>");
        if (rows.isEmpty()) {
            h.append("<p>无。<span class=\"en\">None.</span></p>");
        } else {
            listTable(h, rows, projection);
        }
        h.append("</section>");
    }

    private static void summary(StringBuilder h, DispatchReport.District d) {
        h.append("<div class=\"cards\">");
        card(h, String.valueOf(d.rows().size()), "指标总数", "targets", null);
        for (Status s : Status.values()) {
            long n = d.rows().stream().filter(x -> x.status() == s).count();
            if (n > 0) {
                Labels.Text t = Labels.status(s);
                card(h, String.valueOf(n), t.zh(), t.en(), Labels.colour(s));
            }
        }
        card(h, String.valueOf(d.overdue().size()), "逾期未报", "overdue", null);
        card(h, String.valueOf(d.earlyWarnings().size()), "预警", "early warnings", null);
        h.append("</div>");
    }

    private static void card(StringBuilder h, String n, String zh, String en, String colour) {
        h.append("<div class=\"card\"").append(colour == null ? "" : " style=\"border-top-color:" + colour + "\"")
                .append("><b>").append(Html.escape(n)).append("</b>").append(Html.escape(zh))
                .append("<span class=\"en\">").append(Html.escape(en)).append("</span></div>");
    }

    private static void targetTable(StringBuilder h, List<DispatchReport.Row> rows) {
        h.append("<table><thead><tr>");
        head(h, "指标", "target");
        head(h, "单位", "unit");
        head(h, "年度目标", "annual target");
        head(h, "完成值", "actual");
        head(h, "完成率", "completion");
        head(h, "序时进度", "time-elapsed");
        head(h, "差距", "gap");
        head(h, "状态", "status");
        head(h, "预计全年", "projected");
        head(h, "预计完成率", "proj. completion");
        head(h, "数据截至", "data through");
        head(h, "责任单位", "owner");
        h.append("</tr></thead><tbody>");
        for (DispatchReport.Row x : rows) {
            h.append("<tr>");
            name(h, x);
            td(h, Labels.unit(x.unit()), false);
            td(h, num(x.target()), true);
            td(h, num(x.actual()), true);
            td(h, pct(x.completion()), true);
            td(h, pct(x.expected()), true);
            h.append("<td class=\"n").append(x.gap() != null && x.gap() < 0 ? " neg" : "").append("\">")
                    .append(Html.escape(pp(x.gap()))).append("</td>");
            status(h, x);
            String approx = x.basis().approximate() ? "≈" : "";
            td(h, x.projected() == null ? "—" : approx + num(x.projected()), true);
            td(h, x.projectedCompletion() == null ? "—" : approx + pct(x.projectedCompletion()), true);
            td(h, x.dataThrough() == null ? "" : x.dataThrough(), false);
            td(h, x.owner() == null ? "" : x.owner(), false);
            h.append("</tr>");
        }
        h.append("</tbody></table>");
    }

    private static void listTable(StringBuilder h, List<DispatchReport.Row> rows, boolean projection) {
        h.append("<table><thead><tr>");
        head(h, "指标", "target");
        head(h, "类别", "category");
        head(h, "完成率", "completion");
        head(h, "序时进度", "time-elapsed");
        head(h, "差距", "gap");
        head(h, "状态", "status");
        if (projection) {
            head(h, "预计全年", "projected");
            head(h, "预计完成率", "proj. completion");
            head(h, "展望", "outlook");
        } else {
            head(h, "数据截至", "data through");
        }
        head(h, "责任单位", "owner");
        h.append("</tr></thead><tbody>");
        for (DispatchReport.Row x : rows) {
            h.append("<tr>");
            name(h, x);
            Labels.Text c = Labels.category(x.category());
            h.append("<td>").append(Html.escape(c.zh())).append("<span class=\"en\">").append(Html.escape(c.en()))
                    .append("</span></td>");
            td(h, pct(x.completion()), true);
            td(h, pct(x.expected()), true);
            td(h, pp(x.gap()), true);
            status(h, x);
            if (projection) {
                String approx = x.basis().approximate() ? "≈" : "";
                td(h, x.projected() == null ? "—" : approx + num(x.projected()) + " " + Labels.unit(x.unit()), true);
                td(h, x.projectedCompletion() == null ? "—" : approx + pct(x.projectedCompletion()), true);
                Labels.Text o = Labels.outlook(x.outlook());
                h.append("<td>").append(Html.escape(o.zh())).append("<span class=\"en\">").append(Html.escape(o.en()))
                        .append("</span></td>");
            } else {
                td(h, x.dataThrough() == null ? "未报 none" : x.dataThrough(), false);
            }
            h.append("<td class=\"owner\">").append(Html.escape(x.owner() == null ? "—" : x.owner())).append("</td></tr>");
        }
        h.append("</tbody></table>");
    }

    private static void projects(StringBuilder h, DispatchReport r, DispatchReport.District d) {
        h.append("<section><h2>三、重点项目投资<span class=\"en\">Key projects: cumulative investment by month against "
                + "plan (").append(Html.escape(Labels.unit(d.projects().get(0).unit()))).append(")</span></h2>");
        h.append("<table class=\"projects\"><thead><tr>");
        head(h, "项目", "project");
        head(h, "年度计划", "annual plan");
        for (int m = 1; m <= r.month(); m++) {
            head(h, m + "月", Month.of(m).getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
        }
        head(h, "计划至" + r.month() + "月", "planned to date");
        head(h, "完成/计划", "actual/planned");
        head(h, "责任单位", "owner");
        h.append("</tr></thead><tbody>");
        for (DispatchReport.Project p : d.projects()) {
            projectRow(h, r, p.id(), p.nameZh(), p.nameEn(), p.target(), p.months(), p.owner(), false);
        }
        Double total = d.projects().stream().anyMatch(p -> p.target() == null) ? null
                : d.projects().stream().mapToDouble(DispatchReport.Project::target).sum();
        projectRow(h, r, null, "合计", "Total", total, d.projectTotals(), null, true);
        h.append("</tbody></table></section>");
    }

    private static void projectRow(StringBuilder h, DispatchReport r, String id, String zh, String en, Double target,
                                   DispatchReport.Series s, String owner, boolean total) {
        h.append(total ? "<tr class=\"total\">" : "<tr>");
        h.append("<td>").append(Html.escape(zh)).append("<span class=\"en\">").append(Html.escape(en))
                .append(id == null ? "" : " · " + Html.escape(id)).append("</span></td>");
        td(h, num(target), true);
        for (int m = 0; m < r.month(); m++) {
            Double c = s.cumulative().get(m);
            Double p = s.planned().get(m);
            boolean behind = c != null && p != null && c < p;
            h.append("<td class=\"n").append(behind ? " neg" : "").append("\">").append(Html.escape(num(c))).append("</td>");
        }
        Double planned = s.planned().get(r.month() - 1);
        Double actual = s.cumulative().get(r.month() - 1);
        td(h, num(planned), true);
        td(h, actual == null || planned == null || planned == 0 ? "—" : pct(actual / planned), true);
        td(h, owner == null ? "" : owner, false);
        h.append("</tr>");
    }

    private static void name(StringBuilder h, DispatchReport.Row x) {
        h.append("<td class=\"name d").append(Math.min(x.depth(), 3)).append("\">").append(Html.escape(x.nameZh()))
                .append("<span class=\"en\">").append(Html.escape(x.nameEn())).append(" · ").append(Html.escape(x.id()))
                .append("</span></td>");
    }

    private static void status(StringBuilder h, DispatchReport.Row x) {
        Labels.Text t = Labels.status(x.status());
        h.append("<td><span class=\"chip\" style=\"background:").append(Labels.colour(x.status())).append("\">")
                .append(Html.escape(t.zh())).append("</span>").append(x.overdue() ? " <span class=\"od\">逾期</span>" : "")
                .append(x.earlyWarning() ? " <span class=\"ew\">预警</span>" : "")
                .append("<span class=\"en\">").append(Html.escape(t.en())).append("</span></td>");
    }

    private static void head(StringBuilder h, String zh, String en) {
        h.append("<th>").append(Html.escape(zh)).append("<span class=\"en\">").append(Html.escape(en)).append("</span></th>");
    }

    private static void td(StringBuilder h, String text, boolean numeric) {
        h.append(numeric ? "<td class=\"n\">" : "<td>").append(Html.escape(text)).append("</td>");
    }

    private static String num(Double v) {
        return v == null ? "—" : Charts.fmt(v);
    }

    private static String pct(Double v) {
        return v == null ? "—" : Charts.pct(v);
    }

    private static String pp(Double v) {
        return v == null ? "—" : String.format(Locale.ROOT, "%+.1f", v * 100) + "pp";
    }

    private static final String CSS = """
            body{margin:0;font-family:"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei","Microsoft YaHei",\
            "PingFang SC",sans-serif;color:#222;background:#fff;font-size:13px}
            main{max-width:1240px;margin:0 auto;padding:12px 20px 40px}
            h1{font-size:22px;margin:8px 0 4px}h1 .en{display:block;font-size:14px;color:#666;font-weight:normal}
            h2{font-size:17px;border-left:4px solid #1a5fa8;padding-left:8px;margin:22px 0 8px}
            h2 .en{font-size:13px;color:#666;font-weight:normal;margin-left:8px}
            h3{font-size:14px;margin:14px 0 4px}h3 .en{color:#666;font-weight:normal}
            .meta{color:#555;margin:0 0 6px}.meta .en{margin-left:6px}
            .warn{background:#fff4d6;border:1px solid #e0b84c;padding:6px 10px}
            .toggle{position:absolute;right:24px;top:14px;font-size:12px;color:#555}
            #en{position:absolute;right:150px;top:14px}
            #en:not(:checked)~main .en{display:none}
            .en{color:#777;font-size:11px}td .en,th .en{display:block}
            .cards{display:flex;flex-wrap:wrap;gap:8px;margin:10px 0}
            .card{border:1px solid #ddd;border-top:4px solid #1a5fa8;padding:6px 12px;min-width:84px}
            .card b{display:block;font-size:20px}.card .en{display:block}
            .charts{display:flex;flex-wrap:wrap;gap:14px}figure{margin:0}
            figcaption{font-weight:600;margin:4px 0}figcaption .en{font-weight:normal}
            svg.chart{border:1px solid #eee;background:#fcfcfc;max-width:100%;height:auto}
            table{border-collapse:collapse;width:100%;margin:4px 0 10px}
            th,td{border:1px solid #ddd;padding:3px 6px;vertical-align:top}
            th{background:#eef3f9;font-weight:600;text-align:center}
            td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
            td.neg{color:#b3261e}
            td.name.d1{padding-left:20px}td.name.d2{padding-left:34px}td.name.d3{padding-left:48px}
            .chip{display:inline-block;padding:0 6px;border-radius:3px;color:#000;white-space:nowrap}
            .od,.ew{display:inline-block;padding:0 4px;border:1px solid #b3261e;color:#b3261e;border-radius:3px;font-size:11px}
            tr.total td{font-weight:600;background:#f6f6f6}
            footer{margin-top:24px;color:#555;font-size:12px;border-top:1px solid #ddd}
            @media print{.toggle,#en{display:none}}
            """;
}
