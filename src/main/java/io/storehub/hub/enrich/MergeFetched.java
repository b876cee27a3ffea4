package io.storehub.hub.enrich;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.storehub.hub.support.JsonPaths;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Puts what was fetched into the enriched event (template {@code storeganise-fetch}'s aggregation),
 * lifting a rental's {@code unit} and an owner to {@code customer}; what could not be had goes in
 * {@code missing}. A failed fetch hands only its exception back: with the fetch route's "exhausted"
 * verdict too, the consumer would roll its JMS transaction back instead of retrying or parking.
 */
public class MergeFetched implements AggregationStrategy {

    public static final String MISSING = "missing";

    private StoreganiseRetries retries;

    @Override
    public Exchange aggregate(Exchange original, Exchange fetched) {
        // the request was prepared on the event's exchange (and copied to the fetch): it ends here
        StoreganiseApi.clear(original);
        if (fetched != null && fetched.getException() != null) {
            Throwable failure = retries != null ? retries.failure(fetched.getException()) : fetched.getException();
            original.setException(failure instanceof Exception e ? e : new RuntimeException(failure));
            return original;
        }
        Map<String, Object> event = JsonPaths.map(original.getMessage().getBody(), null);
        if (event == null || fetched == null) {
            return original;
        }
        String outcome = fetched.getProperty(StoreganiseApi.OUTCOME, String.class);
        String as = fetched.getProperty(StoreganiseApi.AS, String.class);
        StoreganiseResource resource = StoreganiseResource.of(fetched.getProperty(StoreganiseApi.RESOURCE, String.class));
        Object value = fetched.getMessage().getBody();
        if ((StoreganiseApi.FOUND.equals(outcome) || StoreganiseApi.CACHED.equals(outcome)) && value != null) {
            if ("customer".equals(as)) {
                mergeCustomer(event, value);
            } else {
                event.put(as, value);
            }
            if (as.equals(resource.key())) {
                lift(event, resource, value);
            }
        } else if (!StoreganiseApi.NO_ID.equals(outcome)) {
            addMissing(event, as);
        }
        return original;
    }

    private static void lift(Map<String, Object> event, StoreganiseResource resource, Object value) {
        switch (resource) {
            case UNIT_RENTAL -> {
                Object unit = JsonPaths.get(value, "unit");
                if (unit instanceof Map<?, ?> && !event.containsKey("unit")) {
                    event.put("unit", unit);
                }
                mergeCustomer(event, JsonPaths.get(value, "owner"));
            }
            case INVOICE -> mergeCustomer(event, JsonPaths.get(value, "owner"));
            default -> {
            }
        }
    }

    /** The customer is the union of what the rental's owner, the invoice's owner and the user say. */
    @SuppressWarnings("unchecked")
    private static void mergeCustomer(Map<String, Object> event, Object owner) {
        if (!(owner instanceof Map<?, ?> fields)) {
            return;
        }
        Map<String, Object> customer = new LinkedHashMap<>();
        if (event.get("customer") instanceof Map<?, ?> known) {
            Object knownId = known.get("id");
            Object newId = fields.get("id");
            if (knownId != null && newId != null && !knownId.equals(newId)) {
                return; // another person (e.g. an invoice paid by someone else): keep the first
            }
            customer.putAll((Map<String, Object>) known);
        }
        customer.putAll((Map<String, Object>) fields);
        event.put("customer", customer);
        List<Object> missing = missing(event);
        if (missing != null) {
            missing.remove("customer");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Object> missing(Map<String, Object> event) {
        return event.get(MISSING) instanceof List<?> list ? (List<Object>) list : null;
    }

    /** Translates fetch failures for the queue (see {@link StoreganiseRetries#failure}). */
    public void setRetries(StoreganiseRetries retries) {
        this.retries = retries;
    }

    static void addMissing(Map<String, Object> event, String name) {
        List<Object> missing = missing(event);
        if (missing == null) {
            missing = new ArrayList<>();
            event.put(MISSING, missing);
        }
        if (!missing.contains(name)) {
            missing.add(name);
        }
    }
}
