package io.storehub.hub.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.storehub.hub.support.SecretSource;
import org.apache.camel.CamelContext;

/**
 * Keeps secrets out of the error texts the history stores and shows: the path and query of every URL are
 * dropped (Slack and Zapier hook URLs are secrets by their path), and every configured secret value (the
 * hub's settings and every {@link SecretSource} bean's) is masked.
 */
public final class TextScrub {

    private static final Pattern URL = Pattern.compile("(?i)\\b(https?|smtps?)://(?:[^/\\s@\"'<>]*@)?([^/\\s?#\"'<>]+)([^\\s\"'<>]*)");
    private static final List<String> SECRET_PROPERTIES = List.of("storeganise.webhook.secrets", "storeganise.api.key",
            "storeganise.admin.token", "storeganise.console.password");

    private final List<String> secrets;

    TextScrub(List<String> secrets) {
        this.secrets = secrets.stream().filter(Objects::nonNull).map(String::trim).filter(s -> s.length() >= 4)
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    public static TextScrub from(CamelContext camel) {
        List<String> secrets = new ArrayList<>();
        if (camel != null) {
            for (String key : SECRET_PROPERTIES) {
                camel.getPropertiesComponent().resolveProperty(key).ifPresent(v -> secrets.addAll(List.of(v.split(","))));
            }
            // the destinations' tokens, passwords and URLs (DestinationRegistry)
            for (SecretSource source : camel.getRegistry().findByType(SecretSource.class)) {
                secrets.addAll(source.secrets());
            }
        }
        return new TextScrub(secrets);
    }

    public String clean(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, "***");
        }
        Matcher m = URL.matcher(out);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + "://" + m.group(2) + (m.group(3).isEmpty() ? "" : "/...")));
        }
        m.appendTail(sb);
        return Texts.cap(sb.toString(), 1000);
    }
}
