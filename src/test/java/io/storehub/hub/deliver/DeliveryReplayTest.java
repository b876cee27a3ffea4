package io.storehub.hub.deliver;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.storehub.hub.support.HttpRejection;
import io.storehub.hub.support.Webhooks;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The admin endpoints: token-protected listing and replay of parked deliveries, by event, time range or all. */
class DeliveryReplayTest extends DeliverTestSupport {

    @BeforeEach
    void services() {
        servicesAnswerOk();
    }

    @Test
    void adminEndpointsRefuseAMissingOrWrongTokenAndAnswerJson() throws Exception {
        HttpResponse<String> none = Webhooks.send(HttpRequest.newBuilder(URI.create(hubUrl("/admin/dead-letters"))).GET().build());
        HttpResponse<String> wrong = Webhooks.send(HttpRequest.newBuilder(URI.create(hubUrl("/admin/replay")))
                .header("Authorization", "Bearer " + ADMIN_TOKEN + "x").POST(HttpRequest.BodyPublishers.ofString("{\"destination\":\"crm\",\"all\":true}")).build());

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(JSON.readTree(none.body()).get("error").asText()).isEqualTo("unauthorized");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    }

    @Test
    void withoutATokenConfiguredTheAdminEndpointsDoNotExist() {
        AdminApi api = new AdminApi();
        api.setToken("");
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setHeader("Authorization", "Bearer anything");

        assertThatThrownBy(() -> api.authorize(exchange)).isInstanceOfSatisfying(HttpRejection.class,
                r -> assertThat(r.getStatus()).isEqualTo(404));
    }

    @Test
    void aReplayMustSayWhichDeliveriesAndCannotInjectASelector() throws Exception {
        HttpResponse<String> unspecific = admin("POST", "/admin/replay?destination=crm", null);
        HttpResponse<String> injected = admin("POST", "/admin/replay", "{\"destination\":\"crm' OR '1'='1\",\"all\":true}");

        assertThat(unspecific.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(unspecific.body()).get("error").asText()).isEqualTo("selection_required");
        assertThat(injected.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(injected.body()).get("error").asText()).isEqualTo("invalid_destination");
    }

    @Test
    void theDeliveriesParkedInATimeRangeAreReplayedAndTheOthersStayParked() throws Exception {
        String first = Webhooks.newId();
        String second = Webhooks.newId();
        for (String id : new String[] {first, second}) {
            CRM.stubFor(post(urlPathEqualTo(CRM_PATH)).withHeader("X-Storeganise-Event-Id", equalTo(id))
                    .willReturn(aResponse().withStatus(422).withBody("{\"error\":\"unknown customer\"}")));
        }
        queueDelivery(first, "unitRental.updated", "crm", enriched(first, "unitRental.updated", Map.of("unitRentalId", first), Map.of()));
        await().atMost(Duration.ofSeconds(15)).until(() -> parkedDelivery("crm", first) != null);
        Instant between = Instant.now();
        queueDelivery(second, "unitRental.updated", "crm", enriched(second, "unitRental.updated", Map.of("unitRentalId", second), Map.of()));
        await().atMost(Duration.ofSeconds(15)).until(() -> parkedDelivery("crm", second) != null);
        JsonNode listed = JSON.readTree(admin("GET", "/admin/dead-letters?destination=crm", null).body());
        assertThat(listed.get("count").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(parkedDelivery("crm", second).get("lastStatus").asInt()).isEqualTo(422);
        CRM.stubFor(post(urlPathEqualTo(CRM_PATH)).willReturn(okJson("{\"received\":true}")));

        HttpResponse<String> replay = admin("POST", "/admin/replay?destination=crm&from=" + between + "&to=" + Instant.now().plusSeconds(1), null);

        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
        assertThat(JSON.readTree(replay.body()).get("replayed").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(15)).until(() -> requestsMentioning(CRM, second).size() == 2);
        assertThat(parkedDelivery("crm", second)).isNull();
        assertThat(parkedDelivery("crm", first)).as("parked before the range").isNotNull();

        HttpResponse<String> all = admin("POST", "/admin/replay", "{\"destination\":\"crm\",\"all\":true}");
        assertThat(JSON.readTree(all.body()).get("replayed").asInt()).isGreaterThanOrEqualTo(1);
        await().atMost(Duration.ofSeconds(15)).until(() -> requestsMentioning(CRM, first).size() == 2);
    }
}
