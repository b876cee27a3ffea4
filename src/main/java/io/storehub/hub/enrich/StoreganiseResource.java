package io.storehub.hub.enrich;

import java.util.Locale;

/**
 * The Storeganise REST resources the hub reads: default path, cacheable, field in the enriched event
 * and back-office page (UNVERIFIED ones: docs/enrichment.md; paths overridable with
 * {@code storeganise.api.paths.<name>}).
 */
public enum StoreganiseResource {

    JOB("job", "/v1/admin/jobs/{id}", false, "job", "/admin/jobs/{id}"),
    UNIT_RENTAL("unit-rental", "/v1/admin/unit-rentals/{id}?include=unit,owner,customFields", false, "unitRental",
            "/admin/unit-rentals/{id}"),
    INVOICE("invoice", "/v1/admin/invoices/{id}?include=owner,customFields", false, "invoice", "/admin/invoices/{id}"),
    USER("user", "/v1/admin/users/{id}?include=customFields", false, "customer", "/admin/users/{id}"),
    /** The user as seen for {@code user.billing.updated}; the user object carries {@code billingMethod}. */
    USER_BILLING("user-billing", "/v1/admin/users/{id}?include=customFields", false, "customer", "/admin/users/{id}"),
    UNIT("unit", "/v1/admin/units/{id}", true, "unit", "/admin/units/{id}"),
    SITE("site", "/v1/admin/sites/{id}", true, "site", "/admin/sites/{id}"),
    SETTINGS("settings", "/v1/admin/settings", true, "settings", "/admin/settings"),
    ADDON("addon", "/v1/admin/addons/{id}", true, "addon", "/admin/addons/{id}"),
    VALET_ORDER("valet-order", "/v1/admin/valet-orders/{id}?include=job,customFields", false, "valetOrder",
            "/admin/valet-orders/{id}");

    private final String id;
    private final String defaultPath;
    private final boolean cacheable;
    private final String key;
    private final String adminPath;

    StoreganiseResource(String id, String defaultPath, boolean cacheable, String key, String adminPath) {
        this.id = id;
        this.defaultPath = defaultPath;
        this.cacheable = cacheable;
        this.key = key;
        this.adminPath = adminPath;
    }

    /** The name used in routes and configuration, e.g. {@code unit-rental}. */
    public String id() {
        return id;
    }

    public String defaultPath() {
        return defaultPath;
    }

    /** Rarely changing resources (sites, settings, add-on config, units); never invoices, jobs, rentals or users. */
    public boolean cacheable() {
        return cacheable;
    }

    /** The key of the enriched event this resource is stored under by default. */
    public String key() {
        return key;
    }

    /** Path of the resource in the Storeganise back office, relative to the business' admin URL (UNVERIFIED). */
    public String adminPath() {
        return adminPath;
    }

    /** Whether the path needs an id (settings is a singleton). */
    public boolean needsId() {
        return defaultPath.contains("{id}");
    }

    public static StoreganiseResource of(String id) {
        for (StoreganiseResource r : values()) {
            if (r.id.equals(id) || r.name().equalsIgnoreCase(id)) {
                return r;
            }
        }
        throw new IllegalArgumentException("Unknown Storeganise resource '" + id + "'");
    }

    @Override
    public String toString() {
        return id.toLowerCase(Locale.ROOT);
    }
}
