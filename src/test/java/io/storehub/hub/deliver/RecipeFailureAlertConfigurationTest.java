package io.storehub.hub.deliver;


import io.storehub.hub.support.HubConfigurationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Recipe failure-alert: off by default; enabled, it needs .to naming a configured slack or email destination and a valid interval. */
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
                .hasMessageStartingWith("storeganise.recipes.failure-alert.to names 'opps', which is not a configured slack or email destination");
        assertThatThrownBy(() -> registry("storeganise.destinations.crm.type=http", "storeganise.destinations.crm.url=https://crm.example.com/h",
                "storeganise.recipes.failure-alert.enabled=true", "storeganise.recipes.failure-alert.to=crm"))
                .isInstanceOf(HubConfigurationException.class)
                .hasMessageStartingWith("storeganise.recipes.failure-alert.to names 'crm', which is not a configured slack or email destination");
        assertThatThrownBy(() -> registry(SLACK, HOOK, "storeganise.recipes.failure-alert.enabled=true",
                "storeganise.recipes.failure-alert.to=ops", "storeganise.recipes.failure-alert.interval=15m"))
                .isInstanceOf(HubConfigurationException.class)
                .hasMessage("storeganise.recipes.failure-alert.interval '15m' must be an ISO-8601 duration such as PT15M.");
    }

    private static DestinationRegistry registry(String... properties) {
        return ConfiguredRegistry.of(properties);
    }
}
