package io.storehub.hub.tenant;

import java.util.Map;

/** What builds something from the tenants' settings (the destinations): checks a tenant before it is applied. */
public interface TenantListener {

    /** Checks one tenant's settings; throws {@link io.storehub.hub.support.HubConfigurationException} naming the key. */
    void check(Tenant tenant);

    /** The tenants now in force, every one checked. */
    void apply(Map<String, Tenant> tenants);
}
