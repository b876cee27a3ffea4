package io.storehub.hub.ops;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.storehub.hub.support.HubProcess;
import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.Received;
import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the hub relies on is on disk before it acknowledges anything, on the embedded defaults (H2 file
 * database, Artemis journal): a hub killed with SIGKILL while webhooks arrive and deliveries flow,
 * restarted on the same data directory,
 * <ul>
 *   <li>answers "duplicate" to every webhook it had acknowledged, up to the last one before the kill (the
 *       dedupe records were committed to the file before each 200);</li>
 *   <li>delivers every acknowledged event, and repeats only deliveries that were in flight at the kill (sent,
 *       their success not yet recorded): a success recorded before the kill is never sent again.</li>
 * </ul>
 */
@Timeout(240)
class CrashDuringDeliveryTest {

    private static final String CRM_PATH = "/hooks/crash";
    private static final int CRM_ANSWERS_AFTER_MS = 300;

    @TempDir
    Path dataDir;

    private final WireMockServer crm = new WireMockServer(options().dynamicPort().containerThreads(60));
    private Process child;

    @AfterEach
    void stop() throws Exception {
        if (child != null) {
            child.destroyForcibly().waitFor();
        }
        crm.stop();
    }

    @Test
    void afterASigkillEveryAcknowledgedWebhookIsADuplicateAndOnlyDeliveriesInFlightAreRepeated() throws Exception {
        crm.start();
        crm.stubFor(post(urlPathEqualTo(CRM_PATH)).willReturn(okJson("{\"received\":true}").withFixedDelay(CRM_ANSWERS_AFTER_MS)));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("storeganise.destinations.crm.type", "http");
        settings.put("storeganise.destinations.crm.url", crm.baseUrl() + CRM_PATH);
        settings.put("storeganise.subscriptions[0].events[0]", "*");
        settings.put("storeganise.subscriptions[0].to[0]", "crm");
        int port = freePort();
        String url = "http://localhost:" + port + "/webhooks/storeganise";

        child = HubProcess.startChild(dataDir, port, settings);
        awaitUp(url);
        // webhooks keep coming (each a different job) until the hub dies under them
        List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean sending = new AtomicBoolean(true);
        Thread storeganise = new Thread(() -> {
            while (sending.get()) {
                String id = Webhooks.newId();
                String body = Webhooks.event(id, "job.unit_moveIn.created", Instant.now(), "{\"jobId\":\"" + Webhooks.newId() + "\"}");
                try {
                    if (Webhooks.post(url, body, Webhooks.sign(HubTestSupport.SECRET, body)).statusCode() == 200) {
                        acknowledged.add(id);
                    }
                } catch (RuntimeException connectionLost) {
                    return;
                }
            }
        });
        storeganise.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> Received.inOrder(crm).size() >= 20);
        child.destroyForcibly().waitFor();
        Instant killedAt = Instant.now();
        sending.set(false);
        storeganise.join();
        int deliveredBefore = Received.inOrder(crm).size();

        child = HubProcess.startChild(dataDir, port, settings);
        awaitUp(url);
        List<String> answers = new ArrayList<>();
        for (String id : List.copyOf(acknowledged)) {
            String body = Webhooks.event(id, "job.unit_moveIn.created", Instant.now(), "{\"jobId\":\"" + Webhooks.newId() + "\"}");
            HttpResponse<String> again = Webhooks.post(url, body, Webhooks.sign(HubTestSupport.SECRET, body));
            answers.add(again.body());
        }
        assertThat(answers).as("Storeganise's retry of each acknowledged webhook, after the kill").allMatch(a -> a.contains("\"duplicate\""));

        await().atMost(Duration.ofSeconds(90)).until(() -> delivered().keySet().containsAll(acknowledged));
        Map<String, List<Received>> repeats = delivered().entrySet().stream().filter(e -> e.getValue().size() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        System.out.printf("crash during delivery: %d acknowledged, %d delivered before the kill, %d repeated after it%n",
                acknowledged.size(), deliveredBefore, repeats.size());
        assertThat(acknowledged).hasSizeGreaterThan(20);
        repeats.forEach((id, copies) -> assertThat(copies.get(0).at())
                .as("%s was repeated: its first copy must have been in flight at the kill (sent, not answered %s ms before)", id, CRM_ANSWERS_AFTER_MS)
                .isAfter(killedAt.minusMillis(CRM_ANSWERS_AFTER_MS + 1000)));
    }

    private Map<String, List<Received>> delivered() {
        return Received.inOrder(crm).stream().collect(Collectors.groupingBy(Received::eventId, LinkedHashMap::new, Collectors.toList()));
    }

    private static void awaitUp(String url) {
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> Webhooks.post(url, "{}", "x").statusCode() == 401);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
