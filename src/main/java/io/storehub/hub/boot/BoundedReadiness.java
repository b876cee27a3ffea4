package io.storehub.hub.boot;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The {@code db} and {@code jms} checks answer within {@code storeganise.health.timeout} (DOWN when
 * late; Spring Boot's wait out the pool's or client's timeout). A check still running is not started
 * again, so a hung store costs one thread, not one per probe.
 */
@Configuration(proxyBeanMethods = false)
public class BoundedReadiness {

    private static final Set<String> BOUNDED = Set.of("dbHealthContributor", "jmsHealthContributor");

    @Bean
    static BeanPostProcessor boundedStoreHealth(Environment environment) {
        Duration timeout = environment.getProperty("storeganise.health.timeout", Duration.class, Duration.ofMillis(500));
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (BOUNDED.contains(beanName) && bean instanceof HealthIndicator indicator) {
                    return new Bounded(indicator, beanName, timeout.toMillis());
                }
                return bean;
            }
        };
    }

    static final class Bounded implements HealthIndicator {

        private final HealthIndicator delegate;
        private final String name;
        private final long timeoutMillis;
        private CompletableFuture<Health> running;

        Bounded(HealthIndicator delegate, String name, long timeoutMillis) {
            this.delegate = delegate;
            this.name = name;
            this.timeoutMillis = timeoutMillis;
        }

        @Override
        public Health health() {
            CompletableFuture<Health> check = check();
            try {
                return check.get(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return Health.down().withDetail("error", "no answer within " + timeoutMillis + " ms").build();
            } catch (ExecutionException e) {
                return Health.down(e.getCause() instanceof Exception cause ? cause : e).build();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Health.down(e).build();
            }
        }

        private synchronized CompletableFuture<Health> check() {
            if (running == null || running.isDone()) {
                running = CompletableFuture.supplyAsync(delegate::health, task -> {
                    Thread thread = new Thread(task, "hub-health-" + name);
                    thread.setDaemon(true);
                    thread.start();
                });
            }
            return running;
        }
    }
}
