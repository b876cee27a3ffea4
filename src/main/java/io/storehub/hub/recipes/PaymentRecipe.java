package io.storehub.hub.recipes;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.storehub.hub.support.JsonPaths;
import io.storehub.hub.support.PermanentFailure;
import io.storehub.hub.support.RetryPolicy;
import io.storehub.hub.support.SettingText;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.http.HttpMethods;
import org.apache.camel.spi.IdempotentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decisions of the automated-payment recipe (routes/recipe-payment.camel.yaml, docs/recipes.md),
 * never charging one invoice twice: the invoice is read fresh first (no balance: nothing to charge);
 * {@code paymentRecord} holds {@code <invoiceId>} once the gateway answered and {@code <invoiceId>:<eventId>}
 * for the event that charged, so only a retry of that event calls the gateway again (same Idempotency-Key).
 */
public class PaymentRecipe {

    private static final Logger LOG = LoggerFactory.getLogger(PaymentRecipe.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> APPROVED = List.of("succeeded", "success", "paid", "approved", "captured", "authorized");

    private IdempotentRepository paymentRecord;
    private String gatewayUrl;
    private String gatewayToken;
    private String paymentMethod = "card";
    private String currency;

    /** The invoice the event is about (the event's data, else the enriched invoice), or null: nothing to charge (logged). */
    public String invoiceId(Map<String, Object> enriched, String eventId) {
        String invoiceId = JsonPaths.first(enriched, "event.data.invoiceId invoice.id");
        if (invoiceId == null) {
            LOG.warn("Payment: event {} names no invoice; nothing charged", eventId);
        }
        return invoiceId;
    }

    /**
     * The model of the charge templates, decided on {@code current} (the invoice read fresh, or null),
     * or null (why is logged) when there is nothing to charge or it was charged for an earlier event.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> charge(Object current, Map<String, Object> enriched, String invoiceId, String eventId) {
        if (!(current instanceof Map<?, ?> found)) {
            return skip("invoice " + invoiceId + " is not in Storeganise (any more)");
        }
        Map<String, Object> invoice = (Map<String, Object>) found;
        BigDecimal balance = number(invoice.get("balance"));
        String state = String.valueOf(invoice.get("state")).toLowerCase(Locale.ROOT);
        if (balance == null || balance.signum() <= 0 || state.equals("paid") || state.equals("draft")) {
            return skip("invoice " + invoiceId + " has nothing to charge (state " + state + ", balance " + balance + ")");
        }
        if (paymentRecord.contains(invoiceId) && !paymentRecord.contains(invoiceId + ":" + eventId)) {
            return skip("invoice " + invoiceId + " was already charged (or declined) for an earlier event: not charged again");
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("invoiceId", invoiceId);
        model.put("invoiceNumber", invoice.get("sid"));
        model.put("eventId", eventId);
        model.put("amount", balance.toPlainString());
        model.put("amountMinor", balance.movePointRight(2).setScale(0, RoundingMode.HALF_UP).toPlainString());
        String cur = invoice.get("currency") instanceof String c ? c : JsonPaths.text(enriched, "summary.amount.currency");
        model.put("currency", (cur != null ? cur : currency != null ? currency : "").toLowerCase(Locale.ROOT));
        model.put("invoice", invoice);
        model.put("customer", enriched == null ? null : enriched.get("customer"));
        model.put("customerId", invoice.get("ownerId"));
        model.put("siteId", invoice.get("siteId"));
        model.put("method", paymentMethod);
        return model;
    }

    /** The gateway request headers (body: the rendered charge); Idempotency-Key: the invoice id. */
    public void chargeRequest(Exchange exchange, String invoiceId) {
        RecipeSupport.EVENT_HEADERS.process(exchange);
        Message in = exchange.getIn();
        in.setHeader(Exchange.HTTP_METHOD, HttpMethods.POST); // the enum: no type-converter look-up per request
        in.setHeader(Exchange.HTTP_URI, gatewayUrl);
        in.setHeader(Exchange.CONTENT_TYPE, "application/json");
        in.setHeader("Accept", "application/json");
        in.setHeader("Idempotency-Key", invoiceId);
        if (gatewayToken != null) {
            in.setHeader("Authorization", "Bearer " + gatewayToken);
        }
    }

    /**
     * The gateway's answer: 2xx with an approved status (or none) a charge, 402 or another 2xx a decline
     * (both recorded); 408/429/5xx retried; any other 4xx parks the delivery. Answers the charge with
     * {@code approved}, {@code chargeId} and, when declined, {@code reason}.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> chargeOutcome(Exchange exchange, Map<String, Object> charge) throws Exception {
        Message in = exchange.getIn();
        int status = in.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String text = in.getBody(String.class);
        exchange.setProperty(RetryPolicy.LAST_STATUS, status);
        Map<String, Object> answer = Map.of();
        try {
            if (text != null && text.trim().startsWith("{")) {
                answer = JSON.readValue(text, Map.class);
            }
        } catch (Exception notJson) {
            // a gateway error page: judged by its status
        }
        Object invoiceId = charge.get("invoiceId");
        if (status == 408 || status == 429 || status >= 500) {
            throw new IllegalStateException("payment gateway answered HTTP " + status + " for invoice " + invoiceId + ": retried later");
        }
        String paymentStatus = answer.get("status") instanceof String s ? s.toLowerCase(Locale.ROOT) : null;
        boolean approved = status >= 200 && status < 300 && (paymentStatus == null || APPROVED.contains(paymentStatus));
        boolean declined = status == 402 || (status >= 200 && status < 300 && !approved);
        if (!approved && !declined) {
            throw new PermanentFailure("payment gateway refused the charge request for invoice " + invoiceId + " with HTTP " + status
                    + ": " + (text == null ? "" : text.substring(0, Math.min(300, text.length()))));
        }
        paymentRecord.add(invoiceId + ":" + charge.get("eventId"));
        paymentRecord.add(String.valueOf(invoiceId));
        Map<String, Object> outcome = new LinkedHashMap<>(charge);
        outcome.put("approved", approved);
        outcome.put("chargeId", answer.get("id"));
        if (!approved) {
            Object error = answer.get("error");
            String reason = error instanceof Map<?, ?> e ? String.valueOf(e.get("message") != null ? e.get("message") : e.get("code"))
                    : answer.get("failure_message") != null ? String.valueOf(answer.get("failure_message"))
                    : paymentStatus != null ? paymentStatus : "declined (HTTP " + status + ")";
            outcome.put("reason", reason);
            LOG.warn("Payment of invoice {} declined by the gateway: {}; a task is created for the staff", invoiceId, reason);
        }
        return outcome;
    }

    private static Map<String, Object> skip(String why) {
        LOG.info("Payment: {}", why);
        return null;
    }

    private static BigDecimal number(Object value) {
        try {
            return value == null ? null : new BigDecimal(value.toString());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public void setPaymentRecord(IdempotentRepository paymentRecord) {
        this.paymentRecord = paymentRecord;
    }

    public void setGatewayUrl(String gatewayUrl) {
        this.gatewayUrl = SettingText.blankToNull(gatewayUrl);
    }

    public void setGatewayToken(String gatewayToken) {
        this.gatewayToken = SettingText.blankToNull(gatewayToken);
    }

    public void setPaymentMethod(String paymentMethod) {
        this.paymentMethod = Objects.requireNonNullElse(SettingText.blankToNull(paymentMethod), this.paymentMethod);
    }

    public void setCurrency(String currency) {
        this.currency = SettingText.blankToNull(currency);
    }
}
