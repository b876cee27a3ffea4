package io.storehub.hub.deliver;

import java.util.LinkedHashMap;
import java.util.Map;

import io.storehub.hub.support.HubConfigurationException;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Recipes are off by default; one switched on becomes a destination with its subscription, or stops the start naming what it lacks. */
class RecipeConfigurationTest {

    @Test
    void recipesAreOffByDefault() {
        DestinationRegistry registry = registry("storeganise.recipes.payment.gateway-url=https://pay.example.com/v1/charges");
        assertThat(registry.all()).isEmpty();
        assertThat(registry.subscribers(event("unitRental.invoice.created", Map.of("invoice", Map.of("balance", 10))))).isEmpty();
    }

    @Test
    void anEnabledRecipeIsADestinationSubscribedToItsEvents() {
        DestinationRegistry registry = registry("storeganise.recipes.payment.enabled=true",
                "storeganise.recipes.payment.gateway-url=https://pay.example.com/v1/charges",
                "storeganise.api.base-url=https://demo.storeganise.com/api",
                "storeganise.recipes.move-in-slack.enabled=true",
                "storeganise.recipes.move-in-slack.webhook-url=https://hooks.slack.com/services/T0/B0/X",
                "storeganise.recipes.move-in-slack.events=job.unit_moveIn.created, job.unit_moveIn.started");

        assertThat(registry.get("recipe-payment").toString()).contains("route", "direct:recipe-payment");
        assertThat(registry.get("recipe-move-in-slack").getTemplate()).isEqualTo("recipe-move-in-scheduled");
        assertThat(registry.subscribers(event("unitRental.invoice.created", Map.of("invoice", Map.of("balance", 10)))))
                .containsExactly("recipe-payment");
        assertThat(registry.subscribers(event("unitRental.invoice.created", Map.of("invoice", Map.of("balance", 0)))))
                .as("nothing to charge").isEmpty();
        assertThat(registry.subscribers(event("job.unit_moveIn.started", Map.of()))).containsExactly("recipe-move-in-slack");
        assertThat(registry.subscribers(event("job.unit_moveIn.completed", Map.of()))).isEmpty();
    }

    @Test
    void anEnabledRecipeMissingASettingStopsTheStartNamingTheKey() {
        assertThatThrownBy(() -> registry("storeganise.recipes.sms.enabled=true", "storeganise.recipes.sms.account-sid=AC1",
                "storeganise.recipes.sms.from=+447700900000"))
                .isInstanceOf(HubConfigurationException.class)
                .hasMessage("storeganise.recipes.sms.auth-token is missing: the recipe 'sms' is enabled (storeganise.recipes.sms.enabled=true) "
                        + "and needs the SMS gateway (Twilio) auth token.");
        assertThatThrownBy(() -> registry("storeganise.recipes.move-in-charge.enabled=true", "storeganise.recipes.move-in-charge.title=Padlock"))
                .isInstanceOf(HubConfigurationException.class)
                .hasMessageStartingWith("storeganise.recipes.move-in-charge.amount is missing");
        assertThatThrownBy(() -> registry("storeganise.recipes.zapier.enabled=true", "storeganise.recipes.zapier.url=hooks.zapier.com/x"))
                .isInstanceOf(HubConfigurationException.class)
                .hasMessage("storeganise.recipes.zapier.url must be an http:// or https:// URL.");
    }

    @Test
    void aRecipeThatWritesToStoreganiseNeedsTheApi() {
        assertThatThrownBy(() -> registry("storeganise.recipes.move-in-charge.enabled=true", "storeganise.recipes.move-in-charge.title=Padlock",
                "storeganise.recipes.move-in-charge.amount=25"))
                .isInstanceOf(HubConfigurationException.class)
                .hasMessageStartingWith("storeganise.api.base-url is missing: the recipe 'move-in-charge' is enabled and writes to the Storeganise API");
    }

    @Test
    void anEnabledFlagThatIsNotABooleanIsRefused() {
        assertThatThrownBy(() -> registry("storeganise.recipes.crm.enabled=yes"))
                .isInstanceOf(HubConfigurationException.class)
                .hasMessage("storeganise.recipes.crm.enabled 'yes' must be true or false.");
    }

    private static DestinationRegistry registry(String... properties) {
        return ConfiguredRegistry.of(properties);
    }

    private static Exchange event(String type, Map<String, Object> enrichment) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setHeader("SgEventType", type);
        Map<String, Object> body = new LinkedHashMap<>(enrichment);
        body.put("type", type);
        body.put("event", Map.of("id", "e1", "type", type));
        exchange.getIn().setBody(body);
        return exchange;
    }
}
