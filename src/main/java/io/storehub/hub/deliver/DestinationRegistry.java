package io.storehub.hub.deliver;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import io.storehub.hub.history.EventHistory;
import io.storehub.hub.support.Headers;
import io.storehub.hub.support.HttpRejection;
import io.storehub.hub.support.PermanentFailure;
import io.storehub.hub.support.SecretSource;
import io.storehub.hub.support.TenantKeys;
import io.storehub.hub.tenant.Tenant;
import io.storehub.hub.tenant.TenantDirectory;
import io.storehub.hub.tenant.TenantListener;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;

/**
 * The destinations, subscriptions and recipes of the hub and its tenants, read and checked at start-up
 * by {@link DestinationsLoader} (a mistake stops the hub naming the key). At run time: which destinations
 * an enriched event goes to ({@link #subscribers}), the delivery's destination for the routes
 * ({@link #describe}) and the template it renders ({@link #template}).
 */
public class DestinationRegistry implements CamelContextAware, SecretSource, TenantListener {

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
    /** Whether the request may carry the trace context (an http destination with {@code propagate-trace: true}; DeliveryHeaderFilter). */
    public static final String PROPAGATE_TRACE = "SgPropagateTrace";
    /** Exchange property set by {@link #subscribers}: destinations whose subscription matched the type but not the filter. */
    public static final String SKIPPED_BY_FILTER = "SgSkippedByFilter";
    /** Header of an event re-dispatched by an operator for one destination: {@link #subscribers} answers only it. */
    public static final String ONLY_DESTINATION = "SgOnlyDestination";
    /** Exchange property set by {@link #describe}: when this delivery attempt started (epoch ms), for the event history. */
    public static final String ATTEMPT_STARTED = "SgAttemptStartedAt";


    private CamelContext camelContext;
    private final DestinationTemplates templates = new DestinationTemplates();
    private volatile Map<String, Destination> destinations = Map.of();
    /** Each tenant's subscriptions (their destinations are in {@link #destinations}, qualified: {@code acme~name}). */
    private volatile Map<String, Subscriptions> tenantSubscriptions = Map.of();
    /** The hub's own configuration (its destinations are in {@link #destinations} too). */
    private volatile DestinationsLoader.Loaded own = new DestinationsLoader.Loaded(Map.of(), new Subscriptions(List.of()), List.of(), null);
    /** A tenant's destinations built by {@link #check}, taken by {@link #apply} when it is the same tenant. */
    private final Map<String, Map.Entry<Tenant, DestinationsLoader.Loaded>> checked = new ConcurrentHashMap<>();
    private TenantDirectory tenants;

    /** The destination of the failure-alert recipe, when it is enabled. */
    public String getAlertTo() {
        return own.alertTo();
    }

    /** Reads and checks the configuration; the bean's initMethod. */
    public void init() {
        templates.clear();
        own = new DestinationsLoader(camelContext, templates, SettingsSource.of(camelContext.getPropertiesComponent()), null).load();
        destinations = own.destinations();
        if (tenants == null) {
            tenants = TenantDirectory.of(camelContext);
        }
        tenants.listen(this);
    }

    /** Builds a tenant's destinations and subscriptions: any mistake is thrown, naming the key. */
    @Override
    public void check(Tenant tenant) {
        DestinationsLoader.Loaded loaded = new DestinationsLoader(camelContext, templates,
                SettingsSource.of(tenant.settings()), tenant.name()).load();
        checked.put(tenant.name(), Map.entry(tenant, loaded));
    }

    /** The tenants in force: their destinations join the hub's own, each with its own subscriptions. */
    @Override
    public synchronized void apply(Map<String, Tenant> inForce) {
        Map<String, Destination> all = new LinkedHashMap<>(own.destinations());
        Map<String, Subscriptions> subs = new HashMap<>();
        for (Tenant t : inForce.values()) {
            Map.Entry<Tenant, DestinationsLoader.Loaded> built = checked.get(t.name());
            if (built == null || built.getKey() != t) {
                check(t);
                built = checked.get(t.name());
            }
            all.putAll(built.getValue().destinations());
            subs.put(t.name(), built.getValue().subscriptions());
        }
        checked.keySet().retainAll(inForce.keySet());
        destinations = Map.copyOf(all);
        tenantSubscriptions = Map.copyOf(subs);
    }

    /** The destinations the enriched event in the exchange goes to, each once, in configuration order (a mutable list). */
    public List<String> subscribers(Exchange exchange) {
        String type = exchange.getIn().getHeader(Headers.EVENT_TYPE, String.class);
        String tenant = exchange.getIn().getHeader(Headers.TENANT, String.class);
        Set<String> to = new LinkedHashSet<>();
        Set<String> skipped = new LinkedHashSet<>();
        exchange.setProperty(SKIPPED_BY_FILTER, List.of());
        // an operator's re-dispatch of one event to one destination (redeliver when the body was not kept)
        String only = exchange.getIn().getHeader(ONLY_DESTINATION, String.class);
        if (only != null) {
            return destinations.containsKey(only) && Objects.equals(TenantKeys.tenantOf(only), tenant)
                    ? new ArrayList<>(List.of(only)) : new ArrayList<>();
        }
        if (type == null) {
            return new ArrayList<>();
        }
        // a tenant's events go only to its own destinations; an event of a tenant removed meanwhile, nowhere
        Subscriptions matching = tenant == null ? own.subscriptions() : tenantSubscriptions.get(tenant);
        if (matching == null) {
            return new ArrayList<>();
        }
        matching.match(type, exchange, to, skipped);
        skipped.removeAll(to);
        // for the event history: destinations the event was for by its type but a filter left out
        exchange.setProperty(SKIPPED_BY_FILTER, new ArrayList<>(skipped));
        return new ArrayList<>(to);
    }

    /** Sets the exchange properties the delivery routes use from the delivery message's headers. */
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
        String manualId = exchange.getIn().getHeader(EventHistory.MANUAL_ID, String.class);
        exchange.setProperty(DELIVERY_KEY, eventId + ":" + name + (manualId == null ? "" : ":manual:" + manualId));
        exchange.setProperty(RECEIVED_AT, exchange.getIn().getHeader(Headers.RECEIVED_AT, Long.class));
        exchange.setProperty(Headers.EVENT_TYPE, exchange.getIn().getHeader(Headers.EVENT_TYPE, String.class));
        exchange.setProperty(TEMPLATED, destination.settings.template != null);
        if (destination.settings.endpoint != null) {
            exchange.setProperty(ENDPOINT, destination.settings.endpoint);
        }
        if (destination.type == Destination.Type.LOG) {
            exchange.setProperty(LOG_LEVEL, destination.level);
        }
        exchange.setProperty(FLATTEN, destination.flatten);
        exchange.setProperty(PROPAGATE_TRACE, destination.propagateTrace);
        // kept for the event history: a sender replaces the headers with its request's and response's;
        // and when this attempt started (on the dispatch consumer the exchange was created before enrichment)
        exchange.setProperty(Headers.ATTEMPT, exchange.getIn().getHeader(Headers.ATTEMPT, 0, Integer.class));
        exchange.setProperty(ATTEMPT_STARTED, System.currentTimeMillis());
        String manual = exchange.getIn().getHeader(EventHistory.MANUAL, String.class);
        if (manual != null) {
            exchange.setProperty(EventHistory.MANUAL, manual);
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

    /** The names of the destinations {@code shown} keeps, in configuration order. */
    public List<String> names(Predicate<String> shown) {
        return destinations.keySet().stream().filter(shown).toList();
    }

    /** The 400 for a destination name the caller has none of: it lists those {@code shown}. */
    public HttpRejection unknown(String asked, Predicate<String> shown) {
        List<String> names = names(shown);
        return new HttpRejection(400, "unknown_destination", "No destination named '" + asked + "'; configured: "
                + (names.isEmpty() ? "none" : String.join(", ", names)) + ".");
    }

    /** The secret values of every destination (tokens, passwords, URLs, header values), for the history's {@code TextScrub}. */
    @Override
    public List<String> secrets() {
        return destinations.values().stream().flatMap(d -> d.secrets().stream()).toList();
    }

    public List<String> enabledRecipes() {
        return own.enabledRecipes();
    }

    /** The template of this delivery ({@link DestinationTemplates#template}). */
    public String template(Exchange exchange, String part) {
        return templates.template(destination(exchange), exchange.getIn().getHeader(Headers.FAMILY, "other", String.class), part);
    }

    public void setTenants(TenantDirectory tenants) {
        this.tenants = tenants;
    }

    /** Folder of the message templates ({@code storeganise.templates.dir}, default {@code templates}). */
    public void setTemplatesDir(String templatesDir) {
        templates.setDir(templatesDir);
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

