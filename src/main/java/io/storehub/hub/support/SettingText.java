package io.storehub.hub.support;

import java.net.URI;

/** What the settings' readers check in a configured text, written once. */
public final class SettingText {

    private SettingText() {
    }

    /** The trimmed value, or null when it is absent or blank (a setting left empty). */
    public static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** Whether the value is an absolute http:// or https:// URL with a host. */
    public static boolean isHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            return uri.getHost() != null && uri.getScheme() != null
                    && (uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"));
        } catch (Exception e) {
            return false;
        }
    }

    /** The first line of an exception's message (a parser's message goes on with context), "" for none. */
    public static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
