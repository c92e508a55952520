package io.planpulse.report;

import static io.planpulse.report.ReportFixtures.repeat;
import static org.assertj.core.api.Assertions.assertThat;

import io.planpulse.avro.KpiSnapshot;
import io.planpulse.kpi.TargetData;
import io.planpulse.plan.Plan;
import io.planpulse.plan.Target;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTML form escapes what it echoes and fetches nothing; the XLSX form has numbers as numbers. */
class ReportFormatsTest {
    static final Instant JULY_12 = OffsetDateTime.parse("2025-07-12T09:00:00+08:00").toInstant();
    static final String EVIL_NAME = "<script>alert('x')</script> & 班车";
    static final String EVIL_OWNER = "区商务委 & <b>物流办</b>";

    DispatchReport report;

    @BeforeEach
    void june() throws Exception {
        Plan plan = ReportFixtures.plan("/plans/test-2025.yaml");
        List<Target> targets = new ArrayList<>();
        for (Target t : plan.targets()) {
            targets.add(t.id().equals("trucks") ? new Target(t.year(), t.id(), EVIL_NAME, "Trucks \"<i>\" & co",
                    t.category(), t.unit(), t.kind(), t.comparator(), t.target(), t.scale(), t.baseline(), t.schedule(),
                    t.parent(), t.source(), t.filter(), EVIL_OWNER, t.binding(), t.timezone(), t.reportDeadlineDay(),
                    t.thresholds()) : t);
        }
        Map<String, TargetData> data = Map.of("trucks", repeat(40, 7), "p1", repeat(1e7, 7), "p2", repeat(2e7, 6),
                "p3", repeat(2e7, 5));
        Map<String, KpiSnapshot> snapshots = ReportFixtures.snapshots(targets, data, Map.of(), JULY_12);
        report = MonthReport.build(targets, snapshots, 2025, 6, "500113", "巴南区", JULY_12, "v1");
    }

    @Test
    void shouldEscapeTargetNamesAndOwnersInTheHtml() {
        String html = HtmlReport.render(report);
        assertThat(report.districts().get(0).lagging()).extracting(DispatchReport.Row::id).contains("trucks");
        assertThat(html).doesNotContain("<script").doesNotContain("<b>物流办").doesNotContain("<i>")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; 班车")
                .contains("区商务委 &amp; &lt;b&gt;物流办&lt;/b&gt;")
                .contains("Trucks &quot;&lt;i&gt;&quot; &amp; co");
    }

    @Test
    void shouldBeOneFileThatFetchesNothing() {
        String html = HtmlReport.render(report);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").contains("<style>")
                .doesNotContain("<script").doesNotContain("<link").doesNotContain("src=").doesNotContain("@import")
                .doesNotContain("url(").doesNotContain("@font-face");
        assertThat(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "")).doesNotContain("http://", "https://");
        assertThat(html).contains("重点工作月度调度通报").contains("Monthly dispatch report").contains("序时进度");
    }

    @Test
    void shouldWriteOneSheetPerTableWithNumericCellsAndFrozenHeaders() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        XlsxReport.write(report, out);
        try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(out.toByteArray()))) {
            List<String> names = new ArrayList<>();
            wb.forEach(s -> names.add(s.getSheetName()));
            assertThat(names).containsExactly("完成情况 Completion", "重点项目 Projects", "滞后 Lagging", "逾期未报 Overdue",
                    "预警 Early warnings", "说明 About");
            for (String n : names.subList(0, 5)) {
                Sheet s = wb.getSheet(n);
                assertThat(s.getPaneInformation()).as(n).isNotNull();
                assertThat(s.getPaneInformation().isFreezePane()).as(n).isTrue();
                assertThat(s.getPaneInformation().getHorizontalSplitTopRow()).as(n).isEqualTo((short) 2);
            }
            Sheet completion = wb.getSheet("完成情况 Completion");
            Map<String, Integer> cols = header(completion);
            Row trucks = find(completion, cols.get("id"), "trucks");
            assertThat(text(trucks, cols.get("name"))).isEqualTo(EVIL_NAME);
            Cell actual = trucks.getCell(cols.get("actual"));
            assertThat(actual.getCellType()).isEqualTo(CellType.NUMERIC);
            assertThat(actual.getNumericCellValue()).isEqualTo(240.0);
            assertThat(actual.getCellStyle().getDataFormatString()).isEqualTo("0.00");
            Cell completionCell = trucks.getCell(cols.get("completion"));
            assertThat(completionCell.getCellType()).isEqualTo(CellType.NUMERIC);
            assertThat(completionCell.getNumericCellValue()).isEqualTo(240.0 / 1200);
            assertThat(completionCell.getCellStyle().getDataFormatString()).isEqualTo("0.0%");
            Cell expected = trucks.getCell(cols.get("time-elapsed progress"));
            assertThat(expected.getNumericCellValue()).isEqualTo(0.5, org.assertj.core.api.Assertions.within(1e-12));
            assertThat(expected.getCellStyle().getDataFormatString()).isEqualTo("0.0%");
            assertThat(completion.getLastRowNum()).as("two header rows and every target").isEqualTo(1 + 11);

            Sheet projects = wb.getSheet("重点项目 Projects");
            Map<String, Integer> pc = header(projects);
            assertThat(projects.getLastRowNum()).as("3 projects x 6 months").isEqualTo(1 + 18);
            Row p3June = projects.getRow(2 + 2 * 6 + 5);
            assertThat(text(p3June, pc.get("project id"))).isEqualTo("p3");
            assertThat(text(p3June, pc.get("month"))).isEqualTo("2025-06");
            assertThat(p3June.getCell(pc.get("cumulative actual")).getNumericCellValue()).isEqualTo(1.0);
            assertThat(p3June.getCell(pc.get("cumulative plan")).getNumericCellValue()).isEqualTo(1.2, org.assertj.core.api.Assertions.within(1e-12));
            assertThat(p3June.getCell(pc.get("actual / plan")).getCellStyle().getDataFormatString()).isEqualTo("0.0%");

            Sheet overdue = wb.getSheet("逾期未报 Overdue");
            Map<String, Integer> oc = header(overdue);
            assertThat(text(find(overdue, oc.get("id"), "p3"), oc.get("owner"))).isNull();
            Sheet lagging = wb.getSheet("滞后 Lagging");
            assertThat(text(find(lagging, header(lagging).get("id"), "trucks"), header(lagging).get("owner"))).isEqualTo(EVIL_OWNER);
        }
    }

    private static Map<String, Integer> header(Sheet s) {
        Map<String, Integer> out = new java.util.HashMap<>();
        Row en = s.getRow(1);
        for (Cell c : en) {
            out.put(c.getStringCellValue(), c.getColumnIndex());
        }
        return out;
    }

    private static Row find(Sheet s, int col, String value) {
        for (int r = 2; r <= s.getLastRowNum(); r++) {
            if (value.equals(text(s.getRow(r), col))) {
                return s.getRow(r);
            }
        }
        throw new AssertionError("no row with " + value + " in " + s.getSheetName());
    }

    private static String text(Row r, int col) {
        Cell c = r.getCell(col);
        return c == null ? null : c.getStringCellValue();
    }
}
