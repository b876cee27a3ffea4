package io.storehub.hub.dispatch;

import java.util.concurrent.TimeUnit;

import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.Webhooks;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.Exchange;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.Map;

import static org.apache.camel.builder.Builder.header;
import static org.assertj.core.api.Assertions.assertThat;

class ProcessingFailureTest extends HubTestSupport {

    @Autowired
    ConsumerTemplate consumer;

    @Test
    void aMessageThatKeepsFailingIsRetriedWithBackoffThenParkedWithItsReason() {
        String id = Webhooks.newId();
        NotifyBuilder attempts = new NotifyBuilder(camelContext).fromRoute("dispatch-events")
                .filter(header("SgEventId").isEqualTo(id)).whenDone(3).create();

        // a stored message the consumer cannot parse: every attempt fails for real
        producer.sendBodyAndHeaders("jms:queue:storeganise.events?exchangePattern=InOnly", "{ this is not json",
                Map.of("SgEventId", id, "SgEventType", "job.unit_moveIn.created"));

        assertThat(attempts.matches(20, TimeUnit.SECONDS)).as("three attempts (max-attempts=3)").isTrue();
        Exchange parked = receiveFromDeadLetterQueue(id);
        assertThat(parked).as("parked in the dead letter queue").isNotNull();
        assertThat(parked.getMessage().getBody(String.class)).isEqualTo("{ this is not json");
        assertThat(parked.getMessage().getHeader("SgAttempt", Integer.class)).isEqualTo(3);
        assertThat(parked.getMessage().getHeader("SgFailureReason", String.class)).contains("JsonParseException");
        assertThat(parked.getMessage().getHeader("SgFailedAt", String.class)).isNotBlank();
        assertThat(parked.getMessage().getHeader("SgEventType", String.class)).isEqualTo("job.unit_moveIn.created");
    }

    private Exchange receiveFromDeadLetterQueue(String id) {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            Exchange exchange = consumer.receive("jms:queue:storeganise.events.DLQ", 1000);
            if (exchange != null && id.equals(exchange.getMessage().getHeader("SgEventId"))) {
                return exchange;
            }
        }
        return null;
    }
}
