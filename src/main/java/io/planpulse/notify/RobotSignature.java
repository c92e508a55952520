package io.planpulse.notify;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signatures of the group robots' "加签" (signing) security setting. Both are Base64 of an HmacSHA256 over
 * {@code timestamp + "\n" + secret}, but they use it differently:
 * <ul>
 *   <li>DingTalk: the timestamp in milliseconds; the string is the message and the secret the key; the result goes
 *       URL-encoded into the webhook URL as {@code &timestamp=...&sign=...}. DingTalk refuses a timestamp more than an
 *       hour from its clock.</li>
 *   <li>Feishu: the timestamp in seconds; the string is the <em>key</em> and the message is empty; timestamp and sign go
 *       into the JSON body.</li>
 * </ul>
 */
public final class RobotSignature {

    /** DingTalk's sign for a timestamp in milliseconds (Base64, not yet URL-encoded). */
    public static String dingTalk(String secret, long timestampMillis) {
        return base64(hmac(secret.getBytes(StandardCharsets.UTF_8),
                (timestampMillis + "\n" + secret).getBytes(StandardCharsets.UTF_8)));
    }

    /** The robot's webhook URL (it already carries {@code ?access_token=...}) with timestamp and sign appended. */
    public static String dingTalkUrl(String webhook, String secret, long timestampMillis) {
        return webhook + (webhook.contains("?") ? "&" : "?") + "timestamp=" + timestampMillis + "&sign="
                + URLEncoder.encode(dingTalk(secret, timestampMillis), StandardCharsets.UTF_8);
    }

    /** Feishu's sign for a timestamp in seconds. */
    public static String feishu(String secret, long timestampSeconds) {
        return base64(hmac((timestampSeconds + "\n" + secret).getBytes(StandardCharsets.UTF_8), new byte[0]));
    }

    private static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private RobotSignature() {
    }
}
