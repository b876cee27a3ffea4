package io.storehub.hub.ingest;

import java.net.URI;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import io.storehub.hub.support.Headers;
import io.storehub.hub.support.HttpRejection;
import io.storehub.hub.support.TenantKeys;
import io.storehub.hub.tenant.Tenant;
import io.storehub.hub.tenant.TenantDirectory;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Which tenant a webhook belongs to (docs/tenants.md): the one in its URL, or for an add-on event the
 * one whose {@code api.addon-hosts} lists its {@code apiUrl}'s host; its event id and entity key are
 * then qualified ({@link TenantKeys}).
 */
public class WebhookTenant {

    static final String PATH_PARAMETER = "tenant";
    /** Exchange property: the metrics' {@code tenant} label (the tenant, {@code none}, or {@code unknown}); never from a header. */
    static final String LABEL = "SgTenantLabel";

    private TenantDirectory tenants;

    /** The tenant of the URL ({@code byPath}) or none; an unknown one is answered as any unknown path. */
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
            EntityKey.set(in, TenantKeys.qualify(tenant, entity));
        }
    }

    /** The host of an add-on event's {@code apiUrl} (lower case), or null when the event is not an add-on's. */
    static String addonHost(byte[] body) {
        try {
            JsonNode apiUrl = SignatureVerifier.MAPPER.readTree(body).get("apiUrl");
            if (apiUrl == null || !apiUrl.isTextual()) {
                return null;
            }
            String host = URI.create(apiUrl.textValue()).getHost();
            return host == null ? "" : host.toLowerCase(Locale.ROOT);
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
}
