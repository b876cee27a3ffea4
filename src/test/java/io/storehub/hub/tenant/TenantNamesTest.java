package io.storehub.hub.tenant;

import java.util.Properties;

import io.storehub.hub.support.HubConfigurationException;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The metrics' tenant labels of the hub's own events and of unknown tenants cannot be a tenant's name. */
class TenantNamesTest {

    @Test
    void theLabelsOfNoTenantAndOfAnUnknownOneAreReserved() {
        TenantReader reader = new TenantReader(new DefaultCamelContext());
        for (String name : new String[] {"none", "unknown"}) {
            assertThatThrownBy(() -> reader.read(name, "test", new Properties()))
                    .isInstanceOf(HubConfigurationException.class)
                    .hasMessageContaining("storeganise.tenants." + name + ":")
                    .hasMessageContaining("reserved");
        }
    }
}
