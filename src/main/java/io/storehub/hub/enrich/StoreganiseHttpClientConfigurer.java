package io.storehub.hub.enrich;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * No automatic retries (they would hold a request slot; the route retries outside the cap), no cookies,
 * no redirects (they could lead the API key away). Here because the camel-http starter overwrites the
 * component's own options with its {@code camel.component.http.*} defaults.
 */
public class StoreganiseHttpClientConfigurer implements HttpClientConfigurer {

    private boolean contentCompression = true;

    @Override
    public void configureHttpClient(HttpClientBuilder clientBuilder) {
        clientBuilder.disableAutomaticRetries().disableCookieManagement().disableRedirectHandling();
        if (!contentCompression) {
            clientBuilder.disableContentCompression();
        }
    }

    /** false: no Accept-Encoding, so answers come uncompressed (no inflater per answer). Default true. */
    public void setContentCompression(boolean contentCompression) {
        this.contentCompression = contentCompression;
    }
}
