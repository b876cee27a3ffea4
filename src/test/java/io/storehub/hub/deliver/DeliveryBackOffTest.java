package io.storehub.hub.deliver;

import java.time.Duration;
import java.util.Map;

import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Deliveries are tried at once by the dispatch consumer; a destination that keeps failing backs off, so
 * its new deliveries are queued for later instead of holding the consumer, and the first success ends it.
 * (Destination "flaky": subscribed to unit.*, back-off after 3 failures in a row, 1 s then 2 s here.)
 */
class DeliveryBackOffTest extends DeliverTestSupport {

    @BeforeEach
    void services() {
        servicesAnswerOk();
    }

    @Test
    void aDestinationFailingThreeTimesInARowBacksOffAndRecoversWithItsFirstSuccess() throws Exception {
        CRM.stubFor(post(urlPathEqualTo(FLAKY_PATH)).willReturn(aResponse().withStatus(503).withBody("down for maintenance")));
        double delivered = deliveries("flaky", "delivered"); // other test classes deliver to "flaky" too
        stopQueuedDeliveries();
        try {
            for (int i = 0; i < 3; i++) {
                String id = Webhooks.newId();
                deliver(siteEvent(id));
                assertThat(requestsMentioning(CRM, id)).as("tried at once, while the destination had not failed 3 times").hasSize(1);
                // its retry is queued, scheduled (a browser sees it once it is due)
                await().atMost(Duration.ofSeconds(10)).until(() -> queued("storeganise.deliveries", "SgEventId = '" + id + "'") == 1);
            }

            String held = Webhooks.newId();
            deliver(siteEvent(held));
            assertThat(requestsMentioning(CRM, held)).as("backing off: not tried at once").isEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() -> queued("storeganise.deliveries", "SgEventId = '" + held + "'") == 1);
            assertThat(requestsMentioning(CRM, held)).as("queued, not tried").isEmpty();

            CRM.stubFor(post(urlPathEqualTo(FLAKY_PATH)).willReturn(okJson("{\"received\":true}")));
        } finally {
            camelContext.getRouteController().startRoute("deliver-to-destination");
        }
        // the queued deliveries (3 retries and the held one) go out once the back-off is over
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveries("flaky", "delivered") >= delivered + 4);
        assertThat(deliveries("flaky", "delivered")).as("each once").isEqualTo(delivered + 4);

        String after = Webhooks.newId();
        deliver(siteEvent(after));
        assertThat(requestsMentioning(CRM, after)).as("recovered: tried at once again").hasSize(1);
        assertThat(queued("storeganise.deliveries", "SgEventId = '" + after + "'")).isZero();
    }

    private void stopQueuedDeliveries() throws Exception {
        camelContext.getRouteController().stopRoute("deliver-to-destination");
    }

    private static Map<String, Object> siteEvent(String id) {
        return enriched(id, "unit.blocked", Map.of("unitId", id), Map.of());
    }
}
