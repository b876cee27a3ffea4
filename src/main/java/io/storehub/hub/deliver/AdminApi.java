package io.storehub.hub.deliver;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import io.storehub.hub.support.HttpRejection;
import io.storehub.hub.tenant.AccessScope;
import io.storehub.hub.tenant.Tenant;
import io.storehub.hub.tenant.TenantDirectory;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;

/**
 * The admin endpoints' gate: they exist only when a token is configured ({@code storeganise.admin.token} or a
 * tenant's {@code admin-token}; otherwise 404), and a request must carry it as a bearer token, compared in
 * constant time, never logged. The token decides the caller's {@link AccessScope} (docs/tenants.md, Access).
 */
public class AdminApi implements CamelContextAware {

    private CamelContext camelContext;
    private byte[] token = new byte[0];

    /** Refuses the request unless it carries the admin token or a tenant's; then clears the request headers but the query. */
    public void authorize(Exchange exchange) {
        TenantDirectory tenants = camelContext == null ? null : TenantDirectory.of(camelContext);
        if (token.length == 0 && (tenants == null || tenants.all().stream().noneMatch(t -> t.adminToken() != null))) {
            throw new HttpRejection(404, "admin_disabled",
                    "The admin endpoints are disabled: set STOREGANISE_ADMIN_TOKEN (storeganise.admin.token) to enable them.");
        }
        String header = exchange.getIn().getHeader("Authorization", String.class);
        byte[] presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        exchange.getIn().removeHeader("Authorization");
        AccessScope scope = scope(presented, tenants);
        if (scope == null) {
            exchange.getIn().setHeader("WWW-Authenticate", "Bearer");
            throw new HttpRejection(401, "unauthorized", "Send the admin token as Authorization: Bearer <token>.");
        }
        scope.applyTo(exchange);
        // who acts, for the event history (replays, redeliveries)
        exchange.setProperty("SgActor", scope.actor("admin API"));
    }

    /** The scope of the token presented, or null when it is none of them (every one compared, in constant time each). */
    private AccessScope scope(byte[] presented, TenantDirectory tenants) {
        if (presented.length == 0) {
            return null;
        }
        AccessScope found = token.length > 0 && MessageDigest.isEqual(presented, token) ? AccessScope.ALL : null;
        if (tenants != null) {
            for (Tenant t : tenants.all()) {
                if (t.adminToken() != null && !t.adminToken().isBlank()
                        && MessageDigest.isEqual(presented, t.adminToken().trim().getBytes(StandardCharsets.UTF_8)) && found == null) {
                    found = AccessScope.of(t.name());
                }
            }
        }
        return found;
    }

    /** {@code storeganise.admin.token}; empty (and no tenant token) disables the admin endpoints. */
    public void setToken(String token) {
        this.token = token == null ? new byte[0] : token.trim().getBytes(StandardCharsets.UTF_8);
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
