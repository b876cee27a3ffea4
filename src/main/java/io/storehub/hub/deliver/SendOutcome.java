package io.storehub.hub.deliver;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.storehub.hub.support.Causes;
import io.storehub.hub.support.PermanentFailure;
import io.storehub.hub.support.RetryAfterHint;
import io.storehub.hub.support.RetryPolicy;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.SendFailedException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what a destination answered and decides: delivered, retry later ({@link DeliveryFailure}: HTTP 408,
 * 429, 5xx after its {@code Retry-After}, a transient Slack API error, an SMTP connection failure) or
 * permanent ({@code PermanentFailure}: any other status or Slack error, a refused address or login).
 * Sets {@code SgLastStatus} and {@code SgRetryAfterMillis} for RetryPolicy.
 */
public class SendOutcome {

    private static final Logger LOG = LoggerFactory.getLogger(SendOutcome.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> SLACK_TRANSIENT = Set.of("ratelimited", "rate_limited", "internal_error", "fatal_error",
            "service_unavailable", "request_timeout", "team_added_to_org");

    /** After an HTTP call made with throwExceptionOnFailure=false. */
    public void http(Exchange exchange) {
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String destination = exchange.getProperty(DestinationRegistry.DESTINATION, String.class);
        exchange.setProperty(RetryPolicy.LAST_STATUS, status);
        if (status >= 200 && status < 300) {
            return;
        }
        String body = snippet(exchange.getMessage().getBody(String.class));
        String reason = "HTTP " + status + " from " + destination + (body.isEmpty() ? "" : ": " + body);
        if (status == 408 || status == 429 || status >= 500) {
            long retryAfter = RetryAfterHint.millis(exchange.getMessage().getHeader("Retry-After", String.class), Clock.systemUTC(),
                    Duration.ofDays(1));
            if (retryAfter > 0) {
                exchange.setProperty(RetryPolicy.RETRY_AFTER, retryAfter);
                reason += " (Retry-After " + Duration.ofMillis(retryAfter).toSeconds() + " s)";
            }
            throw new DeliveryFailure(reason);
        }
        throw new PermanentFailure(reason);
    }

    /** After a Slack Web API call (chat.postMessage): HTTP status first, then the {@code ok} field. */
    public void slackApi(Exchange exchange) throws Exception {
        http(exchange);
        JsonNode answer = MAPPER.readTree(exchange.getMessage().getBody(String.class));
        if (answer != null && answer.path("ok").asBoolean(false)) {
            return;
        }
        String error = answer == null ? "no answer" : answer.path("error").asText("unknown_error");
        String reason = "Slack API error from " + exchange.getProperty(DestinationRegistry.DESTINATION) + ": " + error;
        exchange.setProperty(RetryPolicy.LAST_STATUS, error);
        if (SLACK_TRANSIENT.contains(error)) {
            throw new DeliveryFailure(reason);
        }
        throw new PermanentFailure(reason);
    }

    /** In the doCatch of an SMTP send: rethrows the failure, as permanent when retrying cannot help. */
    public void mail(Exchange exchange) throws Exception {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String destination = exchange.getProperty(DestinationRegistry.DESTINATION, String.class);
        Throwable refused = Causes.find(e, t -> t instanceof SendFailedException || t instanceof AuthenticationFailedException);
        if (refused != null) {
            exchange.setProperty(RetryPolicy.LAST_STATUS, refused.getClass().getSimpleName());
            throw new PermanentFailure("SMTP refused the e-mail for " + destination + ": " + refused.getMessage(), e);
        }
        LOG.debug("SMTP failure for {} is retried: {}", destination, e == null ? null : e.toString());
        throw e == null ? new DeliveryFailure("SMTP failure for " + destination) : e;
    }

    private static String snippet(String body) {
        if (body == null) {
            return "";
        }
        String s = body.strip().replaceAll("\\s+", " ");
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
