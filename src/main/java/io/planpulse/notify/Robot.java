package io.planpulse.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;

/**
 * A group robot: its kind, its webhook URL (which carries its access token, so it is as secret as the signing secret
 * and is never logged) and its signing secret (empty when the robot does not sign, e.g. a keyword-only robot).
 */
public record Robot(Kind kind, String url, String secret) {

    public enum Kind {
        DINGTALK, FEISHU
    }

    /** How a robot answered: accepted, refused for good (a bad signature, a bad token), or worth another try. */
    public enum Outcome {
        ACCEPTED, REFUSED, RETRY
    }

    static final ObjectMapper JSON = new ObjectMapper();
    /** DingTalk's "send too fast" (at most 20 messages a minute per robot). */
    static final int DINGTALK_TOO_FAST = 130101;
    /** Feishu's "too many requests". */
    static final int FEISHU_TOO_MANY = 9499;

    /** The request that posts {@code message}, signed as of {@code now}. */
    public HttpRequest request(ChatMessage message, Instant now) {
        ObjectNode body = JSON.createObjectNode();
        String target = url;
        if (kind == Kind.DINGTALK) {
            if (!secret.isEmpty()) {
                target = RobotSignature.dingTalkUrl(url, secret, now.toEpochMilli());
            }
            body.put("msgtype", "markdown");
            body.putObject("markdown").put("title", message.title()).put("text", message.markdown());
        } else {
            if (!secret.isEmpty()) {
                long seconds = now.getEpochSecond();
                body.put("timestamp", String.valueOf(seconds)).put("sign", RobotSignature.feishu(secret, seconds));
            }
            body.put("msg_type", "post");
            body.set("content", message.feishuPost());
        }
        return HttpRequest.newBuilder(URI.create(target)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    }

    /**
     * What an answer means. Both robots answer 200 with an error code in the body when they refuse (DingTalk
     * {@code errcode}, Feishu {@code code} or, in older answers, {@code StatusCode}); 5xx, 429 and rate limits are
     * worth another try, anything else is a refusal.
     */
    public Outcome outcome(int status, String body) {
        if (status >= 500 || status == 429) {
            return Outcome.RETRY;
        }
        if (status / 100 != 2) {
            return Outcome.REFUSED;
        }
        int code = code(body);
        if (code == 0) {
            return Outcome.ACCEPTED;
        }
        return code == (kind == Kind.DINGTALK ? DINGTALK_TOO_FAST : FEISHU_TOO_MANY) ? Outcome.RETRY : Outcome.REFUSED;
    }

    private int code(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) {
                return -1;
            }
            JsonNode c = kind == Kind.DINGTALK ? n.path("errcode") : n.has("code") ? n.path("code") : n.path("StatusCode");
            return c.isMissingNode() ? -1 : c.asInt(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    /** The robot as logs may name it: kind and host, never the URL's token or the secret. */
    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " robot at " + URI.create(url).getHost();
    }
}
