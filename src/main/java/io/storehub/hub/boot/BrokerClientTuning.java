package io.storehub.hub.boot;

import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.util.unit.DataSize;

/**
 * Client-side Artemis settings Spring Boot has no property for, in both broker modes (with an
 * external broker they could also be set on the URL):
 * <ul>
 * <li>cache resolved destinations, so a send to a queue does not first ask the broker whether the
 * queue exists (one blocking round trip per message otherwise, on the webhook's acknowledgement
 * path; {@code ?cacheDestinations=true});</li>
 * <li>{@code storeganise.broker.consumer-window-size}: how much each consumer takes ahead into its
 * own buffer ({@code ?consumerWindowSize=}). Artemis' 1 MiB per consumer, times the hub's dozens of
 * consumers, put thousands of messages of a backlog in the heap outside the broker's global max size
 * (and out of reach of the other consumers).</li>
 * <li>{@code storeganise.broker.call-timeout} (5 s): how long a blocking call (a commit, a session)
 * waits for the broker's answer, unless the broker URL sets {@code callTimeout}. Artemis' 30 s kept
 * the hub's broker sender stuck through an outage. The webhook itself waits no longer than
 * {@code storeganise.webhook.store-timeout-ms}.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class BrokerClientTuning {

    @Bean
    static BeanPostProcessor artemisClientSettings(Environment environment) {
        int consumerWindow = Math.toIntExact(environment.getProperty("storeganise.broker.consumer-window-size", DataSize.class,
                DataSize.ofKilobytes(64)).toBytes());
        long callTimeout = environment.getProperty("storeganise.broker.call-timeout", java.time.Duration.class,
                java.time.Duration.ofSeconds(5)).toMillis();
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                // Spring Boot wraps the Artemis factory in a CachingConnectionFactory that is the bean
                Object target = bean instanceof CachingConnectionFactory caching ? caching.getTargetConnectionFactory() : bean;
                if (target instanceof ActiveMQConnectionFactory factory) {
                    factory.setCacheDestinations(true);
                    factory.setConsumerWindowSize(consumerWindow);
                    if (factory.getCallTimeout() == ActiveMQClient.DEFAULT_CALL_TIMEOUT) {
                        factory.setCallTimeout(callTimeout);
                        factory.setCallFailoverTimeout(callTimeout);
                    }
                }
                return bean;
            }
        };
    }
}
