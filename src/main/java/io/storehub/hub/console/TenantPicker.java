package io.storehub.hub.console;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.storehub.hub.tenant.AccessScope;
import io.storehub.hub.tenant.TenantDirectory;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;

/**
 * The console's tenant picker (docs/tenants.md, Access): the global admin narrows a page to one tenant
 * ({@code ?tenant=NAME}) or all; a tenant's user sees its own tenant and no picker.
 */
final class TenantPicker {

    private TenantPicker() {
    }

    /** The scope a page shows: the caller's, narrowed to {@code ?tenant=} when given. */
    static AccessScope view(Exchange exchange) {
        return AccessScope.of(exchange).narrow(chosen(exchange));
    }

    /** Adds the picker to the model when the caller sees all and tenants are configured: {@code picker.options}, the chosen one selected. */
    static void fill(Map<String, Object> model, Exchange exchange, CamelContext camelContext) {
        AccessScope scope = AccessScope.of(exchange);
        model.put("scopeTenant", scope.tenant());
        if (!scope.isAll() || camelContext == null || TenantDirectory.of(camelContext).isEmpty()) {
            return;
        }
        String chosen = chosen(exchange);
        Map<String, Object> picker = new LinkedHashMap<>();
        picker.put("options", TenantDirectory.of(camelContext).all().stream()
                .map(t -> Map.<String, Object>of("name", t.name(), "selected", t.name().equals(chosen))).toList());
        picker.put("all", chosen == null);
        model.put("picker", picker);
    }

    private static String chosen(Exchange exchange) {
        return Forms.query(exchange, "tenant");
    }
}
