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
 * The readiness checks of the database and the broker ({@code db}, {@code jms}) answer within
 * {@code storeganise.health.timeout} (500 ms): each check runs on a thread of its own, and one that
 * has not finished by then reports DOWN with the reason. A check still running is not started again,
 * so a hung store costs one thread, not one per probe. Spring Boot's own checks wait for the
 * connection pool (its connection-timeout) or the broker client (its call timeout), and Kubernetes
 * would take a late answer for a failed probe anyway.
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
                CompletableFuture<Health> next = new CompletableFuture<>();
                Thread thread = new Thread(() -> {
                    try {
                        next.complete(delegate.health());
                    } catch (RuntimeException | Error e) {
                        next.completeExceptionally(e);
                    }
                }, "hub-health-" + name);
                thread.setDaemon(true);
                thread.start();
                running = next;
            }
            return running;
        }
    }
}
