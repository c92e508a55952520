package io.planpulse.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The Chinese message rendered from Alertmanager's webhook payload, for DingTalk (markdown) and Feishu (post). */
class NotifyMessageTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String BOARD = "http://grafana.example/d/planpulse-overview";

    /** One firing PlanTargetLagging as Alertmanager 0.25 posts it (labels and annotations of the shipped rule). */
    static JsonNode payload() throws Exception {
        return JSON.readTree("""
                {"version":"4","groupKey":"{}/{owner=\\"区商务委\\"}:{alertname=\\"PlanTargetLagging\\"}","status":"firing",
                 "receiver":"commerce","groupLabels":{"alertname":"PlanTargetLagging"},
                 "alerts":[{"status":"firing",
                   "labels":{"alertname":"PlanTargetLagging","severity":"warning","year":"2025","status":"lagging",
                             "indicator":"cross_border_truck_departures","category":"logistics_trade","kind":"cumulative_flow",
                             "owner":"区商务委","name_zh":"跨境公路班车发车","name_en":"Cross-border truck departures"},
                   "annotations":{"summary":"跨境公路班车发车 (Cross-border truck departures) is lagging its 2025 schedule",
                             "completion":"0.3","expected":"0.4","gap":"-0.1","outlook":"at_risk",
                             "projected_completion":"0.8765"}}]}
                """);
    }

    @Test
    void shouldNameTheTargetOwnerFiguresAgainst序时进度AndOutlookWithABoardLink() throws Exception {
        ChatMessage m = ChatMessage.of(payload(), BOARD);
        assertThat(m.title()).isEqualTo("【告警】目标滞后于序时进度：跨境公路班车发车");
        assertThat(m.markdown()).isEqualTo("""
                ### 【告警】目标滞后于序时进度

                **跨境公路班车发车**（cross\\_border\\_truck\\_departures）

                - 区县：—
                - 责任单位：区商务委
                - 完成 30%，序时进度 40%，差距 -10%
                - 预计全年完成 87.7%（有风险）

                [查看看板](http://grafana.example/d/planpulse-overview)
                """);
    }

    @Test
    void shouldNameTheDistrictWhenTheAlertCarriesIt() throws Exception {
        ObjectNode p = (ObjectNode) payload();
        ObjectNode labels = (ObjectNode) p.path("alerts").get(0).path("labels");
        labels.put("district", "500113");
        assertThat(ChatMessage.of(p, BOARD).markdown()).contains("- 区县：500113\n");
        labels.put("district_name", "巴南区");
        assertThat(ChatMessage.of(p, BOARD).markdown()).contains("- 区县：巴南区（500113）\n");
    }

    @Test
    void shouldSayResolvedAndNoProjectionYet() throws Exception {
        ObjectNode p = (ObjectNode) payload();
        ObjectNode a = (ObjectNode) p.path("alerts").get(0);
        a.put("status", "resolved");
        ((ObjectNode) a.path("annotations")).remove("outlook");
        ((ObjectNode) a.path("annotations")).put("projected_completion", "");
        ChatMessage m = ChatMessage.of(p, BOARD);
        assertThat(m.title()).startsWith("【已恢复】");
        assertThat(m.markdown()).contains("预计全年完成 n/a（暂无预测）");
    }

    @Test
    void shouldEscapeMarkupInLabelValuesSoTheyCannotFormatOrBreakTheMessage() throws Exception {
        ObjectNode p = (ObjectNode) payload();
        ObjectNode labels = (ObjectNode) p.path("alerts").get(0).path("labels");
        labels.put("name_zh", "**粗体** [点我](http://evil.example) <b>x</b>\n### 标题");
        labels.put("owner", "区_商务|委`");
        String md = ChatMessage.of(p, BOARD).markdown();
        assertThat(md).contains("**\\*\\*粗体\\*\\* \\[点我\\]\\(http://evil.example\\) &lt;b&gt;x&lt;/b&gt; \\#\\#\\# 标题**");
        assertThat(md).contains("- 责任单位：区\\_商务\\|委\\`\n");
        assertThat(md).doesNotContain("](http://evil.example)").doesNotContain("<b>");
    }

    @Test
    void shouldFallBackToTheDescriptionForAlertsWithoutFigures() throws Exception {
        JsonNode p = JSON.readTree("""
                {"alerts":[{"status":"firing","labels":{"alertname":"PlanpulseDown","severity":"critical"},
                  "annotations":{"summary":"planpulse is not being scraped","description":"No scrape for 2 minutes."}}]}
                """);
        String md = ChatMessage.of(p, "").markdown();
        assertThat(md).contains("### 【告警】PlanpulseDown").contains("- No scrape for 2 minutes.").doesNotContain("查看看板");
    }

    @Test
    void shouldBuildFeishuRichTextOfPlainTextElements() throws Exception {
        JsonNode post = ChatMessage.of(payload(), BOARD).feishuPost().path("post").path("zh_cn");
        assertThat(post.path("title").asText()).isEqualTo("【告警】目标滞后于序时进度：跨境公路班车发车");
        String text = post.path("content").toString();
        assertThat(text).contains("\"tag\":\"text\",\"text\":\"区县：—　责任单位：区商务委\"")
                .contains("完成 30%，序时进度 40%，差距 -10%")
                .contains("{\"tag\":\"a\",\"text\":\"查看看板\",\"href\":\"" + BOARD + "\"}");
    }

    @Test
    void shouldWritePercentagesWithAtMostOneDecimal() {
        assertThat(ChatMessage.percent("0.3")).isEqualTo("30%");
        assertThat(ChatMessage.percent("-0.1234")).isEqualTo("-12.3%");
        assertThat(ChatMessage.percent("1")).isEqualTo("100%");
        assertThat(ChatMessage.percent("-0.0001")).isEqualTo("0%");
        assertThat(ChatMessage.percent("")).isEqualTo("n/a");
    }
}
