package io.storehub.hub.enrich;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import io.storehub.hub.support.HubConfigurationException;

/**
 * Which add-on {@code apiUrl}s the hub may send the API key to: https (or http when allowed for
 * trials), a plain {@code https://host/path} URL, a host in {@code storeganise.api.addon.allowed-hosts}
 * ({@code *.example.com} allows any subdomain of example.com, not example.com itself).
 */
public class AddonAllowList {

    /** Storeganise ids are 24-hex ObjectIds; anything that could change the path or query is refused. */
    static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");
    private static final Pattern HOST_PATTERN = Pattern.compile("(\\*\\.)?[a-z0-9-]+(\\.[a-z0-9-]+)*");

    private List<String> allowedHosts = List.of("*.storeganise.com");
    private boolean allowHttp;

    /** Why an add-on apiUrl must not be called, or null when it may. */
    public String refusal(String apiUrl, String addonId) {
        if (!SAFE_ID.matcher(addonId).matches()) {
            return "its addonId is not a plain Storeganise id";
        }
        URI uri;
        try {
            uri = new URI(apiUrl);
        } catch (Exception e) {
            return "apiUrl is not a URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
            return "apiUrl must use https";
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getHost() == null) {
            return "apiUrl must be a plain https://host/path URL";
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (!hostAllowed(host)) {
            return "host '" + host + "' is not in storeganise.api.addon.allowed-hosts " + allowedHosts;
        }
        return null;
    }

    /** {@code *.example.com} matches any subdomain of example.com, not example.com itself. */
    boolean hostAllowed(String host) {
        return allowedHosts.stream().anyMatch(pattern -> pattern.startsWith("*.")
                ? host.endsWith(pattern.substring(1)) && host.length() > pattern.length() - 1
                : host.equals(pattern));
    }

    public List<String> getAllowedHosts() {
        return allowedHosts;
    }

    /** Comma-separated host names; {@code *.example.com} allows any subdomain of example.com (not example.com). */
    public void setAllowedHosts(String allowedHosts) {
        List<String> hosts = new ArrayList<>();
        Arrays.stream(allowedHosts == null ? new String[0] : allowedHosts.split(","))
                .map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).forEach(h -> {
                    if (!HOST_PATTERN.matcher(h).matches()) {
                        throw new HubConfigurationException("storeganise.api.addon.allowed-hosts has '" + h
                                + "': use host names such as *.storeganise.com or api.example.com.");
                    }
                    hosts.add(h);
                });
        this.allowedHosts = List.copyOf(hosts);
    }

    /** Allow plain-http add-on apiUrls (tests and local trials only: the key would travel in clear). */
    public void setAllowHttp(boolean allowHttp) {
        this.allowHttp = allowHttp;
    }
}
