package io.storehub.hub.recipes;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.storehub.hub.support.PermanentFailure;
import io.storehub.hub.support.RetryPolicy;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.spi.IdempotentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decisions of the automated-payment recipe (routes/recipe-payment.camel.yaml). Never charges one
 * invoice twice:
 * <ul>
 * <li>the invoice is read fresh from Storeganise first: no balance left (paid, e.g. by an earlier
 * attempt that crashed before its success was recorded) means nothing to charge;</li>
 * <li>a durable record per invoice ({@code paymentRecord}, processor {@code storeganise-payment}) holds
 * {@code <invoiceId>} once the gateway has answered a charge (approved or declined), and
 * {@code <invoiceId>:<eventId>} for the event that charged: another event for the same invoice never
 * charges again; only a retry of that same event calls the gateway again, with the same
 * {@code Idempotency-Key: <invoiceId>}, which the gateway answers with the original charge;</li>
 * <li>the delivery record of the recipe's destination (one success per event).</li>
 * </ul>
 */
public class PaymentRecipe {

    public static final String ACTION = "SgPaymentAction";
    public static final String MODEL = "SgPaymentModel";
    private static final Logger LOG = LoggerFactory.getLogger(PaymentRecipe.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> APPROVED = List.of("succeeded", "success", "paid", "approved", "captured", "authorized");

    private IdempotentRepository paymentRecord;
    private String gatewayUrl;
    private String gatewayToken;
    private String paymentMethod = "card";
    private String currency;

    /** Before the fresh read: which invoice (property SgInvoiceId). */
    @SuppressWarnings("unchecked")
    public void start(Exchange exchange) {
        Message in = exchange.getIn();
        Map<String, Object> enriched = (Map<String, Object>) in.getBody(Map.class);
        String invoiceId = text(enriched, "event", "data", "invoiceId");
        if (invoiceId == null) {
            invoiceId = text(enriched, "invoice", "id");
        }
        exchange.setProperty("SgEnriched", enriched);
        if (invoiceId == null) {
            exchange.setProperty(ACTION, "skip");
            LOG.warn("Payment: event {} names no invoice; nothing charged", in.getHeader("SgEventId"));
            return;
        }
        exchange.setProperty("SgInvoiceId", invoiceId);
    }

    /** After the fresh read (body: the invoice or null): charge, or skip and say why. */
    @SuppressWarnings("unchecked")
    public void decide(Exchange exchange) {
        if ("skip".equals(exchange.getProperty(ACTION))) {
            return;
        }
        String invoiceId = exchange.getProperty("SgInvoiceId", String.class);
        String eventId = eventId(exchange);
        Object body = exchange.getIn().getBody();
        Map<String, Object> enriched = exchange.getProperty("SgEnriched", Map.class);
        if (!(body instanceof Map<?, ?> found)) {
            skip(exchange, "invoice " + invoiceId + " is not in Storeganise (any more)");
            return;
        }
        Map<String, Object> invoice = (Map<String, Object>) found;
        BigDecimal balance = number(invoice.get("balance"));
        String state = String.valueOf(invoice.get("state")).toLowerCase(Locale.ROOT);
        if (balance == null || balance.signum() <= 0 || state.equals("paid") || state.equals("draft")) {
            skip(exchange, "invoice " + invoiceId + " has nothing to charge (state " + state + ", balance " + balance + ")");
            return;
        }
        if (paymentRecord.contains(invoiceId) && !paymentRecord.contains(invoiceId + ":" + eventId)) {
            skip(exchange, "invoice " + invoiceId + " was already charged (or declined) for an earlier event: not charged again");
            return;
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("invoiceId", invoiceId);
        model.put("invoiceNumber", invoice.get("sid"));
        model.put("eventId", eventId);
        model.put("amount", balance.toPlainString());
        model.put("amountMinor", balance.movePointRight(2).setScale(0, RoundingMode.HALF_UP).toPlainString());
        String cur = invoice.get("currency") instanceof String c ? c : text(enriched, "summary", "amount", "currency");
        model.put("currency", (cur != null ? cur : currency != null ? currency : "").toLowerCase(Locale.ROOT));
        model.put("invoice", invoice);
        model.put("customer", enriched == null ? null : enriched.get("customer"));
        model.put("customerId", invoice.get("ownerId"));
        model.put("siteId", invoice.get("siteId"));
        model.put("method", paymentMethod);
        exchange.setProperty(MODEL, model);
        exchange.setProperty(ACTION, "charge");
        exchange.getIn().setBody(model);
    }

    /** The gateway request headers (body: the rendered charge). */
    public void chargeRequest(Exchange exchange) {
        Message in = exchange.getIn();
        String invoiceId = exchange.getProperty("SgInvoiceId", String.class);
        in.removeHeaders("*", "SgEventId|SgEventType|SgFamily");
        in.setHeader(Exchange.HTTP_METHOD, "POST");
        in.setHeader(Exchange.HTTP_URI, gatewayUrl);
        in.setHeader(Exchange.CONTENT_TYPE, "application/json");
        in.setHeader("Accept", "application/json");
        in.setHeader("Idempotency-Key", invoiceId);
        if (gatewayToken != null) {
            in.setHeader("Authorization", "Bearer " + gatewayToken);
        }
    }

    /**
     * The gateway's answer: 2xx with an approved status (or none) is a charge, 402 or a 2xx with
     * another status a decline (both recorded); 408/429/5xx are retried from the queue; any other 4xx
     * parks the delivery (a request the gateway will never accept: configuration).
     */
    @SuppressWarnings("unchecked")
    public void chargeOutcome(Exchange exchange) throws Exception {
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
        String invoiceId = exchange.getProperty("SgInvoiceId", String.class);
        Map<String, Object> model = exchange.getProperty(MODEL, Map.class);
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
        String eventId = eventId(exchange);
        paymentRecord.add(invoiceId + ":" + eventId);
        paymentRecord.add(invoiceId);
        model.put("chargeId", answer.get("id"));
        if (approved) {
            exchange.setProperty(ACTION, "record");
        } else {
            Object error = answer.get("error");
            String reason = error instanceof Map<?, ?> e ? String.valueOf(e.get("message") != null ? e.get("message") : e.get("code"))
                    : answer.get("failure_message") != null ? String.valueOf(answer.get("failure_message"))
                    : paymentStatus != null ? paymentStatus : "declined (HTTP " + status + ")";
            model.put("reason", reason);
            exchange.setProperty(ACTION, "declined");
            LOG.warn("Payment of invoice {} declined by the gateway: {}; a task is created for the staff", invoiceId, reason);
        }
        in.setBody(model);
    }

    /** The event id: the delivery's property (headers do not survive the calls to Storeganise). */
    private static String eventId(Exchange exchange) {
        String id = exchange.getProperty("SgEventId", String.class);
        return id != null ? id : exchange.getIn().getHeader("SgEventId", String.class);
    }

    private void skip(Exchange exchange, String why) {
        exchange.setProperty(ACTION, "skip");
        LOG.info("Payment: {}", why);
    }

    private static BigDecimal number(Object value) {
        if (value instanceof Number n) {
            return new BigDecimal(n.toString());
        }
        try {
            return value == null ? null : new BigDecimal(value.toString());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @SuppressWarnings("unchecked")
    private static String text(Map<String, Object> map, String... path) {
        Object o = map;
        for (String p : path) {
            if (!(o instanceof Map<?, ?> m)) {
                return null;
            }
            o = ((Map<String, Object>) m).get(p);
        }
        return o instanceof String s && !s.isBlank() ? s : null;
    }

    public void setPaymentRecord(IdempotentRepository paymentRecord) {
        this.paymentRecord = paymentRecord;
    }

    public void setGatewayUrl(String gatewayUrl) {
        this.gatewayUrl = gatewayUrl == null || gatewayUrl.isBlank() ? null : gatewayUrl.trim();
    }

    public void setGatewayToken(String gatewayToken) {
        this.gatewayToken = gatewayToken == null || gatewayToken.isBlank() ? null : gatewayToken.trim();
    }

    public void setPaymentMethod(String paymentMethod) {
        if (paymentMethod != null && !paymentMethod.isBlank()) {
            this.paymentMethod = paymentMethod.trim();
        }
    }

    public void setCurrency(String currency) {
        this.currency = currency == null || currency.isBlank() ? null : currency.trim();
    }
}
