package io.storehub.hub.enrich;

import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** storeganise.api.paths.&lt;resource&gt; reaches StoreganiseReads through routes/enrich-beans.camel.yaml. */
class StoreganisePathsTest {

    private static CamelContext load(String... settings) throws Exception {
        CamelContext camel = new DefaultCamelContext();
        Properties properties = new Properties();
        for (int i = 0; i < settings.length; i += 2) {
            properties.setProperty(settings[i], settings[i + 1]);
        }
        camel.getPropertiesComponent().setOverrideProperties(properties);
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveResource(camel, "file:routes/enrich-beans.camel.yaml"));
        return camel;
    }

    @Test
    void aConfiguredPathReplacesTheDefaultOfItsResourceOnly() throws Exception {
        try (CamelContext camel = load("storeganise.api.paths.unit-rental", "/v2/rentals/{id}")) {
            StoreganiseReads reads = camel.getRegistry().lookupByNameAndType("storeganiseReads", StoreganiseReads.class);
            assertThat(reads.pathOf(StoreganiseResource.UNIT_RENTAL)).isEqualTo("/v2/rentals/{id}");
            assertThat(reads.pathOf(StoreganiseResource.JOB)).isEqualTo(StoreganiseResource.JOB.defaultPath());
        }
    }

    @Test
    void aPathWithoutItsIdRefusesToStart() {
        assertThatThrownBy(() -> load("storeganise.api.paths.job", "/v2/jobs"))
                .rootCause().hasMessageContaining("storeganise.api.paths.job is '/v2/jobs': it must start with /");
    }
}
