package io.storehub.hub.dispatch;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.storehub.hub.support.Headers;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Parses the stored webhook and starts the enriched event that the family routes fill in and
 * {@code direct:deliver} consumes: {@code {"event": {...}, "type": ..., "family": ...}}
 * (see docs/enriched-event.md).
 */
public class EnrichedEventStart implements Processor {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public void process(Exchange exchange) throws Exception {
        Map<String, Object> event = MAPPER.readValue(exchange.getIn().getBody(byte[].class), new TypeReference<>() {
        });
        Map<String, Object> enriched = new LinkedHashMap<>();
        enriched.put("event", event);
        enriched.put("type", exchange.getIn().getHeader(Headers.EVENT_TYPE, String.class));
        enriched.put("family", exchange.getIn().getHeader(Headers.FAMILY, String.class));
        exchange.getIn().setBody(enriched);
    }
}
