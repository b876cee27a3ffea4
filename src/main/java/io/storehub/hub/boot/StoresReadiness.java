package io.storehub.hub.boot;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Readiness component {@code stores}: whether the hub can acknowledge a webhook, from the checks of
 * the database ({@code db}) and the broker ({@code jms}), both run at once (each bounded by
 * {@link BoundedReadiness}), their results as its details (shown where details are). Since an event is acknowledged once it is durable in
 * either store (docs/deploy.md, "Floods and outages"), the hub is ready while one of them is up:
 * during an outage of the other it must keep receiving webhooks rather than leave the Service (every
 * replica shares the same stores, so all would leave it). With
 * {@code storeganise.webhook.either-store=false} both are needed, as the webhook needs both then.
 */
@Configuration(proxyBeanMethods = false)
public class StoresReadiness {

    private static final ExecutorService CHECKS = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "hub-health-stores");
        t.setDaemon(true);
        return t;
    });

    @Bean
    HealthIndicator storesHealthIndicator(ApplicationContext context,
            @Value("${storeganise.webhook.either-store:true}") boolean eitherStore) {
        return () -> {
            CompletableFuture<Health> db = CompletableFuture.supplyAsync(() -> check(context, "dbHealthContributor"), CHECKS);
            CompletableFuture<Health> jms = CompletableFuture.supplyAsync(() -> check(context, "jmsHealthContributor"), CHECKS);
            Health database = db.join();
            Health broker = jms.join();
            boolean dbUp = Status.UP.equals(database.getStatus());
            boolean brokerUp = Status.UP.equals(broker.getStatus());
            boolean ready = eitherStore ? dbUp || brokerUp : dbUp && brokerUp;
            return (ready ? Health.up() : Health.down()).withDetail("db", database).withDetail("jms", broker).build();
        };
    }

    private static Health check(ApplicationContext context, String bean) {
        if (!context.containsBean(bean) || !(context.getBean(bean) instanceof HealthIndicator indicator)) {
            return Health.unknown().withDetail("error", "no " + bean).build();
        }
        try {
            return indicator.health();
        } catch (RuntimeException e) {
            return Health.down(e).build();
        }
    }
}
