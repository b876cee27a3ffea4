package io.storehub.hub.support;

/**
 * A tenant's names in every store the hub keeps are prefixed with the tenant and {@code ~}, a character
 * no Storeganise event id or destination name holds; the top-level configuration's names carry none.
 */
public final class TenantKeys {

    public static final char SEPARATOR = '~';
    /** The metrics' {@code tenant} label of the hub's own events (its top-level configuration); no tenant may be so named. */
    public static final String NO_TENANT = "none";
    /** The metrics' {@code tenant} label of a webhook refused before its tenant was known (or naming none configured). */
    public static final String UNKNOWN_TENANT = "unknown";

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

    /** The metrics' {@code tenant} label: the tenant's name, {@link #NO_TENANT} for the hub's own (null). */
    public static String label(String tenant) {
        return tenant == null ? NO_TENANT : tenant;
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
