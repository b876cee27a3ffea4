package io.storehub.hub.ingest;

import java.net.http.HttpResponse;
import java.nio.file.Path;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook's durable send (bean eventQueueSender): concurrent webhooks share broker transactions,
 * each event is in the queue once, and a duplicate id inside a transaction (which makes Artemis roll
 * the whole transaction back) neither fails the webhook nor loses the others of its batch.
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
        try {
            List<Future<?>> sends = new ArrayList<>();
            for (String id : ids) {
                Exchange exchange = message(camel, id);
                sends.add(threads.submit(() -> {
                    sender.send(exchange);
                    return null;
                }));
            }
            for (Future<?> send : sends) {
                send.get(); // none fails: a duplicate counts as stored
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(eventsQueue().getMessageCount() - before).isEqualTo(3);
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
