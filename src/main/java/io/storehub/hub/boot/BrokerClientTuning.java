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
 * Client-side Artemis settings Spring Boot has no property for: cached destinations (no round trip
 * per send to ask whether the queue exists), {@code storeganise.broker.consumer-window-size} (Artemis'
 * 1 MiB per consumer held thousands of a backlog's messages in the heap) and
 * {@code storeganise.broker.call-timeout} (Artemis' 30 s kept the sender stuck through an outage).
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
