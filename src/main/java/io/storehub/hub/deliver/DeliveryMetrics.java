package io.storehub.hub.deliver;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.storehub.hub.support.HubCounters;
import io.storehub.hub.support.TenantKeys;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * {@code storeganise.delivery.latency} (tags {@code destination}, {@code tenant}): webhook acknowledged to
 * delivered, end to end, with p50/p95/p99 and a histogram (camel-micrometer's timer only spans one exchange).
 */
public class DeliveryMetrics implements Processor, CamelContextAware {

    private CamelContext camelContext;
    private MeterRegistry meterRegistry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    @Override
    public void process(Exchange exchange) {
        Long receivedAt = exchange.getProperty(DestinationRegistry.RECEIVED_AT, Long.class);
        String destination = exchange.getProperty(DestinationRegistry.DESTINATION, String.class);
        MeterRegistry registry = registry();
        if (receivedAt == null || destination == null || registry == null) {
            return;
        }
        timers.computeIfAbsent(destination, d -> Timer.builder("storeganise.delivery.latency")
                        .description("Webhook acknowledged to delivered, per destination")
                        .tag("destination", d)
                        .tag(HubCounters.TENANT, TenantKeys.label(TenantKeys.tenantOf(d)))
                        .publishPercentiles(0.5, 0.95, 0.99)
                        .publishPercentileHistogram()
                        // retries and rate limits make hours possible; the histogram must reach that far
                        .minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofHours(2))
                        .distributionStatisticExpiry(Duration.ofMinutes(2))
                        .register(registry))
                .record(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - receivedAt)));
    }

    private MeterRegistry registry() {
        if (meterRegistry == null && camelContext != null) {
            meterRegistry = camelContext.getRegistry().findSingleByType(MeterRegistry.class);
        }
        return meterRegistry;
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
