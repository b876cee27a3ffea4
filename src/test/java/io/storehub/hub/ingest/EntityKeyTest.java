package io.storehub.hub.ingest;

import java.util.Properties;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The entity an event is about: the documented rule, and a family's own fields from configuration. */
class EntityKeyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String key(EntityKey keys, String type, String data) throws Exception {
        return keys.keyOf(type, JSON.readTree(data));
    }

    @Test
    void takesTheFirstIdOfTheRule() throws Exception {
        EntityKey keys = new EntityKey();
        assertThat(key(keys, "job.unit_moveIn.completed", "{\"jobId\":\"j1\",\"unitRentalId\":\"r1\"}")).isEqualTo("jobId:j1");
        // a rental's invoice shares its lane with the invoice's later events, not with the rental's
        assertThat(key(keys, "unitRental.invoice.created", "{\"invoiceId\":\"i1\",\"unitRentalId\":\"r1\"}")).isEqualTo("invoiceId:i1");
        assertThat(key(keys, "invoice.state.updated", "{\"invoiceId\":\"i1\",\"siteId\":\"s1\"}")).isEqualTo("invoiceId:i1");
        assertThat(key(keys, "unitRental.markOverdue", "{\"unitRentalId\":\"r1\",\"changedKeys\":[\"overdue\"]}")).isEqualTo("unitRentalId:r1");
        assertThat(key(keys, "user.updated", "{\"userId\":\"u1\"}")).isEqualTo("userId:u1");
        assertThat(key(keys, "unit.blocked", "{\"unitId\":\"n1\"}")).isEqualTo("unitId:n1");
        assertThat(key(keys, "site.settings.updated", "{\"siteId\":\"s1\"}")).isEqualTo("siteId:s1");
        assertThat(key(keys, "addon.installed", "{\"addonId\":\"a1\"}")).isEqualTo("addonId:a1");
    }

    @Test
    void anEventWithoutAnyOfTheIdsIsNotOrdered() throws Exception {
        EntityKey keys = new EntityKey();
        assertThat(key(keys, "business.updated", "{}")).isNull();
        assertThat(key(keys, "job.unit_moveIn.created", "{\"jobId\":42}")).as("not an id").isNull();
        assertThat(keys.keyOf("business.updated", null)).isNull();
    }

    @Test
    void aFamilyCanNameItsOwnFields() throws Exception {
        DefaultCamelContext camel = new DefaultCamelContext();
        Properties overrides = new Properties();
        overrides.setProperty("storeganise.ordering.keys.unit-rental", "unitRentalId, invoiceId");
        camel.getPropertiesComponent().setInitialProperties(overrides);
        EntityKey keys = new EntityKey();
        keys.setCamelContext(camel);
        assertThat(key(keys, "unitRental.invoice.created", "{\"invoiceId\":\"i1\",\"unitRentalId\":\"r1\"}")).isEqualTo("unitRentalId:r1");
        assertThat(key(keys, "invoice.state.updated", "{\"invoiceId\":\"i1\"}")).as("other families keep the rule").isEqualTo("invoiceId:i1");
    }
}
