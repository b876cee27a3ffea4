package io.storehub.hub.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.storehub.hub.history.EventHistory;
import io.storehub.hub.history.HistoryFilter;
import io.storehub.hub.support.HttpRejection;
import io.storehub.hub.support.TenantKeys;
import io.storehub.hub.tenant.AccessScope;
import org.apache.camel.Exchange;

/**
 * The console's pages and form actions (routes/console.camel.yaml): each builds a model from the
 * history API's maps (the same ones the admin JSON API answers) and renders its template. Pages that
 * refresh while open answer a fragment of themselves when asked {@code ?fragment=...}.
 */
public class ConsolePages {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern NAME = AccessScope.DESTINATION;
    private static final Pattern EVENT_ID = AccessScope.EVENT_ID;

    private HistoryApi api;
    private ReplayForm replayForm;
    private ConsoleView view = new ConsoleView();
    private int refreshSeconds = 5;
    private TraceLinks traceLinks = new TraceLinks(null);

    // ------------------------------------------------------------------ pages

    /** GET /console: events per minute, queue backlog, parked per destination, Storeganise API health, recipes. */
    public void overview(Exchange exchange) throws Exception {
        Map<String, Object> model = base(exchange, "Overview", "overview");
        Map<String, Object> overview = api.overview(AccessScope.of(exchange));
        model.putAll(overview);
        Map<String, Object> events = get(overview, "events");
        List<Map<String, Object>> perMinute = get(events, "perMinute");
        model.put("chart", ConsoleView.chart(perMinute));
        List<Map<String, Object>> queues = get(overview, "queues");
        for (Map<String, Object> q : queues) {
            q.put("messagesText", q.get("messages") == null ? "unknown" : q.get("messages"));
        }
        List<Map<String, Object>> parked = new ArrayList<>();
        Map<String, Integer> counts = get(overview, "parked");
        counts.forEach((destination, n) -> parked.add(Map.of("destination", destination, "count", n)));
        model.put("parkedRows", parked);
        model.put("noParked", parked.isEmpty());
        List<String> recipes = get(overview, "recipes");
        model.put("noRecipes", recipes.isEmpty());
        Map<String, Object> apiHealth = get(overview, "storeganiseApi");
        model.put("apiUp", "UP".equals(apiHealth.get("state")));
        apiHealth.put("lastAnswerText", when(apiHealth.get("lastAnswerAt")));
        model.put("refresh", "/console?fragment=overview");
        respond(exchange, model, "overview", "overview-body");
    }

    /** GET /console/events: the searchable list, newest first, refreshing while open (first page). */
    public void events(Exchange exchange) throws Exception {
        Map<String, Object> model = base(exchange, "Events", "events");
        Map<String, String> parameters = HistoryApi.parameters(exchange);
        Map<String, Object> result = api.search(AccessScope.of(exchange), parameters);
        TenantPicker.fill(model, exchange, api.getCamelContext());
        Map<String, String> filter = get(result, "filter");
        List<Map<String, Object>> events = get(result, "events");
        for (Map<String, Object> e : events) {
            e.put("receivedText", when(e.get("receivedAt")));
            e.put("hasDuplicates", ((Integer) e.get("duplicates")) > 0);
        }
        model.put("events", events);
        model.put("none", events.isEmpty());
        model.put("filter", filter);
        model.put("filtered", !filter.isEmpty());
        String query = query(filter);
        if (result.get("next") != null) {
            model.put("older", "/console/events?" + query + (query.isEmpty() ? "" : "&") + "cursor=" + enc((String) result.get("next")));
        }
        boolean firstPage = parameters.get("cursor") == null;
        model.put("paged", !firstPage);
        model.put("newest", "/console/events" + (query.isEmpty() ? "" : "?" + query));
        if (firstPage) {
            model.put("refresh", "/console/events?" + query + (query.isEmpty() ? "" : "&") + "fragment=results");
        }
        model.put("outcomes", HistoryFilter.OUTCOMES.stream()
                .map(o -> Map.<String, Object>of("value", o, "selected", o.equals(filter.get("outcome")))).toList());
        model.put("destinations", destinationOptions(TenantPicker.view(exchange)::sees, filter.get("destination")));
        if ("sent".equals(Forms.first(exchange, "notice"))) {
            String id = Forms.first(exchange, "event");
            String status = Forms.first(exchange, "status");
            if (id != null && EVENT_ID.matcher(id).matches()) {
                model.put("notice", "Test event " + id + " sent to the webhook: HTTP " + (status == null ? "?" : status.replaceAll("[^0-9]", ""))
                        + ("200".equals(status) ? " (accepted)." : "."));
                model.put("sentId", id);
            }
        }
        respond(exchange, model, "events", "events-results");
    }

    /** GET /console/events/{id}: the timeline, deliveries (with redeliver / replay), enriched body and webhook. */
    public void event(Exchange exchange) throws Exception {
        String id = exchange.getIn().getHeader("id", String.class);
        Map<String, Object> event = api.detail(AccessScope.of(exchange), id);
        Map<String, Object> model = base(exchange, "Event " + id, "events");
        model.put("event", event);
        List<Map<String, Object>> deliveries = get(event, "deliveries");
        for (Map<String, Object> d : deliveries) {
            d.put("parked", "parked".equals(d.get("status")));
            d.put("updatedText", when(d.get("updatedAt")));
            d.put("nextRetryText", when(d.get("nextRetryAt")));
        }
        model.put("noDeliveries", deliveries.isEmpty());
        List<Map<String, Object>> timeline = get(event, "timeline");
        for (Map<String, Object> s : timeline) {
            s.put("atText", when(s.get("at")));
            s.put("nextRetryText", when(s.get("nextRetryAt")));
            s.put("failed", "retry".equals(s.get("outcome")) || "parked".equals(s.get("outcome")));
        }
        model.put("receivedText", when(event.get("receivedAt")));
        event.put("hasDuplicates", ((Integer) event.get("duplicates")) > 0);
        Map<String, List<String>> enrichment = get(event, "enrichment");
        event.put("enrichmentText", "fetched: " + (enrichment.get("fetched").isEmpty() ? "nothing" : String.join(", ", enrichment.get("fetched")))
                + (enrichment.get("missing").isEmpty() ? "" : "; missing: " + String.join(", ", enrichment.get("missing"))));
        model.put("createdText", when(event.get("createdAt")));
        model.put("bodyPretty", pretty(event.get("body")));
        model.put("webhookPretty", pretty(event.get("webhook")));
        model.put("traceLink", traceLinks.link(event.get("traceId")));
        // the event's own tenant's destinations (or the hub's own): redelivery never crosses tenants
        model.put("destinations", destinationOptions(d -> Objects.equals(TenantKeys.tenantOf(d), event.get("tenant")), null));
        model.put("refresh", "/console/events/" + enc(id) + "?fragment=live");
        String notice = Forms.first(exchange, "notice");
        String destination = Forms.first(exchange, "destination");
        if ("redelivered".equals(notice) && destination != null && NAME.matcher(destination).matches()) {
            model.put("notice", "Queued for delivery to " + destination + " again.");
        } else if ("replayed".equals(notice)) {
            model.put("notice", "Replayed " + Forms.number(exchange, "count") + " parked deliveries.");
        }
        respond(exchange, model, "event", "event-live");
    }

    /** GET /console/destinations: the health table and the "send a test event" form. */
    public void destinations(Exchange exchange) throws Exception {
        Map<String, Object> model = base(exchange, "Destinations", "destinations");
        AccessScope view = TenantPicker.view(exchange);
        TenantPicker.fill(model, exchange, api.getCamelContext());
        List<Map<String, Object>> rows = api.destinations(view);
        for (Map<String, Object> r : rows) {
            Map<String, Object> backoff = get(r, "backoff");
            backoff.put("nextRetryText", when(backoff.get("nextRetryAt")));
            backoff.put("hasDeferred", ((Long) backoff.get("deferredByRateLimit")) > 0);
            r.put("hasParked", ((Integer) r.get("parkedNow")) > 0);
            Map<String, Object> latency = get(r, "latencyLastHour");
            r.put("latencyText", latency.get("p50Ms") == null ? "–" : latency.get("p50Ms") + " / " + latency.get("p99Ms"));
            Map<String, Object> last = get(r, "lastError");
            if (last != null) {
                last.put("atText", when(last.get("at")));
            }
        }
        model.put("rows", rows);
        model.put("none", rows.isEmpty());
        model.put("types", TestEvents.types());
        model.put("testEvents", AccessScope.of(exchange).isAll()); // signed with the hub's own secret, to its own webhook
        List<Map<String, Object>> refusals = api.tenantRefusals(AccessScope.of(exchange));
        model.put("refusals", refusals);
        model.put("hasRefusals", !refusals.isEmpty());
        model.put("refresh", "/console/destinations?fragment=table" + (view.isAll() ? "" : "&tenant=" + enc(view.tenant())));
        if (replayForm != null && Forms.first(exchange, "fragment") == null) {
            replayForm.fill(model, exchange, false);
        }
        respond(exchange, model, "destinations", "destinations-table");
    }

    /** GET /console/dead-letters: parked deliveries to select and replay, or replay all of a destination. */
    public void deadLetters(Exchange exchange) throws Exception {
        Map<String, Object> model = base(exchange, "Dead letters", "deadLetters");
        String destination = Forms.first(exchange, "destination");
        if (destination != null && !NAME.matcher(destination).matches()) {
            throw new HttpRejection(400, "invalid_destination", "destination must be a destination name.");
        }
        AccessScope view = TenantPicker.view(exchange);
        TenantPicker.fill(model, exchange, api.getCamelContext());
        Map<String, Object> list = api.deadLetters().parkedList(view, destination, 500);
        List<Map<String, Object>> items = get(list, "deadLetters");
        for (Map<String, Object> d : items) {
            d.put("parkedText", when(d.get("parkedAt")));
        }
        model.put("items", items);
        model.put("count", list.get("count"));
        model.put("none", items.isEmpty());
        model.put("more", ((Integer) list.get("count")) > items.size());
        model.put("shown", items.size());
        List<Map<String, Object>> byDestination = new ArrayList<>();
        api.deadLetters().parkedCounts(view).forEach((name, n) -> byDestination.add(Map.of("destination", name, "count", n,
                "selected", name.equals(destination))));
        model.put("byDestination", byDestination);
        model.put("destination", destination);
        if ("replayed".equals(Forms.first(exchange, "notice"))) {
            model.put("notice", "Replayed " + Forms.number(exchange, "count") + " parked deliveries.");
        } else if (ReplayForm.notice(exchange) != null) {
            model.put("notice", ReplayForm.notice(exchange));
        }
        if (replayForm != null) { // bulk replay by filter: the form, its preview for the chosen destination, the latest replays
            replayForm.fill(model, exchange, true);
        }
        respond(exchange, model, "dead-letters", null);
    }

    // ------------------------------------------------------------------ actions (POST, after consoleSecurity.action)

    /** POST /console/events/{id}/redeliver: destination */
    public void redeliver(Exchange exchange) throws Exception {
        String id = exchange.getIn().getHeader("id", String.class);
        String destination = Forms.read(exchange).get("destination");
        api.redeliver(AccessScope.of(exchange), id, destination, exchange.getProperty(EventHistory.ACTOR, String.class));
        ConsoleView.redirect(exchange, "/console/events/" + enc(id) + "?notice=redelivered&destination=" + enc(destination));
    }

    /** POST /console/dead-letters/replay: the selected ids, or all of a destination (optionally of one event). */
    public void replay(Exchange exchange) throws Exception {
        Map<String, List<String>> form = Forms.all(exchange);
        Map<String, String> first = Forms.read(exchange);
        String actor = exchange.getProperty(EventHistory.ACTOR, String.class);
        String eventId = first.get("eventId");
        if (eventId != null && !EVENT_ID.matcher(eventId).matches()) {
            throw new HttpRejection(400, "invalid_event_id", "eventId must be a Storeganise event id.");
        }
        int replayed;
        List<String> ids = form.getOrDefault("id", List.of());
        if (!ids.isEmpty()) {
            replayed = api.deadLetters().replayMessages(ids, AccessScope.of(exchange), actor);
        } else if ("true".equals(first.get("all")) || eventId != null) {
            replayed = api.deadLetters().replayDestination(first.get("destination"), eventId, AccessScope.of(exchange), actor);
        } else {
            throw new HttpRejection(400, "selection_required", "Select parked deliveries to replay, or replay all of a destination.");
        }
        if (eventId != null) {
            ConsoleView.redirect(exchange, "/console/events/" + enc(eventId) + "?notice=replayed&count=" + replayed);
        } else {
            ConsoleView.redirect(exchange, "/console/dead-letters?notice=replayed&count=" + replayed);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The page, or only its live part when the refresh script asks for {@code ?fragment=...}. */
    private void respond(Exchange exchange, Map<String, Object> model, String page, String fragment) {
        view.page(exchange, 200, fragment != null && Forms.first(exchange, "fragment") != null ? fragment : page, model);
    }

    private Map<String, Object> base(Exchange exchange, String title, String nav) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("title", title);
        model.put("signedIn", true);
        model.put("user", exchange.getProperty(ConsoleSecurity.USER));
        model.put("csrf", exchange.getProperty(ConsoleSecurity.CSRF));
        model.put("nav_" + nav, true);
        model.put("refreshMillis", refreshSeconds * 1000);
        return model;
    }

    private List<Map<String, Object>> destinationOptions(Predicate<String> shown, String selected) {
        return api.destinationRegistry().names(shown).stream()
                .map(name -> Map.<String, Object>of("name", name, "selected", name.equals(selected))).toList();
    }

    @SuppressWarnings("unchecked") // the history API's maps: their shapes are its documented answers
    private static <T> T get(Map<String, ?> map, String key) {
        return (T) map.get(key);
    }

    private static String pretty(Object json) {
        if (json == null) {
            return null;
        }
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json);
        } catch (Exception e) {
            return String.valueOf(json);
        }
    }

    /** 2026-11-21T10:02:30.046Z as 2026-11-21 10:02:30 UTC. */
    static String when(Object iso) {
        if (iso == null) {
            return null;
        }
        String s = iso.toString();
        if (s.length() < 19) {
            return s;
        }
        return s.substring(0, 10) + " " + s.substring(11, 19) + " UTC";
    }

    private static String query(Map<String, String> parameters) {
        List<String> parts = new ArrayList<>();
        parameters.forEach((k, v) -> parts.add(enc(k) + "=" + enc(v)));
        return String.join("&", parts);
    }

    static String enc(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ configuration

    public void setApi(HistoryApi api) {
        this.api = api;
    }

    public void setReplayForm(ReplayForm replayForm) {
        this.replayForm = replayForm;
    }

    public void setTraceUrl(String traceUrl) {
        this.traceLinks = new TraceLinks(traceUrl);
    }

    public void setView(ConsoleView view) {
        this.view = view;
    }

    public void setRefreshSeconds(int refreshSeconds) {
        this.refreshSeconds = refreshSeconds;
    }
}
