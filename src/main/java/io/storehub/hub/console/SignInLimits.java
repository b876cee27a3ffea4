package io.storehub.hub.console;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;

/**
 * The limits on failed console sign-ins, per client address and in total, per hub instance (Bucket4j
 * buckets): over either, the sign-in is refused before any credential is checked.
 */
final class SignInLimits {

    private int attemptsPerAddress = 10;
    private int attemptsTotal = 60;
    private Bucket total;
    private Cache<String, Bucket> perAddress;

    /** The bucket of failed attempts from this client address. */
    Bucket forAddress(String address) {
        return perAddress().get(address, a -> limiter(attemptsPerAddress));
    }

    /** Whether a sign-in from the address with this bucket is refused: its failures, or all, are over the limit. */
    boolean refuses(Bucket forAddress) {
        return forAddress.getAvailableTokens() <= 0 || total().getAvailableTokens() <= 0;
    }

    /** Counts a failed sign-in from the address with this bucket. */
    void failed(Bucket forAddress) {
        forAddress.tryConsume(1);
        total().tryConsume(1);
    }

    /** Forgets the failed sign-in counts. */
    synchronized void reset() {
        total = null;
        perAddress = null;
    }

    synchronized Bucket total() {
        if (total == null) {
            total = limiter(attemptsTotal);
        }
        return total;
    }

    private synchronized Cache<String, Bucket> perAddress() {
        if (perAddress == null) {
            perAddress = Caffeine.newBuilder().maximumSize(10_000).expireAfterAccess(Duration.ofMinutes(10)).build();
        }
        return perAddress;
    }

    /** {@code perMinute} failed attempts at once, refilled evenly over a minute (Bucket4j, as the destinations' limits). */
    private static Bucket limiter(int perMinute) {
        return Bucket.builder().addLimit(Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)).build()).build();
    }

    int attemptsPerAddress() {
        return attemptsPerAddress;
    }

    int attemptsTotal() {
        return attemptsTotal;
    }

    synchronized void setAttemptsPerAddress(int attemptsPerAddress) {
        this.attemptsPerAddress = attemptsPerAddress;
        this.perAddress = null;
    }

    synchronized void setAttemptsTotal(int attemptsTotal) {
        this.attemptsTotal = attemptsTotal;
        this.total = null;
    }
}
