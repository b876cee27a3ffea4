package io.storehub.hub.tenant;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.storehub.hub.support.HubConfigurationException;
import io.storehub.hub.support.SettingText;
import io.storehub.hub.support.TenantKeys;
import org.apache.camel.CamelContext;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Reads one tenant's settings ({@code storeganise.tenants.<name>.*} or its file) into a checked {@link Tenant}:
 * its own settings here, its destinations, subscriptions and recipes by {@link TenantListener#check}.
 */
final class TenantReader {

    static final String PREFIX = "storeganise.tenants.";
    private static final Set<String> TOP_LEVEL = Set.of("webhook", "api", "destinations", "subscriptions", "recipes",
            "admin-token", "console");
    private static final Set<String> OWN = Set.of("webhook.secrets", "api.base-url", "api.key", "api.addon-hosts",
            "admin-token", "console.username", "console.password");

    private final CamelContext camelContext;

    TenantReader(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    /** The YAML text of a tenant file as flat properties, keys as under {@code storeganise.tenants.<name>.} (without it). */
    static Properties parseYaml(String text, String source) {
        Object root;
        try {
            root = new Load(LoadSettings.builder().build()).loadFromString(text);
        } catch (RuntimeException e) {
            throw new HubConfigurationException(source + " is not valid YAML: " + SettingText.firstLine(e.getMessage()));
        }
        Properties flat = new Properties();
        if (root == null) {
            return flat;
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new HubConfigurationException(source + " must be a YAML mapping of settings (webhook, api, destinations, subscriptions, ...).");
        }
        flatten("", map, flat);
        return flat;
    }

    private static void flatten(String prefix, Object value, Properties into) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> flatten(prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k, v, into));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                flatten(prefix + "[" + i + "]", list.get(i), into);
            }
        } else if (value != null) {
            into.setProperty(prefix, String.valueOf(value));
        }
    }

    /**
     * A tenant from its flat settings (keys without {@code storeganise.tenants.<name>.}); its own settings
     * they lack are looked up by their full key, from where properties cannot be listed (environment variables).
     */
    Tenant read(String name, String source, Properties own) {
        if (!AccessScope.TENANT_NAME.matcher(name).matches()) {
            throw new HubConfigurationException(PREFIX + name + ": the tenant name '" + name
                    + "' must be 1 to 40 letters, digits, - or _, starting with a letter or digit (it is part of its webhook URL).");
        }
        if (name.equals(TenantKeys.NO_TENANT) || name.equals(TenantKeys.UNKNOWN_TENANT)) {
            throw new HubConfigurationException(PREFIX + name + ": the tenant names '" + TenantKeys.NO_TENANT + "' and '"
                    + TenantKeys.UNKNOWN_TENANT + "' are reserved (the metrics' tenant label of the hub's own events and of unknown tenants).");
        }
        String at = PREFIX + name + ".";
        Properties settings = new Properties();
        for (String key : own.stringPropertyNames()) {
            String top = key.split("[.\\[]", 2)[0];
            if (!TOP_LEVEL.contains(top)) {
                throw new HubConfigurationException(at + key + " is not a tenant setting (" + source + "); a tenant has "
                        + String.join(", ", TOP_LEVEL.stream().sorted().toList()) + ".");
            }
            String value = own.getProperty(key);
            if (value.contains("{{")) {
                value = camelContext.resolvePropertyPlaceholders(value);
            }
            if ((top.equals("webhook") || top.equals("api") || top.equals("console")) && !OWN.contains(key.replaceAll("\\[\\d+]$", ""))) {
                throw new HubConfigurationException(at + key + " is not a tenant setting (" + source + "); under " + top + " a tenant has "
                        + String.join(", ", OWN.stream().filter(k -> k.startsWith(top + ".")).sorted().toList()) + ".");
            }
            settings.setProperty("storeganise." + key, value);
        }
        for (String key : OWN) {
            if (!settings.containsKey("storeganise." + key) && !settings.containsKey("storeganise." + key + "[0]")) {
                camelContext.getPropertiesComponent().resolveProperty(at + key).filter(v -> !v.isBlank())
                        .ifPresent(v -> settings.setProperty("storeganise." + key, v));
            }
        }
        List<String> secrets = list(settings, "storeganise.webhook.secrets");
        if (secrets.isEmpty()) {
            throw new HubConfigurationException(at + "webhook.secrets is missing (" + source + "): the webhook secret(s) of this "
                    + "Storeganise business, which sign the events sent to /webhooks/storeganise/" + name + ".");
        }
        String baseUrl = SettingText.blankToNull(settings.getProperty("storeganise.api.base-url"));
        String key = SettingText.blankToNull(settings.getProperty("storeganise.api.key"));
        if (baseUrl != null) {
            if (!SettingText.isHttpUrl(baseUrl)) {
                throw new HubConfigurationException(at + "api.base-url '" + baseUrl + "' must be an http:// or https:// URL (" + source + ").");
            }
            if (key == null) {
                throw new HubConfigurationException(at + "api.key is missing (" + source + "): api.base-url is set, and the API "
                        + "is called with this business's own key.");
            }
        }
        List<String> hosts = list(settings, "storeganise.api.addon-hosts").stream().map(h -> h.toLowerCase(java.util.Locale.ROOT)).toList();
        String user = SettingText.blankToNull(settings.getProperty("storeganise.console.username"));
        String password = SettingText.blankToNull(settings.getProperty("storeganise.console.password"));
        if ((user == null) != (password == null)) {
            throw new HubConfigurationException(at + (user == null ? "console.username" : "console.password") + " is missing ("
                    + source + "): a tenant's console user needs both a username and a password.");
        }
        return new Tenant(name, source, settings, secrets, baseUrl, key, hosts,
                SettingText.blankToNull(settings.getProperty("storeganise.admin-token")), user, password);
    }

    /** A comma-separated value or a YAML list. */
    private static List<String> list(Properties settings, String key) {
        Stream<String> joined = Stream.ofNullable(settings.getProperty(key)).flatMap(v -> Arrays.stream(v.split(",")));
        Stream<String> items = IntStream.iterate(0, i -> settings.containsKey(key + "[" + i + "]"), i -> i + 1)
                .mapToObj(i -> settings.getProperty(key + "[" + i + "]"));
        return Stream.concat(joined, items).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
