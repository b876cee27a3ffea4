package io.storehub.hub.enrich;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.storehub.hub.support.StoreganiseStub;
import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Storeganise asks integrators to call in series: the 4 queue consumers share at most
 * {@code storeganise.api.max-concurrent-requests} (2) requests in flight. Rarely changing resources
 * are cached; invoices and jobs never are.
 */
class EnrichConcurrencyAndCacheTest extends EnrichTestSupport {

    static final String INVOICE = "6b017fe73e7c1d9a421c04a0";

    static final String SITE_PATH = "/api/v1/admin/sites/" + SITE;

    @Test
    void aBurstNeverHasMoreThanTwoRequestsInFlightAndEveryEventIsEnriched() throws Exception {
        storeganise.latency(50);
        // a billing run: 40 new invoices (40 entities, so the consumers work on them in parallel)
        Map<String, String> invoiceOfEvent = new ConcurrentHashMap<>();
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                sent.add(senders.submit(() -> {
                    String invoice = Webhooks.newId();
                    storeganise.server().stubFor(get(urlPathEqualTo("/api/v1/admin/invoices/" + invoice)).atPriority(1)
                            .willReturn(okJson(StoreganiseStub.fixture("invoices/" + INVOICE).replace(INVOICE, invoice))
                                    .withFixedDelay(50)));
                    String id = Webhooks.newId();
                    sendBody(sample("unitRental.invoice.created", id).replace(INVOICE, invoice), id);
                    invoiceOfEvent.put(id, invoice);
                }));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        } finally {
            senders.shutdown();
        }

        invoiceOfEvent.forEach((id, invoice) ->
                assertThat(at(delivered(id, java.time.Duration.ofSeconds(30)), "invoice.id")).isEqualTo(invoice));
        // 4 consumers would make up to 4 calls at once: the cap is reached, never passed
        assertThat(storeganise.maxInFlight()).isEqualTo(2);
        assertThat(storeganise.server().getAllServeEvents()).hasSizeGreaterThanOrEqualTo(80);
    }

    @Test
    void sitesAreFetchedOnceThenServedFromTheCacheButInvoicesAndRentalsEveryTime() {
        delivered(send("invoice.state.updated"));
        delivered(send("invoice.payments.updated"));
        Map<String, Object> third = delivered(send("unitRental.markOverdue"));

        storeganise.server().verify(1, getRequestedFor(urlPathEqualTo(SITE_PATH)));
        storeganise.server().verify(2, getRequestedFor(urlPathMatching("/api/v1/admin/invoices/.*")));
        storeganise.server().verify(3, getRequestedFor(urlPathMatching("/api/v1/admin/unit-rentals/.*")));
        assertThat(at(third, "site.title.en")).as("the cached site is whole").isEqualTo("Downtown");
    }

    @Test
    void anEventAboutTheSiteFetchesItFreshAndRefreshesTheCache() {
        delivered(send("unitRental.updated"));
        storeganise.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo(SITE_PATH)).atPriority(1)
                .willReturn(io.storehub.hub.support.StoreganiseStub.json(200,
                        io.storehub.hub.support.StoreganiseStub.fixture("sites/" + SITE).replace("Downtown", "Downtown Central"))));

        Map<String, Object> changed = delivered(send("site.settings.updated"));
        Map<String, Object> after = delivered(send("unitRental.updated"));

        storeganise.server().verify(2, getRequestedFor(urlPathEqualTo(SITE_PATH)));
        assertThat(at(changed, "summary.siteName")).isEqualTo("Downtown Central");
        assertThat(at(after, "summary.siteName")).as("served from the refreshed cache").isEqualTo("Downtown Central");
    }

    @Test
    void oneEventCannotChangeWhatTheCacheGivesTheNext() {
        String id = Webhooks.newId();
        // a consumer that edits the enriched event in place must not edit the cached site
        camelContext.getManagementStrategy().addEventNotifier(new org.apache.camel.support.EventNotifierSupport() {
            @Override
            public void notify(org.apache.camel.spi.CamelEvent event) {
                if (event instanceof org.apache.camel.spi.CamelEvent.ExchangeSendingEvent sending
                        && "direct://deliver".equals(sending.getEndpoint().getEndpointUri())
                        && id.equals(sending.getExchange().getMessage().getHeader("SgEventId"))) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> site = (Map<String, Object>) ((Map<String, Object>) sending.getExchange().getMessage().getBody()).get("site");
                    site.put("code", "tampered");
                }
            }
        });
        delivered(sendBody(sample("unitRental.updated", id), id));

        Map<String, Object> next = delivered(send("unitRental.updated"));

        assertThat(at(next, "site.code")).isEqualTo("dtn");
        storeganise.server().verify(1, getRequestedFor(urlPathEqualTo(SITE_PATH)));
    }
}
