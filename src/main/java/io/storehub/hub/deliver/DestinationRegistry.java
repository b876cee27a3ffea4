package io.storehub.hub.deliver;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.storehub.hub.ingest.Headers;
import io.storehub.hub.support.HubConfigurationException;
import io.storehub.hub.support.PermanentFailure;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The destinations and subscriptions configured under {@code storeganise.destinations.<name>.*}
 * and {@code storeganise.subscriptions[i].*}, read from Camel's properties (so application.yaml,
 * environment variables and a Kubernetes Secret work on Spring Boot and camel-main alike) and
 * validated once at start-up: any mistake stops the hub with a message naming the key.
 *
 * <p>At run time it answers which destinations an enriched event goes to ({@link #subscribers})
 * and describes the destination of a delivery message to the routes ({@link #describe}).
 */
public class DestinationRegistry implements CamelContextAware {

    public static final String DESTINATIONS = "storeganise.destinations.";
    public static final String SUBSCRIPTIONS = "storeganise.subscriptions";
    public static final String MAIL = "storeganise.mail.";

    /** Exchange properties set by {@link #describe} for the delivery routes. */
    public static final String DESTINATION = "SgDestination";
    public static final String DESTINATION_TYPE = "SgDestinationType";
    public static final String DELIVERY_KEY = "SgDeliveryKey";
    public static final String RECEIVED_AT = "SgReceivedAt";
    public static final String EVENT_ID = "SgEventId";
    /** Whether the destination names its own template (http/zapier: render it rather than send the enriched JSON). */
    public static final String TEMPLATED = "SgTemplated";
    /** The endpoint of a {@code route} destination. */
    public static final String ENDPOINT = "SgEndpoint";
    public static final String LOG_LEVEL = "SgLogLevel";
    /** Whether a zapier destination flattens the enriched event (setting {@code flatten}). */
    public static final String FLATTEN = "SgFlatten";
    /** Exchange property set by {@link #subscribers}: destinations whose subscription matched the type but not the filter. */
    public static final String SKIPPED_BY_FILTER = "SgSkippedByFilter";
    /** Header of an event re-dispatched by an operator for one destination: {@link #subscribers} answers only it. */
    public static final String ONLY_DESTINATION = "SgOnlyDestination";
    /** Header of a delivery an operator asked for again: who asked. */
    public static final String MANUAL = "SgManual";
    /** Header of a delivery an operator asked for again: a unique id, so it is sent even if delivered before. */
    public static final String MANUAL_ID = "SgManualId";

    private static final Logger LOG = LoggerFactory.getLogger(DestinationRegistry.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern EVENT_PATTERN = Pattern.compile("[A-Za-z0-9._:*-]{1,200}");
    private static final Pattern SUBSCRIPTION_KEY = Pattern.compile("\\[(\\d+)]\\.([A-Za-z-]+)(?:\\[(\\d+)])?");
    private static final Pattern LIST_ITEM = Pattern.compile("(.*)\\[(\\d+)]");
    private static final Pattern RATE = Pattern.compile("(\\d+)\\s*/\\s*(s|sec|second|m|min|minute|h|hour)");
    private static final Pattern UNRESOLVED = Pattern.compile("\\$\\{([^}:]+)(?::[^}]*)?}");
    private static final List<String> SUBSCRIPTION_FIELDS = List.of("events", "to", "filter");

    private CamelContext camelContext;
    private String templatesDir = "templates";
    private final Map<String, Destination> destinations = new LinkedHashMap<>();
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final Map<String, String> templateCache = new ConcurrentHashMap<>();
    private final Set<String> filterFailuresLogged = ConcurrentHashMap.newKeySet();

    /** A subscription: event type globs, an optional predicate on the enriched event, destinations. */
    record Subscription(String key, List<String> events, List<Pattern> globs, String filterText, Predicate filter,
                        List<String> to) {

        boolean matchesType(String type) {
            return globs.stream().anyMatch(g -> g.matcher(type).matches());
        }

        @Override
        public String toString() {
            return events + (filterText != null ? " if " + filterText : "") + " -> " + to;
        }
    }

    private volatile List<String> enabledRecipes = List.of();

    /** The destination the failure-alert recipe sends to, when that recipe is enabled; else null. */
    private volatile String alertTo;

    public String getAlertTo() {
        return alertTo;
    }

    /** Reads and validates the configuration; declared as the bean's initMethod. */
    public void init() {
        destinations.clear();
        subscriptions.clear();
        templateCache.clear();
        PropertiesComponent properties = camelContext.getPropertiesComponent();
        Properties loaded = properties.loadProperties(k -> k.startsWith(DESTINATIONS) || k.startsWith(SUBSCRIPTIONS));
        Map<String, Map<String, String>> destinationSettings = destinationSettings(loaded);
        readSubscriptions(loaded);
        alertTo = null;
        Map<String, Map<String, String>> recipeDestinations = readRecipes(properties);
        // names used only by subscriptions may be configured where properties cannot be listed (environment variables)
        for (Subscription s : subscriptions) {
            for (String name : s.to()) {
                destinationSettings.computeIfAbsent(name, n -> probe(properties, n));
            }
        }
        destinationSettings.forEach((name, settings) -> {
            if (!settings.isEmpty()) {
                destinations.put(name, destination(name, settings));
            }
        });
        recipeDestinations.forEach((name, settings) -> destinations.put(name, destination(name, settings)));
        if (alertTo != null) {
            Destination alerts = destinations.get(alertTo);
            if (alerts == null || (alerts.type != Destination.Type.SLACK && alerts.type != Destination.Type.EMAIL)) {
                throw new HubConfigurationException(Recipes.PREFIX + Recipes.FAILURE_ALERT + ".to names '" + alertTo + "', which is not a "
                        + "configured slack or email destination (" + DESTINATIONS + alertTo + ".type); configured: "
                        + (destinations.isEmpty() ? "none" : String.join(", ", destinations.keySet())) + ".");
            }
        }
        for (Subscription s : subscriptions) {
            for (int i = 0; i < s.to().size(); i++) {
                String name = s.to().get(i);
                if (!destinations.containsKey(name)) {
                    throw new HubConfigurationException(s.key() + ".to[" + i + "] names destination '" + name
                            + "', which is not configured (no " + DESTINATIONS + name + ".type); configured: "
                            + (destinations.isEmpty() ? "none" : String.join(", ", destinations.keySet())) + ".");
                }
            }
        }
        checkTemplates();
        Set<String> subscribed = subscriptions.stream().flatMap(s -> s.to().stream()).collect(Collectors.toSet());
        destinations.keySet().stream().filter(n -> !subscribed.contains(n)).forEach(n ->
                LOG.warn("Destination '{}' is configured but no subscription sends anything to it ({}[i].to)", n, SUBSCRIPTIONS));
        LOG.info("Destinations: {}", destinations.isEmpty() ? "none" : destinations.values());
        LOG.info("Subscriptions: {}", subscriptions.isEmpty() ? "none (events are recorded and counted, delivered nowhere)" : subscriptions);
    }

    // ---------------------------------------------------------------- run time

    /** The destinations the enriched event in the exchange goes to, each once, in configuration order (a mutable list). */
    public List<String> subscribers(Exchange exchange) {
        String type = exchange.getIn().getHeader(Headers.EVENT_TYPE, String.class);
        Set<String> to = new LinkedHashSet<>();
        Set<String> skipped = new LinkedHashSet<>();
        exchange.setProperty(SKIPPED_BY_FILTER, List.of());
        // an operator's re-dispatch of one event to one destination (redeliver when the body was not kept)
        String only = exchange.getIn().getHeader(ONLY_DESTINATION, String.class);
        if (only != null) {
            return destinations.containsKey(only) ? new ArrayList<>(List.of(only)) : new ArrayList<>();
        }
        if (type == null) {
            return new ArrayList<>();
        }
        for (Subscription s : subscriptions) {
            if (s.matchesType(type)) {
                if (passes(s, exchange)) {
                    to.addAll(s.to());
                } else {
                    skipped.addAll(s.to());
                }
            }
        }
        skipped.removeAll(to);
        // for the event history: destinations the event was for by its type but a filter left out
        exchange.setProperty(SKIPPED_BY_FILTER, new ArrayList<>(skipped));
        return new ArrayList<>(to);
    }

    /** Takes the next destination off the list {@link #subscribers} put in the exchange property {@code SgSubscribers}. */
    public String nextSubscriber(Exchange exchange) {
        List<?> pending = exchange.getProperty("SgSubscribers", List.class);
        return pending == null || pending.isEmpty() ? null : String.valueOf(pending.remove(0));
    }

    private boolean passes(Subscription s, Exchange exchange) {
        if (s.filter() == null) {
            return true;
        }
        try {
            return s.filter().matches(exchange);
        } catch (RuntimeException e) {
            // a filter that cannot be evaluated on this event (a key it dereferences is missing) does not match it;
            // said once per subscription at WARN, then at DEBUG, so a filter on enriched keys does not flood the log
            boolean first = filterFailuresLogged.add(s.key());
            String message = "{}.filter '{}' could not be evaluated on a {} event, treated as not matching: {}";
            if (first) {
                LOG.warn(message + " (further failures of this filter are logged at DEBUG)", s.key(), s.filterText(),
                        exchange.getIn().getHeader(Headers.EVENT_TYPE), firstLine(e.getMessage()));
            } else {
                LOG.debug(message, s.key(), s.filterText(), exchange.getIn().getHeader(Headers.EVENT_TYPE), firstLine(e.getMessage()));
            }
            return false;
        }
    }

    /**
     * Sets the exchange properties the delivery routes use ({@code SgDestination}, {@code SgDestinationType},
     * {@code SgDeliveryKey}, {@code SgEventId}, {@code SgReceivedAt}) from the delivery message headers.
     */
    public void describe(Exchange exchange) {
        String name = exchange.getIn().getHeader(DESTINATION, String.class);
        String eventId = exchange.getIn().getHeader(Headers.EVENT_ID, String.class);
        Destination destination = name == null ? null : destinations.get(name);
        if (destination == null) {
            throw new PermanentFailure("destination '" + name + "' is not configured (" + DESTINATIONS + name
                    + "); configure it again and replay this delivery");
        }
        exchange.setProperty(DESTINATION, name);
        exchange.setProperty(DESTINATION_TYPE, destination.type.id());
        exchange.setProperty(EVENT_ID, eventId);
        // a manual redelivery has a key of its own: sent even though the event was delivered, at most once itself
        String manualId = exchange.getIn().getHeader(MANUAL_ID, String.class);
        exchange.setProperty(DELIVERY_KEY, eventId + ":" + name + (manualId == null ? "" : ":manual:" + manualId));
        exchange.setProperty(RECEIVED_AT, exchange.getIn().getHeader(Headers.RECEIVED_AT, Long.class));
        exchange.setProperty(Headers.EVENT_TYPE, exchange.getIn().getHeader(Headers.EVENT_TYPE, String.class));
        exchange.setProperty(TEMPLATED, destination.template != null);
        if (destination.endpoint != null) {
            exchange.setProperty(ENDPOINT, destination.endpoint);
        }
        if (destination.type == Destination.Type.LOG) {
            exchange.setProperty(LOG_LEVEL, destination.level);
        }
        exchange.setProperty(FLATTEN, destination.flatten);
        // kept for the event history: a sender replaces the headers with its request's and response's
        exchange.setProperty(Headers.ATTEMPT, exchange.getIn().getHeader(Headers.ATTEMPT, 0, Integer.class));
        String manual = exchange.getIn().getHeader(MANUAL, String.class);
        if (manual != null) {
            exchange.setProperty(MANUAL, manual);
        }
    }

    public Destination destination(Exchange exchange) {
        String name = exchange.getProperty(DESTINATION, String.class);
        Destination destination = name == null ? null : destinations.get(name);
        if (destination == null) {
            throw new PermanentFailure("destination '" + name + "' is not configured");
        }
        return destination;
    }

    public Destination get(String name) {
        return destinations.get(name);
    }

    public Collection<Destination> all() {
        return destinations.values();
    }

    /** The names of the enabled recipes (storeganise.recipes.<name>.enabled=true). */
    public List<String> enabledRecipes() {
        return enabledRecipes;
    }

    /**
     * The template for this delivery, as a resource URI for the mustache components: the destination's own
     * {@code template}, else the one for the event's family, else {@code default}. {@code part} is
     * {@code ""} for Slack and log messages, {@code .subject}/{@code .html}/{@code .txt} for e-mail,
     * {@code .json} for HTTP.
     */
    public String template(Exchange exchange, String part) {
        Destination destination = destination(exchange);
        String kind = kind(destination.type);
        String family = exchange.getIn().getHeader(Headers.FAMILY, "other", String.class);
        String chosen = destination.template;
        String cacheKey = kind + "/" + (chosen != null ? "=" + chosen : family) + part;
        return templateCache.computeIfAbsent(cacheKey, k -> {
            String name = chosen;
            if (name == null) {
                name = Files.isRegularFile(templateFile(kind, family, part)) ? family : "default";
            }
            return "file:" + templateFile(kind, name, part);
        });
    }

    Path templateFile(String kind, String name, String part) {
        return Path.of(templatesDir, kind, name + part + ".mustache");
    }

    static String kind(Destination.Type type) {
        return switch (type) {
            case SLACK -> "slack";
            case EMAIL -> "email";
            case HTTP, ZAPIER -> "http";
            case LOG -> "log";
            case ROUTE -> "route";
        };
    }

    static List<String> parts(Destination.Type type) {
        return switch (type) {
            case SLACK, LOG -> List.of("");
            case EMAIL -> List.of(".subject", ".html", ".txt");
            case HTTP, ZAPIER -> List.of(".json");
            case ROUTE -> List.of();
        };
    }

    // ---------------------------------------------------------------- recipes

    /**
     * The enabled recipes (storeganise.recipes.<name>.enabled=true), checked: each missing required
     * setting stops the start-up naming its key. Adds their subscriptions; answers their destinations.
     */
    private Map<String, Map<String, String>> readRecipes(PropertiesComponent properties) {
        Map<String, Map<String, String>> made = new LinkedHashMap<>();
        List<String> enabled = new ArrayList<>();
        for (Recipes.Recipe r : Recipes.CATALOG) {
            String prefix = Recipes.PREFIX + r.name() + ".";
            String flag = properties.resolveProperty(prefix + "enabled").map(v -> resolve(prefix + "enabled", v).trim()).orElse("false");
            if (!flag.equalsIgnoreCase("true")) {
                if (!flag.equalsIgnoreCase("false")) {
                    throw new HubConfigurationException(prefix + "enabled '" + flag + "' must be true or false.");
                }
                continue;
            }
            Map<String, String> settings = new LinkedHashMap<>();
            for (Map.Entry<String, String> required : new java.util.TreeMap<>(r.required()).entrySet()) {
                String key = prefix + required.getKey();
                String value = properties.resolveProperty(key).map(v -> resolve(key, v)).orElse(null);
                if (value == null || value.isBlank()) {
                    throw new HubConfigurationException(key + " is missing: the recipe '" + r.name() + "' is enabled ("
                            + prefix + "enabled=true) and needs " + required.getValue() + ".");
                }
                if (required.getKey().endsWith("url") && !value.trim().matches("https?://[^\\s/?#]+[^\\s]*")) {
                    throw new HubConfigurationException(key + " must be an http:// or https:// URL.");
                }
                settings.put(required.getKey(), value.trim());
            }
            for (String optional : r.optional()) {
                properties.resolveProperty(prefix + optional).map(v -> resolve(prefix + optional, v))
                        .filter(v -> !v.isBlank()).ifPresent(v -> settings.put(optional, v.trim()));
            }
            if (r.writesToStoreganise() && properties.resolveProperty("storeganise.api.base-url").filter(v -> !v.isBlank()).isEmpty()) {
                throw new HubConfigurationException("storeganise.api.base-url is missing: the recipe '" + r.name()
                        + "' is enabled and writes to the Storeganise API; set STOREGANISE_API_URL and STOREGANISE_API_KEY.");
            }
            enabled.add(r.name());
            if (r.name().equals(Recipes.FAILURE_ALERT)) {
                alertTo = settings.get("to");
                String interval = settings.getOrDefault("interval", "PT15M");
                try {
                    if (java.time.Duration.parse(interval).compareTo(java.time.Duration.ofMinutes(1)) < 0) {
                        throw new HubConfigurationException(prefix + "interval '" + interval + "' must be at least PT1M.");
                    }
                } catch (java.time.format.DateTimeParseException e) {
                    throw new HubConfigurationException(prefix + "interval '" + interval + "' must be an ISO-8601 duration such as PT15M.");
                }
            }
            if (r.destination() == null) {
                continue;
            }
            String name = "recipe-" + r.name();
            made.put(name, r.destination().apply(settings));
            Map<String, TreeMap<Integer, String>> fields = new LinkedHashMap<>();
            TreeMap<Integer, String> events = new TreeMap<>();
            String listed = properties.resolveProperty(prefix + "events").orElse(null);
            if (listed != null) {
                String[] items = listed.split(",");
                for (int i = 0; i < items.length; i++) {
                    events.put(i, items[i].trim());
                }
            } else {
                for (int i = 0; ; i++) {
                    Optional<String> item = properties.resolveProperty(prefix + "events[" + i + "]");
                    if (item.isEmpty()) {
                        break;
                    }
                    events.put(i, item.get().trim());
                }
            }
            if (events.isEmpty()) {
                String[] items = r.events().split(",");
                for (int i = 0; i < items.length; i++) {
                    events.put(i, items[i]);
                }
            }
            fields.put("events", events);
            fields.put("to", new TreeMap<>(Map.of(0, name)));
            String filter = properties.resolveProperty(prefix + "filter").orElse(r.filter());
            if (filter != null) {
                fields.put("filter", new TreeMap<>(Map.of(0, filter)));
            }
            subscriptions.add(subscription(Recipes.PREFIX + r.name(), fields));
        }
        enabledRecipes = List.copyOf(enabled);
        if (!enabled.isEmpty()) {
            LOG.info("Recipes enabled: {}", enabled);
        }
        return made;
    }

    // ---------------------------------------------------------------- reading the configuration

    private Map<String, Map<String, String>> destinationSettings(Properties loaded) {
        Map<String, Map<String, String>> byName = new TreeMap<>();
        Map<String, TreeMap<Integer, String>> lists = new LinkedHashMap<>();
        for (String key : loaded.stringPropertyNames()) {
            if (!key.startsWith(DESTINATIONS)) {
                continue;
            }
            String rest = key.substring(DESTINATIONS.length());
            int dot = rest.indexOf('.');
            if (dot <= 0 || dot == rest.length() - 1) {
                throw new HubConfigurationException(key + " is not a destination setting: expected "
                        + DESTINATIONS + "<name>.<setting>, e.g. " + DESTINATIONS + "site-team.type=slack.");
            }
            String name = rest.substring(0, dot);
            String setting = rest.substring(dot + 1);
            if (!NAME.matcher(name).matches()) {
                throw new HubConfigurationException(key + ": destination name '" + name
                        + "' must be 1 to 64 letters, digits, - or _.");
            }
            String value = resolve(key, loaded.getProperty(key));
            Matcher item = LIST_ITEM.matcher(setting);
            if (item.matches()) { // a YAML list, e.g. to: [a@x, b@x] -> to[0], to[1]
                lists.computeIfAbsent(name + "\u0000" + item.group(1), k -> new TreeMap<>()).put(Integer.parseInt(item.group(2)), value);
            } else {
                byName.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(setting, value);
            }
        }
        lists.forEach((k, items) -> {
            String[] nameAndSetting = k.split("\u0000");
            byName.computeIfAbsent(nameAndSetting[0], n -> new LinkedHashMap<>())
                    .put(nameAndSetting[1], String.join(",", items.values()));
        });
        return byName;
    }

    private Map<String, String> probe(PropertiesComponent properties, String name) {
        Map<String, String> settings = new LinkedHashMap<>();
        Optional<String> type = properties.resolveProperty(DESTINATIONS + name + ".type");
        if (type.isEmpty()) {
            return settings;
        }
        settings.put("type", type.get());
        Destination.Type t = typeOf(DESTINATIONS + name + ".type", type.get());
        List<String> keys = new ArrayList<>(Destination.Type.COMMON);
        keys.addAll(t.settings);
        for (String setting : keys) {
            if (!setting.endsWith(".*") && !setting.equals("type")) {
                properties.resolveProperty(DESTINATIONS + name + "." + setting)
                        .ifPresent(v -> settings.put(setting, resolve(DESTINATIONS + name + "." + setting, v)));
            }
        }
        return settings;
    }

    private void readSubscriptions(Properties loaded) {
        Map<Integer, Map<String, TreeMap<Integer, String>>> byIndex = new TreeMap<>();
        for (String key : loaded.stringPropertyNames()) {
            if (!key.startsWith(SUBSCRIPTIONS)) {
                continue;
            }
            Matcher m = SUBSCRIPTION_KEY.matcher(key.substring(SUBSCRIPTIONS.length()));
            if (!m.matches()) {
                throw new HubConfigurationException(key + " is not a subscription setting: expected "
                        + SUBSCRIPTIONS + "[i].events, .to or .filter.");
            }
            String field = m.group(2);
            if (!SUBSCRIPTION_FIELDS.contains(field)) {
                throw new HubConfigurationException(key + ": '" + field + "' is not a subscription setting; use events, to or filter.");
            }
            Map<String, TreeMap<Integer, String>> fields = byIndex.computeIfAbsent(Integer.parseInt(m.group(1)), i -> new LinkedHashMap<>());
            TreeMap<Integer, String> values = fields.computeIfAbsent(field, f -> new TreeMap<>());
            String value = loaded.getProperty(key);
            if (m.group(3) != null) {
                values.put(Integer.parseInt(m.group(3)), value);
            } else if (field.equals("filter")) {
                values.put(0, value);
            } else { // a comma-separated list, as in a .properties file
                String[] items = value.split(",");
                for (int i = 0; i < items.length; i++) {
                    values.put(i, items[i].trim());
                }
            }
        }
        byIndex.forEach((index, fields) -> subscriptions.add(subscription(SUBSCRIPTIONS + "[" + index + "]", fields)));
    }

    private Subscription subscription(String key, Map<String, TreeMap<Integer, String>> fields) {
        TreeMap<Integer, String> events = fields.get("events");
        if (events == null || events.isEmpty()) {
            throw new HubConfigurationException(key + ".events is missing: list the event types this subscription "
                    + "delivers, e.g. [\"job.unit_moveIn.*\"] (\"*\" for all).");
        }
        List<Pattern> globs = new ArrayList<>();
        events.forEach((i, pattern) -> {
            String p = pattern == null ? "" : pattern.trim();
            if (!EVENT_PATTERN.matcher(p).matches()) {
                throw new HubConfigurationException(key + ".events[" + i + "] '" + pattern + "' is not a valid event pattern: "
                        + "use an event type such as job.unit_moveIn.completed, with * matching any characters (job.*, *.created, *).");
            }
            globs.add(glob(p));
        });
        TreeMap<Integer, String> to = fields.get("to");
        if (to == null || to.isEmpty()) {
            throw new HubConfigurationException(key + ".to is missing: list the destinations (names under "
                    + DESTINATIONS + "...) this subscription delivers to.");
        }
        to.forEach((i, name) -> {
            if (name == null || !NAME.matcher(name.trim()).matches()) {
                throw new HubConfigurationException(key + ".to[" + i + "] '" + name + "' is not a destination name.");
            }
        });
        String filterText = fields.containsKey("filter") ? fields.get("filter").get(0) : null;
        Predicate filter = null;
        if (filterText != null && !filterText.isBlank()) {
            try {
                filter = camelContext.resolveLanguage("simple").createPredicate(filterText.trim());
                filter.init(camelContext);
            } catch (RuntimeException e) {
                throw new HubConfigurationException(key + ".filter '" + filterText + "' is not a valid Camel simple predicate: "
                        + firstLine(e.getMessage()));
            }
        } else {
            filterText = null;
        }
        return new Subscription(key, List.copyOf(events.values()), List.copyOf(globs), filterText, filter,
                to.values().stream().map(String::trim).toList());
    }

    /** {@code *} matches any run of characters (dots included); everything else is literal. */
    static Pattern glob(String pattern) {
        // Hand-written because Camel's PatternHelper treats a pattern that is not a trailing wildcard as a
        // regular expression ('.' matching anything, '*.created' invalid), which is not what users write.
        return Pattern.compile(Arrays.stream(pattern.split("\\*", -1)).map(Pattern::quote).collect(Collectors.joining(".*")));
    }

    private Destination destination(String name, Map<String, String> s) {
        String prefix = DESTINATIONS + name + ".";
        if (!s.containsKey("type")) {
            throw new HubConfigurationException(prefix + "type is missing: one of " + typeNames() + ".");
        }
        Destination.Type type = typeOf(prefix + "type", s.get("type"));
        for (String key : s.keySet()) {
            if (!type.accepts(key)) {
                throw new HubConfigurationException(prefix + key + " is not a setting of a " + type.id() + " destination; it knows "
                        + String.join(", ", Destination.Type.COMMON) + ", " + String.join(", ", type.settings) + ".");
            }
        }
        String mailUri = null;
        String authorization = null;
        switch (type) {
            case SLACK -> {
                if (s.containsKey("token")) {
                    required(s, prefix, "channel", "a slack destination with a bot token needs the channel to post to, e.g. #site-team");
                    url(s, prefix, "api-url", false);
                } else {
                    required(s, prefix, "webhook-url", "a slack destination needs its incoming-webhook URL "
                            + "(https://hooks.slack.com/services/...), or a bot token and a channel");
                    url(s, prefix, "webhook-url", true);
                }
            }
            case HTTP, ZAPIER -> {
                required(s, prefix, "url", (type == Destination.Type.HTTP ? "an http" : "a zapier") + " destination needs the URL to " + (type == Destination.Type.ZAPIER
                        ? "POST to (the Zap's catch hook, https://hooks.zapier.com/hooks/catch/...)" : "send the event to"));
                url(s, prefix, "url", true);
                String method = s.getOrDefault("method", "POST").toUpperCase(Locale.ROOT);
                if (!List.of("POST", "PUT", "PATCH").contains(method)) {
                    throw new HubConfigurationException(prefix + "method '" + s.get("method") + "' must be POST, PUT or PATCH.");
                }
                authorization = authorization(s, prefix);
            }
            case EMAIL -> mailUri = mailUri(s, prefix);
            case ROUTE -> required(s, prefix, "endpoint", "a route destination needs the endpoint of your route, e.g. direct:add-move-in-charge");
            case LOG -> {
                String level = s.getOrDefault("level", "INFO").toUpperCase(Locale.ROOT);
                if (!List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE").contains(level)) {
                    throw new HubConfigurationException(prefix + "level '" + s.get("level") + "' must be ERROR, WARN, INFO, DEBUG or TRACE.");
                }
            }
        }
        if (s.containsKey("template")) {
            if (type == Destination.Type.ROUTE) {
                throw new HubConfigurationException(prefix + "template: a route destination receives the enriched event; "
                        + "render it in your route instead.");
            }
            if (!s.get("template").matches("[A-Za-z0-9_.-]{1,100}") || s.get("template").contains("..")) {
                throw new HubConfigurationException(prefix + "template '" + s.get("template")
                        + "' must be a template name (a file name under " + templatesDir + "/" + kind(type) + "/ without its endings).");
            }
        }
        return new Destination(name, type, s, rateLimit(prefix + "rate-limit", s.get("rate-limit"), type), mailUri, authorization);
    }

    private void checkTemplates() {
        for (Destination d : destinations.values()) {
            for (String part : parts(d.type)) {
                Path file = templateFile(kind(d.type), d.template != null ? d.template : "default", part);
                if (d.template == null && (d.type == Destination.Type.HTTP || d.type == Destination.Type.ZAPIER)) {
                    continue; // the enriched event as JSON, no template
                }
                if (!Files.isRegularFile(file)) {
                    String key = d.template != null ? DESTINATIONS + d.name + ".template" : "storeganise.templates.dir";
                    throw new HubConfigurationException(key + ": the template " + file + " does not exist (templates are read from "
                            + Path.of(templatesDir).toAbsolutePath() + ").");
                }
            }
        }
    }

    private String mailUri(Map<String, String> s, String prefix) {
        PropertiesComponent properties = camelContext.getPropertiesComponent();
        Map<String, String> m = new LinkedHashMap<>();
        for (String key : List.of("host", "port", "security", "username", "password", "from")) {
            String value = s.get(key);
            if (value == null) {
                value = properties.resolveProperty(MAIL + key).map(v -> resolve(MAIL + key, v)).orElse(null);
            }
            if (value != null && !value.isBlank()) {
                m.put(key, value.trim());
            }
        }
        required(s, prefix, "to", "an email destination needs the address(es) to send to");
        if (!m.containsKey("from")) {
            throw new HubConfigurationException(prefix + "from is missing (and no " + MAIL + "from): the sender address of the e-mails.");
        }
        s.put("from", m.get("from"));
        if (!m.containsKey("host")) {
            throw new HubConfigurationException(prefix + "host is missing (and no " + MAIL + "host): the SMTP server to send through.");
        }
        int port;
        try {
            port = Integer.parseInt(m.getOrDefault("port", "587"));
        } catch (NumberFormatException e) {
            throw new HubConfigurationException(prefix + "port '" + m.get("port") + "' is not a port number.");
        }
        String security = m.getOrDefault("security", port == 465 ? "ssl" : port == 587 ? "starttls" : "none").toLowerCase(Locale.ROOT);
        if (!List.of("none", "starttls", "ssl").contains(security)) {
            throw new HubConfigurationException(prefix + "security '" + security + "' must be none, starttls or ssl.");
        }
        StringBuilder uri = new StringBuilder(security.equals("ssl") ? "smtps://" : "smtp://")
                .append(m.get("host")).append(':').append(port).append("?connectionTimeout=30000");
        if (m.containsKey("username")) {
            uri.append("&username=RAW(").append(m.get("username")).append(')');
            uri.append("&password=RAW(").append(m.getOrDefault("password", "")).append(')');
        }
        if (security.equals("starttls")) {
            uri.append("&mail.smtp.starttls.enable=true&mail.smtp.starttls.required=true");
        }
        return uri.toString();
    }

    private static String authorization(Map<String, String> s, String prefix) {
        String bearer = s.get("auth.bearer");
        String user = s.get("auth.username");
        if (bearer != null && user != null) {
            throw new HubConfigurationException(prefix + "auth: set either auth.bearer or auth.username/auth.password, not both.");
        }
        if (bearer != null) {
            if (bearer.isBlank()) {
                throw new HubConfigurationException(prefix + "auth.bearer is empty: set the token (e.g. ${CRM_TOKEN}) or remove auth.");
            }
            return "Bearer " + bearer.trim();
        }
        if (user != null) {
            return "Basic " + Base64.getEncoder().encodeToString((user + ":" + s.getOrDefault("auth.password", ""))
                    .getBytes(StandardCharsets.UTF_8));
        }
        if (s.containsKey("auth.password")) {
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

    private static Destination.Type typeOf(String key, String value) {
        try {
            return Destination.Type.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new HubConfigurationException(key + " '" + value + "' is not a destination type; use one of " + typeNames() + ".");
        }
    }

    private static String typeNames() {
        return Arrays.stream(Destination.Type.values()).map(Destination.Type::id).collect(Collectors.joining(", "));
    }

    private static void required(Map<String, String> s, String prefix, String key, String why) {
        String value = s.get(key);
        if (value == null || value.isBlank()) {
            throw new HubConfigurationException(prefix + key + " is missing: " + why + ".");
        }
    }

    private static void url(Map<String, String> s, String prefix, String key, boolean required) {
        String value = s.get(key);
        if (value == null && !required) {
            return;
        }
        if (value == null || !value.matches("https?://[^\\s/?#]+[^\\s]*")) {
            throw new HubConfigurationException(prefix + key + " must be an http:// or https:// URL"
                    + (value != null && value.startsWith("${") ? "" : "") + ".");
        }
    }

    /** Values arrive resolved; one still holding ${VAR} names an environment variable that is not set. */
    private String resolve(String key, String value) {
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

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    // ---------------------------------------------------------------- bean properties

    /** Folder of the message templates ({@code storeganise.templates.dir}, default {@code templates}). */
    public void setTemplatesDir(String templatesDir) {
        this.templatesDir = templatesDir;
    }

    public String getTemplatesDir() {
        return templatesDir;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }
}
