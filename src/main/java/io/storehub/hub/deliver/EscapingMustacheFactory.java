package io.storehub.hub.deliver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Locale;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.util.HtmlEscaper;

/**
 * mustache.java escapes {@code {{value}}} for HTML; the hub declares one mustache component per kind of
 * message with this factory, each escaping as its output needs (docs/destinations.md): {@code html},
 * {@code slack} (only {@code & < >}, so O'Brien is not shown as O&amp;#39;Brien), {@code json} or {@code none}.
 */
public class EscapingMustacheFactory extends DefaultMustacheFactory {

    private String escape = "html";

    @Override
    public void encode(String value, Writer writer) {
        try {
            switch (escape) {
                case "none" -> writer.write(value);
                case "slack" -> writer.write(value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"));
                case "json" -> writer.write(JsonStringEncoder.getInstance().quoteAsString(value));
                default -> HtmlEscaper.escape(value, writer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code html} (default), {@code slack}, {@code json} or {@code none}. */
    public void setEscape(String escape) {
        String e = escape.toLowerCase(Locale.ROOT);
        if (!e.equals("html") && !e.equals("slack") && !e.equals("json") && !e.equals("none")) {
            throw new IllegalArgumentException("escape must be html, slack, json or none, not " + escape);
        }
        this.escape = e;
    }
}
