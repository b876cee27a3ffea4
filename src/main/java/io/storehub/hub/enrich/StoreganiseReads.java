package io.storehub.hub.enrich;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

import io.storehub.hub.support.JsonPaths;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares a GET of one Storeganise resource for {@code direct:storeganise-get}: path, id, server
 * (the configured API, or the add-on {@code apiUrl} {@link AddonAllowList} allows) and cache use;
 * a request that cannot be made says why in {@code SgApiOutcome}.
 */
public class StoreganiseReads implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(StoreganiseReads.class);
    /** Camel's YAML DSL builds declared beans twice (pre-parse, then load): announce once per context. */
    private static final Set<Object> ANNOUNCED = Collections.newSetFromMap(new WeakHashMap<>());

    private StoreganiseApi api;
    private AddonAllowList addons = new AddonAllowList();
    private final Map<String, String> paths = new HashMap<>();
    private final Map<StoreganiseResource, String> checkedPaths = new EnumMap<>(StoreganiseResource.class);
    private CamelContext camelContext;

    /** Checks the configured paths and says at start-up where events are enriched from (YAML bean initMethod). */
    public void init() {
        paths.forEach((name, path) -> {
            // Camel's property binding turns the key of paths[unit-rental] into unitRental
            StoreganiseResource resource = StoreganiseResource.of(name.replaceAll("(?=[A-Z])", "-").toLowerCase(Locale.ROOT));
            String p = StoreganiseApi.configuredPath(resource.id(), path, resource.needsId());
            if (p != null) {
                checkedPaths.put(resource, p);
            }
        });
        synchronized (ANNOUNCED) {
            if (camelContext != null && !ANNOUNCED.add(camelContext)) {
                return;
            }
        }
        String baseUrl = api.baseUrl(null);
        if (baseUrl == null && !api.hasKey(null)) {
            LOG.warn("Storeganise API not configured (storeganise.api.base-url / STOREGANISE_API_URL is empty): "
                    + "events are delivered without enrichment, every resource listed in 'missing'.");
        } else if (baseUrl == null) {
            LOG.info("storeganise.api.base-url is empty: only add-on events (with apiUrl) are enriched, "
                    + "against hosts allowed by storeganise.api.addon.allowed-hosts {}", addons.getAllowedHosts());
        } else {
            LOG.info("Enriching events from {} (add-on apiUrl hosts allowed: {})", baseUrl, addons.getAllowedHosts());
        }
    }

    /**
     * The fetch of template {@code storeganise-fetch}: the resource whose id is the first of the dotted
     * paths {@code idFrom} in the enriched event, put under {@code into}; {@code fresh} skips the cache.
     */
    public void fetch(Exchange exchange, String resource, String idFrom, String into, boolean fresh) {
        String id = JsonPaths.first(JsonPaths.map(exchange.getIn().getBody(), null), idFrom);
        read(exchange, StoreganiseResource.of(resource), id, into, fresh);
    }

    /** A read by id (recipes: the resource as it is now, before writing). */
    public void byId(Exchange exchange, String resource, String id) {
        StoreganiseResource r = StoreganiseResource.of(resource);
        read(exchange, r, id == null || id.isBlank() ? null : id, r.key(), false);
    }

    private void read(Exchange exchange, StoreganiseResource resource, String id, String as, boolean fresh) {
        StoreganiseApi.clear(exchange);
        exchange.setProperty(StoreganiseApi.METHOD, "GET");
        exchange.setProperty(StoreganiseApi.RESOURCE, resource.id());
        exchange.setProperty(StoreganiseApi.AS, as);

        Map<String, Object> event = JsonPaths.map(exchange.getIn().getBody(), "event");
        String apiUrl = JsonPaths.text(event, "apiUrl");
        String addonId = JsonPaths.text(event, "addonId");
        String tenant = api.tenantOf(exchange);
        boolean addon = apiUrl != null && addonId != null;
        String base = addon ? apiUrl : api.baseUrl(tenant);
        if (base == null || !api.hasKey(tenant)) {
            exchange.setProperty(StoreganiseApi.OUTCOME, StoreganiseApi.UNCONFIGURED);
            return;
        }
        if (addon) {
            String refusal = addons.refusal(apiUrl, addonId);
            if (refusal != null) {
                LOG.warn("Not calling the add-on apiUrl of this event for {}: {}", as, refusal);
                exchange.setProperty(StoreganiseApi.OUTCOME, StoreganiseApi.REFUSED);
                return;
            }
            exchange.setProperty(StoreganiseApi.ADDON_ID, addonId);
        }
        String path = pathOf(resource);
        if (path.contains("{id}")) {
            if (id == null) {
                exchange.setProperty(StoreganiseApi.OUTCOME, StoreganiseApi.NO_ID);
                return;
            }
            if (!AddonAllowList.SAFE_ID.matcher(id).matches()) {
                LOG.warn("Not fetching {}: its id is not a plain Storeganise id", as);
                exchange.setProperty(StoreganiseApi.OUTCOME, StoreganiseApi.REJECTED);
                return;
            }
            path = path.replace("{id}", URLEncoder.encode(id, StandardCharsets.UTF_8));
        }
        exchange.setProperty(StoreganiseApi.PATH, path);
        exchange.setProperty(StoreganiseApi.URL, api.url(base, path));
        exchange.setProperty(StoreganiseApi.CACHE, !resource.cacheable() ? "none" : fresh ? "refresh" : "use");
    }

    String pathOf(StoreganiseResource resource) {
        return checkedPaths.getOrDefault(resource, resource.defaultPath());
    }

    // ---- configuration (YAML bean properties) ----

    public void setApi(StoreganiseApi api) {
        this.api = api;
    }

    public void setAddons(AddonAllowList addons) {
        this.addons = addons;
    }

    /** {@code storeganise.api.paths.<resource>} by resource id ({@code paths[unit-rental]}); checked by init. */
    public Map<String, String> getPaths() {
        return paths;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }
}
