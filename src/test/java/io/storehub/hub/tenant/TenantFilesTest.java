package io.storehub.hub.tenant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.storehub.hub.deliver.DestinationRegistry;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checks a tenant file goes through before it is served (TenantsTest covers the running hub): each
 * refusal names the key to fix and leaves the other tenants served; the destinations' own checks apply.
 */
class TenantFilesTest {

    @TempDir
    Path folder;

    DefaultCamelContext camel;
    TenantDirectory tenants;
    DestinationRegistry destinations;

    @BeforeEach
    void start() {
        camel = new DefaultCamelContext();
        tenants = TenantDirectory.of(camel);
        tenants.setFiles(folder.toString());
        destinations = new DestinationRegistry();
        destinations.setCamelContext(camel);
        destinations.setTenants(tenants);
    }

    @AfterEach
    void stop() throws IOException {
        camel.close();
    }

    @Test
    void aGoodFileIsServedWithItsDestinationsQualified() throws IOException {
        write("acme", """
                webhook: {secrets: s1}
                destinations: {crm: {type: http, url: "https://crm.example/hook"}}
                subscriptions: [{events: ["*"], to: [crm]}]
                """);
        destinations.init();
        assertThat(tenants.get("acme").secrets()).containsExactly("s1");
        assertThat(destinations.get("acme~crm")).isNotNull();
        assertThat(destinations.get("crm")).isNull();
    }

    @Test
    void aFileWithoutWebhookSecretsIsRefusedNamingTheKey() throws IOException {
        write("acme", "destinations: {crm: {type: log}}\n");
        assertRefused("acme", "storeganise.tenants.acme.webhook.secrets is missing");
    }

    @Test
    void anUnknownSettingIsRefusedNamingIt() throws IOException {
        write("acme", "webhook: {secrets: s1}\nwebhok: {secrets: s2}\n");
        assertRefused("acme", "storeganise.tenants.acme.webhok.secrets is not a tenant setting");
    }

    @Test
    void aBadDestinationIsRefusedWithTheTenantsKey() throws IOException {
        write("acme", """
                webhook: {secrets: s1}
                destinations: {crm: {type: http, url: not-a-url}}
                subscriptions: [{events: ["*"], to: [crm]}]
                """);
        assertRefused("acme", "storeganise.tenants.acme.destinations.crm.url");
    }

    @Test
    void aSubscriptionToAnotherTenantsOrAnUnknownDestinationIsRefused() throws IOException {
        write("globex", "webhook: {secrets: s2}\ndestinations: {crm: {type: log}}\nsubscriptions: [{events: ['*'], to: [crm]}]\n");
        write("acme", "webhook: {secrets: s1}\nsubscriptions: [{events: ['*'], to: [crm]}]\n");
        assertRefused("acme", "names destination 'crm', which is not configured");
        assertThat(tenants.get("globex")).isNotNull();
    }

    @Test
    void aRecipeWithARouteOfItsOwnIsRefusedForATenant() throws IOException {
        write("acme", "webhook: {secrets: s1}\nrecipes: {crm: {enabled: true, token: t}}\n");
        assertRefused("acme", "the recipe 'crm' is available in the hub's own configuration only");
    }

    @Test
    void anAddonHostBelongsToOneTenant() throws IOException {
        write("acme", "webhook: {secrets: s1}\napi: {addon-hosts: [shared.storeganise.com]}\n");
        write("globex", "webhook: {secrets: s2}\napi: {addon-hosts: [shared.storeganise.com]}\n");
        assertRefused("globex", "which tenant 'acme' lists already");
        assertThat(tenants.byAddonHost("SHARED.storeganise.com").name()).isEqualTo("acme");
    }

    @Test
    void aFileThatIsNotYamlOrNotNamedLikeATenantIsRefused() throws IOException {
        Files.writeString(folder.resolve("bad name.yaml"), "webhook: {secrets: s1}\n");
        write("broken", "webhook: [unclosed\n");
        destinations.init();
        assertThat(tenants.refusals().get("bad name.yaml")).contains("must be 1 to 40 letters");
        assertThat(tenants.refusals().get("broken.yaml")).contains("is not valid YAML");
        assertThat(tenants.all()).isEmpty();
    }

    @Test
    void aRemovedFileRemovesItsTenantAndItsDestinations() throws IOException {
        write("acme", "webhook: {secrets: s1}\ndestinations: {crm: {type: log}}\nsubscriptions: [{events: ['*'], to: [crm]}]\n");
        destinations.init();
        assertThat(destinations.get("acme~crm")).isNotNull();
        Files.delete(folder.resolve("acme.yaml"));
        tenants.reload();
        assertThat(tenants.get("acme")).isNull();
        assertThat(destinations.get("acme~crm")).isNull();
    }

    void write(String tenant, String yaml) throws IOException {
        Files.writeString(folder.resolve(tenant + ".yaml"), yaml);
    }

    void assertRefused(String tenant, String why) {
        destinations.init();
        assertThat(tenants.get(tenant)).isNull();
        assertThat(tenants.refusals().get(tenant + ".yaml")).contains(why);
    }
}
