package io.storehub.hub.ingest;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import io.storehub.hub.dispatch.EventCatalog;
import io.storehub.hub.support.Headers;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * The entity an event is about, the key of per-entity ordering (docs/ordering.md): the first of
 * {@link #DEFAULT_FIELDS} (or {@code storeganise.ordering.keys.<family>}) in its {@code data}, set as
 * {@link #HEADER} and {@code JMSXGroupID}. Invoice before rental: {@code unitRental.invoice.created}
 * shares a lane with the invoice's later events.
 */
public class EntityKey implements Processor, CamelContextAware {

    public static final String HEADER = "SgEntityKey";
    /** Exchange property with the event's {@code data} node, left by {@link EventValidator}. */
    public static final String DATA = "SgEventData";
    static final List<String> DEFAULT_FIELDS = List.of("jobId", "invoiceId", "unitRentalId", "userId", "unitId", "siteId", "addonId");
    private static final String PREFIX = "storeganise.ordering.keys.";

    private CamelContext camelContext;
    private volatile Map<String, List<String>> perFamily;

    @Override
    public void process(Exchange exchange) {
        JsonNode data = exchange.removeProperty(DATA) instanceof JsonNode node ? node : null;
        String type = exchange.getIn().getHeader(Headers.EVENT_TYPE, String.class);
        String key = keyOf(type, data);
        if (key != null) {
            set(exchange.getIn(), key);
        }
    }

    /** The entity key, also the JMS group of the event's lane. */
    static void set(Message in, String key) {
        in.setHeader(HEADER, key);
        in.setHeader("JMSXGroupID", key);
    }

    String keyOf(String type, JsonNode data) {
        if (data == null || !data.isObject()) {
            return null;
        }
        List<String> fields = families().getOrDefault(EventCatalog.familyOf(type), DEFAULT_FIELDS);
        for (String field : fields) {
            JsonNode id = data.get(field);
            if (id != null && id.isTextual() && !id.textValue().isEmpty() && id.textValue().length() <= 100) {
                return field + ":" + id.textValue();
            }
        }
        return null;
    }

    private Map<String, List<String>> families() {
        Map<String, List<String>> map = perFamily;
        if (map == null) {
            map = new ConcurrentHashMap<>();
            if (camelContext != null) {
                Properties props = camelContext.getPropertiesComponent().loadProperties(k -> k.startsWith(PREFIX));
                for (String name : props.stringPropertyNames()) {
                    List<String> fields = Arrays.stream(props.getProperty(name).split(",")).map(String::trim).filter(f -> !f.isEmpty()).toList();
                    map.put(name.substring(PREFIX.length()), fields);
                }
            }
            perFamily = map;
        }
        return map;
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
