package io.storehub.hub.enrich;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.ExchangeHelper;

/**
 * Sends the exchange to one endpoint through a resilience4j circuit breaker and bulkhead, standing in
 * for camel-resilience4j's EIP (no Camel Quarkus extension). The call runs on a copy of the exchange:
 * only a success comes back, so the API key's header never reaches the caller, its error handler or a
 * dead letter. Not a retry: the caller's error handler retries.
 */
public class CircuitBreakerCall implements Processor, CamelContextAware {

    private CamelContext camelContext;
    private volatile ProducerTemplate template;
    /** The hub's breaker and bulkhead; a tenant's calls go to its own Storeganise API: its own pair (docs/tenants.md). */
    private volatile Map.Entry<CircuitBreaker, Bulkhead> guard;
    private final Map<String, Map.Entry<CircuitBreaker, Bulkhead>> perTenant = new ConcurrentHashMap<>();

    private String name = "call";
    private String uri;
    private float failureRateThreshold = 50;
    private int minimumNumberOfCalls = 10;
    private int slidingWindowSize = 20;
    private long waitDurationInOpenStateSeconds = 30;
    private int permittedNumberOfCallsInHalfOpenState = 2;
    private int maxConcurrentCalls = 2;
    private long maxWaitForSlotMillis = 60_000;

    /** YAML bean initMethod. */
    public synchronized void init() {
        if (uri == null || uri.isBlank()) {
            throw new IllegalStateException("CircuitBreakerCall " + name + ": no uri to call");
        }
        guard = guard(name);
    }

    private Map.Entry<CircuitBreaker, Bulkhead> guard(String name) {
        return Map.entry(breaker(name), bulkhead(name));
    }

    private CircuitBreaker breaker(String name) {
        return CircuitBreaker.of(name, CircuitBreakerConfig.custom()
                .failureRateThreshold(failureRateThreshold)
                .minimumNumberOfCalls(minimumNumberOfCalls)
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(slidingWindowSize)
                .waitDurationInOpenState(Duration.ofSeconds(waitDurationInOpenStateSeconds))
                .permittedNumberOfCallsInHalfOpenState(permittedNumberOfCallsInHalfOpenState)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .build());
    }

    private Bulkhead bulkhead(String name) {
        return Bulkhead.of(name, BulkheadConfig.custom()
                .maxConcurrentCalls(maxConcurrentCalls)
                .maxWaitDuration(Duration.ofMillis(maxWaitForSlotMillis))
                .fairCallHandlingStrategyEnabled(true)
                .build());
    }

    @Override
    public void process(Exchange exchange) {
        if (guard == null) {
            init(); // declared without initMethod
        }
        String tenant = exchange.getProperty(StoreganiseApi.TENANT, String.class);
        Map.Entry<CircuitBreaker, Bulkhead> guard = tenant == null ? this.guard
                : perTenant.computeIfAbsent(tenant, t -> guard(name + "-" + t));
        Exchange copy = ExchangeHelper.createCorrelatedCopy(exchange, false);
        Callable<Exchange> call = () -> {
            Exchange done = template().send(uri, copy);
            if (done.getException() != null) {
                throw done.getException();
            }
            return done;
        };
        try {
            CircuitBreaker.decorateCallable(guard.getKey(), Bulkhead.decorateCallable(guard.getValue(), call)).call();
            ExchangeHelper.copyResults(exchange, copy);
        } catch (Exception failure) {
            exchange.setException(failure);
        }
    }

    private ProducerTemplate template() {
        ProducerTemplate t = template;
        if (t == null) {
            synchronized (this) {
                t = template;
                if (t == null) {
                    t = camelContext.createProducerTemplate();
                    template = t;
                }
            }
        }
        return t;
    }

    /** CLOSED, OPEN, HALF_OPEN, ... (health check and tests). */
    public String getState() {
        Map.Entry<CircuitBreaker, Bulkhead> hub = guard;
        return hub == null ? CircuitBreaker.State.CLOSED.name() : hub.getKey().getState().name();
    }

    /** Back to closed with no recorded calls (tests start from a clean state). */
    public void reset() {
        Map.Entry<CircuitBreaker, Bulkhead> hub = guard;
        if (hub != null) {
            hub.getKey().reset();
        }
        perTenant.clear();
    }

    // ---- configuration (YAML bean properties) ----

    public void setName(String name) {
        this.name = name;
    }

    /** The endpoint the guarded call goes to, e.g. direct:storeganise-call. */
    public void setUri(String uri) {
        this.uri = uri;
    }

    /** Percentage of failed calls in the sliding window that opens the breaker. */
    public void setFailureRateThreshold(float failureRateThreshold) {
        this.failureRateThreshold = failureRateThreshold;
    }

    public void setMinimumNumberOfCalls(int minimumNumberOfCalls) {
        this.minimumNumberOfCalls = minimumNumberOfCalls;
    }

    public void setSlidingWindowSize(int slidingWindowSize) {
        this.slidingWindowSize = slidingWindowSize;
    }

    public void setWaitDurationInOpenStateSeconds(long seconds) {
        this.waitDurationInOpenStateSeconds = seconds;
    }

    public void setPermittedNumberOfCallsInHalfOpenState(int calls) {
        this.permittedNumberOfCallsInHalfOpenState = calls;
    }

    /** Bulkhead: calls in flight at once (per hub instance, and per tenant: each tenant its own). */
    public void setMaxConcurrentCalls(int maxConcurrentCalls) {
        this.maxConcurrentCalls = maxConcurrentCalls;
    }

    /** Bulkhead: how long a call waits for a slot before it fails. */
    public void setMaxWaitForSlotMillis(long maxWaitForSlotMillis) {
        this.maxWaitForSlotMillis = maxWaitForSlotMillis;
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
