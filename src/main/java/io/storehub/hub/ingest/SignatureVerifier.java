package io.storehub.hub.ingest;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.storehub.hub.support.Headers;
import io.storehub.hub.support.HttpRejection;
import io.storehub.hub.support.HubConfigurationException;
import io.storehub.hub.tenant.Tenant;
import io.storehub.hub.tenant.TenantDirectory;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks {@code sg-signature} = base64(HMAC-SHA256(secret, body)) against every secret, over the raw
 * bytes, then over the {@link NodeJson} form (whose parsed tree is left in {@link #PARSED_EVENT} for
 * validation). Constant-time comparison; secrets and signatures are never logged.
 */
public class SignatureVerifier implements Processor, org.apache.camel.CamelContextAware {

    public static final String SIGNATURE_HEADER = "sg-signature";
    public static final String PARSED_EVENT = "SgParsedEvent";

    private static final Logger LOG = LoggerFactory.getLogger(SignatureVerifier.class);
    // trailing content after the JSON value is an error, not silently ignored
    static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private List<SecretKeySpec> keys = List.of();
    private boolean enabled = true;
    private TenantDirectory tenants;
    private org.apache.camel.CamelContext camelContext;
    /** Each tenant's keys, made once per version of its settings. */
    private final Map<String, Map.Entry<Tenant, List<SecretKeySpec>>> tenantKeys = new ConcurrentHashMap<>();

    /** YAML bean initMethod: refuses to start without a secret unless verification is off. */
    public void init() {
        if (tenants == null && camelContext != null) {
            tenants = TenantDirectory.of(camelContext);
        }
        if (enabled && keys.isEmpty() && (tenants == null || tenants.isEmpty())) {
            throw new HubConfigurationException(
                    "No webhook secret configured: set STOREGANISE_WEBHOOK_SECRET (storeganise.webhook.secrets), "
                            + "or storeganise.webhook.verify-signature=false to accept unsigned webhooks (unsafe).");
        }
        if (!enabled) {
            LOG.warn("*** WEBHOOK SIGNATURE VERIFICATION IS OFF (storeganise.webhook.verify-signature=false): "
                    + "anyone who can reach this endpoint can inject events. Never run like this in production. ***");
        }
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        if (!enabled) {
            exchange.getIn().setHeader(Headers.SIGNED_FORM, "unverified");
            return;
        }
        String signature = exchange.getIn().getHeader(SIGNATURE_HEADER, String.class);
        exchange.getIn().removeHeader(SIGNATURE_HEADER); // never carried into the queue or logs
        if (signature == null || signature.isBlank()) {
            throw new HttpRejection(401, "missing_signature", "The sg-signature header is missing.");
        }
        byte[] expected;
        try {
            expected = Base64.getDecoder().decode(signature.trim());
        } catch (IllegalArgumentException e) {
            throw new HttpRejection(401, "invalid_signature", "The sg-signature header is not valid base64.");
        }
        if (expected.length != 32) {
            throw new HttpRejection(401, "invalid_signature",
                    "The sg-signature header is not a base64 HMAC-SHA256 (32 bytes expected).");
        }
        byte[] body = exchange.getIn().getBody(byte[].class);
        List<SecretKeySpec> keys = keysOf(exchange.getIn().getHeader(Headers.TENANT, String.class));
        if (matchesAnySecret(keys, body, expected)) {
            exchange.getIn().setHeader(Headers.SIGNED_FORM, "raw");
            return;
        }
        JsonNode parsed;
        try {
            parsed = MAPPER.readTree(body);
        } catch (Exception e) {
            parsed = null; // not JSON: the re-serialised form cannot exist, so the signature cannot match
        }
        if (parsed != null && matchesAnySecret(keys, NodeJson.stringify(parsed), expected)) {
            exchange.getIn().setHeader(Headers.SIGNED_FORM, "reserialized");
            exchange.setProperty(PARSED_EVENT, parsed);
            return;
        }
        throw new HttpRejection(401, "invalid_signature",
                "The sg-signature header does not match the body for any configured webhook secret.");
    }

    /** The hub's own secrets, or the tenant's (another tenant's never match). */
    private List<SecretKeySpec> keysOf(String tenant) {
        if (tenant == null) {
            return keys;
        }
        Tenant t = tenants == null ? null : tenants.get(tenant);
        if (t == null) {
            return List.of();
        }
        Map.Entry<Tenant, List<SecretKeySpec>> made = tenantKeys.get(tenant);
        if (made == null || made.getKey() != t) {
            made = Map.entry(t, specs(t.secrets()));
            tenantKeys.put(tenant, made);
        }
        return made.getValue();
    }

    private static boolean matchesAnySecret(List<SecretKeySpec> keys, byte[] data, byte[] expected)
            throws NoSuchAlgorithmException, InvalidKeyException {
        boolean match = false;
        for (SecretKeySpec key : keys) {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            // MessageDigest.isEqual is constant time; every secret is tried so timing does not reveal which matched
            match |= MessageDigest.isEqual(mac.doFinal(data), expected);
        }
        return match;
    }

    /** Comma-separated secrets; any one may match, so a secret can be rotated without downtime. */
    public void setSecrets(String secrets) {
        this.keys = secrets == null ? List.of() : specs(Arrays.asList(secrets.split(",")));
    }

    private static List<SecretKeySpec> specs(List<String> secrets) {
        return secrets.stream().map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> new SecretKeySpec(s.getBytes(StandardCharsets.UTF_8), "HmacSHA256")).toList();
    }

    @Override
    public void setCamelContext(org.apache.camel.CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public org.apache.camel.CamelContext getCamelContext() {
        return camelContext;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public String toString() {
        return "SignatureVerifier[" + keys.size() + " secret(s), enabled=" + enabled + "]"; // never the secrets
    }
}
