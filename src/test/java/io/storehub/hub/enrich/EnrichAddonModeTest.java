package io.storehub.hub.enrich;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.storehub.hub.support.StoreganiseStub;
import io.storehub.hub.support.Webhooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Add-on deliveries carry {@code apiUrl} and {@code addonId}: the hub calls that apiUrl with
 * {@code Authorization: Addon {addonId}|{key}}, but only when its host is allowed
 * (test settings: {@code *.storeganise.com,localhost}, http allowed for the stub); a crafted apiUrl
 * is refused, logged and never called.
 */
@ExtendWith(OutputCaptureExtension.class)
class EnrichAddonModeTest extends EnrichTestSupport {

    static final String ADDON = "663393003e7c1d9a420b2201";

    @Test
    void anAddonEventIsEnrichedFromItsApiUrlWithAddonAuthorization() {
        String auth = "Addon " + ADDON + "|" + StoreganiseStub.KEY;
        storeganise.server().stubFor(get(urlPathEqualTo("/tenant-b/api/v1/admin/unit-rentals/6b016c353e7c1d9a421c0462"))
                .atPriority(1).withHeader("Authorization", equalTo(auth))
                .willReturn(StoreganiseStub.json(200, StoreganiseStub.fixture("unit-rentals/6b016c353e7c1d9a421c0462"))));
        storeganise.server().stubFor(get(urlPathEqualTo("/tenant-b/api/v1/admin/sites/" + SITE))
                .atPriority(1).withHeader("Authorization", equalTo(auth))
                .willReturn(StoreganiseStub.json(200, StoreganiseStub.fixture("sites/" + SITE))));
        String id = Webhooks.newId();

        Map<String, Object> enriched = delivered(sendBody(addonEvent(id, "http://localhost:" + storeganise.port() + "/tenant-b/api"), id));

        assertThat(at(enriched, "unitRental.id")).isEqualTo("6b016c353e7c1d9a421c0462");
        assertThat(at(enriched, "summary.siteName")).isEqualTo("Downtown");
        assertThat(requests()).containsExactly(
                "GET /tenant-b/api/v1/admin/unit-rentals/6b016c353e7c1d9a421c0462?include=unit,owner,customFields",
                "GET /tenant-b/api/v1/admin/sites/" + SITE);
        storeganise.server().verify(2, getRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.anyUrl())
                .withHeader("Authorization", equalTo(auth)));
    }

    @Test
    void anApiUrlOnAHostThatIsNotAllowedIsRefusedLoggedAndNeverCalled(CapturedOutput output) {
        // 127.0.0.1 reaches the stub, but only "localhost" is allowed: proof that nothing is called
        List<String> crafted = List.of(
                "http://127.0.0.1:" + storeganise.port() + "/api",
                "http://localhost.evil.example:" + storeganise.port() + "/api",
                "https://mybusiness.storeganise.com.evil.example/api",
                "https://evil.example@127.0.0.1:" + storeganise.port() + "/api",
                "ftp://mybusiness.storeganise.com/api");
        for (String apiUrl : crafted) {
            String id = Webhooks.newId();
            Map<String, Object> enriched = delivered(sendBody(addonEvent(id, apiUrl), id));

            assertThat(enriched.get("missing")).as(apiUrl).isEqualTo(List.of("unitRental", "site"));
        }
        assertThat(storeganise.server().getAllServeEvents()).isEmpty();
        assertThat(output.getAll()).contains("Not calling the add-on apiUrl of this event for unitRental: host '127.0.0.1' is not in "
                + "storeganise.api.addon.allowed-hosts [*.storeganise.com, localhost]");
    }

    @Test
    void theAllowListMatchesWholeHostLabelsOnly() {
        AddonAllowList api = new AddonAllowList();
        api.setAllowedHosts("*.storeganise.com, api.example.com");

        assertThat(api.refusal("https://mybusiness.storeganise.com/api", ADDON)).isNull();
        assertThat(api.refusal("https://MyBusiness.Storeganise.com./api", ADDON)).isNull();
        assertThat(api.refusal("https://api.example.com/api", ADDON)).isNull();
        assertThat(api.refusal("https://storeganise.com/api", ADDON)).contains("not in");
        assertThat(api.refusal("https://evilstoreganise.com/api", ADDON)).contains("not in");
        assertThat(api.refusal("https://mybusiness.storeganise.com.evil.example/api", ADDON)).contains("not in");
        assertThat(api.refusal("https://x.api.example.com/api", ADDON)).contains("not in");
        assertThat(api.refusal("http://mybusiness.storeganise.com/api", ADDON)).contains("https");
        assertThat(api.refusal("https://user@mybusiness.storeganise.com/api", ADDON)).contains("plain");
        assertThat(api.refusal("https://mybusiness.storeganise.com/api?x=1", ADDON)).contains("plain");
        assertThat(api.refusal("https://mybusiness.storeganise.com/api", "abc|ApiKey x")).contains("addonId");
        assertThat(api.refusal("not a url at all", ADDON)).isNotNull();
    }

    private static String addonEvent(String id, String apiUrl) {
        return "{\"id\":\"" + id + "\",\"created\":\"" + Instant.now() + "\",\"type\":\"unitRental.updated\",\"data\":"
                + "{\"unitRentalId\":\"6b016c353e7c1d9a421c0462\",\"changedKeys\":[\"customFields\"]},"
                + "\"apiUrl\":\"" + apiUrl + "\",\"addonId\":\"" + ADDON + "\"}";
    }
}
