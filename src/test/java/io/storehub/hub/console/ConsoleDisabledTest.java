package io.storehub.hub.console;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import io.storehub.hub.support.HubTestSupport;
import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The hub of {@link HubTestSupport} has no admin token: the console and the admin API do not exist. */
class ConsoleDisabledTest extends HubTestSupport {

    @Test
    void withoutAnAdminTokenTheConsoleAndTheAdminApiAnswer404() {
        for (String path : List.of("/console", "/console/login", "/console/events", "/console/static/console.js",
                "/console/static/console.css", "/admin/events", "/admin/destinations", "/admin/overview")) {
            HttpResponse<String> response = Webhooks.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .header("Authorization", "Bearer anything").GET().build());
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.body()).as(path).doesNotContain("<form");
        }
        HttpResponse<String> bulkReplay = Webhooks.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/admin/deliveries/replay"))
                .header("Authorization", "Bearer anything").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"destination\":\"crm\",\"dryRun\":true}")).build());
        assertThat(bulkReplay.statusCode()).isEqualTo(404);
        assertThat(bulkReplay.body()).contains("admin_disabled");
        HttpResponse<String> signIn = Webhooks.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/console/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("token=")).build());
        assertThat(signIn.statusCode()).isEqualTo(404);
    }
}
