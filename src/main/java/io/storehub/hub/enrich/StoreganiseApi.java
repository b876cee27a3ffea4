package io.storehub.hub.enrich;

import java.io.IOException;
import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.storehub.hub.support.Headers;
import io.storehub.hub.support.HubConfigurationException;
import io.storehub.hub.support.PermanentFailure;
import io.storehub.hub.support.SettingText;
import io.storehub.hub.support.TenantKeys;
import io.storehub.hub.tenant.Tenant;
import io.storehub.hub.tenant.TenantDirectory;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.http.HttpMethods;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Storeganise server and credential, and the steps of {@code direct:storeganise-get} (the request
 * prepared by {@link StoreganiseReads} or {@link StoreganiseWrites}). The API key is held here only:
 * set as a header inside the circuit breaker's private copy of the exchange, never in a property,
 * a log line, an exception message or {@link #toString()}.
 */
public class StoreganiseApi {

    // the request a read or write prepared, and what the call made of it (exchange properties)
    public static final String RESOURCE = "SgApiResource";
    public static final String AS = "SgApiAs";
    public static final String URL = "SgApiUrl";
    public static final String PATH = "SgApiPath";
    public static final String CACHE = "SgApiCache";
    public static final String OUTCOME = "SgApiOutcome";
    public static final String STATUS = "SgApiStatus";
    static final String ADDON_ID = "SgApiAddonId";
    static final String TENANT = "SgApiTenant";
    /** The destination of the delivery in progress (set by the delivery routes, DestinationRegistry#describe). */
    private static final String DELIVERY_DESTINATION = "SgDestination";
    public static final String METHOD = "SgApiMethod";
    private static final String[] REQUEST = {RESOURCE, AS, URL, PATH, CACHE, OUTCOME, STATUS, ADDON_ID, METHOD, TENANT};

    /** Outcomes: the resource was fetched, answered from the cache, or why it was not. */
    public static final String FOUND = "found";
    public static final String CACHED = "cached";
    public static final String NOT_FOUND = "not-found";
    public static final String NO_ID = "no-id";
    public static final String UNCONFIGURED = "unconfigured";
    public static final String REFUSED = "refused";
    public static final String REJECTED = "rejected";
    public static final String UNAUTHORIZED = "unauthorized";
    public static final String WRITTEN = "written";

    private static final Logger LOG = LoggerFactory.getLogger(StoreganiseApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private String baseUrl;
    private String key;
    private StoreganiseApiHealth health;
    private TenantDirectory tenants;
    private final Clock clock = Clock.systemUTC();

    /** YAML bean initMethod: checks the configuration. */
    public void init() {
        if (baseUrl != null) {
            if (!SettingText.isHttpUrl(baseUrl)) {
                throw new HubConfigurationException("storeganise.api.base-url (STOREGANISE_API_URL) is '" + baseUrl
                        + "': it must be an http(s) URL such as https://mybusiness.storeganise.com/api.");
            }
            if (key == null) {
                throw new HubConfigurationException("storeganise.api.base-url is set but storeganise.api.key is not: "
                        + "set STOREGANISE_API_KEY to a Storeganise API key (role api), or unset the base URL to run without enrichment.");
            }
        }
        if (health != null) {
            health.setConfigured(baseUrl != null || key != null);
        }
    }

    /** A configured {@code storeganise.api.paths.<name>}: null when blank; else it starts with / and has {id} where one goes. */
    static String configuredPath(String name, String path, boolean needsId) {
        String p = SettingText.blankToNull(path);
        if (p != null && (!p.startsWith("/") || (needsId && !p.contains("{id}")))) {
            throw new HubConfigurationException("storeganise.api.paths." + name + " is '" + p + "': it must start with / "
                    + "(relative to storeganise.api.base-url)" + (needsId ? " and contain {id} where the id goes" : "") + ".");
        }
        return p;
    }

    /** A new request on this exchange: forgets what an earlier call on it decided. */
    static void clear(Exchange exchange) {
        for (String p : REQUEST) {
            exchange.removeProperty(p);
        }
    }

    /** Whether the cache may answer: a cacheable resource (sites, settings, add-ons, units) not asked fresh. */
    public boolean cacheMayAnswer(Exchange exchange) {
        return "use".equals(exchange.getProperty(CACHE)) && exchange.getProperty(OUTCOME) == null;
    }

    /** The cache key of the request: its URL (the server and the resource), and its tenant (two may share a server). */
    public String cacheKey(Exchange exchange) {
        String tenant = exchange.getProperty(TENANT, String.class);
        String url = exchange.getProperty(URL, String.class);
        return tenant == null ? url : tenant + TenantKeys.SEPARATOR + url;
    }

    /** The event's tenant, noted for the call; null for the hub's own. One no longer configured fails the call (parked). */
    String tenantOf(Exchange exchange) {
        String tenant = exchange.getIn().getHeader(Headers.TENANT, String.class);
        if (tenant == null) {
            // a custom route destination that removed the headers before a write: its delivery's destination
            // (an exchange property) or event id still say whose it is; never the hub's own key for a tenant's event
            tenant = TenantKeys.tenantOf(exchange.getProperty(DELIVERY_DESTINATION, String.class));
        }
        if (tenant == null) {
            tenant = TenantKeys.tenantOf(exchange.getIn().getHeader(Headers.EVENT_ID, String.class));
        }
        if (tenant == null) {
            return null;
        }
        if (tenants == null) {
            tenants = TenantDirectory.of(exchange.getContext());
        }
        if (tenants.get(tenant) == null) {
            throw new PermanentFailure("tenant '" + tenant + "' is not configured (storeganise.tenants." + tenant + ")");
        }
        exchange.setProperty(TENANT, tenant);
        return tenant;
    }

    /** The base URL of a tenant's API, or the hub's own (tenant null); null when not configured. */
    String baseUrl(String tenant) {
        return tenant == null ? baseUrl : tenants.get(tenant).apiBaseUrl();
    }

    boolean hasKey(String tenant) {
        return key(tenant) != null;
    }

    private String key(String tenant) {
        if (tenant == null) {
            return key;
        }
        Tenant t = tenants == null ? null : tenants.get(tenant);
        return t == null ? null : t.apiKey();
    }

    /** After asking the cache: answered from it when it had the resource. */
    public void fromCache(Exchange exchange) {
        if (exchange.getIn().getHeader("CamelCaffeineActionHasResult", false, Boolean.class)) {
            exchange.setProperty(OUTCOME, CACHED);
        }
    }

    /** Whether the call must be made: a request that could be prepared and that the cache did not answer. */
    public boolean mustCall(Exchange exchange) {
        return exchange.getProperty(URL) != null && exchange.getProperty(OUTCOME) == null;
    }

    /** Whether the cache keeps what was fetched: a cacheable resource found (also when fetched fresh). */
    public boolean cacheMayKeep(Exchange exchange) {
        return FOUND.equals(exchange.getProperty(OUTCOME)) && !"none".equals(exchange.getProperty(CACHE));
    }

    /** The request headers; called inside the circuit breaker after all other headers are removed. */
    public void authorize(Exchange exchange) {
        Message in = exchange.getIn();
        String addonId = exchange.getProperty(ADDON_ID, String.class);
        String k = key(exchange.getProperty(TENANT, String.class));
        in.setHeader("Authorization", addonId != null ? "Addon " + addonId + "|" + k : "ApiKey " + k);
        in.setHeader("Accept", "application/json");
        String method = exchange.getProperty(METHOD, "GET", String.class);
        // as camel-http's enum: a String would be converted through a type-converter look-up per request
        in.setHeader(Exchange.HTTP_METHOD, HttpMethods.valueOf(method));
        if (!"GET".equals(method)) {
            in.setHeader(Exchange.CONTENT_TYPE, "application/json");
        }
        in.setHeader(Exchange.HTTP_URI, exchange.getProperty(URL, String.class));
    }

    /**
     * Maps the answer: 2xx found, 404 not found, 401/403 unauthorized (thrown after the breaker: not an
     * outage), 429/5xx thrown here for the breaker to count, any other rejected (a wrong configured path).
     */
    public void response(Exchange exchange) {
        Message in = exchange.getIn();
        in.removeHeader("Authorization");
        int status = in.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        exchange.setProperty(STATUS, status);
        String path = exchange.getProperty(PATH, String.class);
        String method = exchange.getProperty(METHOD, "GET", String.class);
        if (status >= 200 && status < 300) {
            exchange.setProperty(OUTCOME, FOUND);
            in.setBody(in.getBody(String.class));
        } else if (status == 404 || status == 410) {
            exchange.setProperty(OUTCOME, NOT_FOUND);
            in.setBody(null);
        } else if (status == 401 || status == 403) {
            exchange.setProperty(OUTCOME, UNAUTHORIZED);
            in.setBody(null);
        } else if (status == 429 || status == 408 || status >= 500) {
            long retryAfter = StoreganiseRetries.retryAfterMillis(in.getHeader("Retry-After", String.class), clock);
            throw new StoreganiseUnavailableException("Storeganise answered HTTP " + status + " to " + method + " " + path
                    + (retryAfter > 0 ? " (Retry-After " + retryAfter + " ms)" : ""), status, retryAfter);
        } else {
            exchange.setProperty(OUTCOME, REJECTED);
            if (method.equals("GET")) {
                LOG.warn("Storeganise answered HTTP {} to GET {}: continuing without it; check storeganise.api.paths.{}",
                        status, path, exchange.getProperty(RESOURCE));
            } else {
                String answer = in.getBody(String.class);
                LOG.warn("Storeganise answered HTTP {} to {} {}: {}", status, method, path,
                        answer == null ? "" : answer.substring(0, Math.min(300, answer.length())));
            }
            in.setBody(null);
        }
    }

    /** After the breaker: a refused key parks the event (and turns health DOWN); an answer turns it UP. */
    public void outcome(Exchange exchange) {
        String outcome = exchange.getProperty(OUTCOME, String.class);
        String path = exchange.getProperty(PATH, String.class);
        if (UNAUTHORIZED.equals(outcome)) {
            int status = exchange.getProperty(STATUS, 0, Integer.class);
            if (health != null) {
                health.refused(status, path);
            }
            throw new StoreganiseAuthException("Storeganise refused the API key with HTTP " + status + " on GET " + path
                    + ": check storeganise.api.key (STOREGANISE_API_KEY) and its role; parked without retrying");
        }
        if (health != null) {
            health.answered();
        }
        if (NOT_FOUND.equals(outcome)) {
            LOG.info("Storeganise has no {} at GET {} (HTTP 404): continuing without it", exchange.getProperty(AS), path);
        }
    }

    public void result(Exchange exchange) throws IOException {
        String outcome = exchange.getProperty(OUTCOME, String.class);
        Message in = exchange.getIn();
        if (FOUND.equals(outcome) || CACHED.equals(outcome)) {
            String text = in.getBody(String.class);
            in.setBody(text == null || text.isBlank() ? null : JSON.readValue(text, Object.class));
        } else {
            in.setBody(null);
        }
    }

    String url(String base, String path) {
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
    }

    // ---- configuration (YAML bean properties) ----

    public void setTenants(TenantDirectory tenants) {
        this.tenants = tenants;
    }

    public void setBaseUrl(String baseUrl) {
        this.baseUrl = SettingText.blankToNull(baseUrl);
    }

    public void setKey(String key) {
        this.key = SettingText.blankToNull(key);
    }

    public void setHealth(StoreganiseApiHealth health) {
        this.health = health;
    }

    @Override
    public String toString() {
        return "StoreganiseApi[" + (baseUrl != null ? baseUrl : "no base-url") + ", key " + (key != null ? "set" : "not set") + "]";
    }
}
