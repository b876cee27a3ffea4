package io.storehub.hub.deliver;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * How direct:attempt-delivery takes back what the destination's route did on its copy: the {@code Sg*}
 * properties, the failure, and {@link #SKIPPED} when the route stopped on purpose (a recipe with nothing
 * to do), which otherwise would stop the delivery before it is counted and its lane moved on.
 */
public class DeliveryResult implements AggregationStrategy {

    public static final String SKIPPED = "SgSkipped";

    @Override
    public Exchange aggregate(Exchange original, Exchange sent) {
        if (sent == null) {
            return original;
        }
        sent.getProperties().forEach((name, value) -> {
            if (name.startsWith("Sg")) {
                original.setProperty(name, value);
            }
        });
        if (sent.getException() != null) {
            original.setException(sent.getException());
        } else if (sent.isRouteStop()) {
            original.setProperty(SKIPPED, true);
        }
        return original;
    }
}
