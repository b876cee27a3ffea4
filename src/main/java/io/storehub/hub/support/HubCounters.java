package io.storehub.hub.support;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;

/**
 * The hub's counters, one method per counter called from the routes, each tagged {@code tenant}.
 * Replaces {@code toD micrometer:counter:...} steps, whose per-message endpoint lookup cost more than
 * the counting. Without a MeterRegistry the calls do nothing.
 */
public class HubCounters {

    /** The tag every counter of the hub carries. */
    public static final String TENANT = "tenant";

    private volatile MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public void unknownType(Exchange exchange) {
        count(exchange, "storeganise.events.unknown", "Events of a type the hub does not know", "type", header(exchange, Headers.EVENT_TYPE));
    }

    public void processed(Exchange exchange) {
        count(exchange, "storeganise.events.processed", "Events enriched and handed to delivery",
                "family", header(exchange, Headers.FAMILY), "type", header(exchange, Headers.EVENT_TYPE));
    }

    public void unsubscribed(Exchange exchange) {
        count(exchange, "storeganise.events.unsubscribed", "Events no subscription matched", "type", header(exchange, Headers.EVENT_TYPE));
    }

    public void queued(Exchange exchange) {
        count(exchange, "storeganise.deliveries.queued", "Deliveries queued, per destination", "destination", header(exchange, "SgDestination"));
    }

    /** {@code outcome}: delivered, duplicate (already delivered, not sent again) or deferred (rate limit). */
    public void delivery(Exchange exchange, String outcome) {
        count(exchange, "storeganise.deliveries", "Deliveries by destination and outcome",
                "destination", property(exchange, "SgDestination"), "outcome", outcome);
    }

    /** Queued again for later, not as a failed attempt: a delivery (outcome deferred) or an event waiting behind its entity. */
    public void deferred(Exchange exchange) {
        if (exchange.getProperty("SgDestination") != null) {
            delivery(exchange, "deferred");
        } else {
            count(exchange, "storeganise.events.deferred", "Events queued again to wait behind an earlier event of their entity",
                    "type", header(exchange, Headers.EVENT_TYPE));
        }
    }

    /** After the retry policy decided: tag action = retry or park. */
    public void processingFailure(Exchange exchange) {
        count(exchange, "storeganise.processing.failures", "Failed processing attempts of queued messages",
                "queue", property(exchange, "SgQueue"), "action", header(exchange, RetryPolicy.ACTION));
    }

    public void lookup(Exchange exchange) {
        count(exchange, "storeganise.enrich.lookups", "Storeganise API look-ups by resource and outcome",
                "resource", property(exchange, "SgApiResource"), "outcome", property(exchange, "SgApiOutcome"));
    }

    private void count(Exchange exchange, String name, String description, String... tags) {
        MeterRegistry meters = registry(exchange.getContext());
        if (meters == null) {
            return;
        }
        String tenant = tenant(exchange);
        String key = name + '|' + tenant + '|' + String.join("|", tags);
        Counter counter = counters.get(key);
        if (counter == null) { // a plain get first: the capturing lambda below would be allocated at every count
            counter = counters.computeIfAbsent(key, k -> Counter.builder(name).description(description).tags(tags)
                    .tag(TENANT, tenant).register(meters));
        }
        counter.increment();
    }

    /** The event's tenant (header set at ingest), else the destination's ({@code acme~sink}), else {@code none}. */
    static String tenant(Exchange exchange) {
        String tenant = exchange.getMessage().getHeader(Headers.TENANT, String.class);
        if (tenant == null) {
            Object destination = exchange.getProperty("SgDestination");
            tenant = TenantKeys.tenantOf(destination instanceof String d ? d : exchange.getMessage().getHeader("SgDestination", String.class));
        }
        return TenantKeys.label(tenant);
    }

    private static String header(Exchange exchange, String name) {
        String value = exchange.getMessage().getHeader(name, String.class);
        return value == null ? "none" : value;
    }

    private static String property(Exchange exchange, String name) {
        String value = exchange.getProperty(name, String.class);
        return value == null ? "none" : value;
    }

    private MeterRegistry registry(CamelContext camelContext) {
        MeterRegistry r = registry;
        if (r == null) {
            r = camelContext.getRegistry().findSingleByType(MeterRegistry.class);
            registry = r;
        }
        return r;
    }

    public void setMeterRegistry(MeterRegistry registry) {
        this.registry = registry;
    }
}
