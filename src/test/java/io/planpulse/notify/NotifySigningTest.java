package io.planpulse.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The robots' signatures against vectors computed outside Java (Python's hmac, hashlib and base64, from the services'
 * documented recipes), and against stubs that verify them as the services do.
 */
class NotifySigningTest {
    static final String SECRET = "SEC0123456789abcdef";

    @Test
    void dingTalkSignsTimestampInMillisNewlineSecretWithTheSecretAsKey() {
        // base64(hmac_sha256(key=SECRET, msg="1700000000000\n" + SECRET))
        assertThat(RobotSignature.dingTalk(SECRET, 1_700_000_000_000L))
                .isEqualTo("TSZbRFUuvaSQaRKUpF970OPCb2/LcQAP3wOvwZIzBZk=");
    }

    @Test
    void dingTalkUrlCarriesTheTimestampAndTheUrlEncodedSign() {
        assertThat(RobotSignature.dingTalkUrl("https://oapi.dingtalk.com/robot/send?access_token=abc", SECRET,
                1_700_000_000_000L)).isEqualTo("https://oapi.dingtalk.com/robot/send?access_token=abc"
                + "&timestamp=1700000000000&sign=TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D");
    }

    @Test
    void feishuSignsAnEmptyMessageWithTimestampInSecondsNewlineSecretAsTheKey() {
        // base64(hmac_sha256(key="1700000000\n" + SECRET, msg=b""))
        assertThat(RobotSignature.feishu(SECRET, 1_700_000_000L)).isEqualTo("PiO7POLlSx/DM2qf8Dy/XCWeJK3exVnevp5G99LEN2M=");
    }

    @Test
    void dingTalkStubAcceptsTheRightSecretAndRefusesAWrongOne() throws Exception {
        try (RobotStubs.DingTalk stub = new RobotStubs.DingTalk("tok", SECRET)) {
            ChatMessage m = ChatMessage.of(NotifyMessageTest.payload(), "");
            assertThat(post(new Robot(Robot.Kind.DINGTALK, stub.webhook(), SECRET), m)).isEqualTo(Robot.Outcome.ACCEPTED);
            assertThat(post(new Robot(Robot.Kind.DINGTALK, stub.webhook(), SECRET + "x"), m)).isEqualTo(Robot.Outcome.REFUSED);
            assertThat(stub.accepted).hasSize(1);
        }
    }

    @Test
    void feishuStubAcceptsTheRightSecretAndRefusesAWrongOne() throws Exception {
        try (RobotStubs.Feishu stub = new RobotStubs.Feishu(SECRET)) {
            ChatMessage m = ChatMessage.of(NotifyMessageTest.payload(), "");
            assertThat(post(new Robot(Robot.Kind.FEISHU, stub.webhook(), SECRET), m)).isEqualTo(Robot.Outcome.ACCEPTED);
            assertThat(post(new Robot(Robot.Kind.FEISHU, stub.webhook(), "wrong"), m)).isEqualTo(Robot.Outcome.REFUSED);
            assertThat(stub.accepted).hasSize(1);
            assertThat(stub.accepted.get(0).path("msg_type").asText()).isEqualTo("post");
        }
    }

    @Test
    void logsNameARobotByKindAndHostOnly() {
        Robot r = new Robot(Robot.Kind.DINGTALK, "https://oapi.dingtalk.com/robot/send?access_token=TOKEN123", SECRET);
        assertThat(r.toString()).isEqualTo("dingtalk robot at oapi.dingtalk.com").doesNotContain("TOKEN123", SECRET);
    }

    static Robot.Outcome post(Robot robot, ChatMessage m) throws Exception {
        var r = NotifyRelay.defaultClient().send(robot.request(m, Instant.now()),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return robot.outcome(r.statusCode(), r.body());
    }
}
