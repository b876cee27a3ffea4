package io.storehub.hub.tenant;

import java.util.regex.Pattern;

import io.storehub.hub.support.HttpRejection;
import io.storehub.hub.support.TenantKeys;
import org.apache.camel.Exchange;

/**
 * What an admin request or a console session may see and act on (docs/tenants.md, Access): everything, or
 * one tenant, whose caller may name its own keys with or without the {@code acme~} prefix; what it may
 * not see is answered exactly as unknown. Set on the exchange by the gate, read with {@link #of}.
 *
 * @param tenant the tenant the caller acts for, or null for the global admin
 */
public record AccessScope(String tenant) {

    /** Exchange property holding the caller's scope. */
    public static final String PROPERTY = "SgAccessScope";
    /** The global admin: every tenant and the hub's own. */
    public static final AccessScope ALL = new AccessScope(null);
    /** A tenant's name: part of its webhook URL and of every key it owns, so nothing that needs escaping. */
    public static final Pattern TENANT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,39}");
    /** A destination name, qualified with its tenant or not. */
    public static final Pattern DESTINATION = Pattern.compile("([A-Za-z0-9][A-Za-z0-9_-]{0,39}~)?[A-Za-z0-9_-]{1,64}");
    /** A Storeganise event id, qualified with its tenant or not. */
    public static final Pattern EVENT_ID = Pattern.compile("([A-Za-z0-9][A-Za-z0-9_-]{0,39}~)?[A-Za-z0-9._:-]{1,255}");

    /** Sees nothing: a tenant's caller asking for another tenant ({@code ~} is in no tenant's name, so no key matches). */
    private static final AccessScope NONE = new AccessScope("~");

    public static AccessScope of(String tenant) {
        return tenant == null || tenant.isEmpty() ? ALL : new AccessScope(tenant);
    }

    /** The scope the gate set on this exchange; refused (401) when none was: no endpoint runs without its gate. */
    public static AccessScope of(Exchange exchange) {
        AccessScope scope = exchange.getProperty(PROPERTY, AccessScope.class);
        if (scope == null) {
            throw new HttpRejection(401, "unauthorized", "Send the admin token as Authorization: Bearer <token>.");
        }
        return scope;
    }

    public void applyTo(Exchange exchange) {
        exchange.setProperty(PROPERTY, this);
    }

    public boolean isAll() {
        return tenant == null;
    }

    /** Whether the caller may see the event or destination keyed so. */
    public boolean sees(String key) {
        return key != null && (tenant == null || tenant.equals(TenantKeys.tenantOf(key)));
    }

    /** The key the caller means by {@code name}: its own tenant's for a short name; a qualified one as given. */
    public String qualified(String name) {
        if (name == null || tenant == null || name.indexOf(TenantKeys.SEPARATOR) >= 0) {
            return name;
        }
        return TenantKeys.qualify(tenant, name);
    }

    /** The key the caller means by {@code name} if it may see it; null when it may not (answer: not found). */
    public String visible(String name) {
        String key = qualified(name);
        return sees(key) ? key : null;
    }

    /**
     * The scope of a page or list narrowed to the tenant asked for ({@code ?tenant=}, the console's picker): the
     * global admin's to that tenant, a tenant's caller's own to itself, or to nothing when it asks for another.
     */
    public AccessScope narrow(String requested) {
        if (requested == null || requested.isBlank()) {
            return this;
        }
        String name = requested.trim();
        if (!TENANT_NAME.matcher(name).matches()) {
            throw new HttpRejection(400, "invalid_tenant", "tenant must be a tenant's name (letters, digits, - and _).");
        }
        return tenant == null ? new AccessScope(name) : tenant.equals(name) ? this : NONE;
    }

    /**
     * A JMS selector term keeping the parked deliveries of this scope's destinations ({@code SgDestination}
     * {@code acme~...}), or null for the global admin.
     */
    public String selector(String destinationHeader) {
        if (tenant == null) {
            return null;
        }
        // in LIKE, _ is a wildcard: escaped ('~' and the rest of a tenant name are literal)
        return destinationHeader + " LIKE '" + tenant.replace("!", "!!").replace("_", "!_").replace("%", "!%")
                + TenantKeys.SEPARATOR + "%' ESCAPE '!'";
    }

    /** Who acts, for the history and the audit: {@code admin API} or {@code admin API (acme)}. */
    public String actor(String who) {
        return tenant == null ? who : who + " (" + tenant + ")";
    }
}
