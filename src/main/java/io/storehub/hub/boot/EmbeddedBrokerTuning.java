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
 * Embedded Artemis settings {@code spring.artemis.embedded.*} does not reach: journal flush batching
 * (concurrent durable sends share one fsync), a broker-side safety net for the hub's queues
 * (redelivery, then the DLQ) and an explicit global max size, past which a backlog is paged to disk
 * instead of filling the heap (Artemis' default: half of it).
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
