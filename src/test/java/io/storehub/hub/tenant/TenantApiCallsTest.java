package io.storehub.hub.tenant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.storehub.hub.enrich.StoreganiseApi;
import io.storehub.hub.enrich.StoreganiseWrites;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A write-back made for a tenant's event goes to that tenant's API with its key, however the route that
 * asks for it treated the headers; the hub's own events use the hub's own API.
 */
class TenantApiCallsTest {

    @TempDir
    Path folder;

    DefaultCamelContext camel;
    StoreganiseApi api;
    StoreganiseWrites writes;

    @BeforeEach
    void start() throws IOException {
        Files.writeString(folder.resolve("acme.yaml"), """
                webhook: {secrets: s1}
                api: {base-url: "https://acme.storeganise.test/api", key: acme-key}
                """);
        camel = new DefaultCamelContext();
        TenantDirectory tenants = TenantDirectory.of(camel);
        tenants.setFiles(folder.toString());
        api = new StoreganiseApi();
        api.setBaseUrl("https://own.storeganise.test/api");
        api.setKey("own-key");
        api.setTenants(tenants);
        writes = new StoreganiseWrites();
        writes.setApi(api);
    }

    @AfterEach
    void stop() throws IOException {
        camel.close();
    }

    @Test
    void aTenantsTaskGoesToItsApiWithItsKeyByItsHeader() throws IOException {
        Exchange exchange = task();
        exchange.getIn().setHeader("SgTenant", "acme");
        assertCall(exchange, "https://acme.storeganise.test/api/v1/admin/jobs", "ApiKey acme-key");
    }

    @Test
    void aTenantsTaskGoesToItsApiAlsoWhenTheRouteRemovedTheHeaders() throws IOException {
        Exchange exchange = task();
        exchange.setProperty("SgDestination", "acme~my-route");
        assertCall(exchange, "https://acme.storeganise.test/api/v1/admin/jobs", "ApiKey acme-key");
    }

    @Test
    void theHubsOwnTaskGoesToItsOwnApi() throws IOException {
        assertCall(task(), "https://own.storeganise.test/api/v1/admin/jobs", "ApiKey own-key");
    }

    Exchange task() {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setBody(Map.of("type", "task", "title", "Check the padlock"));
        return exchange;
    }

    void assertCall(Exchange exchange, String url, String authorization) throws IOException {
        writes.createTask(exchange);
        assertThat(exchange.getProperty(StoreganiseApi.URL, String.class)).isEqualTo(url);
        api.authorize(exchange);
        assertThat(exchange.getIn().getHeader("Authorization", String.class)).isEqualTo(authorization);
    }
}
