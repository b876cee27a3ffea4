package io.storehub.hub.deliver;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The recipes (docs/recipes.md): an enabled one ({@code storeganise.recipes.<name>.enabled=true}) becomes a
 * destination {@code recipe-<name>} subscribed to its events, with the queue, retries, parking and replay
 * of any destination; its routes are routes/recipe-<name>.camel.yaml.
 */
final class Recipes {

    static final String PREFIX = "storeganise.recipes.";
    static final String FAILURE_ALERT = "failure-alert";

    /** One recipe; {@code required} says why each is needed; {@code destination} null: none (the failure alert runs on a timer). */
    record Recipe(String name, Map<String, String> required, List<String> optional, String events, String filter,
                  boolean writesToStoreganise, Function<Map<String, String>, Map<String, String>> destination) {
    }

    static final List<Recipe> CATALOG = List.of(
            new Recipe("move-in-slack",
                    Map.of("webhook-url", "the Slack incoming-webhook URL of the site team (https://hooks.slack.com/services/...)"),
                    List.of("template"), "job.unit_moveIn.created", null, false,
                    s -> Map.of("type", "slack", "webhook-url", s.get("webhook-url"),
                            "template", s.getOrDefault("template", "recipe-move-in-scheduled"))),
            new Recipe("accounting",
                    Map.of("base-url", "the accounting API's base URL the invoices are POSTed under ({base-url}/Invoices; Xero: https://api.xero.com/api.xro/2.0)",
                            "token", "the accounting API's access token (sent as Authorization: Bearer)",
                            "tenant-id", "the accounting organisation the invoices belong to (sent as Xero-tenant-id)"),
                    List.of("paid-status", "deleted-status"),
                    "unitRental.invoice.created,valet.invoice.created,invoice.state.updated,invoice.deleted", null, false,
                    s -> route("accounting")),
            new Recipe("payment",
                    Map.of("gateway-url", "the payment gateway's charge URL the hub POSTs a charge to"),
                    List.of("gateway-token", "payment-method"), "unitRental.invoice.created,valet.invoice.created",
                    "${body[invoice][balance]} > 0", true, s -> route("payment")),
            new Recipe("move-in-charge",
                    Map.of("amount", "the amount of the charge added to the unit rental (e.g. 25)",
                            "title", "the title of the charge (e.g. Padlock)"),
                    List.of(), "job.unit_moveIn.completed", null, true, s -> route("move-in-charge")),
            new Recipe("sms",
                    Map.of("account-sid", "the SMS gateway (Twilio) account SID",
                            "auth-token", "the SMS gateway (Twilio) auth token",
                            "from", "the sender number or name the SMS is sent from (e.g. +447700900000)"),
                    List.of("api-url"), "job.unit_moveIn.created,unitRental.markOverdue", null, false, s -> route("sms")),
            new Recipe("crm",
                    Map.of("token", "the CRM (HubSpot) private app access token"),
                    List.of("api-url"), "user.created,user.updated,user.billing.updated", null, false, s -> route("crm")),
            new Recipe("zapier",
                    Map.of("url", "the Zap's catch hook URL (https://hooks.zapier.com/hooks/catch/...)"),
                    List.of(), "*", null, false,
                    s -> Map.of("type", "zapier", "url", s.get("url"), "flatten", "true")),
            new Recipe(FAILURE_ALERT,
                    Map.of("to", "the name of a configured slack, email or http destination the alerts are sent to"),
                    List.of("interval", "check-every", "hub-url", "storeganise-task"), null, null, false, null));

    private Recipes() {
    }

    static Map<String, String> route(String recipe) {
        return Map.of("type", "route", "endpoint", "direct:recipe-" + recipe);
    }
}
