package io.planpulse.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.planpulse.Planpulse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The relay between Alertmanager's webhook and local robot stubs: answers, retries, refusals and configuration. */
class NotifyRelayTest {
    static final String SECRET = "SECrelay-test-secret";
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    static RelayConfig config(Path dir, String routes, Map<String, String> env) throws Exception {
        Path f = dir.resolve("relay.yml");
        Files.writeString(f, "board_url: http://grafana.example/d/planpulse-overview\nretries: 2\nbackoff: 10ms\nroutes:\n"
                + routes);
        return RelayConfig.load(f, env);
    }

    static HttpResponse<String> post(NotifyRelay relay, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(relay.url() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static NotifyRelay start(RelayConfig c) throws Exception {
        return NotifyRelay.start(c, "127.0.0.1", 0, NotifyRelay.defaultClient(), Clock.systemUTC());
    }

    static final String DINGTALK_ROUTE = """
              /dingtalk/commerce:
                kind: dingtalk
                url_env: DT_URL
                secret_env: DT_SECRET
            """;

    @Test
    void shouldDeliverASignedChineseMessageAndAnswer200() throws Exception {
        try (RobotStubs.DingTalk robot = new RobotStubs.DingTalk("tok", SECRET);
             NotifyRelay relay = start(config(dir, DINGTALK_ROUTE, Map.of("DT_URL", robot.webhook(), "DT_SECRET", SECRET)))) {
            HttpResponse<String> r = post(relay, "/dingtalk/commerce", NotifyMessageTest.payload().toString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(robot.accepted).hasSize(1);
            String text = robot.accepted.get(0).path("markdown").path("text").asText();
            assertThat(text).contains("跨境公路班车发车", "区商务委", "差距 -10%", "[查看看板](http://grafana.example/d/planpulse-overview)");
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(relay.url() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldAnswer502AtOnceWhenTheRobotRefusesSoAlertmanagerRetries() throws Exception {
        try (RobotStubs.DingTalk robot = new RobotStubs.DingTalk("tok", SECRET);
             NotifyRelay relay = start(config(dir, DINGTALK_ROUTE, Map.of("DT_URL", robot.webhook(), "DT_SECRET", "wrong")))) {
            HttpResponse<String> r = post(relay, "/dingtalk/commerce", NotifyMessageTest.payload().toString());
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).contains("310000").doesNotContain("wrong").doesNotContain("tok");
            assertThat(robot.requests.get()).as("a refusal is not retried").isEqualTo(1);
            assertThat(robot.accepted).isEmpty();
        }
    }

    @Test
    void shouldRetryA5xxWithBackoffAndThenDeliver() throws Exception {
        try (RobotStubs.Feishu robot = new RobotStubs.Feishu(SECRET);
             NotifyRelay relay = start(config(dir, """
                       /feishu/commerce:
                         kind: feishu
                         url_env: FS_URL
                         secret_env: FS_SECRET
                     """, Map.of("FS_URL", robot.webhook(), "FS_SECRET", SECRET)))) {
            robot.failFirst.set(2);
            HttpResponse<String> r = post(relay, "/feishu/commerce", NotifyMessageTest.payload().toString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(robot.requests.get()).isEqualTo(3);
            assertThat(robot.accepted).hasSize(1);
            assertThat(robot.accepted.get(0).path("content").toString()).contains("跨境公路班车发车");
        }
    }

    @Test
    void shouldAnswer502OnceTheRetriesAreSpentOnAnUnreachableRobot() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (NotifyRelay relay = start(config(dir, DINGTALK_ROUTE,
                Map.of("DT_URL", "http://127.0.0.1:" + closed + "/robot/send?access_token=t", "DT_SECRET", SECRET)))) {
            HttpResponse<String> r = post(relay, "/dingtalk/commerce", NotifyMessageTest.payload().toString());
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).contains("no answer");
        }
    }

    @Test
    void shouldAnswer404OnAnUnknownOrOffRouteAnd400OnAPayloadThatIsNotAlertmanagers() throws Exception {
        try (NotifyRelay relay = start(config(dir, DINGTALK_ROUTE, Map.of()))) {
            assertThat(relay.url()).isNotEmpty();
            HttpResponse<String> off = post(relay, "/dingtalk/commerce", NotifyMessageTest.payload().toString());
            assertThat(off.statusCode()).isEqualTo(404);
            assertThat(off.body()).contains("is off");
            assertThat(post(relay, "/nowhere", "{}").statusCode()).isEqualTo(404);
        }
        try (RobotStubs.DingTalk robot = new RobotStubs.DingTalk("tok", SECRET);
             NotifyRelay relay = start(config(dir, DINGTALK_ROUTE, Map.of("DT_URL", robot.webhook(), "DT_SECRET", SECRET)))) {
            assertThat(post(relay, "/dingtalk/commerce", "not json").statusCode()).isEqualTo(400);
            assertThat(post(relay, "/dingtalk/commerce", "{\"x\":1}").statusCode()).isEqualTo(400);
            assertThat(robot.requests.get()).isZero();
        }
    }

    @Test
    void shouldReadTheSecretFromAFileAndRefuseOneWrittenInTheConfiguration() throws Exception {
        Path secret = dir.resolve("dt.secret");
        Files.writeString(secret, SECRET + "\n");
        Path url = dir.resolve("dt.url");
        Files.writeString(url, "https://oapi.dingtalk.com/robot/send?access_token=abc\n");
        RelayConfig c = config(dir, """
                  /dingtalk/commerce:
                    kind: dingtalk
                    url_file: %s
                    secret_file: %s
                """.formatted(url, secret), Map.of());
        assertThat(c.routes().get("/dingtalk/commerce").secret()).isEqualTo(SECRET);
        assertThat(c.toString()).doesNotContain(SECRET).doesNotContain("abc");

        assertThatThrownBy(() -> config(dir, """
                  /dingtalk/commerce:
                    kind: dingtalk
                    url_env: X
                    secret: SECinline
                """, Map.of())).hasMessageContaining("secret_file or secret_env");
        assertThatThrownBy(() -> config(dir, """
                  /dingtalk/commerce:
                    kind: dingtalk
                    url: https://oapi.dingtalk.com/robot/send?access_token=abc
                """, Map.of())).hasMessageContaining("url_file or url_env");
        assertThatThrownBy(() -> config(dir, """
                  /wechat/commerce:
                    kind: wechat
                    url_env: X
                """, Map.of())).hasMessageContaining("dingtalk or feishu");
    }

    @Test
    void shouldExitWithTwoOnABadConfigurationWithoutEchoingTheSecretAndPrintItsUsageOnHelp() throws Exception {
        Path bad = dir.resolve("bad.yml");
        Files.writeString(bad, "routes:\n  /x:\n    kind: dingtalk\n    url_env: X\n    secret: SECabc123\n");
        CommandLine cl = Planpulse.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("notify-relay", "--config", bad.toString())).isEqualTo(Planpulse.BAD_INPUT);
        assertThat(err.toString()).contains("secret_file or secret_env").doesNotContain("SECabc123");

        StringWriter out = new StringWriter();
        CommandLine help = Planpulse.commandLine();
        help.setOut(new PrintWriter(out));
        assertThat(help.execute("notify-relay", "--help")).isZero();
        assertThat(out.toString()).startsWith("Usage: planpulse notify-relay").contains("--config");
    }
}
