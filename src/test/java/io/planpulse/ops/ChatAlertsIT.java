package io.planpulse.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.planpulse.notify.NotifyRelay;
import io.planpulse.notify.RelayConfig;
import io.planpulse.notify.RobotStubs;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22, part 3: a lagging target reaches the department's WeCom party and its DingTalk and Feishu group robots, in
 * Chinese, through the real parts. Debian's Prometheus evaluates the shipped rules against a scrape target that shows
 * one lagging target owned by 区商务委; Debian's Alertmanager runs the shipped alertmanager.yml and WeCom template
 * with only the endpoints moved to local stubs (and the waits cut, see {@link Tools.AlertStack}): the WeCom API (a
 * token for the right corp ID and secret, messages only with that token), and the notify-relay, running in this JVM,
 * in front of a DingTalk robot and a Feishu bot that verify their signatures.
 */
class ChatAlertsIT {
    static final String CORP_ID = "wwplanpulsetest0001";
    static final String WECOM_SECRET = "wecom-app-secret-for-the-test";
    static final String DINGTALK_SECRET = "SECdingtalk-secret-for-the-test";
    static final String FEISHU_SECRET = "feishu-secret-for-the-test";
    static final String LABELS = "year=\"2025\",indicator=\"cross_border_truck_departures\",category=\"logistics_trade\","
            + "kind=\"cumulative_flow\"";
    /** What planpulse's /metrics shows for one target lagging its schedule (CONTRACT section 6). */
    static final String METRICS = """
            # TYPE planpulse_kpi_status gauge
            planpulse_kpi_status{%1$s,status="lagging"} 1
            planpulse_kpi_status{%1$s,status="on_track"} 0
            # TYPE planpulse_kpi_info gauge
            planpulse_kpi_info{%1$s,owner="区商务委",name_zh="跨境公路班车发车",name_en="Cross-border truck departures",unit="trips",parent="",comparator="at_least"} 1
            # TYPE planpulse_kpi_completion_ratio gauge
            planpulse_kpi_completion_ratio{%1$s} 0.3
            # TYPE planpulse_kpi_expected_ratio gauge
            planpulse_kpi_expected_ratio{%1$s} 0.4
            # TYPE planpulse_kpi_gap_ratio gauge
            planpulse_kpi_gap_ratio{%1$s} -0.1
            # TYPE planpulse_kpi_projected_completion_ratio gauge
            planpulse_kpi_projected_completion_ratio{%1$s} 0.8
            # TYPE planpulse_kpi_outlook gauge
            planpulse_kpi_outlook{%1$s,outlook="on_course"} 0
            planpulse_kpi_outlook{%1$s,outlook="at_risk"} 1
            """.formatted(LABELS);

    static HttpServer planpulse;
    static RobotStubs.WeCom wecom;
    static RobotStubs.DingTalk dingtalk;
    static RobotStubs.Feishu feishu;
    static NotifyRelay relay;
    static Tools.AlertStack stack;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        planpulse = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        planpulse.createContext("/metrics", ex -> {
            byte[] body = METRICS.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        planpulse.start();

        wecom = new RobotStubs.WeCom(CORP_ID, WECOM_SECRET);
        dingtalk = new RobotStubs.DingTalk("dingtalk-token", DINGTALK_SECRET);
        feishu = new RobotStubs.Feishu(FEISHU_SECRET);
        // The shipped relay configuration, its variables set as a deployment would.
        relay = NotifyRelay.start(RelayConfig.load(Tools.ROOT.resolve("deploy/notify-relay/notify-relay.yml"), Map.of(
                        "DINGTALK_COMMERCE_URL", dingtalk.webhook(), "DINGTALK_COMMERCE_SECRET", DINGTALK_SECRET,
                        "FEISHU_COMMERCE_URL", feishu.webhook(), "FEISHU_COMMERCE_SECRET", FEISHU_SECRET)),
                "127.0.0.1", 0, NotifyRelay.defaultClient(), Clock.systemUTC());

        stack = Tools.AlertStack.start(dir, "127.0.0.1:" + planpulse.getAddress().getPort(), Map.of(
                Tools.AlertStack.WECOM_API, wecom.apiUrl(),
                Tools.AlertStack.RELAY, relay.url(),
                "wechat_api_corp_id: ww00000000000000000", "wechat_api_corp_id: " + CORP_ID,
                "__WECOM_API_SECRET__", WECOM_SECRET));
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {relay, wecom, dingtalk, feishu}) {
            if (c != null) {
                c.close();
            }
        }
        if (planpulse != null) {
            planpulse.stop(0);
        }
    }

    @Test
    void shouldAcceptTheShippedConfigurationWithItsTemplates() throws Exception {
        Tools.Result r = Tools.run("amtool", "check-config", "deploy/alertmanager/alertmanager.yml");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("8 receivers").contains("1 templates");
    }

    @Test
    void aLaggingTargetReachesTheDepartmentsWeComPartyInChinese() {
        JsonNode m = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> wecom.accepted.stream().findFirst().orElse(null), java.util.Objects::nonNull);
        assertThat(m.path("msgtype").asText()).isEqualTo("markdown");
        assertThat(m.path("toparty").asText()).as("commerce's party").isEqualTo("2");
        assertThat(m.path("agentid").asText()).isEqualTo("1000002");
        String text = m.path("markdown").path("content").asText();
        assertThat(text).contains("【告警】目标滞后于序时进度", "**跨境公路班车发车**（cross_border_truck_departures）",
                "区县：—", "责任单位：区商务委", "完成 30%，序时进度 40%，差距 -10%；预计全年完成 80%（有风险）",
                "[查看看板](http://localhost:3000/d/planpulse-overview)");
    }

    @Test
    void aLaggingTargetReachesTheDepartmentsDingTalkAndFeishuRobotsSigned() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> !dingtalk.accepted.isEmpty() && !feishu.accepted.isEmpty());
        JsonNode d = dingtalk.accepted.get(0);
        assertThat(d.path("markdown").path("title").asText()).isEqualTo("【告警】目标滞后于序时进度：跨境公路班车发车");
        assertThat(d.path("markdown").path("text").asText()).contains("**跨境公路班车发车**", "责任单位：区商务委",
                "完成 30%，序时进度 40%，差距 -10%", "预计全年完成 80%（有风险）");
        String f = feishu.accepted.get(0).path("content").toString();
        assertThat(f).contains("跨境公路班车发车", "区商务委", "差距 -10%");
        // The department's plain webhook still hears of it, on its own path.
        List<Tools.AlertStack.Delivered> webhook = stack.delivered("PlanTargetLagging");
        assertThat(webhook).isNotEmpty();
        assertThat(webhook.get(0).notification().path()).isEqualTo("/commerce");
    }
}
