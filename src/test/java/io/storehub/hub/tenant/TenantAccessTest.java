package io.storehub.hub.tenant;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API by tenant (docs/tenants.md, Access), through the real path: events posted to each tenant's webhook and the
 * hub's own, then read and acted on with the global token and each tenant's token.
 */
class TenantAccessTest extends TenantAccessSupport {

    @Test
    void theHistoryFiltersByTenantAndShowsEachEventsTenant() throws Exception {
        String id = sameIdAtBothTenantsAndTheHub();

        JsonNode all = adminJson("/admin/events?q=" + id, GLOBAL_TOKEN);
        assertThat(tenantsById(all)).containsExactlyInAnyOrder("acme~" + id + "=acme", "globex~" + id + "=globex", id + "=null");
        JsonNode acme = adminJson("/admin/events?q=" + id + "&tenant=acme", GLOBAL_TOKEN);
        assertThat(tenantsById(acme)).containsExactly("acme~" + id + "=acme");
        assertThat(acme.path("filter").path("tenant").asText()).isEqualTo("acme");
        assertThat(adminJson("/admin/events/acme~" + id, GLOBAL_TOKEN).path("tenant").asText()).isEqualTo("acme");

        HttpResponse<String> bad = admin("GET", "/admin/events?tenant=no%20such", GLOBAL_TOKEN, null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).path("error").asText()).isEqualTo("invalid_tenant");
    }

    @Test
    void aTenantsTokenListsOnlyItsOwnEventsAndAnotherTenantsFilterFindsNothing() throws Exception {
        String id = sameIdAtBothTenantsAndTheHub();

        assertThat(tenantsById(adminJson("/admin/events?q=" + id, "acme-token"))).containsExactly("acme~" + id + "=acme");
        assertThat(tenantsById(adminJson("/admin/events?q=" + id, "globex-token"))).containsExactly("globex~" + id + "=globex");
        assertThat(adminJson("/admin/events?q=" + id + "&tenant=globex", "acme-token").path("events")).isEmpty();
        // its destination by its short name
        assertThat(tenantsById(adminJson("/admin/events?q=" + id + "&destination=sink", "acme-token"))).containsExactly("acme~" + id + "=acme");
    }

    @Test
    void aTenantsTokenReadsItsOwnEventByShortOrQualifiedIdAndAnothersIsNotFoundAsAnUnknownOne() throws Exception {
        String id = sameIdAtBothTenantsAndTheHub();
        String hubOnly = Webhooks.newId();
        assertThat(webhook(null, hubOnly)).isEqualTo(200);
        awaitEvent(hubOnly, e -> true);

        assertThat(adminJson("/admin/events/acme~" + id, "acme-token").path("id").asText()).isEqualTo("acme~" + id);
        assertThat(adminJson("/admin/events/" + id, "acme-token").path("id").asText()).isEqualTo("acme~" + id);

        HttpResponse<String> unknown = admin("GET", "/admin/events/acme~" + Webhooks.newId(), "acme-token", null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        for (String other : List.of("globex~" + id, hubOnly)) {
            HttpResponse<String> r = admin("GET", "/admin/events/" + other, "acme-token", null);
            assertThat(r.statusCode()).as(other).isEqualTo(404);
            assertThat(JSON.readTree(r.body()).path("error").asText()).isEqualTo(JSON.readTree(unknown.body()).path("error").asText());
            assertThat(r.body()).doesNotContain("globex-state").doesNotContain("\"tenant\"");
        }
        // the global token sees all three
        for (String key : List.of("acme~" + id, "globex~" + id, id, hubOnly)) {
            assertThat(admin("GET", "/admin/events/" + key, GLOBAL_TOKEN, null).statusCode()).as(key).isEqualTo(200);
        }
    }

    @Test
    void aTenantsTokenRedeliversItsOwnEventButNotAnothersAndNoOneCrossesTenants() throws Exception {
        String id = sameIdAtBothTenantsAndTheHub();

        HttpResponse<String> own = admin("POST", "/admin/events/" + id + "/redeliver?destination=sink", "acme-token", null);
        assertThat(own.statusCode()).as(own.body()).isEqualTo(202);
        assertThat(JSON.readTree(own.body()).path("destination").asText()).isEqualTo("acme~sink");
        assertThat(JSON.readTree(own.body()).path("requestedBy").asText()).isEqualTo("admin API (acme)");

        HttpResponse<String> others = admin("POST", "/admin/events/globex~" + id + "/redeliver?destination=sink", "acme-token", null);
        assertThat(others.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(others.body()).path("error").asText()).isEqualTo("event_not_found");

        // not even the global admin sends acme's event to globex's destination
        HttpResponse<String> across = admin("POST", "/admin/events/acme~" + id + "/redeliver?destination=globex~sink", GLOBAL_TOKEN, null);
        assertThat(across.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(across.body()).path("error").asText()).isEqualTo("unknown_destination");
        assertThat(across.body()).doesNotContain("globex~sink;").contains("acme~sink");
    }

    @Test
    void aTenantsTokenSeesAndReplaysOnlyItsOwnDeadLettersAndDestinations() throws Exception {
        String id = sameIdAtBothTenantsAndTheHub();
        awaitEvent("globex~" + id, e -> "parked".equals(deliveryStatus(e, "globex~sink")));

        assertThat(adminJson("/admin/dead-letters", "acme-token").path("deadLetters").toString()).doesNotContain("globex");
        assertThat(adminJson("/admin/dead-letters?destination=sink", "globex-token").path("deadLetters").toString()).contains("globex~" + id);
        assertThat(adminJson("/admin/dead-letters", GLOBAL_TOKEN).path("deadLetters").toString()).contains("globex~" + id);

        // acme's token replays nothing of globex's, by destination or by event
        JsonNode replay = JSON.readTree(admin("POST", "/admin/replay", "acme-token",
                "{\"destination\":\"globex~sink\",\"all\":true}").body());
        assertThat(replay.path("replayed").asInt()).isZero();
        JsonNode byEvent = JSON.readTree(admin("POST", "/admin/replay", "acme-token",
                "{\"destination\":\"globex~sink\",\"eventId\":\"globex~" + id + "\"}").body());
        assertThat(byEvent.path("replayed").asInt()).isZero();
        HttpResponse<String> bulk = admin("POST", "/admin/deliveries/replay", "acme-token", "{\"destination\":\"globex~sink\"}");
        assertThat(bulk.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bulk.body()).path("error").asText()).isEqualTo("unknown_destination");
        assertThat(bulk.body()).doesNotContain("globex~sink;");
        assertThat(adminJson("/admin/dead-letters?destination=sink", "globex-token").path("deadLetters").toString()).contains("globex~" + id);

        // destinations and the overview: its own only
        assertThat(names(adminJson("/admin/destinations", "acme-token"))).containsExactly("acme~sink");
        assertThat(names(adminJson("/admin/destinations", GLOBAL_TOKEN))).contains("acme~sink", "globex~sink");
        JsonNode overview = adminJson("/admin/overview", "acme-token");
        assertThat(overview.path("parked").has("globex~sink")).isFalse();
        assertThat(overview.path("queues")).isEmpty();
        assertThat(adminJson("/admin/overview", "globex-token").path("parked").path("globex~sink").asInt()).isPositive();
    }

    @Test
    void aTenantsOwnDeadLetterIsReplayedWithItsToken() throws Exception {
        String id = Webhooks.newId();
        assertThat(webhook("globex", id)).isEqualTo(200);
        awaitEvent("globex~" + id, e -> "parked".equals(deliveryStatus(e, "globex~sink")));

        JsonNode replay = JSON.readTree(admin("POST", "/admin/replay", "globex-token",
                "{\"destination\":\"sink\",\"eventId\":\"" + id + "\"}").body());
        assertThat(replay.path("replayed").asInt()).isEqualTo(1);
        JsonNode event = awaitEvent("globex~" + id, e -> e.path("timeline").toString().contains("admin API (globex)"));
        assertThat(event.path("timeline").toString()).contains("replayed");
    }

    @Test
    void aTenantsTokenBulkReplaysItsOwnDestinationByItsShortName() throws Exception {
        String id = Webhooks.newId();
        assertThat(webhook("globex", id)).isEqualTo(200);
        awaitEvent("globex~" + id, e -> "parked".equals(deliveryStatus(e, "globex~sink")));

        HttpResponse<String> dryRun = admin("POST", "/admin/deliveries/replay", "globex-token", "{\"destination\":\"sink\",\"dryRun\":true}");
        assertThat(dryRun.statusCode()).as(dryRun.body()).isEqualTo(200);
        assertThat(JSON.readTree(dryRun.body()).path("filter").path("destination").asText()).isEqualTo("globex~sink");
        assertThat(JSON.readTree(dryRun.body()).path("matched").asLong()).isPositive();

        HttpResponse<String> replay = admin("POST", "/admin/deliveries/replay", "globex-token", "{\"destination\":\"sink\"}");
        assertThat(replay.statusCode()).as(replay.body()).isIn(200, 202);
        JsonNode event = awaitEvent("globex~" + id, e -> e.path("timeline").toString().contains("admin API (globex)"));
        assertThat(event.path("timeline").toString()).contains("replayed");
    }

    @Test
    void noTokenOrAWrongOneIsRefused() {
        assertThat(admin("GET", "/admin/events", null, null).statusCode()).isEqualTo(401);
        assertThat(admin("GET", "/admin/events", "acme-secret", null).statusCode()).isEqualTo(401);
    }

    // ---------------------------------------------------------------- helpers


    private static List<String> tenantsById(JsonNode answer) {
        List<String> out = new ArrayList<>();
        answer.path("events").forEach(e -> out.add(e.path("id").asText() + "=" + (e.path("tenant").isNull() ? "null" : e.path("tenant").asText())));
        return out;
    }

    private static List<String> names(JsonNode destinations) {
        List<String> out = new ArrayList<>();
        destinations.path("destinations").forEach(d -> out.add(d.path("name").asText()));
        return out;
    }
}
