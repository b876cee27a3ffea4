package io.storehub.hub.ingest;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the exception that stopped the ingest route into the JSON answer
 * {@code {"error": code, "detail": sentence}} with its status. A {@link WebhookRejection} is the
 * sender's fault and says why; anything else is ours (a broker or database fault): 503, so
 * Storeganise retries the delivery rather than losing it. Sets the exchange property
 * {@code SgRejectReason} for the metrics tag.
 */
public class ErrorResponder implements Processor {

    public static final String REJECT_REASON = "SgRejectReason";

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponder.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public void process(Exchange exchange) throws Exception {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int status;
        String code;
        String detail;
        if (cause instanceof WebhookRejection rejection) {
            status = rejection.getStatus();
            code = rejection.getCode();
            detail = rejection.getDetail();
            LOG.info("Webhook rejected: {} {} ({})", status, code, detail);
        } else {
            status = 503;
            code = "not_stored";
            detail = "The event could not be stored durably; it was not accepted, so Storeganise will retry it.";
            LOG.error("Webhook could not be stored: {}", cause == null ? "unknown error" : cause.toString(), cause);
        }
        Message out = exchange.getMessage();
        String allow = out.getHeader("Allow", String.class);
        out.getHeaders().clear(); // request headers must not echo back as response headers
        if (allow != null) {
            out.setHeader("Allow", allow);
        }
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("detail", detail);
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.setProperty(REJECT_REASON, code);
        out.setBody(MAPPER.writeValueAsBytes(body));
    }
}
