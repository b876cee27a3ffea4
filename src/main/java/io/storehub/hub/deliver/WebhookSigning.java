package io.storehub.hub.deliver;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.EmptyWebhookSecretException;
import com.standardwebhooks.exceptions.WebhookSigningException;
import io.storehub.hub.support.HubConfigurationException;

/**
 * Signed deliveries as Standard Webhooks define them (docs/destinations.md, Signed deliveries): the signature
 * is the Standard Webhooks library's; here is what the spec leaves to the sender: the secrets ({@code whsec_}
 * base64 or UTF-8 text, 24 to 64 bytes of key), the id, and one signature per secret (so a receiver can rotate).
 */
final class WebhookSigning {

    static final String ID = "webhook-id";
    static final String TIMESTAMP = "webhook-timestamp";
    static final String SIGNATURE = "webhook-signature";

    private static final String PREFIX = "whsec_";
    private static final int MIN_KEY_BYTES = 24;
    private static final int MAX_KEY_BYTES = 64;

    private WebhookSigning() {
    }

    /** The signing keys of a destination's {@code signing-secret} (none: unsigned), checked; the secrets are never echoed. */
    static List<byte[]> keys(List<String> secrets, String key) {
        List<byte[]> keys = new ArrayList<>();
        if (secrets == null) {
            return keys;
        }
        if (secrets.isEmpty()) {
            throw new HubConfigurationException(key + " is empty: set the secret (whsec_ followed by base64, e.g. from "
                    + "`openssl rand -base64 32`) or remove it.");
        }
        for (int i = 0; i < secrets.size(); i++) {
            String at = secrets.size() == 1 ? key : key + "[" + i + "]";
            String secret = secrets.get(i) == null ? "" : secrets.get(i).trim();
            byte[] bytes;
            if (secret.startsWith(PREFIX)) {
                try {
                    bytes = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
                } catch (IllegalArgumentException e) {
                    throw new HubConfigurationException(at + " starts with whsec_ but the rest is not base64: a whsec_ secret is "
                            + "whsec_ followed by the base64 of 24 to 64 random bytes.");
                }
            } else {
                bytes = secret.getBytes(StandardCharsets.UTF_8);
            }
            if (bytes.length < MIN_KEY_BYTES || bytes.length > MAX_KEY_BYTES) {
                throw new HubConfigurationException(at + " gives a key of " + bytes.length + " bytes; Standard Webhooks keys are "
                        + MIN_KEY_BYTES + " to " + MAX_KEY_BYTES + " bytes (whsec_ followed by the base64 of random bytes, e.g. "
                        + "`openssl rand -base64 32`).");
            }
            keys.add(bytes);
        }
        return keys;
    }

    /**
     * The {@code webhook-id} of an event's delivery to a destination: the same for every attempt and
     * replay of it, so a receiver can drop a repeat; {@code msg_} and 32 base64url characters of
     * SHA-256("eventId:destination") (no '.', which the signed content uses as its separator).
     */
    static String webhookId(String eventId, String destination) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((eventId + ":" + destination).getBytes(StandardCharsets.UTF_8));
            return "msg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 32);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * {@code v1,<signature>} for each key, space-separated: the value of {@code webhook-signature} for
     * {@code payload}, which must be sent as its UTF-8 bytes exactly.
     */
    static String signature(List<byte[]> keys, String id, long timestamp, String payload) {
        StringJoiner header = new StringJoiner(" ");
        for (byte[] key : keys) {
            try {
                header.add(new Webhook(key).sign(id, timestamp, payload));
            } catch (EmptyWebhookSecretException | WebhookSigningException e) {
                // keys are checked (24 to 64 bytes) at start-up and HmacSHA256 is part of every JDK
                throw new IllegalStateException("signing failed: " + e.getMessage(), e);
            }
        }
        return header.toString();
    }
}
