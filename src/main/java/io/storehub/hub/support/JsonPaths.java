package io.storehub.hub.support;

import java.util.Map;

/** Reads values out of the JSON-shaped maps of the enriched event by dotted path, e.g. {@code job.result.siteId}. */
public final class JsonPaths {

    private JsonPaths() {
    }

    public static Object get(Object root, String path) {
        Object current = root;
        for (String part : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(part);
        }
        return current;
    }

    /** The text at the path, or null when absent, blank or not a scalar. */
    public static String text(Object root, String path) {
        Object value = get(root, path);
        if (value instanceof String s) {
            return s.isBlank() ? null : s;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        return null;
    }

    /** The first non-blank text among whitespace-separated paths, or null. */
    public static String first(Object root, String paths) {
        if (paths == null) {
            return null;
        }
        for (String path : paths.trim().split("\\s+")) {
            if (!path.isEmpty()) {
                String value = text(root, path);
                if (value != null) {
                    return value;
                }
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object root, String path) {
        Object value = path == null ? root : get(root, path);
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }
}
