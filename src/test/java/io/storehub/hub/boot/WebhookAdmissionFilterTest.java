package io.storehub.hub.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import io.storehub.hub.ingest.IngestPressure;
import jakarta.servlet.Filter;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * The servlet filter bounds the webhooks in the hub, not the connections: a webhook arriving while
 * max-in-flight are being handled is answered 503 over_capacity with Retry-After and a JSON reason,
 * at once and without reaching the route; once they are answered, the next one is taken in again.
 */
class WebhookAdmissionFilterTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Filter filter = new WebhookRequestFilter().webhookRequests("/webhooks/storeganise", 1024, 1, 1 << 20,
            new StaticListableBeanFactory(Map.of("meters", meters)).getBeanProvider(MeterRegistry.class)).getFilter();

    @Test
    void aWebhookOverMaxInFlightIsAnswered503WithRetryAfterAndTheNextOneAfterwardsIsTakenIn() throws Exception {
        AtomicReference<MockHttpServletResponse> whileBusy = new AtomicReference<>();
        MockHttpServletResponse first = new MockHttpServletResponse();

        filter.doFilter(webhook(), first, (request, response) -> {
            // the first webhook is still being handled when the second arrives
            MockHttpServletResponse second = new MockHttpServletResponse();
            filter.doFilter(webhook(), second, (r, s) -> ((MockHttpServletResponse) s).setStatus(200));
            whileBusy.set(second);
            ((MockHttpServletResponse) response).setStatus(200);
        });

        assertThat(first.getStatus()).isEqualTo(200);
        assertThat(whileBusy.get().getStatus()).isEqualTo(503);
        assertThat(whileBusy.get().getHeader("Retry-After")).isEqualTo("1");
        assertThat(whileBusy.get().getContentType()).startsWith("application/json");
        assertThat(whileBusy.get().getContentAsString()).contains("\"error\":\"over_capacity\"");
        assertThat(meters.get("storeganise.webhook.received").tag("reason", "over_capacity").tag("tenant", "unknown").counter().count())
                .as("counted with the route's refusals, before the tenant of the URL is read").isEqualTo(1.0);

        MockHttpServletResponse later = new MockHttpServletResponse();
        filter.doFilter(webhook(), later, (r, s) -> ((MockHttpServletResponse) s).setStatus(200));
        assertThat(later.getStatus()).as("taken in once the first was answered").isEqualTo(200);
    }

    @Test
    void theRouteIsToldWhenTheFilterTookTheWebhookInSoItsDeadlineCountsTheWaitForAThread() throws Exception {
        MockHttpServletRequest forged = webhook();
        forged.addHeader(IngestPressure.ADMITTED_AT, "1");
        AtomicReference<String> seen = new AtomicReference<>();
        long before = System.nanoTime();

        filter.doFilter(forged, new MockHttpServletResponse(), (request, response) -> {
            jakarta.servlet.http.HttpServletRequest http = (jakarta.servlet.http.HttpServletRequest) request;
            seen.set(http.getHeader(IngestPressure.ADMITTED_AT));
            assertThat(Collections.list(http.getHeaders(IngestPressure.ADMITTED_AT))).hasSize(1);
            assertThat(Collections.list(http.getHeaderNames())).containsOnlyOnce(IngestPressure.ADMITTED_AT);
        });

        assertThat(Long.parseLong(seen.get())).as("the filter's time, not the client's").isBetween(before, System.nanoTime());
    }

    private static MockHttpServletRequest webhook() {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/webhooks/storeganise");
        request.setContentType("application/json");
        request.setContent("{\"id\":\"x\"}".getBytes());
        return request;
    }
}
