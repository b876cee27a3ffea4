package io.storehub.hub.support;

/**
 * How a tenant's events and destinations are told apart from another tenant's in every store the hub
 * keeps (dedupe ids, the broker's duplicate ids, history, delivery records, lanes, rate limits, dead
 * letters): the name is prefixed with the tenant and {@code ~}, a character neither a Storeganise event id
 * nor a destination name may hold. The top-level configuration's names carry no prefix, as before tenants.
 */
public final class TenantKeys {

    public static final char SEPARATOR = '~';

    private TenantKeys() {
    }

    /** {@code acme~name} for a tenant, {@code name} itself without one. */
    public static String qualify(String tenant, String name) {
        return tenant == null || tenant.isEmpty() ? name : tenant + SEPARATOR + name;
    }

    /** The tenant of a qualified name, or null for a top-level one. */
    public static String tenantOf(String qualified) {
        if (qualified == null) {
            return null;
        }
        int at = qualified.indexOf(SEPARATOR);
        return at <= 0 ? null : qualified.substring(0, at);
    }

    /** The name within its tenant: {@code name} of {@code acme~name}. */
    public static String local(String qualified) {
        if (qualified == null) {
            return null;
        }
        int at = qualified.indexOf(SEPARATOR);
        return at < 0 ? qualified : qualified.substring(at + 1);
    }
}
