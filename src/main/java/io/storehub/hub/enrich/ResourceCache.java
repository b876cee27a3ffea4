package io.storehub.hub.enrich;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Builds the Caffeine cache the {@code caffeine-cache:storeganiseApiCache} endpoint uses: both a TTL
 * and a size bound, which the endpoint's own options cannot combine (they are either size or time
 * based). Values are the response texts, parsed per use, so no event can change what another sees.
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
