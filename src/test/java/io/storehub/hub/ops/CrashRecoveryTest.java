package io.storehub.hub.ops;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.storehub.hub.support.DispatchedEvents;
import io.storehub.hub.support.HubProcess;
import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.Webhooks;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The durability promise: an event answered 200 survives the hub dying the hardest way (SIGKILL,
 * no shutdown hook, nothing flushed by a clean close) and is processed when the hub comes back
 * on the same data directory; and ids recorded before the crash are still known as duplicates.
 */
class CrashRecoveryTest {

    @TempDir
    Path dataDir;

    @Test
    void eventsAcknowledgedBeforeAKillAreProcessedAfterARestart() throws Exception {
        int port = freePort();
        String url = "http://localhost:" + port + "/webhooks/storeganise";
        // consumers stopped: everything acknowledged is still only in the broker journal when the process dies
        Process child = HubProcess.startChild(dataDir, port, Map.of("storeganise.dispatch.enabled", "false"));
        List<String> ids = new ArrayList<>();
        try {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> Webhooks.post(url, "{}", "x").statusCode() == 401);
            for (int i = 0; i < 40; i++) {
                String id = Webhooks.newId();
                String body = Webhooks.event(id, i % 2 == 0 ? "unitRental.invoice.created" : "job.unit_moveIn.created");
                HttpResponse<String> response = Webhooks.post(url, body, Webhooks.sign(HubTestSupport.SECRET, body));
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                ids.add(id);
            }
        } finally {
            child.destroyForcibly().waitFor();
        }

        ConfigurableApplicationContext hub = HubProcess.start(dataDir, "storeganise.dispatch.enabled=false");
        try {
            CamelContext camel = HubProcess.camel(hub);
            DispatchedEvents processed = DispatchedEvents.recordOn(camel);
            camel.getRouteController().startRoute("dispatch-events");

            await().atMost(Duration.ofSeconds(30)).until(() -> processed.containsAll(ids));
            assertThat(processed.inOrder()).hasSize(ids.size()); // each exactly once

            // the dedupe store survived the kill too: Storeganise's retry of an acknowledged delivery is a duplicate
            String again = Webhooks.event(ids.get(0), "unitRental.invoice.created");
            HttpResponse<String> retry = Webhooks.post(HubProcess.webhookUrl(hub), again, Webhooks.sign(HubTestSupport.SECRET, again));
            assertThat(retry.body()).contains("\"status\":\"duplicate\"");
        } finally {
            hub.close();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
