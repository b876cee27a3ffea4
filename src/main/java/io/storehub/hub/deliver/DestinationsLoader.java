package io.storehub.hub.deliver;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storehub.hub.support.HubConfigurationException;
import io.storehub.hub.support.TenantKeys;
import org.apache.camel.CamelContext;
import org.apache.camel.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code storeganise.destinations.<name>.*}, {@code storeganise.subscriptions[i].*} and
 * {@code storeganise.recipes.<name>.*} (the hub's properties or a tenant's settings), binds them
 * ({@link Settings}) and checks them, for {@link DestinationRegistry}.
 */
final class DestinationsLoader {

    /** What the configuration holds, checked. */
    record Loaded(Map<String, Destination> destinations, Subscriptions subscriptions, List<String> enabledRecipes, String alertTo) {
    }

    /** Logged under the registry's name, as the operators know it. */
    private static final Logger LOG = LoggerFactory.getLogger(DestinationRegistry.class);
    private static final String DESTINATIONS = DestinationRegistry.DESTINATIONS;
    private static final String SUBSCRIPTIONS = DestinationRegistry.SUBSCRIPTIONS;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern EVENT_PATTERN = Pattern.compile("[A-Za-z0-9._:*-]{1,200}");
    /** Turns a recipe's destination settings (a map) into the tree its settings are bound from. */
    private static final ObjectMapper TREES = new ObjectMapper();
    /** The recipes a tenant may enable: those that are a destination and nothing else. */
    private static final List<String> TENANT_RECIPES = List.of("move-in-slack", "zapier");

    private final CamelContext camelContext;
    private final SettingsSource source;
    /** The tenant whose settings these are (its destinations' names are qualified with it), or null for the hub's own. */
    private final String tenant;
    private final DestinationTemplates templates;
    private final DestinationFactory factory;
    private final Map<String, Destination> destinations = new LinkedHashMap<>();
    private final List<Subscription> subscriptions = new ArrayList<>();
    private List<String> enabledRecipes = List.of();
    private String alertTo;

    DestinationsLoader(CamelContext camelContext, DestinationTemplates templates, SettingsSource source, String tenant) {
        this.camelContext = camelContext;
        this.source = source;
        this.tenant = tenant;
        this.templates = templates;
        this.factory = new DestinationFactory(camelContext, templates);
    }

    /** Reads and checks the configuration; a mistake stops the start-up naming its key. */
    Loaded load() {
        Properties loaded = source.list(k -> k.startsWith(DESTINATIONS) || k.startsWith(SUBSCRIPTIONS)
                || k.startsWith(Recipes.PREFIX));
        loaded.replaceAll((k, v) -> v instanceof String text && text.contains("{{") ? camelContext.resolvePropertyPlaceholders(text) : v);
        // settings may also come from where properties cannot be listed (environment variables): look the known ones up by name
        probeRecipes(loaded);
        ObjectNode tree = Settings.tree(loaded, "storeganise.");
        readSubscriptions(tree.get("subscriptions"));
        Map<String, Settings.DestinationSettings> recipeDestinations = readRecipes(tree.get("recipes"));
        Set<String> referenced = new LinkedHashSet<>();
        subscriptions.forEach(s -> referenced.addAll(s.to()));
        if (alertTo != null) {
            referenced.add(alertTo);
        }
        JsonNode listed = tree.get("destinations");
        for (String qualified : referenced) {
            String name = TenantKeys.local(qualified);
            if (listed == null || !listed.has(name)) {
                probeDestination(name, loaded);
            }
        }
        for (String key : loaded.stringPropertyNames()) {
            if (key.startsWith(DESTINATIONS)) {
                loaded.setProperty(key, resolve(key, loaded.getProperty(key)));
            }
        }
        readDestinations(Settings.tree(loaded, "storeganise.").get("destinations"));
        recipeDestinations.forEach((name, settings) -> destinations.put(name, factory.destination(name, settings)));
        if (alertTo != null) {
            Destination alerts = destinations.get(alertTo);
            if (alerts == null || !EnumSet.of(Destination.Type.SLACK, Destination.Type.EMAIL, Destination.Type.HTTP).contains(alerts.type)) {
                throw new HubConfigurationException(Recipes.PREFIX + Recipes.FAILURE_ALERT + ".to names '" + alertTo + "', which is not a "
                        + "configured slack, email or http destination (" + DESTINATIONS + alertTo + ".type); configured: "
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
        templates.check(destinations.values());
        Set<String> subscribed = subscriptions.stream().flatMap(s -> s.to().stream()).collect(Collectors.toSet());
        destinations.keySet().stream().filter(n -> !subscribed.contains(n)).forEach(n ->
                LOG.warn("Destination '{}' is configured but no subscription sends anything to it ({}[i].to)", n, SUBSCRIPTIONS));
        LOG.info("Destinations: {}", destinations.isEmpty() ? "none" : destinations.values());
        LOG.info("Subscriptions: {}", subscriptions.isEmpty() ? "none (events are recorded and counted, delivered nowhere)" : subscriptions);
        return new Loaded(destinations, new Subscriptions(subscriptions), enabledRecipes, alertTo);
    }

    /** Recipe settings named in the catalog, looked up one by one where they were not listed (environment variables). */
    private void probeRecipes(Properties loaded) {
        for (Recipes.Recipe r : Recipes.CATALOG) {
            String prefix = Recipes.PREFIX + r.name() + ".";
            List<String> keys = new ArrayList<>(List.of("enabled", "events", "filter"));
            keys.addAll(r.required().keySet());
            keys.addAll(r.optional());
            for (String key : keys) {
                if (!loaded.containsKey(prefix + key)) {
                    source.resolve(prefix + key).ifPresent(v -> loaded.setProperty(prefix + key, v));
                }
            }
            for (int i = 0; !loaded.containsKey(prefix + "events") && !loaded.containsKey(prefix + "events[" + i + "]"); i++) {
                Optional<String> item = source.resolve(prefix + "events[" + i + "]");
                if (item.isEmpty()) {
                    break;
                }
                loaded.setProperty(prefix + "events[" + i + "]", item.get());
            }
        }
    }

    /** The enabled recipes, checked: adds their subscriptions, answers their destinations. */
    private Map<String, Settings.DestinationSettings> readRecipes(JsonNode recipes) {
        Map<String, Settings.DestinationSettings> made = new LinkedHashMap<>();
        List<String> enabled = new ArrayList<>();
        if (recipes != null && recipes.isObject()) {
            recipes.fieldNames().forEachRemaining(name -> {
                if (Recipes.CATALOG.stream().noneMatch(r -> r.name().equals(name))) {
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
            if (tenant != null && !TENANT_RECIPES.contains(r.name())) {
                throw new HubConfigurationException(prefix + "enabled: the recipe '" + r.name() + "' is available in the hub's own "
                        + "configuration only (its route or timer reads its settings from there); a tenant has the recipes "
                        + String.join(" and ", TENANT_RECIPES) + ".");
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
            if (r.writesToStoreganise() && source.resolve("storeganise.api.base-url").filter(v -> !v.isBlank()).isEmpty()) {
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
                String every = settings.getOrDefault("check-every", "5m");
                try {
                    if (org.apache.camel.util.TimeUtils.toMilliSeconds(every) <= 0) {
                        throw new IllegalArgumentException("not positive");
                    }
                } catch (RuntimeException e) {
                    throw new HubConfigurationException(prefix + "check-every '" + every + "' must be a Camel time such as 5m, 30s or 300000.");
                }
                String task = settings.getOrDefault("storeganise-task", "false");
                if (!task.equals("true") && !task.equals("false")) {
                    throw new HubConfigurationException(prefix + "storeganise-task is '" + task + "': it must be true or false.");
                }
                if (task.equals("true") && source.resolve("storeganise.api.base-url").filter(v -> !v.isBlank()).isEmpty()) {
                    throw new HubConfigurationException("storeganise.api.base-url is missing: " + prefix + "storeganise-task=true opens a "
                            + "Storeganise task per incident through the Storeganise API; set STOREGANISE_API_URL and STOREGANISE_API_KEY.");
                }
            }
            if (r.destination() == null) {
                continue;
            }
            String name = TenantKeys.qualify(tenant, "recipe-" + r.name());
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
            String qualified = TenantKeys.qualify(tenant, name);
            destinations.put(qualified, factory.destination(qualified, DestinationFactory.bindDestination(name, node)));
        });
    }

    /** A destination named only in a subscription, set where properties cannot be listed (environment variables). */
    private void probeDestination(String name, Properties loaded) {
        String prefix = DESTINATIONS + name + ".";
        Optional<String> type = source.resolve(prefix + "type");
        if (type.isEmpty()) {
            return;
        }
        loaded.setProperty(prefix + "type", type.get());
        Destination.Type t = DestinationFactory.typeOf(prefix + "type", type.get());
        List<String> keys = new ArrayList<>(Destination.Type.COMMON);
        keys.addAll(t.settings);
        for (String setting : keys) {
            if (!setting.endsWith(".*") && !setting.equals("type")) {
                source.resolve(prefix + setting).ifPresent(v -> loaded.setProperty(prefix + setting, v));
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
            globs.add(Subscription.glob(p));
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
                to.stream().map(n -> TenantKeys.qualify(tenant, n.trim())).toList());
    }

    private String resolve(String key, String value) {
        return DestinationFactory.resolve(camelContext, key, value);
    }
}
