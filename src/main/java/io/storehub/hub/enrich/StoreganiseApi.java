package io.storehub.hub.enrich;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.storehub.hub.support.HubConfigurationException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The polite Storeganise API client's decisions, called step by step from the {@code storeganise-get}
 * route (which does the HTTP call with camel-http, the concurrency cap and circuit breaker with
 * {@link CircuitBreakerCall}, and the cache with camel-caffeine):
 * <ol>
 * <li>{@link #prepare}: which resource, which id, which server and credential (the configured API,
 * or the add-on's {@code apiUrl} if its host is allowed), and whether the cache may answer;</li>
 * <li>{@link #authorize}: the request headers, inside the circuit breaker so the credential never
 * leaves the breaker's private copy of the exchange;</li>
 * <li>{@link #response}: maps the HTTP status (throws for 429/5xx so the breaker counts them);</li>
 * <li>{@link #outcome}: after the breaker, 401/403 becomes a permanent failure (park, bad key);</li>
 * <li>{@link #retryInCall}: the {@code retryWhile} of the in-call retries (connection errors, 429, 5xx,
 * honouring a short {@code Retry-After}).</li>
 * </ol>
 * The API key is held here only: it is never put in a header outside the breaker, a property, a
 * log line, an exception message or {@link #toString()}.
 */
public class StoreganiseApi implements org.apache.camel.CamelContextAware {

    // what the route tells prepare()
    public static final String FETCH_RESOURCE = "SgFetchResource";
    public static final String FETCH_ID = "SgFetchId";
    public static final String FETCH_FROM = "SgFetchFrom";
    public static final String FETCH_AS = "SgFetchAs";
    public static final String FETCH_FRESH = "SgFetchFresh";
    // what prepare() and response() decide (exchange properties of the storeganise-get exchange)
    public static final String RESOURCE = "SgApiResource";
    public static final String AS = "SgApiAs";
    public static final String URL = "SgApiUrl";
    public static final String PATH = "SgApiPath";
    public static final String CACHE = "SgApiCache";
    public static final String OUTCOME = "SgApiOutcome";
    public static final String STATUS = "SgApiStatus";
    private static final String ADDON_ID = "SgApiAddonId";
    /** Write-back: the operation a write route asks for (put-unit-rental, record-payment, create-task). */
    public static final String WRITE_OP = "SgWriteOp";
    /** The HTTP method of the call (GET for fetches). */
    public static final String METHOD = "SgApiMethod";
    /** What a write answered: written, or why not. */
    public static final String WRITTEN = "written";

    /** Outcomes: the resource was fetched, answered from the cache, or why it was not. */
    public static final String FOUND = "found";
    public static final String CACHED = "cached";
    public static final String NOT_FOUND = "not-found";
    public static final String NO_ID = "no-id";
    public static final String UNCONFIGURED = "unconfigured";
    public static final String REFUSED = "refused";
    public static final String REJECTED = "rejected";
    public static final String UNAUTHORIZED = "unauthorized";

    private static final Logger LOG = LoggerFactory.getLogger(StoreganiseApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Storeganise ids are 24-hex ObjectIds; anything that could change the path or query is refused. */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");
    private static final Pattern HOST_PATTERN = Pattern.compile("(\\*\\.)?[a-z0-9-]+(\\.[a-z0-9-]+)*");
    private static final long MAX_RETRY_AFTER = Duration.ofHours(1).toMillis();
    /** Camel's YAML DSL builds declared beans twice (pre-parse, then load): announce once per context. */
    private static final java.util.Set<Object> ANNOUNCED = java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());

    private String baseUrl;
    private String key;
    private List<String> allowedHosts = List.of("*.storeganise.com");
    private boolean allowHttp;
    private final Map<StoreganiseResource, String> paths = new EnumMap<>(StoreganiseResource.class);
    /** Write operations: method and path (relative to base-url, {id} the id). */
    private final Map<String, String[]> writes = new java.util.LinkedHashMap<>(Map.of(
            "put-unit-rental", new String[] {"PUT", "/v1/admin/unit-rentals/{id}"},
            "record-payment", new String[] {"POST", "/v1/admin/invoices/{id}/payments"},
            "create-task", new String[] {"POST", "/v1/admin/jobs"}));
    private int retryAttempts = 3;
    private long maxRetryAfterMillis = 5000;
    private StoreganiseApiHealth health;
    private long circuitOpenMillis = 30_000;
    private Clock clock = Clock.systemUTC();
    private org.apache.camel.CamelContext camelContext;

    /** Checks the configuration at start-up (YAML bean initMethod). */
    public void init() {
        if (baseUrl != null) {
            URI uri = parseBase(baseUrl);
            if (uri == null) {
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
        synchronized (ANNOUNCED) {
            if (camelContext != null && !ANNOUNCED.add(camelContext)) {
                return;
            }
        }
        if (baseUrl == null && key == null) {
            LOG.warn("Storeganise API not configured (storeganise.api.base-url / STOREGANISE_API_URL is empty): "
                    + "events are delivered without enrichment, every resource listed in 'missing'.");
        } else if (baseUrl == null) {
            LOG.info("storeganise.api.base-url is empty: only add-on events (with apiUrl) are enriched, "
                    + "against hosts allowed by storeganise.api.addon.allowed-hosts {}", allowedHosts);
        } else {
            LOG.info("Enriching events from {} (add-on apiUrl hosts allowed: {})", baseUrl, allowedHosts);
        }
    }

    /** Decides what to call for the resource named by the route's {@code SgFetch*} headers. */
    public void prepare(Exchange exchange) throws IOException {
        Message in = exchange.getIn();
        // a route may call several times with one exchange (a fetch, then a write): start afresh
        for (String p : List.of(OUTCOME, STATUS, URL, PATH, CACHE, ADDON_ID, METHOD)) {
            exchange.removeProperty(p);
        }
        String op = in.getHeader(WRITE_OP, String.class);
        if (op != null) {
            prepareWrite(exchange, op);
            return;
        }
        exchange.setProperty(METHOD, "GET");
        StoreganiseResource resource = StoreganiseResource.of(in.getHeader(FETCH_RESOURCE, String.class));
        Map<String, Object> body = JsonPaths.map(in.getBody(), null);
        String as = in.getHeader(FETCH_AS, resource.key(), String.class);
        String id = in.getHeader(FETCH_ID, String.class);
        if (id == null || id.isBlank()) {
            id = JsonPaths.first(body, in.getHeader(FETCH_FROM, resource.idFrom(), String.class));
        }
        String path = pathOf(resource);
        exchange.setProperty(RESOURCE, resource.id());
        exchange.setProperty(AS, as);

        Map<String, Object> event = JsonPaths.map(body, "event");
        String apiUrl = JsonPaths.text(event, "apiUrl");
        String addonId = JsonPaths.text(event, "addonId");
        String base;
        if (apiUrl != null && addonId != null) {
            if (key == null) {
                exchange.setProperty(OUTCOME, UNCONFIGURED);
                return;
            }
            String refusal = refusal(apiUrl, addonId);
            if (refusal != null) {
                LOG.warn("Not calling the add-on apiUrl of this event for {}: {}", as, refusal);
                exchange.setProperty(OUTCOME, REFUSED);
                return;
            }
            base = apiUrl;
            exchange.setProperty(ADDON_ID, addonId);
        } else if (baseUrl != null && key != null) {
            base = baseUrl;
        } else {
            exchange.setProperty(OUTCOME, UNCONFIGURED);
            return;
        }
        if (path.contains("{id}")) {
            if (id == null) {
                exchange.setProperty(OUTCOME, NO_ID);
                return;
            }
            if (!SAFE_ID.matcher(id).matches()) {
                LOG.warn("Not fetching {}: its id is not a plain Storeganise id", as);
                exchange.setProperty(OUTCOME, REJECTED);
                return;
            }
            path = path.replace("{id}", URLEncoder.encode(id, StandardCharsets.UTF_8));
        }
        String url = stripTrailingSlash(base) + path;
        exchange.setProperty(PATH, path);
        exchange.setProperty(URL, url);
        boolean fresh = in.getHeader(FETCH_FRESH, false, Boolean.class);
        exchange.setProperty(CACHE, !resource.cacheable() ? "none" : fresh ? "refresh" : "use");
    }

    /**
     * A write (PUT/POST) to the configured API: the operation's method and path with the id from
     * {@code SgFetchId}; the body (a map or JSON text) is sent as JSON. Never cached; refused (a
     * permanent failure, so the delivery is parked) when the API is not configured or the id is not plain.
     */
    private void prepareWrite(Exchange exchange, String op) throws IOException {
        Message in = exchange.getIn();
        String[] write = writes.get(op);
        if (write == null) {
            throw new io.storehub.hub.support.PermanentFailure("unknown Storeganise write operation '" + op + "'; use one of " + writes.keySet());
        }
        if (baseUrl == null || key == null) {
            throw new io.storehub.hub.support.PermanentFailure("cannot " + op + ": the Storeganise API is not configured "
                    + "(storeganise.api.base-url / storeganise.api.key)");
        }
        String path = write[1];
        if (path.contains("{id}")) {
            String id = in.getHeader(FETCH_ID, String.class);
            if (id == null || !SAFE_ID.matcher(id).matches()) {
                throw new io.storehub.hub.support.PermanentFailure("cannot " + op + ": no plain Storeganise id given (" + id + ")");
            }
            path = path.replace("{id}", URLEncoder.encode(id, StandardCharsets.UTF_8));
        }
        Object body = in.getBody();
        if (!(body instanceof String)) {
            in.setBody(JSON.writeValueAsString(body));
        }
        exchange.setProperty(RESOURCE, op);
        exchange.setProperty(AS, op);
        exchange.setProperty(METHOD, write[0]);
        exchange.setProperty(PATH, path);
        exchange.setProperty(URL, stripTrailingSlash(baseUrl) + path);
        exchange.setProperty(CACHE, "none");
    }

    /**
     * After a write: 2xx is done; 404 and other 4xx (Storeganise refuses the request: a wrong id, a body
     * it does not accept) are permanent failures that park the delivery with Storeganise's answer.
     */
    public void written(Exchange exchange) {
        String outcome = exchange.getProperty(OUTCOME, String.class);
        if (FOUND.equals(outcome)) {
            exchange.setProperty(OUTCOME, WRITTEN);
            return;
        }
        throw new io.storehub.hub.support.PermanentFailure("Storeganise refused " + exchange.getProperty(METHOD) + " "
                + exchange.getProperty(PATH) + " (HTTP " + exchange.getProperty(STATUS) + ", " + outcome + ")");
    }

    /** The request headers; called inside the circuit breaker after all other headers are removed. */
    public void authorize(Exchange exchange) {
        Message in = exchange.getIn();
        String addonId = exchange.getProperty(ADDON_ID, String.class);
        in.setHeader("Authorization", addonId != null ? "Addon " + addonId + "|" + key : "ApiKey " + key);
        in.setHeader("Accept", "application/json");
        String method = exchange.getProperty(METHOD, "GET", String.class);
        in.setHeader(Exchange.HTTP_METHOD, method);
        if (!"GET".equals(method)) {
            in.setHeader(Exchange.CONTENT_TYPE, "application/json");
        }
        in.setHeader(Exchange.HTTP_URI, exchange.getProperty(URL, String.class));
    }

    /**
     * Maps the answer: 2xx found, 404 not found, 401/403 unauthorized (thrown after the breaker, as an
     * auth failure is not an outage), 429/5xx thrown here so that the breaker counts them, any other
     * status rejected (a request Storeganise will never accept: a wrong path in the configuration).
     */
    public void response(Exchange exchange) {
        Message in = exchange.getIn();
        in.removeHeader("Authorization");
        int status = in.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        exchange.setProperty(STATUS, status);
        String path = exchange.getProperty(PATH, String.class);
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
            long retryAfter = retryAfterMillis(in.getHeader("Retry-After", String.class));
            throw new StoreganiseUnavailableException("Storeganise answered HTTP " + status + " to "
                    + exchange.getProperty(METHOD, "GET", String.class) + " " + path
                    + (retryAfter > 0 ? " (Retry-After " + retryAfter + " ms)" : ""), status, retryAfter);
        } else {
            exchange.setProperty(OUTCOME, REJECTED);
            if (exchange.getProperty(METHOD, "GET", String.class).equals("GET")) {
                LOG.warn("Storeganise answered HTTP {} to GET {}: continuing without it; check storeganise.api.paths.{}",
                        status, path, exchange.getProperty(RESOURCE));
            } else {
                String answer = in.getBody(String.class);
                LOG.warn("Storeganise answered HTTP {} to {} {}: {}", status, exchange.getProperty(METHOD), path,
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
                    + ": check storeganise.api.key (STOREGANISE_API_KEY) and its role; parked without retrying", status);
        }
        if (health != null) {
            health.answered();
        }
        if (NOT_FOUND.equals(outcome)) {
            LOG.info("Storeganise has no {} at GET {} (HTTP 404): continuing without it", exchange.getProperty(AS), path);
        }
    }

    /** The result: the parsed JSON when found or cached, else null. */
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

    /**
     * {@code retryWhile} of the in-call retries: retry connection errors, timeouts, 429 and 5xx up to
     * {@code retryAttempts} attempts; a {@code Retry-After} longer than {@code maxRetryAfterMillis}
     * is not waited for here but in the queue. Sets the next delay from Retry-After when there is one
     * (Camel's {@code CamelRedeliveryDelay}); otherwise the redelivery policy's exponential backoff
     * with jitter applies.
     */
    public boolean retryInCall(Exchange exchange) {
        Message in = exchange.getIn();
        in.removeHeader(Exchange.REDELIVERY_DELAY);
        int attempt = in.getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class);
        if (attempt >= retryAttempts) {
            return false;
        }
        Throwable failure = exchange.getException();
        if (failure == null) {
            failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        }
        // a POST (a payment, a task) is repeated in place only when Storeganise surely did not act on it:
        // 429 / 503 answers and refused connections; after a timeout or a 500 it may have, and the
        // caller checks the resource before trying again from the queue
        boolean post = "POST".equals(exchange.getProperty(METHOD, String.class));
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (post && !(t instanceof java.net.ConnectException) && !(t instanceof StoreganiseUnavailableException u
                    && (u.getStatus() == 429 || u.getStatus() == 503))) {
                continue;
            }
            if (t instanceof StoreganiseUnavailableException unavailable) {
                long retryAfter = unavailable.getRetryAfterMillis();
                if (retryAfter > maxRetryAfterMillis) {
                    return false;
                }
                if (retryAfter > 0) {
                    in.setHeader(Exchange.REDELIVERY_DELAY, retryAfter);
                }
                return true;
            }
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The failure a fetch hands back to the event: as thrown, except that a call refused by the open
     * circuit breaker becomes a {@link StoreganiseUnavailableException} asking the queue to wait until
     * the breaker lets calls through again, so a long outage does not use up the event's attempts.
     */
    public Throwable failure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.github.resilience4j.circuitbreaker.CallNotPermittedException) {
                StoreganiseUnavailableException open = new StoreganiseUnavailableException(
                        "Storeganise is failing: calls are suspended by the circuit breaker (" + t.getMessage()
                                + "); next try in " + circuitOpenMillis / 1000 + " s or later",
                        503, circuitOpenMillis);
                open.initCause(t);
                return open;
            }
        }
        return failure;
    }

    /** Why an add-on apiUrl must not be called, or null when it may. */
    String refusal(String apiUrl, String addonId) {
        if (!SAFE_ID.matcher(addonId).matches()) {
            return "its addonId is not a plain Storeganise id";
        }
        URI uri;
        try {
            uri = new URI(apiUrl);
        } catch (Exception e) {
            return "apiUrl is not a URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
            return "apiUrl must use https";
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getHost() == null) {
            return "apiUrl must be a plain https://host/path URL";
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (!hostAllowed(host)) {
            return "host '" + host + "' is not in storeganise.api.addon.allowed-hosts " + allowedHosts;
        }
        return null;
    }

    boolean hostAllowed(String host) {
        for (String pattern : allowedHosts) {
            if (pattern.startsWith("*.")) {
                String suffix = pattern.substring(1); // ".storeganise.com"
                if (host.endsWith(suffix) && host.length() > suffix.length()) {
                    return true;
                }
            } else if (host.equals(pattern)) {
                return true;
            }
        }
        return false;
    }

    /** {@code Retry-After}: delta-seconds or an HTTP date; 0 when absent or unreadable, capped at an hour. */
    long retryAfterMillis(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        String v = value.trim();
        long millis;
        try {
            millis = (long) (Double.parseDouble(v) * 1000);
        } catch (NumberFormatException notSeconds) {
            try {
                millis = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli() - clock.millis();
            } catch (DateTimeParseException notADate) {
                return 0;
            }
        }
        return Math.max(0, Math.min(millis, MAX_RETRY_AFTER));
    }

    String pathOf(StoreganiseResource resource) {
        return paths.getOrDefault(resource, resource.defaultPath());
    }

    private static URI parseBase(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            if (uri.getHost() == null || scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                return null;
            }
            return uri;
        } catch (Exception e) {
            return null;
        }
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private void path(StoreganiseResource resource, String path) {
        String p = blankToNull(path);
        if (p == null) {
            paths.remove(resource);
            return;
        }
        if (!p.startsWith("/")) {
            throw new HubConfigurationException("storeganise.api.paths." + resource.id() + " is '" + p
                    + "': it must start with / (relative to storeganise.api.base-url).");
        }
        if (resource.needsId() && !p.contains("{id}")) {
            throw new HubConfigurationException("storeganise.api.paths." + resource.id() + " is '" + p
                    + "': it must contain {id} where the id goes.");
        }
        paths.put(resource, p);
    }

    // ---- configuration (YAML bean properties) ----

    public void setBaseUrl(String baseUrl) {
        this.baseUrl = blankToNull(baseUrl);
    }

    public String getBaseUrl() {
        return baseUrl;
    }

    public void setKey(String key) {
        this.key = blankToNull(key);
    }

    /** Comma-separated host names; {@code *.example.com} allows any subdomain of example.com (not example.com). */
    public void setAllowedHosts(String allowedHosts) {
        List<String> hosts = new ArrayList<>();
        Arrays.stream(allowedHosts == null ? new String[0] : allowedHosts.split(","))
                .map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).forEach(h -> {
                    if (!HOST_PATTERN.matcher(h).matches()) {
                        throw new HubConfigurationException("storeganise.api.addon.allowed-hosts has '" + h
                                + "': use host names such as *.storeganise.com or api.example.com.");
                    }
                    hosts.add(h);
                });
        this.allowedHosts = List.copyOf(hosts);
    }

    /** Allow plain-http add-on apiUrls (tests and local trials only: the key would travel in clear). */
    public void setAllowHttp(boolean allowHttp) {
        this.allowHttp = allowHttp;
    }

    public void setRetryAttempts(int retryAttempts) {
        this.retryAttempts = Math.max(1, retryAttempts);
    }

    public void setMaxRetryAfterMillis(long maxRetryAfterMillis) {
        this.maxRetryAfterMillis = maxRetryAfterMillis;
    }

    /** How long the circuit breaker stays open (storeganise.api.circuit-breaker.open-seconds). */
    public void setCircuitOpenSeconds(long seconds) {
        this.circuitOpenMillis = seconds * 1000;
    }

    public void setHealth(StoreganiseApiHealth health) {
        this.health = health;
    }

    public void setClock(Clock clock) {
        this.clock = clock;
    }

    public void setJobPath(String path) {
        path(StoreganiseResource.JOB, path);
    }

    public void setUnitRentalPath(String path) {
        path(StoreganiseResource.UNIT_RENTAL, path);
    }

    public void setInvoicePath(String path) {
        path(StoreganiseResource.INVOICE, path);
    }

    public void setUserPath(String path) {
        path(StoreganiseResource.USER, path);
    }

    public void setUserBillingPath(String path) {
        path(StoreganiseResource.USER_BILLING, path);
    }

    public void setUnitPath(String path) {
        path(StoreganiseResource.UNIT, path);
    }

    public void setSitePath(String path) {
        path(StoreganiseResource.SITE, path);
    }

    public void setSettingsPath(String path) {
        path(StoreganiseResource.SETTINGS, path);
    }

    public void setAddonPath(String path) {
        path(StoreganiseResource.ADDON, path);
    }

    /** {@code storeganise.api.paths.write-unit-rental}: the PUT of a unit rental (default /v1/admin/unit-rentals/{id}). */
    public void setWriteUnitRentalPath(String path) {
        writePath("put-unit-rental", path, true);
    }

    /** {@code storeganise.api.paths.record-payment}: the POST of an invoice payment (default /v1/admin/invoices/{id}/payments). */
    public void setRecordPaymentPath(String path) {
        writePath("record-payment", path, true);
    }

    /** {@code storeganise.api.paths.create-task}: the POST creating a job (default /v1/admin/jobs). */
    public void setCreateTaskPath(String path) {
        writePath("create-task", path, false);
    }

    private void writePath(String op, String path, boolean needsId) {
        String p = blankToNull(path);
        if (p == null) {
            return;
        }
        String key = "storeganise.api.paths." + (op.equals("put-unit-rental") ? "write-unit-rental" : op);
        if (!p.startsWith("/") || (needsId && !p.contains("{id}"))) {
            throw new HubConfigurationException(key + " is '" + p + "': it must start with /" + (needsId ? " and contain {id}" : "") + ".");
        }
        writes.put(op, new String[] {writes.get(op)[0], p});
    }

    public void setValetOrderPath(String path) {
        path(StoreganiseResource.VALET_ORDER, path);
    }

    @Override
    public void setCamelContext(org.apache.camel.CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public org.apache.camel.CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public String toString() {
        return "StoreganiseApi[" + (baseUrl != null ? baseUrl : "no base-url") + ", key " + (key != null ? "set" : "not set") + "]";
    }
}
