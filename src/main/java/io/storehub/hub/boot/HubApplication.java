package io.storehub.hub.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;

/**
 * Spring Boot wires the infrastructure only (HTTP server, Artemis, data source, actuator); what the hub
 * does is in {@code routes/*.camel.yaml}, so the same routes also run on Camel K and Camel JBang.
 */
// the schema is migrated by the databaseSchema bean (routes/beans.camel.yaml), the same on every runtime
@SpringBootApplication(exclude = FlywayAutoConfiguration.class)
public class HubApplication {

    public static void main(String[] args) {
        SpringApplication.run(HubApplication.class, args);
    }
}
