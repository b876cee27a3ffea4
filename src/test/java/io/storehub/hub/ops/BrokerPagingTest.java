package io.storehub.hub.ops;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.storehub.hub.support.DispatchedEvents;
import io.storehub.hub.support.HubProcess;
import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.Webhooks;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.paging.PagingStore;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A backlog larger than storeganise.broker.global-max-size is paged to the data directory instead of
 * being held in the heap, and waits there durably: after a restart every paged event is processed,
 * each once.
 */
class BrokerPagingTest {

    private static final int GLOBAL_MAX_BYTES = 64 * 1024;
    private static final int EVENTS = 150;

    @TempDir
    Path dataDir;

    @Test
    void aBacklogBeyondTheGlobalMaxSizeIsPagedToDiskAndProcessedOnceAfterARestart() throws Exception {
        String[] settings = {"storeganise.dispatch.enabled=false", "storeganise.broker.global-max-size=" + GLOBAL_MAX_BYTES + "B",
                "storeganise.broker.page-size=16KB"};
        List<String> ids = new ArrayList<>();
        ConfigurableApplicationContext hub = HubProcess.start(dataDir, settings);
        try {
            for (int i = 0; i < EVENTS; i++) {
                String id = Webhooks.newId();
                String body = Webhooks.event(id, "unitRental.invoice.created");
                HttpResponse<String> response = Webhooks.post(HubProcess.webhookUrl(hub), body, Webhooks.sign(HubTestSupport.SECRET, body));
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                ids.add(id);
            }
            PagingStore events = hub.getBean(EmbeddedActiveMQ.class).getActiveMQServer().getPagingManager()
                    .getPageStore(SimpleString.of("storeganise.events"));
            assertThat(events.isPaging()).isTrue();
            assertThat(events.getNumberOfPages()).isPositive();
            // what the broker holds in memory stays near the limit (the message that crossed it included)
            assertThat(events.getAddressSize()).isLessThan(2L * GLOBAL_MAX_BYTES);
        } finally {
            hub.close();
        }

        hub = HubProcess.start(dataDir, settings);
        try {
            CamelContext camel = HubProcess.camel(hub);
            DispatchedEvents processed = DispatchedEvents.recordOn(camel);
            camel.getRouteController().startRoute("dispatch-events");

            await().atMost(Duration.ofSeconds(60)).until(() -> processed.containsAll(ids));
            assertThat(processed.inOrder()).hasSize(ids.size()); // each exactly once
        } finally {
            hub.close();
        }
    }
}
