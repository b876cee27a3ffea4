package io.storehub.hub.deliver;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.storehub.hub.support.HubConfigurationException;
import org.apache.camel.CamelContext;

/**
 * Turns one destination's bound settings into a {@link Destination}, checking each setting its type
 * needs; a mistake stops the start-up naming its key.
 */
final class DestinationFactory {

    private static final String DESTINATIONS = DestinationRegistry.DESTINATIONS;
    private static final Pattern RATE = Pattern.compile("(\\d+)\\s*/\\s*(s|sec|second|m|min|minute|h|hour)");
    private static final Pattern UNRESOLVED = Pattern.compile("\\$\\{([^}:]+)(?::[^}]*)?}");

    private final DestinationTemplates templates;
    private final MailUris mail;

    DestinationFactory(CamelContext camelContext, DestinationTemplates templates) {
        this.templates = templates;
        this.mail = new MailUris(camelContext);
    }

    Destination destination(String name, Settings.DestinationSettings s) {
        String prefix = DESTINATIONS + name + ".";
        Destination.Type type = typeOf(prefix + "type", s.type);
        String mailUri = null;
        String from = null;
        String authorization = null;
        List<byte[]> signingKeys = List.of();
        switch (type) {
            case SLACK -> {
                if (s.token != null) {
                    required(s.channel, prefix + "channel", "a slack destination with a bot token needs the channel to post to, e.g. #site-team");
                    url(s.apiUrl, prefix + "api-url", false);
                } else {
                    required(s.webhookUrl, prefix + "webhook-url", "a slack destination needs its incoming-webhook URL "
                            + "(https://hooks.slack.com/services/...), or a bot token and a channel");
                    url(s.webhookUrl, prefix + "webhook-url", true);
                }
            }
            case HTTP, ZAPIER -> {
                required(s.url, prefix + "url", (type == Destination.Type.HTTP ? "an http" : "a zapier") + " destination needs the URL to "
                        + (type == Destination.Type.ZAPIER ? "POST to (the Zap's catch hook, https://hooks.zapier.com/hooks/catch/...)"
                        : "send the event to"));
                url(s.url, prefix + "url", true);
                String method = s.method == null ? "POST" : s.method.trim().toUpperCase(Locale.ROOT);
                if (!List.of("POST", "PUT", "PATCH").contains(method)) {
                    throw new HubConfigurationException(prefix + "method '" + s.method + "' must be POST, PUT or PATCH.");
                }
                authorization = authorization(s.auth, prefix);
                signingKeys = WebhookSigning.keys(s.signingSecret, prefix + "signing-secret");
            }
            case EMAIL -> {
                from = mail.from(s, prefix);
                mailUri = mail.uri(s, prefix);
            }
            case ROUTE -> required(s.endpoint, prefix + "endpoint", "a route destination needs the endpoint of your route, e.g. direct:add-move-in-charge");
            case LOG -> {
                String level = s.level == null ? "INFO" : s.level.trim().toUpperCase(Locale.ROOT);
                if (!List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE").contains(level)) {
                    throw new HubConfigurationException(prefix + "level '" + s.level + "' must be ERROR, WARN, INFO, DEBUG or TRACE.");
                }
            }
        }
        if (s.template != null) {
            if (type == Destination.Type.ROUTE) {
                throw new HubConfigurationException(prefix + "template: a route destination receives the enriched event; "
                        + "render it in your route instead.");
            }
            if (!s.template.matches("[A-Za-z0-9_.-]{1,100}") || s.template.contains("..")) {
                throw new HubConfigurationException(prefix + "template '" + s.template
                        + "' must be a template name (a file name under " + templates.dir() + "/" + DestinationTemplates.kind(type) + "/ without its endings).");
            }
        }
        return new Destination(name, type, s, rateLimit(prefix + "rate-limit", s.rateLimit, type), mailUri, from, authorization, signingKeys);
    }

    /** Binds one destination's settings, after checking its type and that each setting is one of that type's. */
    static Settings.DestinationSettings bindDestination(String name, JsonNode node) {
        String prefix = DESTINATIONS + name + ".";
        JsonNode typeNode = node.get("type");
        if (typeNode == null || !typeNode.isValueNode() || typeNode.asText().isBlank()) {
            throw new HubConfigurationException(prefix + "type is missing: one of " + typeNames() + ".");
        }
        Destination.Type type = typeOf(prefix + "type", typeNode.asText());
        node.fieldNames().forEachRemaining(setting -> {
            if (!type.accepts(setting)) {
                throw notASetting(prefix + setting + Settings.firstLeaf(node.get(setting)), type);
            }
        });
        return Settings.bind(node, Settings.DestinationSettings.class, DESTINATIONS + name, (key, setting) -> notASetting(key, type));
    }

    private static HubConfigurationException notASetting(String key, Destination.Type type) {
        return new HubConfigurationException(key + " is not a setting of a " + type.id() + " destination; it knows "
                + String.join(", ", Destination.Type.COMMON) + ", " + String.join(", ", type.settings) + ".");
    }

    private static String authorization(Settings.Auth auth, String prefix) {
        if (auth == null) {
            return null;
        }
        if (auth.bearer != null && auth.username != null) {
            throw new HubConfigurationException(prefix + "auth: set either auth.bearer or auth.username/auth.password, not both.");
        }
        if (auth.bearer != null) {
            if (auth.bearer.isBlank()) {
                throw new HubConfigurationException(prefix + "auth.bearer is empty: set the token (e.g. ${CRM_TOKEN}) or remove auth.");
            }
            return "Bearer " + auth.bearer.trim();
        }
        if (auth.username != null) {
            return "Basic " + Base64.getEncoder().encodeToString((auth.username + ":" + (auth.password == null ? "" : auth.password))
                    .getBytes(StandardCharsets.UTF_8));
        }
        if (auth.password != null) {
            throw new HubConfigurationException(prefix + "auth.password is set without auth.username.");
        }
        return null;
    }

    static Destination.RateLimit rateLimit(String key, String value, Destination.Type type) {
        if (value == null) {
            return switch (type) {
                // Slack: one message per second per incoming webhook, short bursts tolerated
                case SLACK -> new Destination.RateLimit(1, Duration.ofSeconds(1));
                // Zapier catch hooks: 30 requests per second per hook (beyond that 429, and repeated floods get the hook throttled)
                case ZAPIER -> new Destination.RateLimit(30, Duration.ofSeconds(1));
                default -> null;
            };
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("none") || v.equals("unlimited")) {
            return null;
        }
        Matcher m = RATE.matcher(v);
        if (!m.matches() || Integer.parseInt(m.group(1)) < 1) {
            throw new HubConfigurationException(key + " '" + value + "' is not a rate: write e.g. 1/s, 30/s, 100/min, 500/h or none.");
        }
        Duration period = switch (m.group(2).charAt(0)) {
            case 's' -> Duration.ofSeconds(1);
            case 'm' -> Duration.ofMinutes(1);
            default -> Duration.ofHours(1);
        };
        return new Destination.RateLimit(Integer.parseInt(m.group(1)), period);
    }

    static Destination.Type typeOf(String key, String value) {
        try {
            return Destination.Type.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new HubConfigurationException(key + " '" + value + "' is not a destination type; use one of " + typeNames() + ".");
        }
    }

    private static String typeNames() {
        return Arrays.stream(Destination.Type.values()).map(Destination.Type::id).collect(Collectors.joining(", "));
    }

    private static void required(String value, String key, String why) {
        if (value == null || value.isBlank()) {
            throw new HubConfigurationException(key + " is missing: " + why + ".");
        }
    }

    private static void url(String value, String key, boolean required) {
        if (value == null && !required) {
            return;
        }
        if (value == null || !value.matches("https?://[^\\s/?#]+[^\\s]*")) {
            throw new HubConfigurationException(key + " must be an http:// or https:// URL.");
        }
    }

    /** Values arrive resolved; one still holding ${VAR} names an environment variable that is not set. */
    static String resolve(CamelContext camelContext, String key, String value) {
        if (value == null) {
            return null;
        }
        String v = value;
        if (v.contains("{{")) {
            v = camelContext.resolvePropertyPlaceholders(v);
        }
        Matcher unresolved = UNRESOLVED.matcher(v);
        if (unresolved.find()) {
            throw new HubConfigurationException(key + " refers to ${" + unresolved.group(1) + "}, which is not set: "
                    + "set the environment variable " + unresolved.group(1) + " (or give the value in application.yaml).");
        }
        return v;
    }
}
