package io.storehub.hub.console;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.storehub.hub.history.EventHistory;
import io.storehub.hub.support.StoreganiseStub;
import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** Who may use the console and the admin API, and what they can never see. */
class ConsoleSecurityTest extends ConsoleTestSupport {

    @AfterEach
    void forgetFailedSignIns() {
        camelContext.getRegistry().findSingleByType(ConsoleSecurity.class).resetLoginLimits();
    }

    @Test
    void withoutASessionEveryPageSendsToTheSignInAndEveryPostIsRefused() {
        ConsoleClient anonymous = new ConsoleClient(port);
        for (String page : List.of("/console", "/console/events", "/console/events/" + Webhooks.newId(), "/console/destinations",
                "/console/dead-letters")) {
            HttpResponse<String> response = anonymous.get(page);
            assertThat(response.statusCode()).as(page).isEqualTo(303);
            assertThat(response.headers().firstValue("Location")).as(page).hasValue("/console/login");
        }
        assertThat(anonymous.get("/console/events?fragment=results", "X-Requested-With", "fetch").statusCode()).isEqualTo(401);
        for (String action : List.of("/console/test-event", "/console/dead-letters/replay", "/console/logout",
                "/console/events/" + Webhooks.newId() + "/redeliver")) {
            HttpResponse<String> response = anonymous.postWithout(action, Map.of("type", "unit.blocked", "destination", "audit"));
            assertThat(response.statusCode()).as(action).isEqualTo(401);
        }
        // a made-up session cookie is no session
        HttpResponse<String> forged = Webhooks.send(HttpRequest.newBuilder(URI.create(hubUrl("/console/events")))
                .header("Cookie", "hub_session=" + Base64.getUrlEncoder().encodeToString(new byte[32])).GET().build());
        assertThat(forged.statusCode()).isEqualTo(303);
    }

    @Test
    void aWrongTokenIsRefusedAndTheRightOneOpensASessionInAStrictHttpOnlyCookie() {
        ConsoleClient browser = new ConsoleClient(port);
        HttpResponse<String> wrong = browser.signIn(ADMIN_TOKEN + "x");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("not right");
        assertThat(browser.cookie(ConsoleSecurity.SESSION_COOKIE)).isNull();

        HttpResponse<String> right = browser.signIn(ADMIN_TOKEN);

        assertThat(right.statusCode()).isEqualTo(303);
        assertThat(right.headers().firstValue("Location")).hasValue("/console");
        String cookie = right.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("hub_session=")).findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly", "SameSite=Strict", "Path=/console").doesNotContain("Secure");
        assertThat(browser.get("/console").statusCode()).isEqualTo(200);
        assertThat(browser.get("/console/events").body()).contains("<h1>Events</h1>");

        // behind a TLS-terminating proxy the cookie is Secure
        ConsoleClient proxied = new ConsoleClient(port);
        proxied.get("/console/login");
        HttpResponse<String> secure = proxied.postRaw("/console/login", ConsoleClient.form(Map.of("token", ADMIN_TOKEN, "_csrf", proxied.csrf())),
                "X-Forwarded-Proto", "https");
        assertThat(secure.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).contains("; Secure"));
    }

    @Test
    void theConfiguredUserSignsInWithAPasswordInTheFormOrAnHttpBasicHeader() {
        ConsoleClient form = new ConsoleClient(port);
        form.get("/console/login");
        assertThat(form.post("/console/login", Map.of("username", CONSOLE_USER, "password", CONSOLE_PASSWORD + "!")).statusCode()).isEqualTo(401);
        assertThat(form.post("/console/login", Map.of("username", CONSOLE_USER, "password", CONSOLE_PASSWORD)).statusCode()).isEqualTo(303);
        assertThat(form.get("/console").body()).contains(CONSOLE_USER);

        ConsoleClient basic = new ConsoleClient(port);
        basic.get("/console/login");
        String credentials = Base64.getEncoder().encodeToString((CONSOLE_USER + ":" + CONSOLE_PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> signedIn = basic.postRaw("/console/login", ConsoleClient.form(Map.of("_csrf", basic.csrf())),
                "Authorization", "Basic " + credentials);
        assertThat(signedIn.statusCode()).isEqualTo(303);
        assertThat(basic.get("/console/destinations").statusCode()).isEqualTo(200);
    }

    @Test
    void everyPostNeedsTheSessionsCsrfToken() {
        ConsoleClient browser = new ConsoleClient(port);
        browser.signIn(ADMIN_TOKEN);
        browser.get("/console");
        String id = postEvent("unit.blocked", "{\"unitId\":\"" + UNIT + "\"}");
        awaitEvent(id, e -> "delivered".equals(delivery(e, "audit").path("status").asText()));
        Map<String, Map<String, String>> actions = Map.of(
                "/console/test-event", Map.of("type", "unit.blocked"),
                "/console/dead-letters/replay", Map.of("destination", "audit", "all", "true"),
                "/console/deliveries/replay", Map.of("destination", "audit", "status", "failed"),
                "/console/events/" + id + "/redeliver", Map.of("destination", "audit"),
                "/console/logout", Map.of());
        for (Map.Entry<String, Map<String, String>> action : actions.entrySet()) {
            HttpResponse<String> none = browser.postWithout(action.getKey(), action.getValue());
            assertThat(none.statusCode()).as(action.getKey() + " without a token").isEqualTo(403);
            Map<String, String> wrong = new java.util.LinkedHashMap<>(action.getValue());
            wrong.put("_csrf", browser.csrf() + "x");
            assertThat(browser.postWithout(action.getKey(), wrong).statusCode()).as(action.getKey() + " with a wrong token").isEqualTo(403);
        }
        // the token travels as a header too (the refresh script's way), and then it works
        HttpResponse<String> withHeader = browser.postRaw("/console/events/" + id + "/redeliver",
                ConsoleClient.form(Map.of("destination", "audit")), "X-CSRF-Token", browser.csrf());
        assertThat(withHeader.statusCode()).isEqualTo(303);
        // the sign-in form has its own token, bound to its cookie
        ConsoleClient other = new ConsoleClient(port);
        assertThat(other.postWithout("/console/login", Map.of("token", ADMIN_TOKEN)).statusCode()).isEqualTo(403);
        other.get("/console/login");
        assertThat(other.postWithout("/console/login", Map.of("token", ADMIN_TOKEN, "_csrf", "forged")).statusCode()).isEqualTo(403);
    }

    @Test
    void signingOutEndsTheSessionAndAnExpiredSessionIsNoSession() throws Exception {
        ConsoleClient browser = new ConsoleClient(port);
        browser.signIn(ADMIN_TOKEN);
        browser.get("/console");
        String session = browser.cookie(ConsoleSecurity.SESSION_COOKIE);

        HttpResponse<String> out = browser.post("/console/logout", Map.of());

        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).startsWith("hub_session=;").contains("Max-Age=0"));
        HttpResponse<String> replayed = Webhooks.send(HttpRequest.newBuilder(URI.create(hubUrl("/console"))).header("Cookie", "hub_session=" + session)
                .GET().build());
        assertThat(replayed.statusCode()).as("the old cookie opens nothing").isEqualTo(303);
        assertThat(sessions(ConsoleSessions.sha256(session))).isZero();

        ConsoleClient expiring = new ConsoleClient(port);
        expiring.signIn(ADMIN_TOKEN);
        String hash = ConsoleSessions.sha256(expiring.cookie(ConsoleSecurity.SESSION_COOKIE));
        assertThat(expiring.get("/console").statusCode()).isEqualTo(200);
        expire(hash);
        assertThat(expiring.get("/console").statusCode()).isEqualTo(303);
        assertThat(camelContext.getRegistry().findSingleByType(ConsoleSecurity.class).purgeSessions()).isPositive();
        assertThat(sessions(hash)).isZero();
    }

    @Test
    void failedSignInsAreLimitedPerAddressWithA429ThatSaysSo() {
        ConsoleClient attacker = new ConsoleClient(port);
        for (int i = 0; i < 5; i++) {
            assertThat(attacker.signIn("guess-" + i).statusCode()).isEqualTo(401);
        }

        HttpResponse<String> limited = attacker.signIn("guess-6");
        HttpResponse<String> evenTheRightOne = new ConsoleClient(port).signIn(ADMIN_TOKEN);

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.body()).contains("Too many failed sign-in attempts");
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("60");
        assertThat(evenTheRightOne.statusCode()).as("same address").isEqualTo(429);
    }

    @Test
    void aCustomerNamedLikeAScriptIsShownAsTextEverywhere() throws Exception {
        String user = Webhooks.newId();
        String script = "<script>alert(1)</script>";
        StoreganiseStub.get().server().stubFor(get(urlPathEqualTo(StoreganiseStub.API + "/v1/admin/users/" + user)).atPriority(1)
                .withHeader("Authorization", equalTo("ApiKey " + StoreganiseStub.KEY))
                .willReturn(StoreganiseStub.json(200, "{\"id\":\"" + user + "\",\"name\":\"" + script + "\",\"email\":\"x@example.com\","
                        + "\"customFields\":{\"note\":\"<img src=x onerror=alert(2)>\"}}")));
        String id = postEvent("user.created", "{\"userId\":\"" + user + "\"}");
        awaitEvent(id, e -> "delivered".equals(delivery(e, "audit").path("status").asText()));
        ConsoleClient browser = new ConsoleClient(port);
        browser.signIn(ADMIN_TOKEN);

        for (String page : List.of("/console/events", "/console/events?entity=" + user, "/console/events?fragment=results",
                "/console/events/" + id)) {
            HttpResponse<String> response = browser.get(page);
            assertThat(response.statusCode()).as(page).isEqualTo(200);
            assertThat(response.body()).as(page).doesNotContain(script).doesNotContain("<img src=x").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
            assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(response.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                    assertThat(csp).contains("script-src 'self'").doesNotContain("unsafe-inline"));
            assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        }
    }

    @Test
    void noSecretIsInAnyPageOrApiAnswer() throws Exception {
        String id = Webhooks.newId();
        DESTINATIONS.stubFor(post(urlPathEqualTo(CRM_PATH)).withHeader("X-Storeganise-Event-Id", equalTo(id))
                .willReturn(aResponse().withStatus(400).withBody("bad request to " + DESTINATIONS.baseUrl() + CRM_PATH + "?key=" + HOOK_KEY
                        + "&retry=no, token " + CRM_TOKEN)));
        postBody(Webhooks.event(id, "job.unit_moveIn.created", java.time.Instant.now(), jobEvent(JOB)));
        awaitEvent(id, e -> "parked".equals(delivery(e, "ops-crm").path("status").asText()));
        ConsoleClient browser = new ConsoleClient(port);
        List<HttpResponse<String>> answers = new ArrayList<>();
        answers.add(browser.get("/console/login"));
        answers.add(browser.signIn(ADMIN_TOKEN));
        for (String page : List.of("/console", "/console?fragment=overview", "/console/events", "/console/events/" + id,
                "/console/destinations", "/console/destinations?fragment=table", "/console/dead-letters", "/console/static/console.js")) {
            answers.add(browser.get(page));
        }
        for (String api : List.of("/admin/events", "/admin/events/" + id, "/admin/destinations", "/admin/overview", "/admin/dead-letters")) {
            answers.add(admin("GET", api));
        }
        answers.add(admin("GET", "/admin/events?outcome=bogus"));

        assertThat(answers).allSatisfy(a -> assertThat(a.statusCode()).as(a.uri().toString()).isLessThan(500));
        for (HttpResponse<String> answer : answers) {
            String everything = answer.body() + answer.headers().map();
            for (String secret : SECRETS) {
                assertThat(everything).as(answer.uri() + " must not show " + secret).doesNotContain(secret);
            }
        }
        JsonNode event = adminJson("/admin/events/" + id);
        // the destination's answer is kept, its secrets masked
        assertThat(steps(event, "attempt", "ops-crm").get(0).get("error").asText()).contains("HTTP 400 from ops-crm: bad request to ***");
    }

    @Test
    void theAdminApiRefusesAMissingOrWrongToken() {
        for (String path : List.of("/admin/events", "/admin/events/x", "/admin/destinations", "/admin/overview")) {
            HttpResponse<String> none = Webhooks.send(HttpRequest.newBuilder(URI.create(hubUrl(path))).GET().build());
            HttpResponse<String> wrong = Webhooks.send(HttpRequest.newBuilder(URI.create(hubUrl(path)))
                    .header("Authorization", "Bearer " + ADMIN_TOKEN + "x").GET().build());
            assertThat(none.statusCode()).as(path).isEqualTo(401);
            assertThat(wrong.statusCode()).as(path).isEqualTo(401);
            assertThat(wrong.body()).contains("\"error\":\"unauthorized\"");
        }
        // a console session is no admin credential
        ConsoleClient browser = new ConsoleClient(port);
        browser.signIn(ADMIN_TOKEN);
        HttpResponse<String> withCookie = Webhooks.send(HttpRequest.newBuilder(URI.create(hubUrl("/admin/events")))
                .header("Cookie", "hub_session=" + browser.cookie(ConsoleSecurity.SESSION_COOKIE)).GET().build());
        assertThat(withCookie.statusCode()).isEqualTo(401);
        HttpResponse<String> redeliver = Webhooks.send(HttpRequest.newBuilder(URI.create(hubUrl("/admin/events/x/redeliver?destination=audit")))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(redeliver.statusCode()).isEqualTo(401);
    }

    private int sessions(String hash) throws Exception {
        try (Connection c = camelContext.getRegistry().findSingleByType(EventHistory.class).getDataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM hub_console_session WHERE id_hash = ?")) {
            ps.setString(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private void expire(String hash) throws Exception {
        try (Connection c = camelContext.getRegistry().findSingleByType(EventHistory.class).getDataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE hub_console_session SET expires_at = created_at - INTERVAL '1' HOUR WHERE id_hash = ?")) {
            ps.setString(1, hash);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }
}
