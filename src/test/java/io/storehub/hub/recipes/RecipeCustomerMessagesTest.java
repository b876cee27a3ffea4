package io.storehub.hub.recipes;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Recipes move-in-slack, sms and crm, against stand-ins shaped like Slack, Twilio and HubSpot. */
class RecipeCustomerMessagesTest extends RecipeTestSupport {

    private static final String JOB_FIXTURE = "6b0304883e7c1d9a421c0a87";
    private static final String SAM = "6b02ff113e7c1d9a421c0a61";
    private static final String JANE = "6b0167333e7c1d9a421c0401";
    private static final String MESSAGES = "/2010-04-01/Accounts/" + TWILIO_SID + "/Messages.json";

    @BeforeEach
    void standIns() {
        SLACK.stubFor(post(urlPathMatching("/services/.*")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html").withBody("ok")));
        // Twilio answers 201 with the message resource; basic auth with the account SID and auth token
        TWILIO.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                .withBody("{\"code\": 20003, \"message\": \"Authenticate\", \"status\": 401}")));
        TWILIO.stubFor(post(urlPathEqualTo(MESSAGES)).atPriority(1)
                .withBasicAuth(TWILIO_SID, "twilio-auth-token")
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"sid\": \"SM0123456789abcdef0123456789abcdef\", \"status\": \"queued\"}")));
    }

    /** A move-in job of this test only, owned by a user of this test only (a copy of Sam, phone as given). */
    private static String[] moveInOfNewCustomer(String phoneLine) {
        String user = newId();
        stubResource("users", SAM, user, "\"phone\": \"+44 7700 900456\",", phoneLine);
        String job = newId();
        stubResource("jobs", JOB_FIXTURE, job, SAM, user, "\"state\": \"cancelled\"", "\"state\": \"created\"");
        return new String[] {job, user};
    }

    private static List<LoggedRequest> smsTo(String number) {
        return TWILIO.findAll(anyRequestedFor(urlPathEqualTo(MESSAGES))).stream()
                .filter(r -> URLDecoder.decode(r.getBodyAsString(), StandardCharsets.UTF_8).contains("To=" + number)).toList();
    }

    @Test
    void aScheduledMoveInIsAnnouncedToTheSiteTeamWithCustomerUnitSiteAndDate() {
        String[] moveIn = moveInOfNewCustomer("\"phone\": \"+44 7700 900456\",");

        String eventId = postSigned("job.unit_moveIn.created", "{\"jobId\":\"" + moveIn[0] + "\"}");

        await().atMost(20, TimeUnit.SECONDS).until(() -> !SLACK.findAll(anyRequestedFor(urlPathEqualTo(SLACK_PATH))).stream()
                .filter(r -> r.getBodyAsString().contains(moveIn[0])).toList().isEmpty());
        String text = json(SLACK.findAll(anyRequestedFor(urlPathEqualTo(SLACK_PATH))).stream()
                .filter(r -> r.getBodyAsString().contains(moveIn[0])).findFirst().orElseThrow().getBodyAsString()).get("text").asText();
        assertThat(text).contains("Move-in scheduled", "Sam Lee", "2026", "Unit:*").doesNotContain("not assigned yet");
        assertThat(eventId).isNotBlank();
    }

    @Test
    void aScheduledMoveInTextsTheCustomerThroughTheSmsGateway() {
        String number = "+447700" + (100000 + (int) (Math.random() * 800000));
        String[] moveIn = moveInOfNewCustomer("\"phone\": \"" + number.substring(0, 3) + " " + number.substring(3) + "\",");

        postSigned("job.unit_moveIn.created", "{\"jobId\":\"" + moveIn[0] + "\"}");

        await().atMost(20, TimeUnit.SECONDS).until(() -> smsTo(number).size() == 1);
        LoggedRequest sms = smsTo(number).get(0);
        assertThat(sms.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(sms.getHeader("Authorization")).isEqualTo("Basic " + Base64.getEncoder()
                .encodeToString((TWILIO_SID + ":twilio-auth-token").getBytes(StandardCharsets.UTF_8)));
        String form = URLDecoder.decode(sms.getBodyAsString(), StandardCharsets.UTF_8);
        assertThat(form).contains("From=+447700900000", "Body=Hello Sam, your move-in").contains("is booked for 2026-12-05");
    }

    @Test
    void aCustomerWithoutPhoneIsSkippedNotRetried() {
        String[] moveIn = moveInOfNewCustomer("");
        String eventId = newId();
        var handled = whenDeliveryHandled(eventId, "recipe-sms", 1);

        postSigned(eventId, "job.unit_moveIn.created", "{\"jobId\":\"" + moveIn[0] + "\"}");

        assertThat(handled.matches(20, TimeUnit.SECONDS)).isTrue();
        assertThat(TWILIO.findAll(anyRequestedFor(urlPathEqualTo(MESSAGES))).stream()
                .filter(r -> r.getBodyAsString().contains(moveIn[1])).toList()).isEmpty();
        assertThat(parked(eventId, "recipe-sms")).isNull();
    }

    @Test
    void anOverdueRentalTextsItsCustomer() {
        // the fixture rental's owner is Jane (+44 7700 900123)
        String eventId = postSigned("unitRental.markOverdue", "{\"unitRentalId\":\"6b016c353e7c1d9a421c0462\",\"changedKeys\":[\"overdue\"]}");

        await().atMost(20, TimeUnit.SECONDS).until(() -> smsTo("+447700900123").stream()
                .anyMatch(r -> URLDecoder.decode(r.getBodyAsString(), StandardCharsets.UTF_8).contains("overdue")));
        assertThat(eventId).isNotBlank();
    }

    @Test
    void aNewUserBecomesACrmContactAndAnExistingOneIsUpdatedByEmail() {
        HUBSPOT.stubFor(post(urlPathEqualTo("/crm/v3/objects/contacts")).withHeader("Authorization", equalTo("Bearer pat-eu1-test"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"id\": \"51\", \"properties\": {}}")));
        String user = newId();
        String email = "u" + user + "@example.com";
        stubResource("users", JANE, user, "jane.doe@example.com", email);

        postSigned("user.created", "{\"userId\":\"" + user + "\"}");

        await().atMost(20, TimeUnit.SECONDS).until(() -> HUBSPOT.findAll(anyRequestedFor(urlPathEqualTo("/crm/v3/objects/contacts")))
                .stream().anyMatch(r -> r.getBodyAsString().contains(email)));
        JsonNode created = json(HUBSPOT.findAll(anyRequestedFor(urlPathEqualTo("/crm/v3/objects/contacts"))).stream()
                .filter(r -> r.getBodyAsString().contains(email)).findFirst().orElseThrow().getBodyAsString()).get("properties");
        assertThat(created.get("email").asText()).isEqualTo(email);
        assertThat(created.get("firstname").asText()).isEqualTo("Jane");
        assertThat(created.get("phone").asText()).isEqualTo("+44 7700 900123");

        // HubSpot refuses a second contact with the same email: 409, then the hub PATCHes it by email
        HUBSPOT.stubFor(post(urlPathEqualTo("/crm/v3/objects/contacts")).atPriority(1).withRequestBody(
                        com.github.tomakehurst.wiremock.client.WireMock.containing(email))
                .willReturn(aResponse().withStatus(409).withHeader("Content-Type", "application/json")
                        .withBody("{\"status\":\"error\",\"message\":\"Contact already exists. Existing ID: 51\",\"category\":\"CONFLICT\"}")));
        HUBSPOT.stubFor(patch(urlPathEqualTo("/crm/v3/objects/contacts/" + email)).withQueryParam("idProperty", equalTo("email"))
                .willReturn(okJson("{\"id\": \"51\", \"properties\": {}}")));

        postSigned("user.updated", "{\"userId\":\"" + user + "\"}");

        await().atMost(20, TimeUnit.SECONDS).until(() -> HUBSPOT.findAll(anyRequestedFor(urlPathEqualTo("/crm/v3/objects/contacts/" + email))).size() == 1);
        assertThat(HUBSPOT.findAll(anyRequestedFor(urlPathEqualTo("/crm/v3/objects/contacts/" + email))).get(0).getBodyAsString())
                .contains("\"firstname\": \"Jane\"");
    }
}
