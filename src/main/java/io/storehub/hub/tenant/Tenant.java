package io.storehub.hub.tenant;

import java.util.List;
import java.util.Properties;

/**
 * One tenant: a Storeganise business served by this hub, with its own webhook secrets, API, destinations,
 * subscriptions, recipes and access ({@code storeganise.tenants.<name>.*} or the file {@code <name>.yaml}).
 * Its API, key, admin token and console user are null when not configured.
 *
 * @param name       the name in its webhook URL ({@code /webhooks/storeganise/<name>}) and in every key it owns
 * @param source     where it was read from: {@code application configuration} or the file's path
 * @param settings   its settings written as the top-level keys they mirror ({@code storeganise.destinations...}),
 *                   so the destinations' loader reads them as it reads the hub's own
 * @param addonHosts hosts of the add-on {@code apiUrl}s that belong to it (add-on events on the shared URL)
 */
public record Tenant(String name, String source, Properties settings, List<String> secrets, String apiBaseUrl, String apiKey,
                     List<String> addonHosts, String adminToken, String consoleUsername, String consolePassword) {

    @Override
    public String toString() {
        return "Tenant[" + name + " from " + source + ", " + secrets.size() + " secret(s), API "
                + (apiBaseUrl == null ? "none" : apiBaseUrl) + "]"; // never the secrets or the key
    }
}
