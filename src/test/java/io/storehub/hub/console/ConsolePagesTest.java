package io.storehub.hub.console;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** The console's pages and forms over HTTP: what they show and what their buttons do. */
class ConsolePagesTest extends ConsoleTestSupport {

    private static final Pattern MESSAGE = Pattern.compile("name=\"id\" value=\"(ID:[^\"]+)\"");

    @Test
    void theDeadLettersPageReplaysTheSelectedDeliveriesThenAllOfADestination() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = Webhooks.newId();
            DESTINATIONS.stubFor(post(urlPathEqualTo(CRM_PATH)).withHeader("X-Storeganise-Event-Id", equalTo(id))
                    .willReturn(aResponse().withStatus(422).withBody("{\"error\":\"rejected\"}")));
            postBody(Webhooks.event(id, "job.unit_moveIn.started", java.time.Instant.now(), jobEvent(JOB)));
            ids.add(id);
        }
        for (String id : ids) {
            awaitEvent(id, e -> "parked".equals(delivery(e, "ops-crm").path("status").asText()));
        }
        DESTINATIONS.stubFor(post(urlPathEqualTo(CRM_PATH)).atPriority(1).willReturn(okJson("{\"received\":true}")));
        ConsoleClient browser = new ConsoleClient(port);
        browser.signIn(ADMIN_TOKEN);

        HttpResponse<String> page = browser.get("/console/dead-letters?destination=ops-crm");
        assertThat(page.body()).contains(ids.get(0), ids.get(1), ids.get(2), "Replay all for ops-crm");
        List<String> selected = new ArrayList<>();
        Matcher m = MESSAGE.matcher(page.body());
        while (m.find()) {
            int row = page.body().indexOf("</tr>", m.end());
            String rowHtml = page.body().substring(m.end(), row);
            if (rowHtml.contains(ids.get(0)) || rowHtml.contains(ids.get(1))) {
                selected.add(m.group(1));
            }
        }
        assertThat(selected).hasSize(2);
        String form = "_csrf=" + enc(browser.csrf()) + "&id=" + enc(selected.get(0)) + "&id=" + enc(selected.get(1));

        HttpResponse<String> replayed = browser.postRaw("/console/dead-letters/replay", form);

        assertThat(replayed.statusCode()).isEqualTo(303);
        assertThat(replayed.headers().firstValue("Location")).hasValue("/console/dead-letters?notice=replayed&count=2");
        for (String id : ids.subList(0, 2)) {
            // the success record is written at once, the replay's step by the history's writer (a flush interval later at most)
            JsonNode event = awaitEvent(id, e -> "delivered".equals(delivery(e, "ops-crm").path("status").asText())
                    && !steps(e, "replayed", "ops-crm").isEmpty());
            assertThat(steps(event, "replayed", "ops-crm").get(0).get("actor").asText()).isEqualTo("console: admin");
        }
        assertThat(delivery(adminJson("/admin/events/" + ids.get(2)), "ops-crm").get("status").asText()).isEqualTo("parked");

        browser.get("/console/dead-letters");
        HttpResponse<String> all = browser.post("/console/dead-letters/replay", Map.of("destination", "ops-crm", "all", "true"));
        assertThat(all.statusCode()).isEqualTo(303);
        awaitEvent(ids.get(2), e -> "delivered".equals(delivery(e, "ops-crm").path("status").asText()));
        assertThat(browser.get("/console/dead-letters?destination=ops-crm").body()).doesNotContain(ids.get(2));
    }

    @Test
    void aRedeliveryFromTheEventPageIsRecordedWithTheOperatorsName() throws Exception {
        String id = postEvent("job.unit_moveIn.created", jobEvent(JOB));
        awaitEvent(id, e -> "delivered".equals(delivery(e, "team-slack").path("status").asText()));
        ConsoleClient browser = new ConsoleClient(port);
        browser.get("/console/login");
        browser.post("/console/login", Map.of("username", CONSOLE_USER, "password", CONSOLE_PASSWORD));
        HttpResponse<String> page = browser.get("/console/events/" + id);
        assertThat(page.body()).contains("Redeliver", "team-slack", "ops-crm", "fetched: job");

        HttpResponse<String> redelivered = browser.post("/console/events/" + id + "/redeliver", Map.of("destination", "team-slack"));

        assertThat(redelivered.statusCode()).isEqualTo(303);
        assertThat(redelivered.headers().firstValue("Location")).hasValue("/console/events/" + id + "?notice=redelivered&destination=team-slack");
        JsonNode event = awaitEvent(id, e -> steps(e, "attempt", "team-slack").size() == 2);
        assertThat(steps(event, "manual", "team-slack").get(0).get("actor").asText()).isEqualTo("console: " + CONSOLE_USER);
        assertThat(steps(event, "attempt", "team-slack").get(1).get("actor").asText()).isEqualTo("console: " + CONSOLE_USER);
        assertThat(browser.get(redelivered.headers().firstValue("Location").orElseThrow()).body())
                .contains("Queued for delivery to team-slack again.", "by console: " + CONSOLE_USER);
    }

    @Test
    void theOverviewAndDestinationsPagesShowTheFiguresAndTheSearchFilters() throws Exception {
        String id = postEvent("unit.occupied", "{\"unitId\":\"" + UNIT + "\"}");
        awaitEvent(id, e -> "delivered".equals(delivery(e, "audit").path("status").asText()));
        ConsoleClient browser = new ConsoleClient(port);
        browser.signIn(ADMIN_TOKEN);

        String overview = browser.get("/console").body();
        assertThat(overview).contains("Events per minute", "storeganise.events", "storeganise.deliveries.DLQ", "Storeganise API", "CLOSED",
                "Recipes enabled", "<svg class=\"chart\"");
        assertThat(browser.get("/console?fragment=overview").body()).doesNotContain("<html").contains("storeganise.events");
        String destinations = browser.get("/console/destinations").body();
        assertThat(destinations).contains("ops-crm", "team-slack", "big-invoices", "audit", "50/s", "job.unit_moveIn.created",
                "valet.invoice.created");
        String testEventTypes = destinations.substring(destinations.indexOf("id=\"test-event-type\""));
        assertThat(testEventTypes.substring(0, testEventTypes.indexOf("</select>")).split("<option ", -1)).as("one option per event type").hasSize(38);
        String found = browser.get("/console/events?type=unit.occupied&entity=" + UNIT + "&q=" + id).body();
        assertThat(found).contains("data-event-id=\"" + id + "\"", "value=\"unit.occupied\"");
        assertThat(browser.get("/console/events?outcome=nonsense").statusCode()).isEqualTo(400);
        assertThat(browser.get("/console/static/console.css").headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
        assertThat(browser.get("/console/static/../../application.yaml").statusCode()).isEqualTo(404);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
