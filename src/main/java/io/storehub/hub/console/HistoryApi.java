package io.storehub.hub.console;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import io.storehub.hub.deliver.DeadLetters;
import io.storehub.hub.deliver.Destination;
import io.storehub.hub.deliver.DestinationRegistry;
import io.storehub.hub.enrich.StoreganiseApiHealth;
import io.storehub.hub.history.BrokerQueues;
import io.storehub.hub.history.EventDetails;
import io.storehub.hub.history.EventHistory;
import io.storehub.hub.history.HistoryFigures;
import io.storehub.hub.history.HistoryFilter;
import io.storehub.hub.history.HistoryQueries;
import io.storehub.hub.support.ErrorResponder;
import io.storehub.hub.support.Headers;
import io.storehub.hub.support.HttpRejection;
import io.storehub.hub.support.TenantKeys;
import io.storehub.hub.tenant.AccessScope;
import io.storehub.hub.tenant.TenantDirectory;
import jakarta.jms.ConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.health.HealthCheck;

/**
 * The operator's view of the hub for the admin JSON API (routes/admin.camel.yaml) and the console, which renders
 * the same maps (docs/console.md, Admin API). Nothing it answers holds a secret: destinations by name, type and
 * rate limit only, error texts scrubbed when stored.
 */
public class HistoryApi implements CamelContextAware {

    private static final List<String> QUERY = List.of("tenant", "type", "outcome", "destination", "entity", "email", "from", "to", "q", "cursor",
            "limit");

    private CamelContext camelContext;
    private EventHistory history;
    private ConnectionFactory connectionFactory;
    private BrokerQueues brokerQueues;
    private ProducerTemplate producer;
    private String eventsQueue = "storeganise.events";
    private String eventsDeadLetterQueue = "storeganise.events.DLQ";
    private String deliveriesQueue = "storeganise.deliveries";
    private String deliveriesDeadLetterQueue = "storeganise.deliveries.DLQ";
    private String managementAddress = "activemq.management";

    // ------------------------------------------------------------------ admin endpoints

    /** GET /admin/events */
    public void search(Exchange exchange) throws Exception {
        ErrorResponder.answer(exchange, 200, search(AccessScope.of(exchange), parameters(exchange)));
    }

    /** GET /admin/events/{id} */
    public void detail(Exchange exchange) throws Exception {
        ErrorResponder.answer(exchange, 200, detail(AccessScope.of(exchange), exchange.getIn().getHeader("id", String.class)));
    }

    /** POST /admin/events/{id}/redeliver?destination=NAME */
    public void redeliver(Exchange exchange) throws Exception {
        Map<String, String> in = parameters(exchange);
        ErrorResponder.answer(exchange, 202, redeliver(AccessScope.of(exchange), exchange.getIn().getHeader("id", String.class), in.get("destination"),
                exchange.getProperty(EventHistory.ACTOR, "admin API", String.class)));
    }

    /** GET /admin/destinations */
    public void destinations(Exchange exchange) throws Exception {
        ErrorResponder.answer(exchange, 200, Map.of("destinations", destinations(AccessScope.of(exchange))));
    }

    /** GET /admin/overview */
    public void overview(Exchange exchange) throws Exception {
        ErrorResponder.answer(exchange, 200, overview(AccessScope.of(exchange)));
    }

    // ------------------------------------------------------------------ the models (of what the caller's scope sees)

    public Map<String, Object> search(AccessScope scope, Map<String, String> parameters) throws Exception {
        Map<String, String> in = new LinkedHashMap<>(parameters);
        String tenant = in.getOrDefault("tenant", scope.tenant());
        if (in.get("destination") != null && tenant != null && AccessScope.TENANT_NAME.matcher(tenant).matches()) {
            in.put("destination", AccessScope.of(tenant).qualified(in.get("destination"))); // crm of acme: acme~crm
        }
        HistoryFilter filter = HistoryFilter.parse(in);
        Map<String, Object> answer = queries().search(filter, scope.tenant());
        answer.put("filter", filter.asParameters());
        return answer;
    }

    /** One event's record; another tenant's (or the hub's own, for a tenant's caller) is not found, as an unknown one. */
    public Map<String, Object> detail(AccessScope scope, String id) throws Exception {
        if (id == null || !AccessScope.EVENT_ID.matcher(id).matches()) {
            throw new HttpRejection(400, "invalid_event_id", "The event id must be a Storeganise event id.");
        }
        String key = scope.visible(id);
        Map<String, Object> event = key == null ? null : details().detail(key);
        if (event == null) {
            throw new HttpRejection(404, "event_not_found", "No event " + id + " in the history (unknown, purged, or history off).");
        }
        return event;
    }

    /**
     * Delivers an event to one destination again, on purpose (even if it was delivered): a new message on
     * the delivery queue built from the stored enriched body, marked manual (its own delivery key, so the
     * "already delivered" check lets it through once). When the body was not kept (off or truncated) the
     * original webhook is dispatched again for that destination only (enriched afresh).
     */
    public Map<String, Object> redeliver(AccessScope scope, String requestedId, String destination, String actor) throws Exception {
        if (destination == null || destination.isBlank()) {
            throw new HttpRejection(400, "destination_required", "Name the destination to deliver to again: destination=<name>.");
        }
        Map<String, Object> event = detail(scope, requestedId);
        String id = (String) event.get("id");
        // only to a destination of the event's own tenant (or of the hub's own for its own events), whoever asks
        AccessScope owner = AccessScope.of(TenantKeys.tenantOf(id));
        String name = owner.qualified(destination.trim());
        DestinationRegistry registry = destinationRegistry();
        Destination target = Objects.equals(TenantKeys.tenantOf(name), owner.tenant()) ? registry.get(name) : null;
        if (target == null) {
            throw registry.unknown(destination.trim(), n -> Objects.equals(TenantKeys.tenantOf(n), owner.tenant()));
        }
        EventDetails.Bodies bodies = details().bodies(id);
        boolean enriched = bodies != null && bodies.enriched() != null && !bodies.enrichedTruncated();
        if (!enriched && (bodies == null || bodies.webhook() == null || bodies.webhookTruncated())) {
            throw new HttpRejection(409, "body_not_kept", "The history kept neither the enriched body nor the webhook of " + id
                    + " (storeganise.history.store-bodies or max-body-bytes); it cannot be delivered again from here.");
        }
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put(Headers.EVENT_ID, id);
        headers.put(Headers.EVENT_TYPE, event.get("type"));
        if (owner.tenant() != null) { // enrichment from the tenant's API, its metrics and logs
            headers.put(Headers.TENANT, owner.tenant());
        }
        if (event.get("family") != null) {
            headers.put(Headers.FAMILY, event.get("family"));
        }
        headers.put(Headers.RECEIVED_AT, Instant.parse((String) event.get("receivedAt")).toEpochMilli());
        headers.put(EventHistory.MANUAL, actor);
        headers.put(EventHistory.MANUAL_ID, UUID.randomUUID().toString());
        // the stored enriched body to the delivery queue, else the webhook to the events queue for this destination only
        headers.put(enriched ? DestinationRegistry.DESTINATION : DestinationRegistry.ONLY_DESTINATION, target.getName());
        String mode = enriched ? "stored enriched body queued for delivery"
                : "webhook dispatched again for this destination (the enriched body was not kept)";
        // recorded before it is queued, so that the request precedes the attempt it leads to in the timeline
        history.manual(id, target.getName(), actor, mode);
        producer().sendBodyAndHeaders("jms:queue:" + (enriched ? deliveriesQueue : eventsQueue) + "?exchangePattern=InOnly&deliveryPersistent=true",
                enriched ? bodies.enriched() : bodies.webhook().getBytes(StandardCharsets.UTF_8), headers);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "queued");
        answer.put("eventId", id);
        answer.put("destination", target.getName());
        answer.put("mode", mode);
        answer.put("requestedBy", actor);
        return answer;
    }

    /** Per destination the scope sees: counts over the last hour and day, latency, last error, rate limit, backoff, parked now. */
    public List<Map<String, Object>> destinations(AccessScope scope) throws Exception {
        Map<String, Integer> parked = deadLetters().parkedCounts(scope);
        Instant now = Instant.now();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Destination d : destinationRegistry().all()) {
            if (!scope.sees(d.getName())) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", d.getName());
            row.put("type", d.getType().id());
            row.put("rateLimit", rate(d.getRateLimit()));
            row.put("parkedNow", parked.getOrDefault(d.getName(), 0));
            row.putAll(figures().destinationStats(d.getName(), now));
            out.add(row);
        }
        return out;
    }

    /** The overview; a tenant's caller sees its own events and parked deliveries, not the hub's queues, API or recipes. */
    public Map<String, Object> overview(AccessScope scope) throws Exception {
        Instant now = Instant.now();
        Map<String, Object> answer = new LinkedHashMap<>();
        List<Map<String, Object>> perMinute = figures().perMinute(now, 60, scope.tenant());
        long lastHour = perMinute.stream().mapToLong(p -> (Long) p.get("count")).sum();
        Map<String, Object> events = new LinkedHashMap<>();
        events.put("lastHour", lastHour);
        events.put("stored", figures().count(scope.tenant()));
        events.put("perMinute", perMinute);
        answer.put("events", events);
        answer.put("queues", scope.isAll() ? brokerQueues().backlog(List.of(eventsQueue, eventsDeadLetterQueue, deliveriesQueue,
                deliveriesDeadLetterQueue)) : List.of());
        answer.put("parked", deadLetters().parkedCounts(scope));
        answer.put("storeganiseApi", storeganiseApi(scope));
        answer.put("recipes", scope.isAll() ? destinationRegistry().enabledRecipes() : List.of());
        answer.put("history", history.overview());
        return answer;
    }

    /** The tenant files refused and why ({@code file}, {@code why}), for the global admin only (empty for a tenant's caller). */
    public List<Map<String, Object>> tenantRefusals(AccessScope scope) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (scope.isAll()) {
            TenantDirectory.of(camelContext).refusals().forEach((file, why) -> out.add(Map.of("file", file, "why", why)));
        }
        return out;
    }

    /** The Storeganise API's health check, for the global admin only (UNKNOWN for a tenant's caller). */
    private Map<String, Object> storeganiseApi(AccessScope scope) {
        Map<String, Object> api = new LinkedHashMap<>(Map.of("state", "UNKNOWN"));
        StoreganiseApiHealth health = camelContext.getRegistry().findSingleByType(StoreganiseApiHealth.class);
        if (health == null || !scope.isAll()) {
            return api;
        }
        if (health.getCamelContext() == null) {
            health.setCamelContext(camelContext);
        }
        HealthCheck.Result result = health.call();
        api.put("state", result.getState().name());
        api.put("message", result.getMessage().orElse(null));
        for (String key : List.of("configured", "circuitBreaker", "lastAnswerAt", "failedAt")) {
            api.put(key, result.getDetails().get(key));
        }
        return api;
    }

    static String rate(Destination.RateLimit limit) {
        if (limit == null) {
            return null;
        }
        Duration p = limit.period();
        String unit = p.equals(Duration.ofSeconds(1)) ? "s" : p.equals(Duration.ofMinutes(1)) ? "min" : p.equals(Duration.ofHours(1)) ? "h" : null;
        return unit != null ? limit.permits() + "/" + unit : limit.toString();
    }

    /** The query parameters (platform-http headers), trimmed; empty ones dropped. */
    public static Map<String, String> parameters(Exchange exchange) {
        return Forms.queries(exchange, QUERY);
    }

    // ------------------------------------------------------------------ collaborators (made or looked up when needed)

    private HistoryQueries queries() {
        return new HistoryQueries(history.getDataSource());
    }

    private EventDetails details() {
        return new EventDetails(history.getDataSource());
    }

    private HistoryFigures figures() {
        return new HistoryFigures(history.getDataSource());
    }


    public DeadLetters deadLetters() {
        return camelContext.getRegistry().findSingleByType(DeadLetters.class);
    }

    public DestinationRegistry destinationRegistry() {
        return camelContext.getRegistry().findSingleByType(DestinationRegistry.class);
    }

    private BrokerQueues brokerQueues() {
        if (brokerQueues == null) {
            brokerQueues = new BrokerQueues(connectionFactory, managementAddress);
        }
        return brokerQueues;
    }

    private ProducerTemplate producer() {
        if (producer == null) {
            producer = camelContext.createProducerTemplate();
        }
        return producer;
    }

    // ------------------------------------------------------------------ configuration

    public void setHistory(EventHistory history) {
        this.history = history;
    }

    public void setConnectionFactory(ConnectionFactory connectionFactory) {
        this.connectionFactory = connectionFactory;
    }

    public void setEventsQueue(String eventsQueue) {
        this.eventsQueue = eventsQueue;
    }

    public void setEventsDeadLetterQueue(String eventsDeadLetterQueue) {
        this.eventsDeadLetterQueue = eventsDeadLetterQueue;
    }

    public void setDeliveriesQueue(String deliveriesQueue) {
        this.deliveriesQueue = deliveriesQueue;
    }

    public void setDeliveriesDeadLetterQueue(String deliveriesDeadLetterQueue) {
        this.deliveriesDeadLetterQueue = deliveriesDeadLetterQueue;
    }

    public void setManagementAddress(String managementAddress) {
        this.managementAddress = managementAddress;
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
