package io.storehub.hub.deliver;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.storehub.hub.support.Headers;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscriptions in configuration order, and which of them an enriched event matches: by its type
 * (the globs), then by the subscription's filter, a Camel simple predicate on the enriched event.
 */
final class Subscriptions {

    /** Logged under the registry's name, as the operators know it. */
    private static final Logger LOG = LoggerFactory.getLogger(DestinationRegistry.class);

    private final List<Subscription> all;
    private final Set<String> filterFailuresLogged = ConcurrentHashMap.newKeySet();

    Subscriptions(List<Subscription> all) {
        this.all = List.copyOf(all);
    }

    /**
     * Adds to {@code to} the destinations of the subscriptions the event matches, and to {@code skipped}
     * those of the subscriptions whose type matched but whose filter did not.
     */
    void match(String type, Exchange exchange, Set<String> to, Set<String> skipped) {
        for (Subscription s : all) {
            if (s.matchesType(type)) {
                if (passes(s, exchange)) {
                    to.addAll(s.to());
                } else {
                    skipped.addAll(s.to());
                }
            }
        }
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
}
