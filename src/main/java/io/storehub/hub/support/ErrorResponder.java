package io.storehub.hub.support;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's JSON answers ({@link #answer}) and errors: turns the exception that stopped an HTTP route into
 * {@code {"error": code, "detail": sentence}}: an {@link HttpRejection} says why; anything else gets the fallback
 * (the webhook's 503, so Storeganise retries). Request headers are not echoed back, but {@code Allow} and {@code WWW-Authenticate}.
 */
public class ErrorResponder implements Processor {

    public static final String REJECT_REASON = "SgRejectReason";

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponder.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private int fallbackStatus = 503;
    private String fallbackCode = "not_stored";
    private String fallbackDetail = "The event could not be stored durably; it was not accepted, so Storeganise will retry it.";
    private int fallbackRetryAfterSeconds = 5;
    private static final List<String> KEEP_HEADERS = List.of("Allow", "WWW-Authenticate");
    private final RejectionLog rejectionLog = new RejectionLog();

    @Override
    public void process(Exchange exchange) throws Exception {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int status;
        String code;
        String detail;
        int retryAfter;
        if (cause instanceof HttpRejection rejection) {
            status = rejection.getStatus();
            code = rejection.getCode();
            detail = rejection.getDetail();
            retryAfter = rejection.getRetryAfterSeconds();
            rejectionLog.log(status, code, detail);
        } else {
            status = fallbackStatus;
            code = fallbackCode;
            detail = fallbackDetail;
            retryAfter = status == 503 ? fallbackRetryAfterSeconds : 0;
            LOG.error("Request failed ({}): {}", code, cause == null ? "unknown error" : cause.toString(), cause);
        }
        Message out = exchange.getMessage();
        // request headers must not echo back as response headers
        out.getHeaders().keySet().removeIf(name -> KEEP_HEADERS.stream().noneMatch(name::equalsIgnoreCase));
        if (retryAfter > 0) {
            out.setHeader("Retry-After", String.valueOf(retryAfter));
        }
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.setProperty(REJECT_REASON, code);
        out.setBody(body(code, detail));
    }

    /** A JSON answer of the admin API: no request header echoed back, never cached. */
    public static void answer(Exchange exchange, int status, Object answer) throws IOException {
        Message out = exchange.getMessage();
        out.getHeaders().clear();
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setHeader("Cache-Control", "no-store");
        out.setBody(MAPPER.writeValueAsBytes(answer));
    }

    /** The hub's JSON error answer {@code {"error": code, "detail": detail}}. */
    public static byte[] body(String code, String detail) throws IOException {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("detail", detail);
        return MAPPER.writeValueAsBytes(body);
    }

    /** Status of an unexpected failure (default 503). */
    public void setFallbackStatus(int fallbackStatus) {
        this.fallbackStatus = fallbackStatus;
    }

    /** Error code of an unexpected failure (default {@code not_stored}). */
    public void setFallbackCode(String fallbackCode) {
        this.fallbackCode = fallbackCode;
    }

    public void setFallbackDetail(String fallbackDetail) {
        this.fallbackDetail = fallbackDetail;
    }

    /** {@code Retry-After} of an unexpected failure answered 503, in seconds (default 5; 0: none). */
    public void setFallbackRetryAfterSeconds(int fallbackRetryAfterSeconds) {
        this.fallbackRetryAfterSeconds = fallbackRetryAfterSeconds;
    }

    /** At most one log line per refusal code and interval (ISO-8601, default {@code PT10S}; {@code PT0S}: every refusal). */
    public void setRejectionLogInterval(String interval) {
        rejectionLog.setInterval(Duration.parse(interval));
    }

    void setClock(Clock clock) {
        rejectionLog.setClock(clock);
    }
}
