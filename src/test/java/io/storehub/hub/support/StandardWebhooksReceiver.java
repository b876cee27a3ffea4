package io.storehub.hub.support;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a receiver of signed deliveries does, written from the Standard Webhooks spec with the JDK
 * alone (independent of the hub's signing code): the expected signature is
 * base64(HMAC-SHA256(key, "webhook-id.webhook-timestamp.body")) over the bytes received.
 */
public final class StandardWebhooksReceiver {

    private StandardWebhooksReceiver() {
    }

    /** The key of a secret: for whsec_ the base64 after the prefix, decoded; otherwise the text's UTF-8 bytes. */
    public static byte[] key(String secret) {
        return secret.startsWith("whsec_") ? Base64.getDecoder().decode(secret.substring("whsec_".length()))
                : secret.getBytes(StandardCharsets.UTF_8);
    }

    public static String sign(byte[] key, String id, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether one of the {@code v1,} signatures of a {@code webhook-signature} header verifies with the secret. */
    public static boolean verifies(String secret, String id, String timestamp, String signatureHeader, byte[] body) {
        if (id == null || timestamp == null || signatureHeader == null) {
            return false;
        }
        byte[] expected = ("v1," + sign(key(secret), id, timestamp, body)).getBytes(StandardCharsets.UTF_8);
        return Arrays.stream(signatureHeader.split(" "))
                .anyMatch(s -> java.security.MessageDigest.isEqual(s.getBytes(StandardCharsets.UTF_8), expected));
    }
}
