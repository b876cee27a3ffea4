package io.storehub.hub.deliver;


import io.storehub.hub.support.HubConfigurationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Recipe accounting: off by default; enabled, it needs base-url, token and tenant-id and is subscribed to the invoice events. */
class RecipeAccountingConfigurationTest {

    @Test
    void aMissingTokenStopsTheStartNamingTheKey() {
        assertThatThrownBy(() -> registry("storeganise.recipes.accounting.enabled=true",
                "storeganise.recipes.accounting.base-url=https://api.xero.com/api.xro/2.0",
                "storeganise.recipes.accounting.tenant-id=t-1"))
                .isInstanceOf(HubConfigurationException.class)
                .hasMessageStartingWith("storeganise.recipes.accounting.token is missing: the recipe 'accounting' is enabled");
    }

    @Test
    void enabledItIsSubscribedToTheInvoiceEvents() {
        DestinationRegistry registry = registry("storeganise.recipes.accounting.enabled=true",
                "storeganise.recipes.accounting.base-url=https://api.xero.com/api.xro/2.0",
                "storeganise.recipes.accounting.token=tok", "storeganise.recipes.accounting.tenant-id=t-1");
        assertThat(registry.get("recipe-accounting").toString()).contains("direct:recipe-accounting");
        assertThat(registry("storeganise.recipes.accounting.token=tok").all()).isEmpty();
    }

    private static DestinationRegistry registry(String... properties) {
        return ConfiguredRegistry.of(properties);
    }
}
