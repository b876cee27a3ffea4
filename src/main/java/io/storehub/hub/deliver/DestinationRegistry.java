package io.storehub.hub.deliver;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storehub.hub.support.Headers;
import io.storehub.hub.support.HubConfigurationException;
import io.storehub.hub.support.PermanentFailure;
import io.storehub.hub.support.SecretSource;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The destinations, subscriptions and recipes configured under {@code storeganise.destinations.<name>.*},
 * {@code storeganise.subscriptions[i].*} and {@code storeganise.recipes.<name>.*}, listed through Camel's
 * properties (so application.yaml, environment variables and a Kubernetes Secret work on Spring Boot,
 * camel-main and Camel Quarkus alike), bound into typed settings by Jackson ({@link Settings}) and
 * validated once at start-up: any mistake stops the hub with a message naming the key.
 *
 * <p>At run time it answers which destinations an enriched event goes to ({@link #subscribers})
 * and describes the destination of a delivery message to the routes ({@link #describe}).
 */
public class DestinationRegistry implements CamelContextAware, SecretSource {

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
    /** Exchange property set by {@link #describe}: when this delivery attempt started (epoch ms), for the event history. */
    public static final String ATTEMPT_STARTED = "SgAttemptStartedAt";
    /** Header of a delivery an operator asked for again: who asked. */
    public static final String MANUAL = "SgManual";
    /** Header of a delivery an operator asked for again: a unique id, so it is sent even if delivered before. */
    public static final String MANUAL_ID = "SgManualId";

    private static final Logger LOG = LoggerFactory.getLogger(DestinationRegistry.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern EVENT_PATTERN = Pattern.compile("[A-Za-z0-9._:*-]{1,200}");
    private static final Pattern RATE = Pattern.compile("(\\d+)\\s*/\\s*(s|sec|second|m|min|minute|h|hour)");
    /** Turns a recipe's destination settings (a map) into the tree its settings are bound from. */
    private static final ObjectMapper TREES = new ObjectMapper();
    private static final Pattern UNRESOLVED = Pattern.compile("\\$\\{([^}:]+)(?::[^}]*)?}");

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

    /**
     * Reads and validates the configuration; declared as the bean's initMethod. The keys under
     * storeganise.destinations, .subscriptions and .recipes are listed through Camel's properties
     * (application.yaml via Spring, application.properties on camel-main, the Quarkus config on Camel K),
     * bound into typed settings ({@link Settings}) and checked here.
     */
    public void init() {
        destinations.clear();
        subscriptions.clear();
        templateCache.clear();
        alertTo = null;
        PropertiesComponent properties = camelContext.getPropertiesComponent();
        Properties loaded = properties.loadProperties(k -> k.startsWith(DESTINATIONS) || k.startsWith(SUBSCRIPTIONS)
                || k.startsWith(Recipes.PREFIX));
        loaded.replaceAll((k, v) -> v instanceof String text && text.contains("{{") ? camelContext.resolvePropertyPlaceholders(text) : v);
        // settings may also come from where properties cannot be listed (environment variables): look the known ones up by name
        probeRecipes(properties, loaded);
        ObjectNode tree = Settings.tree(loaded, "storeganise.");
        readSubscriptions(tree.get("subscriptions"));
        Map<String, Settings.DestinationSettings> recipeDestinations = readRecipes(properties, tree.get("recipes"));
        Set<String> referenced = new LinkedHashSet<>();
        subscriptions.forEach(s -> referenced.addAll(s.to()));
        if (alertTo != null) {
            referenced.add(alertTo);
        }
        JsonNode listed = tree.get("destinations");
        for (String name : referenced) {
            if (listed == null || !listed.has(name)) {
                probeDestination(properties, name, loaded);
            }
        }
        for (String key : loaded.stringPropertyNames()) {
            if (key.startsWith(DESTINATIONS)) {
                loaded.setProperty(key, resolve(key, loaded.getProperty(key)));
            }
        }
        readDestinations(Settings.tree(loaded, "storeganise.").get("destinations"));
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
                        exchange.getIn().getHeader(Headers.EVENT_TYPE), Settings.firstLine(e.getMessage()));
            } else {
                LOG.debug(message, s.key(), s.filterText(), exchange.getIn().getHeader(Headers.EVENT_TYPE), Settings.firstLine(e.getMessage()));
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
        // kept for the event history: a sender replaces the headers with its request's and response's;
        // and when this attempt started (on the dispatch consumer the exchange was created before enrichment)
        exchange.setProperty(Headers.ATTEMPT, exchange.getIn().getHeader(Headers.ATTEMPT, 0, Integer.class));
        exchange.setProperty(ATTEMPT_STARTED, System.currentTimeMillis());
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

    /** The secret values of every destination (tokens, passwords, URLs, header values), for the history's {@code TextScrub}. */
    @Override
    public List<String> secrets() {
        List<String> secrets = new ArrayList<>();
        for (Destination d : destinations.values()) {
            secrets.addAll(d.secrets());
        }
        return secrets;
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

    /** Recipe settings named in the catalog, looked up one by one where they were not listed (environment variables). */
    private static void probeRecipes(PropertiesComponent properties, Properties loaded) {
        for (Recipes.Recipe r : Recipes.CATALOG) {
            String prefix = Recipes.PREFIX + r.name() + ".";
            List<String> keys = new ArrayList<>(List.of("enabled", "events", "filter"));
            keys.addAll(r.required().keySet());
            keys.addAll(r.optional());
            for (String key : keys) {
                if (!loaded.containsKey(prefix + key)) {
                    properties.resolveProperty(prefix + key).ifPresent(v -> loaded.setProperty(prefix + key, v));
                }
            }
            for (int i = 0; !loaded.containsKey(prefix + "events") && !loaded.containsKey(prefix + "events[" + i + "]"); i++) {
                Optional<String> item = properties.resolveProperty(prefix + "events[" + i + "]");
                if (item.isEmpty()) {
                    break;
                }
                loaded.setProperty(prefix + "events[" + i + "]", item.get());
            }
        }
    }

    /**
     * The enabled recipes (storeganise.recipes.<name>.enabled=true), checked: each missing required
     * setting stops the start-up naming its key. Adds their subscriptions; answers their destinations.
     */
    private Map<String, Settings.DestinationSettings> readRecipes(PropertiesComponent properties, JsonNode recipes) {
        Map<String, Settings.DestinationSettings> made = new LinkedHashMap<>();
        List<String> enabled = new ArrayList<>();
        if (recipes != null && recipes.isObject()) {
            Set<String> known = Recipes.CATALOG.stream().map(Recipes.Recipe::name).collect(Collectors.toSet());
            recipes.fieldNames().forEachRemaining(name -> {
                if (!known.contains(name)) {
                    LOG.warn("{}{} is not a recipe (known: {}); its settings are ignored", Recipes.PREFIX, name,
                            Recipes.CATALOG.stream().map(Recipes.Recipe::name).collect(Collectors.joining(", ")));
                }
            });
        }
        for (Recipes.Recipe r : Recipes.CATALOG) {
            String prefix = Recipes.PREFIX + r.name() + ".";
            JsonNode node = recipes == null ? null : recipes.get(r.name());
            Settings.RecipeSettings recipe = node == null || !node.isObject() ? new Settings.RecipeSettings()
                    : Settings.bind(node, Settings.RecipeSettings.class, Recipes.PREFIX + r.name(), (key, name) ->
                            new HubConfigurationException(key + " is not a setting of the recipe '" + r.name() + "'."));
            if (recipe.enabled == null || !recipe.enabled) {
                continue;
            }
            Map<String, String> settings = new LinkedHashMap<>();
            for (Map.Entry<String, String> required : new TreeMap<>(r.required()).entrySet()) {
                String key = prefix + required.getKey();
                String value = resolve(key, recipe.settings.get(required.getKey()));
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
                String value = resolve(prefix + optional, recipe.settings.get(optional));
                if (value != null && !value.isBlank()) {
                    settings.put(optional, value.trim());
                }
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
                    if (Duration.parse(interval).compareTo(Duration.ofMinutes(1)) < 0) {
                        throw new HubConfigurationException(prefix + "interval '" + interval + "' must be at least PT1M.");
                    }
                } catch (DateTimeParseException e) {
                    throw new HubConfigurationException(prefix + "interval '" + interval + "' must be an ISO-8601 duration such as PT15M.");
                }
            }
            if (r.destination() == null) {
                continue;
            }
            String name = "recipe-" + r.name();
            made.put(name, Settings.bind(TREES.valueToTree(r.destination().apply(settings)), Settings.DestinationSettings.class,
                    DESTINATIONS + name, (key, setting) -> new HubConfigurationException(key + " is not a destination setting.")));
            List<String> events = recipe.events == null || recipe.events.isEmpty() ? List.of(r.events().split(",")) : recipe.events;
            subscriptions.add(subscription(Recipes.PREFIX + r.name(), events, List.of(name),
                    recipe.filter != null ? recipe.filter : r.filter()));
        }
        enabledRecipes = List.copyOf(enabled);
        if (!enabled.isEmpty()) {
            LOG.info("Recipes enabled: {}", enabled);
        }
        return made;
    }

    // ---------------------------------------------------------------- reading the configuration

    private void readDestinations(JsonNode listed) {
        if (listed == null) {
            return;
        }
        if (!listed.isObject()) {
            throw new HubConfigurationException("storeganise.destinations is not a destination setting: expected "
                    + DESTINATIONS + "<name>.<setting>, e.g. " + DESTINATIONS + "site-team.type=slack.");
        }
        // sorted by name, as they are listed at start-up and in messages
        Map<String, JsonNode> byName = new TreeMap<>();
        listed.fields().forEachRemaining(e -> byName.put(e.getKey(), e.getValue()));
        byName.forEach((name, node) -> {
            if (!NAME.matcher(name).matches()) {
                throw new HubConfigurationException(DESTINATIONS + name + ": destination name '" + name
                        + "' must be 1 to 64 letters, digits, - or _.");
            }
            if (!node.isObject()) {
                throw new HubConfigurationException(DESTINATIONS + name + " is not a destination setting: expected "
                        + DESTINATIONS + "<name>.<setting>, e.g. " + DESTINATIONS + "site-team.type=slack.");
            }
            destinations.put(name, destination(name, bindDestination(name, node)));
        });
    }

    private static Settings.DestinationSettings bindDestination(String name, JsonNode node) {
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

    /** A destination named only in a subscription, set where properties cannot be listed (environment variables). */
    private void probeDestination(PropertiesComponent properties, String name, Properties loaded) {
        String prefix = DESTINATIONS + name + ".";
        Optional<String> type = properties.resolveProperty(prefix + "type");
        if (type.isEmpty()) {
            return;
        }
        loaded.setProperty(prefix + "type", type.get());
        Destination.Type t = typeOf(prefix + "type", type.get());
        List<String> keys = new ArrayList<>(Destination.Type.COMMON);
        keys.addAll(t.settings);
        for (String setting : keys) {
            if (!setting.endsWith(".*") && !setting.equals("type")) {
                properties.resolveProperty(prefix + setting).ifPresent(v -> loaded.setProperty(prefix + setting, v));
            }
        }
    }

    private void readSubscriptions(JsonNode listed) {
        if (listed == null) {
            return;
        }
        if (!listed.isArray()) {
            String first = listed.isObject() && listed.fieldNames().hasNext() ? "." + listed.fieldNames().next() : "";
            throw new HubConfigurationException(SUBSCRIPTIONS + first + " is not a subscription setting: expected "
                    + SUBSCRIPTIONS + "[i].events, .to or .filter.");
        }
        for (int i = 0; i < listed.size(); i++) {
            String key = SUBSCRIPTIONS + "[" + i + "]";
            JsonNode node = listed.get(i);
            if (!node.isObject()) {
                throw new HubConfigurationException(key + " is not a subscription setting: expected "
                        + SUBSCRIPTIONS + "[i].events, .to or .filter.");
            }
            Settings.SubscriptionSettings s = Settings.bind(node, Settings.SubscriptionSettings.class, key, (at, field) ->
                    new HubConfigurationException(at + ": '" + field + "' is not a subscription setting; use events, to or filter."));
            subscriptions.add(subscription(key, s.events, s.to, s.filter));
        }
    }

    private Subscription subscription(String key, List<String> events, List<String> to, String filterText) {
        if (events == null || events.isEmpty()) {
            throw new HubConfigurationException(key + ".events is missing: list the event types this subscription "
                    + "delivers, e.g. [\"job.unit_moveIn.*\"] (\"*\" for all).");
        }
        List<Pattern> globs = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            String pattern = events.get(i);
            String p = pattern == null ? "" : pattern.trim();
            if (!EVENT_PATTERN.matcher(p).matches()) {
                throw new HubConfigurationException(key + ".events[" + i + "] '" + pattern + "' is not a valid event pattern: "
                        + "use an event type such as job.unit_moveIn.completed, with * matching any characters (job.*, *.created, *).");
            }
            globs.add(glob(p));
        }
        if (to == null || to.isEmpty()) {
            throw new HubConfigurationException(key + ".to is missing: list the destinations (names under "
                    + DESTINATIONS + "...) this subscription delivers to.");
        }
        for (int i = 0; i < to.size(); i++) {
            String name = to.get(i);
            if (name == null || !NAME.matcher(name.trim()).matches()) {
                throw new HubConfigurationException(key + ".to[" + i + "] '" + name + "' is not a destination name.");
            }
        }
        Predicate filter = null;
        if (filterText != null && !filterText.isBlank()) {
            try {
                filter = camelContext.resolveLanguage("simple").createPredicate(filterText.trim());
                filter.init(camelContext);
            } catch (RuntimeException e) {
                throw new HubConfigurationException(key + ".filter '" + filterText + "' is not a valid Camel simple predicate: "
                        + Settings.firstLine(e.getMessage()));
            }
        } else {
            filterText = null;
        }
        return new Subscription(key, events.stream().map(String::trim).toList(), List.copyOf(globs), filterText, filter,
                to.stream().map(String::trim).toList());
    }

    /** {@code *} matches any run of characters (dots included); everything else is literal. */
    static Pattern glob(String pattern) {
        // Hand-written because Camel's PatternHelper treats a pattern that is not a trailing wildcard as a
        // regular expression ('.' matching anything, '*.created' invalid), which is not what users write.
        return Pattern.compile(Arrays.stream(pattern.split("\\*", -1)).map(Pattern::quote).collect(Collectors.joining(".*")));
    }

    private Destination destination(String name, Settings.DestinationSettings s) {
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
                from = mailFrom(s, prefix);
                mailUri = mailUri(s, prefix);
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
                        + "' must be a template name (a file name under " + templatesDir + "/" + kind(type) + "/ without its endings).");
            }
        }
        return new Destination(name, type, s, rateLimit(prefix + "rate-limit", s.rateLimit, type), mailUri, from, authorization, signingKeys);
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

    /** An e-mail setting of the destination, else storeganise.mail.<key>; null when neither is set. */
    private String mailSetting(String own, String key) {
        String value = own;
        if (value == null) {
            value = camelContext.getPropertiesComponent().resolveProperty(MAIL + key).map(v -> resolve(MAIL + key, v)).orElse(null);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    private String mailFrom(Settings.DestinationSettings s, String prefix) {
        if (s.to == null || s.to.isEmpty()) {
            throw new HubConfigurationException(prefix + "to is missing: an email destination needs the address(es) to send to.");
        }
        String from = mailSetting(s.from, "from");
        if (from == null) {
            throw new HubConfigurationException(prefix + "from is missing (and no " + MAIL + "from): the sender address of the e-mails.");
        }
        return from;
    }

    private String mailUri(Settings.DestinationSettings s, String prefix) {
        String host = mailSetting(s.host, "host");
        if (host == null) {
            throw new HubConfigurationException(prefix + "host is missing (and no " + MAIL + "host): the SMTP server to send through.");
        }
        String portText = mailSetting(s.port, "port");
        int port;
        try {
            port = Integer.parseInt(portText == null ? "587" : portText);
        } catch (NumberFormatException e) {
            throw new HubConfigurationException(prefix + "port '" + portText + "' is not a port number.");
        }
        String security = mailSetting(s.security, "security");
        security = (security != null ? security : port == 465 ? "ssl" : port == 587 ? "starttls" : "none").toLowerCase(Locale.ROOT);
        if (!List.of("none", "starttls", "ssl").contains(security)) {
            throw new HubConfigurationException(prefix + "security '" + security + "' must be none, starttls or ssl.");
        }
        String username = mailSetting(s.username, "username");
        String password = mailSetting(s.password, "password");
        StringBuilder uri = new StringBuilder(security.equals("ssl") ? "smtps://" : "smtp://")
                .append(host).append(':').append(port).append("?connectionTimeout=30000");
        if (username != null) {
            uri.append("&username=RAW(").append(username).append(')');
            uri.append("&password=RAW(").append(password == null ? "" : password).append(')');
        }
        if (security.equals("starttls")) {
            uri.append("&mail.smtp.starttls.enable=true&mail.smtp.starttls.required=true");
        }
        return uri.toString();
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
