package io.storehub.hub.deliver;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One configured destination ({@code storeganise.destinations.<name>.*}), validated. Secrets
 * (webhook URLs, tokens, passwords) are held here and never logged: {@link #toString()} shows only
 * the name, the type and the host.
 */
public final class Destination {

    /** The destination types, with the settings each understands besides the common ones. */
    public enum Type {
        SLACK("webhook-url", "token", "channel", "api-url", "username", "icon-emoji"),
        EMAIL("to", "cc", "bcc", "from", "reply-to", "host", "port", "security", "username", "password"),
        HTTP("url", "method", "headers.*", "auth.bearer", "auth.username", "auth.password"),
        ZAPIER("url", "headers.*", "flatten"),
        LOG("level"),
        ROUTE("endpoint");

        static final List<String> COMMON = List.of("type", "template", "rate-limit");

        final List<String> settings;

        Type(String... settings) {
            this.settings = List.of(settings);
        }

        public String id() {
            return name().toLowerCase();
        }

        boolean accepts(String key) {
            if (COMMON.contains(key)) {
                return true;
            }
            for (String setting : settings) {
                if (setting.equals(key) || (setting.endsWith(".*") && key.startsWith(setting.substring(0, setting.length() - 1))
                        && key.length() > setting.length() - 1)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A rate limit: at most {@code permits} per {@code period}. */
    public record RateLimit(int permits, Duration period) {
        @Override
        public String toString() {
            return permits + " per " + period;
        }
    }

    final String name;
    final Type type;
    final String template;
    final RateLimit rateLimit;
    // slack
    final String webhookUrl;
    final String token;
    final String channel;
    final String apiUrl;
    final String username;
    final String iconEmoji;
    // http, zapier
    final String url;
    final String method;
    final Map<String, String> headers;
    final String authorization;
    // email
    final String mailUri;
    final String to;
    final String cc;
    final String bcc;
    final String from;
    final String replyTo;
    // log
    final String level;
    // route
    final String endpoint;
    // zapier: nested keys flattened to a__b__c (routes/deliver-send.camel.yaml, zapier-payload)
    final boolean flatten;
    // values that must never be shown (URLs with a secret path, tokens, passwords, header values)
    private final List<String> secrets;

    Destination(String name, Type type, Map<String, String> s, RateLimit rateLimit, String mailUri, String authorization) {
        this.name = name;
        this.type = type;
        this.template = s.get("template");
        this.rateLimit = rateLimit;
        this.webhookUrl = s.get("webhook-url");
        this.token = s.get("token");
        this.channel = s.get("channel");
        this.apiUrl = s.getOrDefault("api-url", "https://slack.com/api/chat.postMessage");
        this.username = s.get("username");
        this.iconEmoji = s.get("icon-emoji");
        this.url = s.get("url");
        this.method = s.getOrDefault("method", "POST").toUpperCase();
        Map<String, String> h = new LinkedHashMap<>();
        s.forEach((k, v) -> {
            if (k.startsWith("headers.")) {
                h.put(k.substring("headers.".length()), v);
            }
        });
        this.headers = Map.copyOf(h);
        this.authorization = authorization;
        this.mailUri = mailUri;
        this.to = s.get("to");
        this.cc = s.get("cc");
        this.bcc = s.get("bcc");
        this.from = s.get("from");
        this.replyTo = s.get("reply-to");
        this.level = s.getOrDefault("level", "INFO").toUpperCase();
        this.endpoint = s.get("endpoint");
        this.flatten = Boolean.parseBoolean(s.getOrDefault("flatten", "false").trim());
        List<String> secret = new java.util.ArrayList<>();
        s.forEach((k, v) -> {
            if (v != null && (k.equals("webhook-url") || k.equals("url") || k.equals("api-url") || k.equals("token")
                    || k.equals("password") || k.equals("username") || k.startsWith("auth.") || k.startsWith("headers."))) {
                secret.add(v);
            }
        });
        if (authorization != null) {
            secret.add(authorization);
        }
        this.secrets = List.copyOf(secret);
    }

    /**
     * The values of this destination's settings that may be secret (URLs, tokens, passwords, user names, header
     * values): the history masks them in the error texts it keeps; nothing shows them.
     */
    public List<String> secrets() {
        return secrets;
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

    /** The template name this destination chose, or {@code null} for the per-family defaults. */
    public String getTemplate() {
        return template;
    }

    /** Slack: posting with a bot token (chat.postMessage) rather than to an incoming webhook. */
    public boolean usesSlackApi() {
        return token != null;
    }

    @Override
    public String toString() {
        String where = switch (type) {
            case SLACK -> usesSlackApi() ? "chat.postMessage to " + channel : "webhook at " + host(webhookUrl);
            case HTTP, ZAPIER -> method + " " + host(url);
            case EMAIL -> "to " + to;
            case LOG -> "log";
            case ROUTE -> endpoint;
        };
        return name + " (" + type.id() + ", " + where + (rateLimit != null ? ", at most " + rateLimit : "") + ")";
    }

    private static String host(String url) {
        try {
            return URI.create(url).getHost();
        } catch (RuntimeException e) {
            return "?";
        }
    }
}
