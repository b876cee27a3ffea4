package io.storehub.hub.boot;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * Client-side Artemis setting Spring Boot has no property for: cache resolved destinations, so a
 * send to a queue does not first ask the broker whether the queue exists (one blocking round trip
 * per message otherwise, on the webhook's acknowledgement path). With an external broker the same
 * can be set on the URL ({@code ?cacheDestinations=true}); this covers both modes.
 */
@Configuration(proxyBeanMethods = false)
public class BrokerClientTuning {

    @Bean
    static BeanPostProcessor cacheArtemisDestinations() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                // Spring Boot wraps the Artemis factory in a CachingConnectionFactory that is the bean
                Object target = bean instanceof CachingConnectionFactory caching ? caching.getTargetConnectionFactory() : bean;
                if (target instanceof ActiveMQConnectionFactory factory) {
                    factory.setCacheDestinations(true);
                }
                return bean;
            }
        };
    }
}
