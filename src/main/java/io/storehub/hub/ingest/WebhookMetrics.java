package io.storehub.hub.ingest;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.storehub.hub.support.ErrorResponder;
import io.storehub.hub.support.Headers;
import io.storehub.hub.support.HubCounters;
import io.storehub.hub.support.TenantKeys;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Records a webhook's outcome: counter {@code storeganise.webhook.received} (tenant, type, outcome,
 * reason) and timer {@code storeganise.webhook.ack} (outcome only: a histogram per tenant would add
 * some 70 series each, docs/operations.md). Not camel-micrometer endpoints: too costly per message.
 */
public class WebhookMetrics implements Processor {

    /** Exchange property with the outcome; the error responder and the route set it. */
    public static final String OUTCOME = "SgOutcome";

    private MeterRegistry meterRegistry;
    private IngestPressure pressure;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

    @Override
    public void process(Exchange exchange) {
        long ackMillis = System.currentTimeMillis() - exchange.getClock().getCreated();
        String outcome = exchange.getProperty(OUTCOME, "rejected", String.class);
        String reason = exchange.getProperty(ErrorResponder.REJECT_REASON, "none", String.class);
        String tenant = exchange.getProperty(WebhookTenant.LABEL, TenantKeys.UNKNOWN_TENANT, String.class);
        // a rejected request's type is not trusted (and often not known): keep the tag set bounded
        String type = "rejected".equals(outcome) ? "unknown" : exchange.getMessage().getHeader(Headers.EVENT_TYPE, "unknown", String.class);
        counters.computeIfAbsent(tenant + '|' + type + '|' + outcome + '|' + reason, k -> received(meterRegistry, tenant, type, outcome, reason))
                .increment();
        timers.computeIfAbsent(outcome, k -> Timer.builder("storeganise.webhook.ack")
                        .description("Time from receiving a webhook to answering it")
                        .tag("outcome", outcome)
                        .publishPercentileHistogram()
                        .register(meterRegistry))
                .record(ackMillis, TimeUnit.MILLISECONDS);
        if (pressure != null) {
            pressure.answered(exchange, TimeUnit.MILLISECONDS.toNanos(ackMillis));
        }
    }

    /** The counter of webhooks received with this tenant label, type, outcome and rejection reason (also the servlet filter's refusals). */
    public static Counter received(MeterRegistry registry, String tenant, String type, String outcome, String reason) {
        return Counter.builder("storeganise.webhook.received")
                .description("Webhooks received, by tenant, event type, outcome and rejection reason")
                .tag(HubCounters.TENANT, tenant).tag("type", type).tag("outcome", outcome).tag("reason", reason)
                .register(registry);
    }

    /** Told how long each answer took, so queue consumers give way while webhooks wait (optional). */
    public void setPressure(IngestPressure pressure) {
        this.pressure = pressure;
    }

    public void setMeterRegistry(MeterRegistry meterRegistry) {
        this.meterRegistry = meterRegistry;
    }
}
