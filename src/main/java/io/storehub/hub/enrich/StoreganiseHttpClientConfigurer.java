package io.storehub.hub.enrich;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * The HTTP client behaviour the Storeganise calls need, set on the endpoint: no automatic retries
 * (HttpClient would otherwise silently repeat a 429/503 after its Retry-After while holding one of
 * the few request slots; the route retries instead, outside the cap), no cookies, no redirects (a
 * redirect could lead the API key away from the allowed hosts).
 *
 * <p>Written by hand because camel-http's own component options for this are overwritten on Spring
 * Boot: the camel-http starter's customizer copies its {@code camel.component.http.*} defaults onto
 * every HttpComponent, including the hub's dedicated {@code storeganise-http} one.
 */
public class StoreganiseHttpClientConfigurer implements HttpClientConfigurer {

    @Override
    public void configureHttpClient(HttpClientBuilder clientBuilder) {
        clientBuilder.disableAutomaticRetries().disableCookieManagement().disableRedirectHandling();
    }
}
