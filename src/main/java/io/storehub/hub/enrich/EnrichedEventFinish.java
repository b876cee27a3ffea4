package io.storehub.hub.enrich;

import java.math.BigDecimal;
import java.net.URI;
import java.text.NumberFormat;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.storehub.hub.dispatch.EventCatalog;
import io.storehub.hub.support.Headers;
import io.storehub.hub.support.JsonPaths;
import io.storehub.hub.support.SettingText;
import io.storehub.hub.tenant.Tenant;
import io.storehub.hub.tenant.TenantDirectory;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Completes the enriched event with {@code summary} (the fields people put in messages) and {@code links}
 * to the back office, tolerating anything missing (docs/enriched-event.md); records
 * {@code storeganise.enrich.latency}.
 */
public class EnrichedEventFinish implements Processor {

    public static final String LATENCY_METER = "storeganise.enrich.latency";
    private static final String[] TIME_ZONE_FIELDS = {"site.timezone", "site.timeZone", "site.tz", "settings.timezone",
            "settings.timeZone"};

    private MeterRegistry meterRegistry;
    private String language = "en-GB";
    private ZoneId defaultTimeZone;
    private String defaultCurrency;
    private String adminUrl;
    private String baseUrl;
    private TenantDirectory tenants;

    @Override
    public void process(Exchange exchange) {
        Map<String, Object> event = JsonPaths.map(exchange.getIn().getBody(), null);
        if (event != null) {
            event.put("summary", summary(event, Locale.forLanguageTag(language)));
            // a tenant's event says whose it is, and links to that business's back office
            String tenant = exchange.getIn().getHeader(Headers.TENANT, String.class);
            String apiBase = baseUrl;
            if (tenant != null) {
                if (tenants == null) {
                    tenants = TenantDirectory.of(exchange.getContext());
                }
                Tenant t = tenants.get(tenant);
                apiBase = t == null ? baseUrl : t.apiBaseUrl();
                event.put("tenant", tenant);
            }
            Map<String, Object> links = links(event, apiBase);
            if (!links.isEmpty()) {
                event.put("links", links);
            }
        }
        recordLatency(exchange);
    }

    Map<String, Object> summary(Map<String, Object> event, Locale locale) {
        Map<String, Object> summary = new LinkedHashMap<>();
        Map<String, Object> customer = JsonPaths.map(event, "customer");
        put(summary, "customerName", customerName(customer));
        put(summary, "customerEmail", JsonPaths.text(customer, "email"));
        put(summary, "customerPhone", JsonPaths.text(customer, "phone"));
        put(summary, "unitName", JsonPaths.first(event, "unit.name unitRental.unit.name"));
        String siteName = localized(JsonPaths.get(event, "site.title"), locale);
        if (siteName == null) {
            siteName = localized(JsonPaths.get(event, "site.name"), locale);
        }
        put(summary, "siteName", siteName);
        put(summary, "siteCode", JsonPaths.text(event, "site.code"));
        ZoneId zone = timeZone(event);
        put(summary, "timeZone", zone == null ? null : zone.getId());
        String when = EventDates.dateSource(event);
        put(summary, "date", EventDates.isoDate(when, zone));
        put(summary, "amount", amount(event, locale));
        summary.put("headline", headline(event, summary, EventDates.humanDate(when, zone, locale)));
        return summary;
    }

    private String headline(Map<String, Object> event, Map<String, Object> summary, String humanDate) {
        String type = JsonPaths.text(event, "type");
        String meaning = EventCatalog.meaningOf(type);
        List<String> parts = new ArrayList<>();
        if (summary.get("customerName") != null) {
            parts.add((String) summary.get("customerName"));
        }
        String unit = (String) summary.get("unitName");
        String site = (String) summary.get("siteName");
        String previousUnit = JsonPaths.text(event, "previousUnitRental.unit.name");
        if (unit != null) {
            String where = previousUnit != null ? "unit " + previousUnit + " to unit " + unit : "unit " + unit;
            parts.add(site != null ? where + " at " + site : where);
        } else if (site != null) {
            parts.add(site);
        }
        // a deleted invoice is known by the id in the event only
        String invoiceNumber = JsonPaths.first(event, "invoice.sid invoice.id event.data.invoiceId");
        if (invoiceNumber != null) {
            parts.add("invoice " + invoiceNumber);
        }
        if (summary.get("amount") instanceof Map<?, ?> amount && amount.get("formatted") != null) {
            parts.add(amount.get("formatted").toString());
        }
        if (humanDate != null) {
            parts.add(humanDate);
        }
        return parts.isEmpty() ? meaning + "." : meaning + ": " + String.join(", ", parts) + ".";
    }

    static String customerName(Map<String, Object> customer) {
        if (customer == null) {
            return null;
        }
        String name = JsonPaths.text(customer, "name");
        if (name != null) {
            return name;
        }
        String first = JsonPaths.text(customer, "firstName");
        String last = JsonPaths.text(customer, "lastName");
        String joined = ((first == null ? "" : first) + " " + (last == null ? "" : last)).trim();
        return joined.isEmpty() ? JsonPaths.text(customer, "email") : joined;
    }

    /** Storeganise titles are objects by language, e.g. {@code {"en": "Downtown"}}; plain strings pass. */
    static String localized(Object title, Locale locale) {
        if (title instanceof String s) {
            return s.isBlank() ? null : s;
        }
        if (title instanceof Map<?, ?> byLanguage && !byLanguage.isEmpty()) {
            Object preferred = byLanguage.get(locale.getLanguage());
            if (preferred == null) {
                preferred = byLanguage.get("en");
            }
            if (preferred == null) {
                preferred = byLanguage.values().stream().filter(v -> v instanceof String s && !s.isBlank()).findFirst().orElse(null);
            }
            return preferred == null ? null : preferred.toString();
        }
        return null;
    }

    private ZoneId timeZone(Map<String, Object> event) {
        for (String field : TIME_ZONE_FIELDS) {
            String id = JsonPaths.text(event, field);
            if (id != null) {
                try {
                    return ZoneId.of(id);
                } catch (DateTimeException ignored) {
                    // not an IANA zone: try the next source
                }
            }
        }
        return defaultTimeZone;
    }

    /** Money of the event: the invoice total, else the rental price; with the currency when known. */
    private Map<String, Object> amount(Map<String, Object> event, Locale locale) {
        Object value = event.containsKey("invoice") ? JsonPaths.get(event, "invoice.total")
                : "unit-rental".equals(event.get("family")) ? JsonPaths.get(event, "unitRental.price") : null;
        if (!(value instanceof Number number)) {
            return null;
        }
        String code = JsonPaths.first(event, "invoice.currency site.currency settings.currency");
        if (code == null) {
            code = defaultCurrency;
        }
        Currency currency = null;
        if (code != null) {
            try {
                currency = Currency.getInstance(code.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException unknown) {
                currency = null;
            }
        }
        NumberFormat format;
        if (currency != null) {
            format = NumberFormat.getCurrencyInstance(locale);
            format.setCurrency(currency);
            format.setMinimumFractionDigits(currency.getDefaultFractionDigits());
            format.setMaximumFractionDigits(currency.getDefaultFractionDigits());
        } else {
            format = NumberFormat.getNumberInstance(locale);
            format.setMinimumFractionDigits(2);
            format.setMaximumFractionDigits(2);
        }
        Map<String, Object> amount = new LinkedHashMap<>();
        amount.put("value", number);
        amount.put("currency", currency != null ? currency.getCurrencyCode() : null);
        amount.put("formatted", format.format(new BigDecimal(number.toString())));
        return amount;
    }

    /** Back-office links for people (paths UNVERIFIED, see StoreganiseResource#adminPath). */
    private Map<String, Object> links(Map<String, Object> event, String apiBase) {
        String root = adminRoot(JsonPaths.text(event, "event.apiUrl"), apiBase);
        Map<String, Object> links = new LinkedHashMap<>();
        if (root == null) {
            return links;
        }
        String[][] resources = {{"job", "JOB"}, {"valetOrder", "VALET_ORDER"}, {"unitRental", "UNIT_RENTAL"},
                {"invoice", "INVOICE"}, {"customer", "USER"}, {"unit", "UNIT"}, {"site", "SITE"}, {"addon", "ADDON"}};
        Map<String, String> byKey = new LinkedHashMap<>();
        for (String[] r : resources) {
            String id = JsonPaths.text(event, r[0] + ".id");
            if (id != null) {
                byKey.put(r[0], root + StoreganiseResource.valueOf(r[1]).adminPath().replace("{id}", id));
            }
        }
        String main = mainResource(JsonPaths.text(event, "family"), JsonPaths.text(event, "type"));
        String admin = main != null ? byKey.get(main) : null;
        if (admin == null && !byKey.isEmpty()) {
            admin = byKey.values().iterator().next();
        }
        if (admin != null) {
            links.put("admin", admin);
        }
        links.putAll(byKey);
        return links;
    }

    private static String mainResource(String family, String type) {
        if (family == null) {
            return null;
        }
        if ("unitRental.invoice.created".equals(type)) {
            return "invoice";
        }
        return switch (family) {
            case "job-move-in", "job-move-out", "job-transfer", "job-valet-order", "items" -> "job";
            case "unit-rental" -> "unitRental";
            case "invoice", "valet-invoice" -> "invoice";
            case "user" -> "customer";
            case "unit" -> "unit";
            case "site" -> "site";
            case "addon" -> "addon";
            default -> null;
        };
    }

    /** https://{business}.storeganise.com from storeganise.enrich.admin-url, the add-on's apiUrl or the base URL. */
    private String adminRoot(String apiUrl, String baseUrl) {
        if (adminUrl != null) {
            return adminUrl;
        }
        String from = apiUrl != null ? apiUrl : baseUrl;
        if (from == null) {
            return null;
        }
        try {
            URI uri = new URI(from);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return null;
            }
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        } catch (Exception e) {
            return null;
        }
    }

    private void recordLatency(Exchange exchange) {
        Long receivedAt = exchange.getIn().getHeader(Headers.RECEIVED_AT, Long.class);
        if (receivedAt == null) {
            return;
        }
        long elapsed = Math.max(0, System.currentTimeMillis() - receivedAt);
        String family = exchange.getIn().getHeader(Headers.FAMILY, "other", String.class);
        Timer.builder(LATENCY_METER)
                .description("From the webhook's acknowledgement to its enriched event (includes queue retries)")
                .tag("family", family)
                .publishPercentileHistogram()
                // a backlog (an outage, a rate limit, a billing run behind the concurrency cap) takes minutes
                .minimumExpectedValue(java.time.Duration.ofMillis(1))
                .maximumExpectedValue(java.time.Duration.ofHours(2))
                .register(registry(exchange.getContext()))
                .record(elapsed, TimeUnit.MILLISECONDS);
    }

    private MeterRegistry registry(CamelContext camelContext) {
        if (meterRegistry == null) {
            meterRegistry = camelContext.getRegistry().findSingleByType(MeterRegistry.class);
        }
        return meterRegistry != null ? meterRegistry : Metrics.globalRegistry;
    }

    private static void put(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    // ---- configuration (YAML bean properties) ----

    /** Language tag for site titles, dates and money, e.g. {@code en-GB}, {@code fr}, {@code en-AU}. */
    public void setLanguage(String language) {
        this.language = Objects.requireNonNullElse(SettingText.blankToNull(language), "en-GB");
    }

    /** Time zone when the site has none, e.g. {@code Europe/London}; empty: UTC. */
    public void setTimeZone(String timeZone) {
        String tz = SettingText.blankToNull(timeZone);
        this.defaultTimeZone = tz == null ? null : ZoneId.of(tz);
    }

    /** ISO 4217 currency when neither the invoice nor the site names one, e.g. {@code GBP}. */
    public void setCurrency(String currency) {
        this.defaultCurrency = SettingText.blankToNull(currency);
    }

    /** The back office root, e.g. {@code https://mybusiness.storeganise.com}; empty: derived from the API URL. */
    public void setAdminUrl(String adminUrl) {
        String url = SettingText.blankToNull(adminUrl);
        this.adminUrl = url != null && url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    public void setBaseUrl(String baseUrl) {
        this.baseUrl = SettingText.blankToNull(baseUrl);
    }

    public void setMeterRegistry(MeterRegistry meterRegistry) {
        this.meterRegistry = meterRegistry;
    }
}
