package io.storehub.hub.history;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ids an event names, for the entity search: every {@code <something>Id} and {@code <something>Ids} of the
 * webhook's {@code data}, the {@code id} of each resource of the enriched event and the ids they point at, and the
 * customer's e-mail (kind {@code email}, lower-cased). Keyed by id; the value is the first kind it was seen as.
 */
final class EntityIds {

    /** Enriched-event keys holding a resource, and the kind their {@code id} is recorded as. */
    private static final Map<String, String> RESOURCES = new LinkedHashMap<>();
    /** Fields of those resources that point at another entity. */
    private static final List<String> POINTERS = List.of("ownerId", "userId", "unitId", "siteId", "unitRentalId", "invoiceId",
            "jobId", "valetOrderId");
    private static final int MAX_ID_LENGTH = 100;
    private static final int MAX_LIST = 20;

    static {
        RESOURCES.put("job", "jobId");
        RESOURCES.put("valetOrder", "valetOrderId");
        RESOURCES.put("unitRental", "unitRentalId");
        RESOURCES.put("previousUnitRental", "unitRentalId");
        RESOURCES.put("invoice", "invoiceId");
        RESOURCES.put("customer", "userId");
        RESOURCES.put("unit", "unitId");
        RESOURCES.put("site", "siteId");
        RESOURCES.put("addon", "addonId");
    }

    private EntityIds() {
    }

    /** From the webhook's {@code data} (JSON-shaped). */
    static void fromData(Map<?, ?> data, Map<String, String> into) {
        data.forEach((k, v) -> {
            String key = String.valueOf(k);
            if (key.endsWith("Id") && v instanceof String s) {
                put(into, s, key);
            } else if (key.endsWith("Ids") && v instanceof List<?> list) {
                list.stream().filter(String.class::isInstance).limit(MAX_LIST)
                        .forEach(item -> put(into, (String) item, key.substring(0, key.length() - 1)));
            }
        });
    }

    /** From the enriched event (a JSON-shaped map), including its webhook's {@code data}. */
    static Map<String, String> fromEnriched(Map<?, ?> enriched) {
        Map<String, String> ids = new LinkedHashMap<>();
        if (enriched.get("event") instanceof Map<?, ?> event && event.get("data") instanceof Map<?, ?> data) {
            fromData(data, ids);
        }
        RESOURCES.forEach((key, kind) -> {
            if (enriched.get(key) instanceof Map<?, ?> resource) {
                if (resource.get("id") instanceof String id) {
                    put(ids, id, kind);
                }
                for (String pointer : POINTERS) {
                    if (resource.get(pointer) instanceof String id) {
                        put(ids, id, "ownerId".equals(pointer) ? "userId" : pointer);
                    }
                }
            }
        });
        String email = email(enriched);
        if (email != null) {
            ids.put(email, "email");
        }
        return ids;
    }

    /** The customer's e-mail, lower-cased, or null. */
    static String email(Map<?, ?> enriched) {
        if (enriched.get("customer") instanceof Map<?, ?> customer && customer.get("email") instanceof String email
                && !email.isBlank() && email.length() <= 320) {
            return email.trim().toLowerCase(Locale.ROOT);
        }
        return null;
    }

    private static void put(Map<String, String> into, String id, String kind) {
        if (id != null && !id.isBlank() && id.length() <= MAX_ID_LENGTH) {
            into.putIfAbsent(id, kind);
        }
    }
}
