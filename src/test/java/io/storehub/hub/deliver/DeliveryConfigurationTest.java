package io.storehub.hub.deliver;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.storehub.hub.support.HubConfigurationException;
import io.storehub.hub.support.HubProcess;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Destinations and subscriptions read from flat properties, as camel-main's application.properties
 * (or Spring's flattening of application.yaml) gives them; every mistake stops the start with the key named.
 */
class DeliveryConfigurationTest {

    private static final String SLACK = "storeganise.destinations.site-team.type=slack|storeganise.destinations.site-team.webhook-url=https://hooks.slack.com/services/T0/B0/X";

    @Test
    void flatPropertiesWithCommaListsAndGlobsSendEachTypeToItsDestinations() {
        DestinationRegistry registry = registry(SLACK,
                "storeganise.destinations.crm.type=http",
                "storeganise.destinations.crm.url=https://crm.example.com/hooks",
                "storeganise.destinations.crm.auth.username=hub",
                "storeganise.destinations.crm.auth.password=secret",
                "storeganise.subscriptions[0].events=job.unit_moveIn.*, *.created",
                "storeganise.subscriptions[0].to=site-team",
                "storeganise.subscriptions[1].events[0]=job.*",
                "storeganise.subscriptions[1].to[0]=crm",
                "storeganise.subscriptions[1].to[1]=site-team");

        assertThat(registry.subscribers(event("job.unit_moveIn.completed", Map.of()))).containsExactly("site-team", "crm");
        assertThat(registry.subscribers(event("user.created", Map.of()))).containsExactly("site-team");
        assertThat(registry.subscribers(event("job.valetOrder.started", Map.of()))).containsExactly("crm", "site-team");
        assertThat(registry.subscribers(event("invoice.deleted", Map.of()))).isEmpty();
        assertThat(registry.get("crm").authorization).isEqualTo("Basic aHViOnNlY3JldA==");
        assertThat(registry.get("crm").toString()).doesNotContain("secret", "/hooks");
        assertThat(registry.get("site-team").toString()).doesNotContain("T0/B0/X").contains("at most 1 per PT1S");
    }

    @Test
    void aFilterSelectsOnTheEnrichedEventAndOneThatCannotBeEvaluatedDoesNotMatch() {
        DestinationRegistry registry = registry(SLACK,
                "storeganise.subscriptions[0].events[0]=invoice.*",
                "storeganise.subscriptions[0].filter=${body[invoice][total]} > 0",
                "storeganise.subscriptions[0].to[0]=site-team");

        assertThat(registry.subscribers(event("invoice.state.updated", Map.of("invoice", Map.of("total", 12.5))))).containsExactly("site-team");
        assertThat(registry.subscribers(event("invoice.state.updated", Map.of("invoice", Map.of("total", 0))))).isEmpty();
        assertThat(registry.subscribers(event("invoice.state.updated", Map.of()))).as("not enriched").isEmpty();
    }

    @Test
    void aSubscriptionToAnUnknownDestinationIsRefused() {
        assertRefused("storeganise.subscriptions[0].to[1] names destination 'acounts', which is not configured "
                        + "(no storeganise.destinations.acounts.type); configured: site-team.",
                SLACK, "storeganise.subscriptions[0].events[0]=*", "storeganise.subscriptions[0].to[0]=site-team",
                "storeganise.subscriptions[0].to[1]=acounts");
    }

    @Test
    void anUnknownTypeIsRefused() {
        assertRefused("storeganise.destinations.crm.type 'htp' is not a destination type; use one of slack, email, http, zapier, log, route.",
                "storeganise.destinations.crm.type=htp", "storeganise.destinations.crm.url=https://crm.example.com");
    }

    @Test
    void aMissingUrlIsRefused() {
        assertRefused("storeganise.destinations.zap.url is missing: a zapier destination needs the URL to POST to "
                        + "(the Zap's catch hook, https://hooks.zapier.com/hooks/catch/...).",
                "storeganise.destinations.zap.type=zapier");
        assertRefused("storeganise.destinations.site-team.webhook-url is missing: a slack destination needs its incoming-webhook URL "
                + "(https://hooks.slack.com/services/...), or a bot token and a channel.", "storeganise.destinations.site-team.type=slack");
        assertRefused("storeganise.destinations.crm.url must be an http:// or https:// URL.",
                "storeganise.destinations.crm.type=http", "storeganise.destinations.crm.url=crm.example.com/hooks");
    }

    @Test
    void anUnsetEnvironmentVariableIsNamed() {
        assertRefused("storeganise.destinations.site-team.webhook-url refers to ${SLACK_WEBHOOK_URL}, which is not set: "
                        + "set the environment variable SLACK_WEBHOOK_URL (or give the value in application.yaml).",
                "storeganise.destinations.site-team.type=slack", "storeganise.destinations.site-team.webhook-url=${SLACK_WEBHOOK_URL}");
    }

    @Test
    void anInvalidEventPatternIsRefused() {
        assertRefused("storeganise.subscriptions[0].events[1] 'job unit' is not a valid event pattern: use an event type such as "
                        + "job.unit_moveIn.completed, with * matching any characters (job.*, *.created, *).",
                SLACK, "storeganise.subscriptions[0].events[0]=job.*", "storeganise.subscriptions[0].events[1]=job unit",
                "storeganise.subscriptions[0].to[0]=site-team");
    }

    @Test
    void anInvalidFilterIsRefused() {
        assertThatThrownBy(() -> registry(SLACK, "storeganise.subscriptions[0].events[0]=*",
                "storeganise.subscriptions[0].filter=${body[invoice][total] > 0", "storeganise.subscriptions[0].to[0]=site-team"))
                .isInstanceOf(HubConfigurationException.class)
                .hasMessageStartingWith("storeganise.subscriptions[0].filter '${body[invoice][total] > 0' is not a valid Camel simple predicate: ");
    }

    @Test
    void aMisspelledSettingIsRefusedWithTheKnownOnes() {
        assertRefused("storeganise.destinations.site-team.webhok-url is not a setting of a slack destination; it knows type, template, "
                        + "rate-limit, ordered, webhook-url, token, channel, api-url, username, icon-emoji.",
                "storeganise.destinations.site-team.type=slack", "storeganise.destinations.site-team.webhok-url=https://hooks.slack.com/x");
    }

    @Test
    void aBadRateLimitOrMissingTemplateIsRefused() {
        assertRefused("storeganise.destinations.site-team.rate-limit 'fast' is not a rate: write e.g. 1/s, 30/s, 100/min, 500/h or none.",
                SLACK, "storeganise.destinations.site-team.rate-limit=fast");
        assertRefused("storeganise.destinations.crm.template: the template " + Path.of("templates", "http", "nope.json.mustache")
                        + " does not exist (templates are read from " + Path.of("templates").toAbsolutePath() + ").",
                "storeganise.destinations.crm.type=http", "storeganise.destinations.crm.url=https://crm.example.com",
                "storeganise.destinations.crm.template=nope");
    }

    @Test
    void anEmailDestinationWithoutAnSmtpServerIsRefused() {
        assertRefused("storeganise.destinations.accounts.host is missing (and no storeganise.mail.host): the SMTP server to send through.",
                "storeganise.destinations.accounts.type=email", "storeganise.destinations.accounts.to=accounts@example.com",
                "storeganise.destinations.accounts.from=hub@example.com");
    }

    @Test
    void theHubRefusesToStartWithABadSubscriptionAndNamesTheKey(@TempDir Path dataDir) {
        assertThatThrownBy(() -> HubProcess.start(dataDir, "storeganise.subscriptions[0].to[0]=nowhere"))
                .rootCause().isInstanceOf(HubConfigurationException.class)
                .hasMessageStartingWith("storeganise.subscriptions[0].to[0] names destination 'nowhere', which is not configured");
    }

    @Test
    void orderedIsTrueUnlessSetAndMustBeABoolean() {
        DestinationRegistry registry = registry(SLACK, "storeganise.destinations.crm.type=http",
                "storeganise.destinations.crm.url=https://crm.example.com/hooks", "storeganise.destinations.crm.ordered=false");

        assertThat(registry.get("site-team").isOrdered()).isTrue();
        assertThat(registry.get("crm").isOrdered()).isFalse();
        assertRefused("storeganise.destinations.site-team.ordered 'yes' must be true or false.",
                SLACK, "storeganise.destinations.site-team.ordered=yes");
    }

    @Test
    void signingSecretsAreReadAsAListOrCommaSeparatedOnHttpAndZapierOnly() {
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        DestinationRegistry registry = registry(
                "storeganise.destinations.crm.type=http", "storeganise.destinations.crm.url=https://crm.example.com/hooks",
                "storeganise.destinations.crm.signing-secret=" + secret + ", a-plain-text-secret-of-24+bytes",
                "storeganise.destinations.zap.type=zapier", "storeganise.destinations.zap.url=https://hooks.zapier.com/hooks/catch/1/a/",
                "storeganise.destinations.zap.signing-secret[0]=" + secret);

        assertThat(registry.get("crm").signingKeys).hasSize(2);
        assertThat(registry.get("zap").signingKeys).hasSize(1);
        assertThat(registry.get("crm").toString()).contains("signed").doesNotContain(secret, "plain-text");
        assertRefused("storeganise.destinations.site-team.signing-secret is not a setting of a slack destination; it knows type, template, "
                        + "rate-limit, ordered, webhook-url, token, channel, api-url, username, icon-emoji.",
                SLACK, "storeganise.destinations.site-team.signing-secret=" + secret);
        assertThatThrownBy(() -> registry("storeganise.destinations.crm.type=http", "storeganise.destinations.crm.url=https://crm.example.com/h",
                "storeganise.destinations.crm.signing-secret=too-short"))
                .isInstanceOf(HubConfigurationException.class)
                .hasMessageStartingWith("storeganise.destinations.crm.signing-secret gives a key of 9 bytes");
    }

    @Test
    void onlyAnHttpDestinationMayPropagateTheTraceContext() {
        assertRefused("storeganise.destinations.site-team.propagate-trace is not a setting of a slack destination; it knows type, template, "
                        + "rate-limit, ordered, webhook-url, token, channel, api-url, username, icon-emoji.",
                SLACK, "storeganise.destinations.site-team.propagate-trace=true");
        assertRefused("storeganise.destinations.zap.propagate-trace is not a setting of a zapier destination; it knows type, template, "
                        + "rate-limit, ordered, url, headers.*, flatten, signing-secret.",
                "storeganise.destinations.zap.type=zapier", "storeganise.destinations.zap.url=https://hooks.zapier.com/hooks/catch/1/a/",
                "storeganise.destinations.zap.propagate-trace=true");
    }

    @Test
    void nestedAndGroupedSettingsAreCheckedWithTheirKeys() {
        assertRefused("storeganise.destinations.crm.auth.tokn is not a setting of a http destination; it knows type, template, rate-limit, "
                        + "ordered, url, method, headers.*, auth.bearer, auth.username, auth.password, signing-secret, propagate-trace.",
                "storeganise.destinations.crm.type=http", "storeganise.destinations.crm.url=https://crm.example.com/h",
                "storeganise.destinations.crm.auth.tokn=x");
        assertRefused("storeganise.destinations.accounts.headers.X-Source is not a setting of a email destination; it knows type, template, "
                        + "rate-limit, ordered, to, cc, bcc, from, reply-to, host, port, security, username, password.",
                "storeganise.destinations.accounts.type=email", "storeganise.destinations.accounts.to=a@example.com",
                "storeganise.destinations.accounts.headers.X-Source=hub");
        assertRefused("storeganise.subscriptions[0].event: 'event' is not a subscription setting; use events, to or filter.",
                SLACK, "storeganise.subscriptions[0].event=*", "storeganise.subscriptions[0].to=site-team");
    }

    @Test
    void aListOfEmailAddressesIsJoinedAndADestinationMayBeNamedWithDigits() {
        DestinationRegistry registry = registry("storeganise.destinations.2.type=email",
                "storeganise.destinations.2.to[0]=a@example.com", "storeganise.destinations.2.to[1]=b@example.com",
                "storeganise.destinations.2.from=hub@example.com", "storeganise.destinations.2.host=smtp.example.com",
                "storeganise.subscriptions[0].events=*", "storeganise.subscriptions[0].to=2");

        assertThat(registry.get("2").to).isEqualTo("a@example.com,b@example.com");
        assertThat(registry.subscribers(event("user.created", Map.of()))).containsExactly("2");
    }

    @Test
    void destinationsAndRecipesSetOnlyInEnvironmentVariablesAreReadOnSpringBoot(@TempDir Path dataDir) {
        // the form a Kubernetes Secret or a shell gives them: Spring maps each key to such a variable
        Map<String, Object> environment = Map.of(
                "STOREGANISE_DESTINATIONS_CRM_TYPE", "http",
                "STOREGANISE_DESTINATIONS_CRM_URL", "https://crm.example.com/hooks",
                "STOREGANISE_DESTINATIONS_CRM_SIGNINGSECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "STOREGANISE_DESTINATIONS_CRM_ORDERED", "false",
                "STOREGANISE_RECIPES_ZAPIER_ENABLED", "true",
                "STOREGANISE_RECIPES_ZAPIER_URL", "https://hooks.zapier.com/hooks/catch/1/a/");
        List<String> args = HubProcess.baseProperties(dataDir);
        args.add("storeganise.subscriptions[0].events[0]=*");
        args.add("storeganise.subscriptions[0].to[0]=crm");
        try (var hub = new org.springframework.boot.builder.SpringApplicationBuilder(io.storehub.hub.boot.HubApplication.class)
                .initializers(context -> context.getEnvironment().getPropertySources().addFirst(
                        new org.springframework.core.env.SystemEnvironmentPropertySource("test-systemEnvironment", environment)))
                .run(args.stream().map(a -> "--" + a).toArray(String[]::new))) {
            DestinationRegistry registry = HubProcess.camel(hub).getRegistry().lookupByNameAndType("destinationRegistry", DestinationRegistry.class);

            assertThat(registry.get("crm").isSigned()).isTrue();
            assertThat(registry.get("crm").isOrdered()).isFalse();
            assertThat(registry.get("recipe-zapier")).isNotNull();
            assertThat(registry.subscribers(event("user.created", Map.of()))).containsExactly("crm", "recipe-zapier");
        }
    }

    private static void assertRefused(String message, String... properties) {
        assertThatThrownBy(() -> registry(properties)).isInstanceOf(HubConfigurationException.class).hasMessage(message);
    }

    private static DestinationRegistry registry(String... properties) {
        return ConfiguredRegistry.of(properties);
    }

    private static Exchange event(String type, Map<String, Object> enrichment) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setHeader("SgEventType", type);
        java.util.Map<String, Object> body = new java.util.LinkedHashMap<>(enrichment);
        body.put("type", type);
        body.put("event", Map.of("id", "e1", "type", type));
        exchange.getIn().setBody(body);
        return exchange;
    }

}
