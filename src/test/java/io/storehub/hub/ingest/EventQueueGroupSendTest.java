package io.storehub.hub.ingest;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.storehub.hub.support.HubProcess;
import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.JmsGroupSend;
import io.storehub.hub.support.Webhooks;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook's durable send (bean eventQueueSender): concurrent webhooks share broker transactions,
 * each event is in the queue once, and a duplicate id inside a transaction (which makes Artemis roll
 * the whole transaction back) neither fails the webhook nor loses the others of its batch; a retry before
 * its event's dispatch (which records the id) is refused by the broker and answered duplicate.
 */
class EventQueueGroupSendTest {

    private static final int WEBHOOKS = 240;

    @TempDir
    Path dataDir;

    private ConfigurableApplicationContext hub;

    @BeforeEach
    void startHubWithoutConsumers() {
        hub = HubProcess.start(dataDir, "storeganise.dispatch.enabled=false");
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void concurrentWebhooksAreCommittedTogetherAndEachQueuedOnce() throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(32);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < WEBHOOKS; i++) {
                String body = Webhooks.event(Webhooks.newId(), "unitRental.invoice.created");
                answers.add(senders.submit(() -> Webhooks.post(HubProcess.webhookUrl(hub), body, Webhooks.sign(HubTestSupport.SECRET, body))));
            }
            for (Future<HttpResponse<String>> answer : answers) {
                assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(200);
                assertThat(answer.get().body()).contains("\"accepted\"");
            }
        } finally {
            senders.shutdownNow();
        }

        assertThat(eventsQueue().getMessageCount()).isEqualTo(WEBHOOKS);
        JmsGroupSend sender = sender();
        assertThat(sender.messages()).isEqualTo(WEBHOOKS);
        assertThat(sender.commits()).as("transactions for %d concurrent webhooks", WEBHOOKS).isLessThan(WEBHOOKS);
    }

    @Test
    void aDuplicateIdInABatchIsQueuedOnceAndTheOthersOfItsBatchAreQueued() throws Exception {
        CamelContext camel = HubProcess.camel(hub);
        JmsGroupSend sender = sender();
        String first = Webhooks.newId();
        sender.send(message(camel, first));
        long before = eventsQueue().getMessageCount();

        List<String> ids = List.of(first, Webhooks.newId(), Webhooks.newId(), first, Webhooks.newId());
        ExecutorService threads = Executors.newFixedThreadPool(ids.size());
        List<Boolean> stored = new ArrayList<>();
        try {
            List<Future<Boolean>> sends = new ArrayList<>();
            for (String id : ids) {
                Exchange exchange = message(camel, id);
                sends.add(threads.submit(() -> sender.send(exchange)));
            }
            for (Future<Boolean> send : sends) {
                stored.add(send.get()); // none fails: a refused duplicate is answered false
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(stored).containsExactly(false, true, true, false, true);
        assertThat(eventsQueue().getMessageCount() - before).isEqualTo(3);
    }

    @Test
    void aRetryBeforeItsEventIsDispatchedIsAnsweredDuplicateAndTheDispatchRecordsTheId() throws Exception {
        String id = Webhooks.newId();
        String body = Webhooks.event(id, "unitRental.invoice.created");

        HttpResponse<String> first = post(body);
        HttpResponse<String> retry = post(body);

        assertThat(first.body()).isEqualTo("{\"status\":\"accepted\",\"id\":\"" + id + "\"}");
        assertThat(retry.body()).as("refused by the broker's duplicate detection").isEqualTo("{\"status\":\"duplicate\",\"id\":\"" + id + "\"}");
        assertThat(eventsQueue().getMessageCount()).isEqualTo(1);
        assertThat(recordedIds(id)).as("the webhook writes no id record").isZero();

        HubProcess.camel(hub).getRouteController().startRoute("dispatch-events");

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> recordedIds(id) == 1 && eventsQueue().getMessageCount() == 0);
        assertThat(post(body).body()).as("found by the lookup now").isEqualTo("{\"status\":\"duplicate\",\"id\":\"" + id + "\"}");
    }

    private HttpResponse<String> post(String body) {
        return Webhooks.post(HubProcess.webhookUrl(hub), body, Webhooks.sign(HubTestSupport.SECRET, body));
    }

    private int recordedIds(String id) {
        return new JdbcTemplate(hub.getBean(javax.sql.DataSource.class)).queryForObject(
                "SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED WHERE processorName = 'storeganise-webhook' AND messageId = ?", Integer.class, id);
    }

    private JmsGroupSend sender() {
        return HubProcess.camel(hub).getRegistry().lookupByNameAndType("eventQueueSender", JmsGroupSend.class);
    }

    private Queue eventsQueue() {
        return hub.getBean(EmbeddedActiveMQ.class).getActiveMQServer().locateQueue("storeganise.events");
    }

    private static Exchange message(CamelContext camel, String id) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setBody(Webhooks.event(id, "unitRental.invoice.created"));
        exchange.getIn().setHeader("SgEventId", id);
        exchange.getIn().setHeader("_AMQ_DUPL_ID", id);
        return exchange;
    }
}
