package io.storehub.hub.boot;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the embedded Artemis broker that Spring Boot's {@code spring.artemis.embedded.*}
 * properties do not reach: journal flush batching (what lets many concurrent durable sends share
 * one fsync) and a broker-side safety net for the hub's queues (redelivery with backoff, then the
 * dead letter queue) in case a consumer dies mid-message. The routes' own retry policy normally
 * handles failures first and records the reason. An external broker is configured on that broker.
 * <p>
 * Memory: Artemis keeps messages in the heap until the addresses together hold its global max size,
 * by default half the maximum heap, so a backlog (a billing run, a destination down for an hour)
 * would fill the heap, or, with the JVM's default heap, take gigabytes. With an explicit
 * {@code storeganise.broker.global-max-size} the rest of a backlog is paged: written (and synced,
 * like the journal) to page files under the data directory and read back, a few pages at a time,
 * as the consumers catch up.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "spring.artemis.embedded.enabled", havingValue = "true", matchIfMissing = true)
public class EmbeddedBrokerTuning {

    @Bean
    ArtemisConfigurationCustomizer storeganiseBrokerSettings(
            @Value("${storeganise.broker.journal-buffer-timeout-nanos:500000}") int bufferTimeoutNanos,
            @Value("${storeganise.broker.global-max-size:16MB}") DataSize globalMaxSize,
            @Value("${storeganise.broker.page-size:1MB}") DataSize pageSize,
            @Value("${storeganise.broker.id-cache-size:20000}") int idCacheSize,
            @Value("${storeganise.queue.events-dlq:storeganise.events.DLQ}") String deadLetterQueue,
            @Value("${storeganise.queue.deliveries:storeganise.deliveries}") String deliveries,
            @Value("${storeganise.queue.deliveries-dlq:storeganise.deliveries.DLQ}") String deliveriesDeadLetterQueue) {
        return configuration -> {
            configuration.setJournalBufferTimeout_NIO(bufferTimeoutNanos);
            configuration.setJournalBufferTimeout_AIO(bufferTimeoutNanos);
            configuration.setJournalMinFiles(4);
            configuration.setSecurityEnabled(false); // in-VM only: no acceptor is opened
            configuration.setGlobalMaxSize(globalMaxSize.toBytes());
            // the event ids (_AMQ_DUPL_ID) the broker remembers per address to refuse a copy: they must
            // cover the events acknowledged while the database is down until they are dispatched
            // (docs/deploy.md, "Floods and outages"); Artemis' default 20,000
            configuration.setIDCacheSize(idCacheSize);
            // a paged durable send is answered after its page file is synced: batch those like the journal's
            configuration.setPageSyncTimeout(bufferTimeoutNanos);
            AddressSettings hubQueues = new AddressSettings()
                    .setRedeliveryDelay(1000)
                    .setRedeliveryMultiplier(2.0)
                    .setMaxRedeliveryDelay(300_000)
                    .setMaxDeliveryAttempts(20)
                    .setDeadLetterAddress(SimpleString.of(deadLetterQueue))
                    .setAutoCreateQueues(true)
                    .setAutoCreateAddresses(true)
                    // Artemis' default policy, explicit: never block or drop a webhook's send, page it
                    .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE)
                    // read back from pages at most two pages per queue at a time (Artemis' ratio; its
                    // 10 MiB pages would keep 20 MiB per queue in the heap)
                    .setPageSizeBytes(Math.toIntExact(pageSize.toBytes()))
                    .setMaxReadPageBytes(Math.toIntExact(2 * pageSize.toBytes()));
            configuration.addAddressSetting("storeganise.#", hubQueues);
            // deliveries that kill their consumer belong with the other parked deliveries
            configuration.addAddressSetting(deliveries, new AddressSettings(hubQueues)
                    .setDeadLetterAddress(SimpleString.of(deliveriesDeadLetterQueue)));
        };
    }
}
