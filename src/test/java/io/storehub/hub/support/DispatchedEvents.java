package io.storehub.hub.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * The ids of the events the dispatch consumer completed without a failure, in completion order
 * (its own exchange per event, not the copies made for the destinations): to check that a backlog
 * is processed, and each event exactly once.
 */
public final class DispatchedEvents extends EventNotifierSupport {

    private final Set<String> ids = ConcurrentHashMap.newKeySet();
    private final List<String> inOrder = new ArrayList<>();

    /** Starts recording on the hub's Camel context (register before starting the dispatch route). */
    public static DispatchedEvents recordOn(CamelContext camel) {
        DispatchedEvents recorder = new DispatchedEvents();
        camel.getManagementStrategy().addEventNotifier(recorder);
        return recorder;
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof CamelEvent.ExchangeCompletedEvent done
                && "dispatch-events".equals(done.getExchange().getFromRouteId())
                && done.getExchange().getProperty(Exchange.CORRELATION_ID) == null
                && done.getExchange().getException() == null) {
            String id = done.getExchange().getMessage().getHeader("SgEventId", String.class);
            ids.add(id);
            synchronized (inOrder) {
                inOrder.add(id);
            }
        }
    }

    public boolean containsAll(List<String> expected) {
        return ids.containsAll(expected);
    }

    /** Every completion, a repeated event as often as it completed. */
    public List<String> inOrder() {
        synchronized (inOrder) {
            return List.copyOf(inOrder);
        }
    }
}
