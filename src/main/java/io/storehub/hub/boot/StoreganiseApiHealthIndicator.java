package io.storehub.hub.boot;

import java.util.Map;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Shows the Camel check {@code storeganise-api} as component {@code storeganiseApi} of
 * {@code /actuator/health}, visible with {@code show-components} alone; in no probe group.
 */
@Component
public class StoreganiseApiHealthIndicator implements HealthIndicator {

    private final CamelContext camelContext;

    public StoreganiseApiHealthIndicator(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public Health health() {
        Optional<HealthCheck.Result> result = HealthCheckHelper.invoke(camelContext, "storeganise-api", Map.of());
        if (result.isEmpty()) {
            return Health.unknown().withDetail("reason", "the storeganise-api check is not registered").build();
        }
        HealthCheck.Result r = result.get();
        Health.Builder health = switch (r.getState()) {
            case UP -> Health.up();
            case DOWN -> Health.down();
            default -> Health.unknown();
        };
        r.getMessage().ifPresent(m -> health.withDetail("message", m));
        r.getDetails().forEach((k, v) -> {
            if (!k.startsWith("check.") && !k.startsWith("invocation.") && !k.startsWith("failure.") && !k.startsWith("success.")) {
                health.withDetail(k, v);
            }
        });
        return health.build();
    }
}
