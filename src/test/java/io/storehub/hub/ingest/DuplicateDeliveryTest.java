package io.storehub.hub.ingest;

import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.Webhooks;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;

import static org.apache.camel.builder.Builder.header;
import static org.assertj.core.api.Assertions.assertThat;

class DuplicateDeliveryTest extends HubTestSupport {

    @Test
    void aRepeatedDeliveryIsAcknowledgedAsDuplicateAndProcessedOnce() {
        String id = Webhooks.newId();
        String body = Webhooks.event(id, "job.unit_moveIn.created");
        // exchanges taken from the events queue (fromCurrentRoute would count each endpoint a route sends to,
        // and direct:deliver sends one message per destination)
        NotifyBuilder processed = new NotifyBuilder(camelContext).fromRoute("dispatch-events")
                .filter(header("SgEventId").isEqualTo(id)).whenDone(1).create();
        NotifyBuilder processedTwice = new NotifyBuilder(camelContext).fromRoute("dispatch-events")
                .filter(header("SgEventId").isEqualTo(id)).whenDone(2).create();

        HttpResponse<String> first = postSigned(body);
        HttpResponse<String> retry = postSigned(body);
        // Storeganise's retry may differ in form (e.g. signed over the re-serialised body); same id, same event
        HttpResponse<String> reformatted = Webhooks.post(webhookUrl(), body.replace(",", ", "), Webhooks.sign(SECRET, body));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("{\"status\":\"accepted\",\"id\":\"" + id + "\"}");
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.body()).isEqualTo("{\"status\":\"duplicate\",\"id\":\"" + id + "\"}");
        assertThat(reformatted.body()).isEqualTo("{\"status\":\"duplicate\",\"id\":\"" + id + "\"}");
        assertThat(processed.matches(10, TimeUnit.SECONDS)).isTrue();
        // the queue is drained within milliseconds; two seconds more without a second pass means it was stored once
        assertThat(processedTwice.matches(2, TimeUnit.SECONDS)).isFalse();
    }
}
