package io.storehub.hub.deliver;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One configured destination ({@code storeganise.destinations.<name>.*}), checked. Its secrets are never
 * logged: {@link #toString()} shows only the name, the type and the host.
 */
public final class Destination {

    /** The destination types, with the settings each understands besides the common ones. */
    public enum Type {
        SLACK("webhook-url", "token", "channel", "api-url", "username", "icon-emoji"),
        EMAIL("to", "cc", "bcc", "from", "reply-to", "host", "port", "security", "username", "password"),
        HTTP("url", "method", "headers.*", "auth.bearer", "auth.username", "auth.password", "signing-secret", "propagate-trace"),
        ZAPIER("url", "headers.*", "flatten", "signing-secret"),
        LOG("level"),
        ROUTE("endpoint");

        static final List<String> COMMON = List.of("type", "template", "rate-limit", "ordered");

        final List<String> settings;

        Type(String... settings) {
            this.settings = List.of(settings);
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether a setting written directly under the destination (e.g. {@code url}, {@code auth}, {@code headers}) is one of this type's. */
        boolean accepts(String name) {
            return COMMON.contains(name) || settings.stream().anyMatch(s -> s.equals(name) || s.startsWith(name + "."));
        }
    }

    public record RateLimit(int permits, Duration period) {
        @Override
        public String toString() {
            return permits + " per " + period;
        }
    }

    final String name;
    final Type type;
    // the settings as bound; those used unchanged are read from here (template, webhookUrl, channel, url, endpoint, ...)
    final Settings.DestinationSettings settings;
    final RateLimit rateLimit;
    // per-entity order kept for this destination (storeganise.destinations.<name>.ordered, default true)
    final boolean ordered;
    // slack
    final String apiUrl;
    // http, zapier
    final String method;
    final Map<String, String> headers;
    final String authorization;
    // http, zapier: Standard Webhooks signing keys (webhook-id, webhook-timestamp, webhook-signature); empty: unsigned
    final List<byte[]> signingKeys;
    // email
    final String mailUri;
    final String to;
    final String cc;
    final String bcc;
    final String from;
    // log
    final String level;
    // zapier: nested keys flattened to a__b__c (routes/deliver-send.camel.yaml, zapier-payload)
    final boolean flatten;
    // http: the trace context (traceparent, ...) goes out with the request; never for any other type
    final boolean propagateTrace;
    // values that must never be shown (URLs with a secret path, tokens, passwords, header values)
    private final List<String> secrets;

    /** {@code from}: the e-mail sender, after the storeganise.mail default. */
    Destination(String name, Type type, Settings.DestinationSettings s, RateLimit rateLimit, String mailUri, String from,
                String authorization, List<byte[]> signingKeys) {
        this.name = name;
        this.type = type;
        this.settings = s;
        this.rateLimit = rateLimit;
        this.ordered = s.ordered == null || s.ordered;
        this.apiUrl = s.apiUrl != null ? s.apiUrl : "https://slack.com/api/chat.postMessage";
        this.method = s.method != null ? s.method.trim().toUpperCase(Locale.ROOT) : "POST";
        this.headers = s.headers == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(s.headers));
        this.authorization = authorization;
        this.signingKeys = List.copyOf(signingKeys);
        this.mailUri = mailUri;
        this.to = join(s.to);
        this.cc = join(s.cc);
        this.bcc = join(s.bcc);
        this.from = from;
        this.level = s.level != null ? s.level.trim().toUpperCase(Locale.ROOT) : "INFO";
        this.flatten = s.flatten != null && s.flatten;
        this.propagateTrace = type == Type.HTTP && s.propagateTrace != null && s.propagateTrace;
        List<String> secret = new ArrayList<>(Arrays.asList(s.webhookUrl, s.url, s.apiUrl, s.token, s.username, s.password,
                authorization, s.auth == null ? null : s.auth.bearer, s.auth == null ? null : s.auth.username, s.auth == null ? null : s.auth.password));
        if (s.headers != null) {
            secret.addAll(s.headers.values());
        }
        if (s.signingSecret != null) {
            secret.addAll(s.signingSecret);
        }
        secret.removeIf(v -> v == null || v.isBlank());
        this.secrets = List.copyOf(secret);
    }

    /** The values of its settings that may be secret: the history masks them in the error texts it keeps. */
    public List<String> secrets() {
        return secrets;
    }

    private static String join(List<String> items) {
        return items == null || items.isEmpty() ? null : String.join(",", items);
    }

    public String getName() {
        return name;
    }

    public Type getType() {
        return type;
    }

    public RateLimit getRateLimit() {
        return rateLimit;
    }

    public String getTemplate() {
        return settings.template;
    }

    /** Whether deliveries keep the order of each entity's events ({@code ordered}, default true). */
    public boolean isOrdered() {
        return ordered;
    }

    /** Whether http/zapier deliveries are signed (a {@code signing-secret} is configured). */
    public boolean isSigned() {
        return !signingKeys.isEmpty();
    }

    /** Slack: posting with a bot token (chat.postMessage) rather than to an incoming webhook. */
    public boolean usesSlackApi() {
        return settings.token != null;
    }

    @Override
    public String toString() {
        String where = switch (type) {
            case SLACK -> usesSlackApi() ? "chat.postMessage to " + settings.channel : "webhook at " + host(settings.webhookUrl);
            case HTTP, ZAPIER -> method + " " + host(settings.url);
            case EMAIL -> "to " + to;
            case LOG -> "log";
            case ROUTE -> settings.endpoint;
        };
        return name + " (" + type.id() + ", " + where + (rateLimit != null ? ", at most " + rateLimit : "")
                + (isSigned() ? ", signed" : "") + (ordered ? "" : ", unordered") + ")";
    }

    private static String host(String url) {
        try {
            return URI.create(url).getHost();
        } catch (RuntimeException e) {
            return "?";
        }
    }
}
