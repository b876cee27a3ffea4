package io.storehub.hub.enrich;

import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The convenience fields, without a hub: names, money, dates in the site's time zone, language. */
class EnrichSummaryTest {

    final EnrichedEventFinish finish = new EnrichedEventFinish();

    @Test
    void anInstantIsGivenInTheSitesTimeZoneAndADayStaysADay() {
        assertThat(EventDates.isoDate("2026-07-01T23:30:00.000Z", ZoneId.of("Europe/London"))).isEqualTo("2026-07-02T00:30:00+01:00");
        assertThat(EventDates.isoDate("2026-07-01T23:30:00.000Z", ZoneId.of("Australia/Sydney"))).isEqualTo("2026-07-02T09:30:00+10:00");
        assertThat(EventDates.isoDate("2026-07-01T23:30:00.000Z", null)).isEqualTo("2026-07-01T23:30:00Z");
        assertThat(EventDates.isoDate("2026-12-01", ZoneId.of("Australia/Sydney"))).isEqualTo("2026-12-01");
        assertThat(EventDates.humanDate("2026-07-01T23:30:00.000Z", ZoneId.of("Europe/London"), Locale.forLanguageTag("en-GB")))
                .isEqualTo("2 Jul 2026, 00:30");
    }

    @Test
    void moneyUsesTheInvoiceCurrencyThenTheSiteThenTheConfiguredOne() {
        Map<String, Object> event = event("invoice", Map.of("id", "i1", "total", 99.9, "currency", "EUR"));
        assertThat(at(finish.summary(event, Locale.forLanguageTag("en-GB")), "amount"))
                .isEqualTo(Map.of("value", 99.9, "currency", "EUR", "formatted", "€99.90"));

        event = event("invoice", Map.of("id", "i1", "total", 1500));
        event.put("site", Map.of("id", "s", "currency", "AUD"));
        assertThat(at(finish.summary(event, Locale.forLanguageTag("en-AU")), "amount.formatted")).isEqualTo("$1,500.00");

        finish.setCurrency("CHF");
        event = event("invoice", Map.of("id", "i1", "total", 12));
        assertThat(at(finish.summary(event, Locale.forLanguageTag("de-CH")), "amount.formatted")).asString().contains("12.00").contains("CHF");
    }

    @Test
    void withoutACurrencyTheAmountIsAPlainNumber() {
        Map<String, Object> event = event("invoice", Map.of("id", "i1", "total", 42));
        Map<String, Object> amount = new LinkedHashMap<>();
        amount.put("value", 42);
        amount.put("currency", null);
        amount.put("formatted", "42.00");
        assertThat(at(finish.summary(event, Locale.forLanguageTag("en-GB")), "amount")).isEqualTo(amount);
    }

    @Test
    void theCustomerNameFallsBackFromNameToFirstAndLastToEmail() {
        assertThat(EnrichedEventFinish.customerName(Map.of("name", "Jane Doe", "firstName", "J"))).isEqualTo("Jane Doe");
        assertThat(EnrichedEventFinish.customerName(Map.of("firstName", "Jane", "lastName", "Doe"))).isEqualTo("Jane Doe");
        assertThat(EnrichedEventFinish.customerName(Map.of("lastName", "Doe"))).isEqualTo("Doe");
        assertThat(EnrichedEventFinish.customerName(Map.of("email", "j@example.com"))).isEqualTo("j@example.com");
        assertThat(EnrichedEventFinish.customerName(Map.of())).isNull();
    }

    @Test
    void siteTitlesAreReadInTheConfiguredLanguageWithEnglishAsFallback() {
        Map<String, Object> title = Map.of("en", "Downtown", "fr", "Centre-ville");
        assertThat(EnrichedEventFinish.localized(title, Locale.FRENCH)).isEqualTo("Centre-ville");
        assertThat(EnrichedEventFinish.localized(title, Locale.GERMAN)).isEqualTo("Downtown");
        assertThat(EnrichedEventFinish.localized(Map.of("de", "Mitte"), Locale.ENGLISH)).isEqualTo("Mitte");
        assertThat(EnrichedEventFinish.localized("Plain", Locale.ENGLISH)).isEqualTo("Plain");
    }

    @Test
    void aRetryAfterIsReadAsSecondsOrAsAnHttpDateAndCapped() {
        StoreganiseRetries api = new StoreganiseRetries();
        api.setClock(java.time.Clock.fixed(java.time.Instant.parse("2026-11-29T10:00:00Z"), java.time.ZoneOffset.UTC));
        assertThat(api.retryAfterMillis("3")).isEqualTo(3000);
        assertThat(api.retryAfterMillis("0.5")).isEqualTo(500);
        assertThat(api.retryAfterMillis("Sun, 29 Nov 2026 10:00:20 GMT")).isEqualTo(20_000);
        assertThat(api.retryAfterMillis("Sun, 29 Nov 2026 09:00:00 GMT")).isZero();
        assertThat(api.retryAfterMillis("86400")).isEqualTo(3_600_000);
        assertThat(api.retryAfterMillis("soon")).isZero();
        assertThat(api.retryAfterMillis(null)).isZero();
    }

    private static Map<String, Object> event(String key, Map<String, Object> resource) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event", Map.of("id", "e", "created", "2026-11-29T10:00:00Z", "type", "invoice.state.updated", "data", Map.of()));
        event.put("type", "invoice.state.updated");
        event.put("family", "invoice");
        event.put(key, resource);
        event.put("missing", List.of());
        return event;
    }

    private static Object at(Object root, String path) {
        return EnrichTestSupport.at(root, path);
    }
}
