package io.storehub.hub.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.storehub.hub.deliver.BulkReplay;
import io.storehub.hub.deliver.DestinationRegistry;
import io.storehub.hub.deliver.ReplayFilter;
import io.storehub.hub.history.EventHistory;
import io.storehub.hub.support.HttpRejection;
import io.storehub.hub.tenant.AccessScope;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;

/**
 * The console's bulk replay: the filter form of the dead-letters and destinations pages, its preview (the dry run
 * of {@link BulkReplay}) and the "replay N deliveries" action. {@code /console/dead-letters?destination=NAME}
 * (with {@code status}, {@code type}, {@code from}, {@code to}, {@code error}) opens with a prefilled preview.
 */
public class ReplayForm implements CamelContextAware {

    private static final List<String> FIELDS = List.of("destination", "status", "type", "from", "to", "error");

    private CamelContext camelContext;

    /** Adds the form (fields as asked), and with a destination chosen its preview, and the latest bulk replays, to a page's model. */
    public void fill(Map<String, Object> model, Exchange exchange, boolean preview) throws Exception {
        Map<String, String> fields = Forms.queries(exchange, FIELDS);
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("fields", fields);
        AccessScope view = TenantPicker.view(exchange);
        form.put("destinations", options(registry() == null ? List.of() : registry().names(view::sees), fields.get("destination")));
        form.put("statuses", options(List.of("parked", "failed"), fields.getOrDefault("status", "parked")));
        if (preview && fields.get("destination") != null) {
            try {
                ReplayFilter filter = bulk().filter(withDryRun(fields, true), AccessScope.of(exchange));
                Map<String, Object> result = bulk().run(filter, null);
                long matched = (Long) result.get("matched");
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> sample = (List<Map<String, Object>>) result.get("sample");
                for (Map<String, Object> s : sample) {
                    s.put("atText", ConsolePages.when(s.get("at")));
                }
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("matched", matched);
                p.put("matchedText", String.format("%,d", matched));
                p.put("sample", sample);
                p.put("described", filter.describe());
                p.put("failed", "failed".equals(filter.status()));
                p.put("any", matched > 0);
                List<Map<String, String>> hidden = new ArrayList<>();
                filter.asFields().forEach((k, v) -> hidden.add(Map.of("name", k, "value", v)));
                p.put("hidden", hidden);
                form.put("preview", p);
            } catch (HttpRejection bad) {
                form.put("error", bad.getDetail());
            }
        }
        model.put("replayForm", form);
        List<Map<String, Object>> latest = bulk().latest(5, view);
        for (Map<String, Object> e : latest) {
            e.put("atText", ConsolePages.when(e.get("at")));
            e.put("itemsText", String.format("%,d", (Long) e.get("items")));
        }
        model.put("bulkReplays", latest);
        model.put("hasBulkReplays", !latest.isEmpty());
    }

    /** POST /console/deliveries/replay: the filter's fields (from the preview); replays, then back to the dead-letters page. */
    public void replay(Exchange exchange) throws Exception {
        Map<String, String> fields = new LinkedHashMap<>();
        Forms.read(exchange).forEach((k, v) -> {
            if (FIELDS.contains(k) && v != null) {
                fields.put(k, v);
            }
        });
        ReplayFilter filter = bulk().filter(withDryRun(fields, false), AccessScope.of(exchange));
        Map<String, Object> result = bulk().run(filter, exchange.getProperty(EventHistory.ACTOR, String.class));
        StringBuilder location = new StringBuilder("/console/dead-letters?");
        filter.asFields().forEach((k, v) -> location.append(ConsolePages.enc(k)).append('=').append(ConsolePages.enc(v)).append('&'));
        location.append("notice=bulk-replayed&count=").append(result.get("replayed")).append("&matched=").append(result.get("matched"))
                .append(Boolean.TRUE.equals(result.get("running")) ? "&running=true" : "&notFound=" + result.get("notFound"));
        ConsoleView.redirect(exchange, location.toString());
    }

    /** The notice after a bulk replay, from the redirect's query. */
    static String notice(Exchange exchange) {
        if (!"bulk-replayed".equals(Forms.query(exchange, "notice"))) {
            return null;
        }
        if ("true".equals(Forms.query(exchange, "running"))) {
            return "Replaying " + figure(exchange, "matched") + " matched deliveries in the background (" + figure(exchange, "count")
                    + " so far); the latest bulk replays below show the total when it is done.";
        }
        return "Replayed " + figure(exchange, "count") + " of " + figure(exchange, "matched")
                + " matched deliveries (the others were not parked: delivered since, or waiting for their next attempt)."
                + (Forms.number(exchange, "notFound") > 0 ? " " + figure(exchange, "notFound") + " parked ones were not found in the dead letter"
                        + " queue: replayed meanwhile, or not yet read back by the broker (a large, paged queue); preview again and replay"
                        + " what is left." : "");
    }

    private static Map<String, String> withDryRun(Map<String, String> fields, boolean dryRun) {
        Map<String, String> in = new LinkedHashMap<>(fields);
        in.put("dryRun", String.valueOf(dryRun));
        return in;
    }

    private static List<Map<String, Object>> options(List<String> values, String selected) {
        return values.stream().map(v -> Map.<String, Object>of("value", v, "selected", v.equals(selected))).toList();
    }

    private static String figure(Exchange exchange, String name) {
        return String.format("%,d", Forms.number(exchange, name));
    }

    private BulkReplay bulk() {
        return camelContext.getRegistry().findSingleByType(BulkReplay.class);
    }

    private DestinationRegistry registry() {
        return camelContext.getRegistry().findSingleByType(DestinationRegistry.class);
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }
}
