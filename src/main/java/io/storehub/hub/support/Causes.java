package io.storehub.hub.support;

import java.util.function.Predicate;

/** Looks through a failure and its chain of causes. */
public final class Causes {

    private Causes() {
    }

    /** The first of the failure and its causes that matches, or null. */
    public static Throwable find(Throwable failure, Predicate<Throwable> test) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (test.test(t)) {
                return t;
            }
        }
        return null;
    }

    public static boolean any(Throwable failure, Predicate<Throwable> test) {
        return find(failure, test) != null;
    }
}
