package io.storehub.hub.deliver;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A burst of deliveries to one Slack webhook that, like Slack, refuses more than 8 messages in any
 * rolling second: with the destination's rate limit (4/s) the burst is smoothed and nothing is
 * refused; without it (the control) the same burst is answered 429.
 */
class DeliveryRateLimitTest extends DeliverTestSupport {

    private static final int BURST = 16;

    @BeforeEach
    void slackLimitsLikeSlack() {
        servicesAnswerOk();
        for (String path : List.of(BURST_WEBHOOK_PATH, UNLIMITED_WEBHOOK_PATH)) {
            SLACK.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200).withBody("ok")
                    .withTransformers(RollingWindowLimit.NAME).withTransformerParameter("perSecond", 8)));
        }
    }

    @Test
    void aBurstToARateLimitedSlackWebhookIsSmoothedNotRefused() throws Exception {
        double delivered = deliveries("burst", "delivered");
        double deferred = deliveries("burst", "deferred");

        for (int i = 0; i < BURST; i++) {
            String id = Webhooks.newId();
            queueDelivery(id, "user.updated", "burst", enriched(id, "user.updated", Map.of("userId", id), Map.of()));
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> deliveries("burst", "delivered") == delivered + BURST);
        List<LoggedRequest> requests = SLACK.findAll(postRequestedFor(urlPathEqualTo(BURST_WEBHOOK_PATH)));
        assertThat(requests).as("every message accepted at the first try: no 429").hasSize(BURST);
        long first = requests.stream().mapToLong(r -> r.getLoggedDate().getTime()).min().orElseThrow();
        long last = requests.stream().mapToLong(r -> r.getLoggedDate().getTime()).max().orElseThrow();
        // 16 at 4 per second: four rate-limit periods, so at least three seconds from the first to the last
        assertThat(last - first).isGreaterThanOrEqualTo(2900);
        assertThat(deliveries("burst", "deferred")).as("the burst waited in the queue, not on consumer threads").isGreaterThan(deferred);
    }

    @Test
    void theSameBurstWithoutARateLimitIsRefusedBySlack() throws Exception {
        double delivered = deliveries("burst-unlimited", "delivered");

        for (int i = 0; i < BURST; i++) {
            String id = Webhooks.newId();
            queueDelivery(id, "user.updated", "burst-unlimited", enriched(id, "user.updated", Map.of("userId", id), Map.of()));
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> deliveries("burst-unlimited", "delivered") == delivered + BURST);
        assertThat(SLACK.findAll(postRequestedFor(urlPathEqualTo(UNLIMITED_WEBHOOK_PATH))))
                .as("some were answered 429 and retried").hasSizeGreaterThan(BURST);
    }
}
