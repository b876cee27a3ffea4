package io.storehub.hub.ingest;

import java.net.URI;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.storehub.hub.support.Headers;
import io.storehub.hub.support.HttpRejection;
import io.storehub.hub.support.TenantKeys;
import io.storehub.hub.tenant.Tenant;
import io.storehub.hub.tenant.TenantDirectory;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Which tenant a webhook belongs to (docs/tenants.md): the one in its URL ({@code /webhooks/storeganise/<name>}),
 * or, for an add-on event on the shared URL, the one whose {@code api.addon-hosts} lists the host of its verified
 * {@code apiUrl}. A tenant's event id and entity key are then qualified with its name ({@link TenantKeys}), so its
 * dedupe, ordering, history and deliveries never meet another tenant's.
 */
public class WebhookTenant {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The path parameter of the tenant's webhook URL. */
    static final String PATH_PARAMETER = "tenant";
    /**
     * Exchange property: the webhook's {@code tenant} label in the metrics ({@link WebhookMetrics}), set once the URL
     * is read: the tenant, {@code none} for the hub's own URL, {@code unknown} for a URL naming no configured tenant.
     * Unset (also {@code unknown}) for a webhook refused before; never from a request header, so bounded by the tenants.
     */
    static final String LABEL = "SgTenantLabel";

    private TenantDirectory tenants;

    /**
     * The tenant of the URL ({@code byPath}) or none. An unknown tenant is answered as any unknown path (no hint
     * which tenants exist). A header of the request never names the tenant.
     */
    public void fromPath(Exchange exchange, boolean byPath) {
        Message in = exchange.getIn();
        Object name = in.removeHeader(PATH_PARAMETER);
        in.removeHeader(Headers.TENANT);
        if (!byPath) {
            exchange.setProperty(LABEL, TenantKeys.NO_TENANT);
            return;
        }
        Tenant tenant = !(name instanceof String n) ? null : tenants(exchange).get(n);
        exchange.setProperty(LABEL, tenant == null ? TenantKeys.UNKNOWN_TENANT : tenant.name());
        if (tenant == null) {
            throw new HttpRejection(404, "not_found", "Not Found: " + in.getHeader(Exchange.HTTP_URI, String.class));
        }
        in.setHeader(Headers.TENANT, tenant.name());
    }

    /** After the event is verified and validated: an add-on event's tenant, then its id and entity key qualified. */
    public void assign(Exchange exchange) {
        Message in = exchange.getIn();
        String tenant = in.getHeader(Headers.TENANT, String.class);
        TenantDirectory tenants = tenants(exchange);
        if (tenant == null && tenants.resolvesAddons()) {
            String host = addonHost(in.getBody(byte[].class));
            if (host != null) {
                Tenant owner = tenants.byAddonHost(host);
                if (owner == null) {
                    throw new HttpRejection(422, "unknown_addon_host", "No tenant of this hub serves the add-on apiUrl host "
                            + host + " (storeganise.tenants.<name>.api.addon-hosts); the event was not stored.");
                }
                tenant = owner.name();
                in.setHeader(Headers.TENANT, tenant);
                exchange.setProperty(LABEL, tenant);
            }
        }
        if (tenant == null) {
            return;
        }
        in.setHeader(Headers.EVENT_ID, TenantKeys.qualify(tenant, in.getHeader(Headers.EVENT_ID, String.class)));
        String entity = in.getHeader(EntityKey.HEADER, String.class);
        if (entity != null) {
            String qualified = TenantKeys.qualify(tenant, entity);
            in.setHeader(EntityKey.HEADER, qualified);
            in.setHeader("JMSXGroupID", qualified);
        }
    }

    /** The host of an add-on event's {@code apiUrl} (lower case), or null when the event is not an add-on's. */
    static String addonHost(byte[] body) {
        try {
            JsonNode apiUrl = MAPPER.readTree(body).get("apiUrl");
            if (apiUrl == null || !apiUrl.isTextual()) {
                return null;
            }
            String host = URI.create(apiUrl.textValue()).getHost();
            return host == null ? "" : host.toLowerCase(java.util.Locale.ROOT);
        } catch (Exception e) {
            return "";
        }
    }

    private TenantDirectory tenants(Exchange exchange) {
        if (tenants == null) {
            tenants = TenantDirectory.of(exchange.getContext());
        }
        return tenants;
    }

    public void setTenants(TenantDirectory tenants) {
        this.tenants = tenants;
    }
}
