package io.storehub.hub.deliver;


import io.storehub.hub.support.HubConfigurationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Recipe failure-alert: off by default; enabled, it needs .to naming a configured slack, email or http destination,
 * a valid interval and check-every, and the Storeganise API for storeganise-task.
 */
class RecipeFailureAlertConfigurationTest {

    private static final String SLACK = "storeganise.destinations.ops.type=slack";
    private static final String HOOK = "storeganise.destinations.ops.webhook-url=https://hooks.slack.com/services/T0/B0/X";

    @Test
    void offByDefault() {
        assertThat(registry(SLACK, HOOK, "storeganise.recipes.failure-alert.to=ops").getAlertTo()).isNull();
    }

    @Test
    void enabledItNamesItsDestination() {
        DestinationRegistry registry = registry(SLACK, HOOK, "storeganise.recipes.failure-alert.enabled=true",
                "storeganise.recipes.failure-alert.to=ops");
        assertThat(registry.getAlertTo()).isEqualTo("ops");
        assertThat(registry.all()).as("no destination or subscription of its own").hasSize(1);
    }

    @Test
    void aMissingOrWrongSettingStopsTheStartNamingTheKey() {
        assertThatThrownBy(() -> registry(SLACK, HOOK, "storeganise.recipes.failure-alert.enabled=true"))
                .isInstanceOf(HubConfigurationException.class)
                .hasMessageStartingWith("storeganise.recipes.failure-alert.to is missing: the recipe 'failure-alert' is enabled");
        assertThatThrownBy(() -> registry(SLACK, HOOK, "storeganise.recipes.failure-alert.enabled=true",
                "storeganise.recipes.failure-alert.to=opps"))
                .isInstanceOf(HubConfigurationException.class)
                .hasMessageStartingWith("storeganise.recipes.failure-alert.to names 'opps', which is not a configured slack, email or http destination");
        assertThatThrownBy(() -> registry("storeganise.destinations.audit.type=log",
                "storeganise.recipes.failure-alert.enabled=true", "storeganise.recipes.failure-alert.to=audit"))
                .isInstanceOf(HubConfigurationException.class)
                .hasMessageStartingWith("storeganise.recipes.failure-alert.to names 'audit', which is not a configured slack, email or http destination");
        assertThatThrownBy(() -> registry(SLACK, HOOK, "storeganise.recipes.failure-alert.enabled=true",
                "storeganise.recipes.failure-alert.to=ops", "storeganise.recipes.failure-alert.interval=15m"))
                .isInstanceOf(HubConfigurationException.class)
                .hasMessage("storeganise.recipes.failure-alert.interval '15m' must be an ISO-8601 duration such as PT15M.");
        assertThatThrownBy(() -> registry(SLACK, HOOK, "storeganise.recipes.failure-alert.enabled=true",
                "storeganise.recipes.failure-alert.to=ops", "storeganise.recipes.failure-alert.check-every=often"))
                .isInstanceOf(HubConfigurationException.class)
                .hasMessage("storeganise.recipes.failure-alert.check-every 'often' must be a Camel time such as 5m, 30s or 300000.");
        assertThatThrownBy(() -> registry(SLACK, HOOK, "storeganise.recipes.failure-alert.enabled=true",
                "storeganise.recipes.failure-alert.to=ops", "storeganise.recipes.failure-alert.storeganise-task=yes"))
                .isInstanceOf(HubConfigurationException.class)
                .hasMessage("storeganise.recipes.failure-alert.storeganise-task is 'yes': it must be true or false.");
        assertThatThrownBy(() -> registry(SLACK, HOOK, "storeganise.recipes.failure-alert.enabled=true",
                "storeganise.recipes.failure-alert.to=ops", "storeganise.recipes.failure-alert.storeganise-task=true"))
                .isInstanceOf(HubConfigurationException.class)
                .hasMessageStartingWith("storeganise.api.base-url is missing: storeganise.recipes.failure-alert.storeganise-task=true");
    }

    @Test
    void anHttpDestinationMayTakeTheAlerts() {
        DestinationRegistry registry = registry("storeganise.destinations.pager.type=http",
                "storeganise.destinations.pager.url=https://pager.example.com/hooks/hub",
                "storeganise.recipes.failure-alert.enabled=true", "storeganise.recipes.failure-alert.to=pager");
        assertThat(registry.getAlertTo()).isEqualTo("pager");
    }

    private static DestinationRegistry registry(String... properties) {
        return ConfiguredRegistry.of(properties);
    }
}
