package io.storehub.hub.deliver;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.storehub.hub.history.EventHistory;
import io.storehub.hub.support.Webhooks;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** At most one successful delivery per (event, destination), whatever is repeated upstream. */
class DeliveryExactlyOnceTest extends DeliverTestSupport {

    @BeforeEach
    void services() {
        servicesAnswerOk();
    }

    @Test
    void aDeliveryRedeliveredAfterItsSuccessWasRecordedIsNotPostedAgain() throws Exception {
        String id = Webhooks.newId();
        Map<String, Object> event = enriched(id, "job.unit_moveIn.completed", Map.of("jobId", id), Map.of());
        double duplicates = deliveries("crm", "duplicate");
        queueDelivery(id, "job.unit_moveIn.completed", "crm", event);
        await().atMost(Duration.ofSeconds(15)).until(() -> requestsMentioning(CRM, id).size() == 1);
        NotifyBuilder handledAgain = whenDeliveryHandled(id, "crm", 1);

        // what the broker does when the hub dies after the send but before the acknowledgement
        queueDelivery(id, "job.unit_moveIn.completed", "crm", event);

        assertThat(handledAgain.matches(15, TimeUnit.SECONDS)).isTrue();
        assertThat(deliveries("crm", "duplicate")).isEqualTo(duplicates + 1);
        assertThat(requestsMentioning(CRM, id)).hasSize(1);
    }

    @Test
    void aDeliveryRedeliveredAfterTheHistoryForgotItsEventIsNotPostedAgain() throws Exception {
        String id = Webhooks.newId();
        Map<String, Object> event = enriched(id, "job.unit_moveIn.completed", Map.of("jobId", id), Map.of());
        deliver(event);
        await().atMost(Duration.ofSeconds(15)).until(() -> requestsMentioning(CRM, id).size() == 1);
        EventHistory history = camelContext.getRegistry().findSingleByType(EventHistory.class);
        await().atMost(Duration.ofSeconds(15)).until(history::caughtUp);
        // max-events or the retention forgets the event's history within the dedupe window
        assertThat(history.purge(Instant.now().plusSeconds(1), Long.MAX_VALUE)).isPositive();
        double duplicates = deliveries("crm", "duplicate");
        NotifyBuilder handledAgain = whenDeliveryHandled(id, "crm", 1);

        queueDelivery(id, "job.unit_moveIn.completed", "crm", event);

        assertThat(handledAgain.matches(15, TimeUnit.SECONDS)).isTrue();
        assertThat(deliveries("crm", "duplicate")).isEqualTo(duplicates + 1);
        assertThat(requestsMentioning(CRM, id)).hasSize(1);
    }

    @Test
    void anEventProcessedAgainIsDeliveredToEachDestinationOnce() throws Exception {
        String id = Webhooks.newId();
        Map<String, Object> event = enriched(id, "job.unit_moveIn.completed", Map.of("jobId", id), Map.of());
        double duplicates = deliveries("crm", "duplicate");
        deliver(event);
        // the event processed again, e.g. redelivered by the broker after the hub died before acknowledging it
        deliver(event);

        assertThat(requestsMentioning(CRM, id)).as("one POST to the CRM").hasSize(1);
        assertThat(deliveries("crm", "duplicate")).as("the second time found delivered").isEqualTo(duplicates + 1);
        assertThat(queued("storeganise.deliveries", "SgEventId = '" + id + "'")).as("nothing queued").isZero();
    }
}
