package io.storehub.hub.deliver;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.camel.Predicate;

/** A subscription (configured or an enabled recipe's): event type globs, an optional filter, destinations. */
record Subscription(String key, List<String> events, List<Pattern> globs, String filterText, Predicate filter,
                    List<String> to) {

    boolean matchesType(String type) {
        return globs.stream().anyMatch(g -> g.matcher(type).matches());
    }

    @Override
    public String toString() {
        return events + (filterText != null ? " if " + filterText : "") + " -> " + to;
    }

    /** {@code *} matches any run of characters (dots included); everything else is literal. */
    static Pattern glob(String pattern) {
        // Hand-written because Camel's PatternHelper treats a pattern that is not a trailing wildcard as a
        // regular expression ('.' matching anything, '*.created' invalid), which is not what users write.
        return Pattern.compile(Arrays.stream(pattern.split("\\*", -1)).map(Pattern::quote).collect(Collectors.joining(".*")));
    }
}
