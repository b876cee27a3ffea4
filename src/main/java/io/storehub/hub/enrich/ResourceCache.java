package io.storehub.hub.enrich;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The Caffeine cache of {@code caffeine-cache:storeganiseApiCache}, with a TTL and a size bound (the
 * endpoint's options cannot combine them). Values are response texts: no event changes what another sees.
 */
public final class ResourceCache {

    private ResourceCache() {
    }

    /** @param ttl ISO-8601 duration, e.g. {@code PT10M}; {@code PT0S} disables caching. */
    public static Cache<Object, Object> create(String ttl, long maxEntries) {
        Duration expiry = Duration.parse(ttl);
        return Caffeine.newBuilder()
                .expireAfterWrite(expiry)
                .maximumSize(expiry.isZero() ? 0 : maxEntries)
                .recordStats()
                .build();
    }
}
