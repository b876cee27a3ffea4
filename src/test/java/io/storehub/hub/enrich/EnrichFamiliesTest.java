package io.storehub.hub.enrich;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.storehub.hub.support.StoreganiseStub;
import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each family fetches what the table says from the (WireMock) Storeganise API, in order, and
 * delivers the documented enriched shape (docs/enriched-event.md) with the convenience fields.
 * The events are the samples of samples/events; the API answers with the fixtures of the same story.
 */
class EnrichFamiliesTest extends EnrichTestSupport {

    static final String RENTAL = "/unit-rentals/6b016c353e7c1d9a421c0462?include=unit,owner,customFields";
    static final String NEW_RENTAL = "/unit-rentals/6b0818b63e7c1d9a421c0f6b?include=unit,owner,customFields";
    static final String SITE_PATH = "/sites/" + SITE;
    static final String INVOICE = "/invoices/6b017fe73e7c1d9a421c04a0?include=owner,customFields";

    static Stream<Arguments> fetchesByType() {
        return Stream.of(
                Arguments.of("job.unit_moveIn.completed", List.of("/jobs/6b016b353e7c1d9a421c0455", RENTAL, SITE_PATH)),
                // no rental yet: the unit and the owner named by the job instead
                Arguments.of("job.unit_moveIn.cancelled", List.of("/jobs/6b0304883e7c1d9a421c0a87",
                        "/units/64103a653e7c1d9a420a1f3c", "/users/6b02ff113e7c1d9a421c0a61?include=customFields", SITE_PATH)),
                Arguments.of("job.unit_moveOut.completed", List.of("/jobs/6b0955d83e7c1d9a421c1130", NEW_RENTAL, SITE_PATH)),
                Arguments.of("job.unit_transfer.completed", List.of("/jobs/6b07f5433e7c1d9a421c0f40", RENTAL, NEW_RENTAL, SITE_PATH)),
                Arguments.of("job.valetOrder.completed", List.of("/jobs/6b054afc3e7c1d9a421c0c11",
                        "/valet-orders/6b054afc3e7c1d9a421c0c12?include=job,customFields",
                        "/users/" + JANE + "?include=customFields", SITE_PATH)),
                Arguments.of("items.updated", List.of("/jobs/6b054afc3e7c1d9a421c0c11",
                        "/valet-orders/6b054afc3e7c1d9a421c0c12?include=job,customFields",
                        "/users/" + JANE + "?include=customFields", SITE_PATH)),
                Arguments.of("unitRental.updated", List.of(RENTAL, SITE_PATH)),
                Arguments.of("unitRental.markOverdue", List.of(RENTAL, SITE_PATH)),
                Arguments.of("unitRental.invoice.created", List.of(INVOICE, RENTAL, SITE_PATH)),
                Arguments.of("invoice.state.updated", List.of(INVOICE, RENTAL, SITE_PATH)),
                Arguments.of("invoice.payments.updated", List.of(INVOICE, RENTAL, SITE_PATH)),
                Arguments.of("valet.invoice.created", List.of("/invoices/6b0554833e7c1d9a421c0c30?include=owner,customFields", SITE_PATH)),
                Arguments.of("invoice.deleted", List.of()),
                Arguments.of("user.created", List.of("/users/" + JANE + "?include=customFields")),
                Arguments.of("user.billing.updated", List.of("/users/" + JANE + "?include=customFields")),
                Arguments.of("unit.blocked", List.of("/units/64103a693e7c1d9a420a1f52", SITE_PATH)),
                Arguments.of("site.availability.updated", List.of(SITE_PATH)),
                Arguments.of("business.updated", List.of("/settings")),
                Arguments.of("addon.installed", List.of("/addons/663393003e7c1d9a420b2201")));
    }

    @ParameterizedTest(name = "{0} fetches {1}")
    @MethodSource("fetchesByType")
    void eachFamilyFetchesWhatItNeedsInOrder(String type, List<String> paths) {
        String id = send(type);
        Map<String, Object> enriched = delivered(id);

        assertThat(requests()).containsExactlyElementsOf(paths.stream().map(p -> "GET /api/v1/admin" + p).toList());
        assertThat(enriched).containsEntry("type", type).containsKeys("event", "family", "summary");
        assertThat(enriched).doesNotContainKey("missing");
    }

    @Test
    void everyCallCarriesTheApiKeyAndAsksForJson() {
        delivered(send("job.unit_transfer.completed"));

        storeganise.server().verify(4, anyRequestedFor(urlPathMatching("/api/.*"))
                .withHeader("Authorization", equalTo("ApiKey " + StoreganiseStub.KEY))
                .withHeader("Accept", equalTo("application/json")));
        // nothing of the event or the hub's own headers travels to Storeganise
        storeganise.server().getAllServeEvents().forEach(e -> assertThat(e.getRequest().getAllHeaderKeys())
                .noneMatch(h -> h.startsWith("Sg") || h.startsWith("Camel") || h.startsWith("JMS")));
    }

    @Test
    void aMoveInNamesTheCustomerTheUnitAndTheSiteWithTheDayInTheSitesTimeZone() {
        Map<String, Object> enriched = delivered(send("job.unit_moveIn.completed"));

        assertThat(at(enriched, "job.id")).isEqualTo("6b016b353e7c1d9a421c0455");
        assertThat(at(enriched, "unitRental.id")).isEqualTo("6b016c353e7c1d9a421c0462");
        assertThat(at(enriched, "unitRental.unit.name")).isEqualTo("A12");
        assertThat(at(enriched, "unit.id")).isEqualTo("64103a603e7c1d9a420a1f21");
        assertThat(at(enriched, "customer.email")).isEqualTo("jane.doe@example.com");
        assertThat(at(enriched, "site.code")).isEqualTo("dtn");
        assertThat((Map<String, Object>) enriched.get("summary")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "customerName", "Jane Doe",
                "customerEmail", "jane.doe@example.com",
                "customerPhone", "+44 7700 900123",
                "unitName", "A12",
                "siteName", "Downtown",
                "siteCode", "dtn",
                "timeZone", "Europe/London",
                "date", "2026-12-01",
                "headline", "A move-in job was completed: Jane Doe, unit A12 at Downtown, 1 Dec 2026."));
        String admin = "http://localhost:" + storeganise.port();
        assertThat((Map<String, Object>) enriched.get("links")).containsEntry("admin", admin + "/admin/jobs/6b016b353e7c1d9a421c0455")
                .containsEntry("unitRental", admin + "/admin/unit-rentals/6b016c353e7c1d9a421c0462")
                .containsEntry("customer", admin + "/admin/users/" + JANE);
    }

    @Test
    void aTransferCarriesTheRentalLeftAndTheRentalMovedTo() {
        Map<String, Object> enriched = delivered(send("job.unit_transfer.completed"));

        assertThat(at(enriched, "previousUnitRental.id")).isEqualTo("6b016c353e7c1d9a421c0462");
        assertThat(at(enriched, "previousUnitRental.unit.name")).isEqualTo("A12");
        assertThat(at(enriched, "unitRental.id")).isEqualTo("6b0818b63e7c1d9a421c0f6b");
        assertThat(at(enriched, "unit.name")).isEqualTo("B07");
        assertThat(at(enriched, "summary.headline"))
                .isEqualTo("A unit transfer was completed: Jane Doe, unit A12 to unit B07 at Downtown, 26 Nov 2026.");
    }

    @Test
    void aValetOrderCarriesTheOrderWithItsItemsAndTheOwnerAsCustomer() {
        Map<String, Object> enriched = delivered(send("job.valetOrder.completed"));

        assertThat(at(enriched, "valetOrder.id")).isEqualTo("6b054afc3e7c1d9a421c0c12");
        assertThat(at(enriched, "valetOrder.items.1.title")).isEqualTo("Books");
        assertThat(at(enriched, "customer.name")).isEqualTo("Jane Doe");
        assertThat(at(enriched, "summary.date")).isEqualTo("2026-11-27");
    }

    @Test
    void unitRentalInvoiceCreatedIsEnrichedAsAnInvoiceWithMoneyInItsCurrency() {
        Map<String, Object> enriched = delivered(send("unitRental.invoice.created"));

        assertThat(enriched).containsEntry("family", "unit-rental");
        assertThat(at(enriched, "invoice.sid")).isEqualTo(1042);
        assertThat(at(enriched, "unitRental.id")).isEqualTo("6b016c353e7c1d9a421c0462");
        // the invoice's owner {id, name} and the rental's owner (email, phone) make one customer
        assertThat(at(enriched, "customer.name")).isEqualTo("Jane Doe");
        assertThat(at(enriched, "customer.phone")).isEqualTo("+44 7700 900123");
        assertThat(at(enriched, "summary.amount")).isEqualTo(Map.of("value", 120, "currency", "GBP", "formatted", "£120.00"));
        assertThat(at(enriched, "summary.headline")).asString()
                .startsWith("An invoice was generated for a unit rental: Jane Doe, unit A12 at Downtown, invoice 1042, £120.00, ");
        assertThat(at(enriched, "links.admin")).asString().endsWith("/admin/invoices/6b017fe73e7c1d9a421c04a0");
    }

    @Test
    void aRentalEventIsDatedWhenItHappenedInTheSitesTimeZoneWithTheRentPrice() {
        Map<String, Object> enriched = delivered(send("unitRental.updated"));

        java.time.Instant created = java.time.Instant.parse(at(enriched, "event.created").toString());
        assertThat(at(enriched, "summary.date")).isEqualTo(created.atZone(java.time.ZoneId.of("Europe/London"))
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toOffsetDateTime()
                .format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        assertThat(at(enriched, "summary.amount.formatted")).isEqualTo("£120.00");
    }

    @Test
    void aValetInvoiceUsesTheCurrencyTheInvoiceNames() {
        Map<String, Object> enriched = delivered(send("valet.invoice.created"));

        assertThat(enriched).doesNotContainKey("unitRental");
        assertThat(at(enriched, "summary.amount")).isEqualTo(Map.of("value", 45.5, "currency", "GBP", "formatted", "£45.50"));
    }

    @Test
    void aDeletedInvoiceFetchesNothingAndKeepsItsIds() {
        Map<String, Object> enriched = delivered(send("invoice.deleted"));

        assertThat(requests()).isEmpty();
        assertThat(at(enriched, "event.data.invoiceId")).isEqualTo("6b057c433e7c1d9a421c0e05");
        assertThat(enriched).doesNotContainKeys("invoice", "missing");
        assertThat(at(enriched, "summary.headline")).asString().startsWith("An invoice was deleted: invoice 6b057c433e7c1d9a421c0e05, ");
    }

    @Test
    void userBillingUpdatedReadsTheUserThroughTheBillingPath() {
        Map<String, Object> enriched = delivered(send("user.billing.updated"));

        assertThat(at(enriched, "customer.billingMethod")).isEqualTo("card");
        assertThat(at(enriched, "summary.customerName")).isEqualTo("Jane Doe");
    }

    @Test
    void unitSiteBusinessAndAddonEventsCarryTheirResource() {
        Map<String, Object> unit = delivered(send("unit.blocked"));
        Map<String, Object> site = delivered(send("site.settings.updated"));
        Map<String, Object> business = delivered(send("business.updated"));
        Map<String, Object> addon = delivered(send("addon.customFields.validate"));

        assertThat(at(unit, "unit.state")).isEqualTo("blocked");
        assertThat(at(unit, "summary.siteName")).isEqualTo("Downtown");
        assertThat(at(site, "site.id")).isEqualTo(SITE);
        assertThat(at(business, "settings.code")).isEqualTo("mybusiness");
        assertThat(at(addon, "addon.customFields.pin_length")).isEqualTo(4);
    }

    @Test
    void anUndocumentedTypeIsEnrichedByWhicheverKnownIdsItCarries() {
        String id = Webhooks.newId();
        Map<String, Object> enriched = delivered(sendBody(Webhooks.event(id, "invoice.created", java.time.Instant.now(),
                "{\"invoiceId\":\"6b017fe73e7c1d9a421c04a0\",\"siteId\":\"" + SITE + "\",\"note\":\"new type\"}"), id));

        assertThat(enriched).containsEntry("family", "other");
        assertThat(requests()).containsExactly("GET /api/v1/admin" + INVOICE, "GET /api/v1/admin" + SITE_PATH);
        assertThat(at(enriched, "invoice.total")).isEqualTo(120);
        assertThat(at(enriched, "customer.name")).isEqualTo("Jane Doe");
        assertThat(at(enriched, "summary.headline")).asString().startsWith("Storeganise event invoice.created: Jane Doe");
    }

    @Test
    void anUndocumentedTypeWithoutKnownIdsIsDeliveredAsIs() {
        String id = Webhooks.newId();
        Map<String, Object> enriched = delivered(sendBody(Webhooks.event(id, "addon.dailyEvent.started", java.time.Instant.now(),
                "{\"day\":\"2026-11-29\"}"), id));

        assertThat(requests()).isEmpty();
        assertThat(enriched).doesNotContainKey("missing");
        assertThat(at(enriched, "summary.headline")).asString().matches("Storeganise event addon\\.dailyEvent\\.started: \\d+ \\w+ \\d{4}, \\d\\d:\\d\\d UTC\\.");
    }
}
