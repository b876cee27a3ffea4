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
 * Readiness component {@code stores}: ready while the database or the broker is up (an event is
 * acknowledged once durable in either, docs/deploy.md "Floods and outages"; every replica shares the
 * stores, so all would leave the Service); both with {@code storeganise.webhook.either-store=false}.
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
