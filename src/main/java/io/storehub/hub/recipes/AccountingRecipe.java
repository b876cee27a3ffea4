package io.storehub.hub.recipes;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.storehub.hub.support.PermanentFailure;
import io.storehub.hub.support.SettingText;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.http.HttpMethods;

/**
 * Recipe accounting (docs/recipes.md): the invoice for a Xero-shaped API, which creates or updates by
 * {@code InvoiceNumber}: the Storeganise invoice id, the one thing every invoice event carries, so every
 * event and a replay address the same accounting invoice.
 */
public class AccountingRecipe {

    private String currency;
    private String paidStatus = "PAID";
    private String deletedStatus = "VOIDED";
    private String baseUrl;
    private String token;
    private String tenantId;

    /** The model of templates/http/recipe-accounting-invoice.json.mustache. */
    public Map<String, Object> invoice(Map<String, Object> enriched, String type, String eventId) {
        Map<String, Object> invoice = map(enriched == null ? null : enriched.get("invoice"));
        Map<String, Object> data = map(map(enriched == null ? null : enriched.get("event")).get("data"));
        String invoiceId = text(invoice.get("id"), text(data.get("invoiceId"), null));
        if (invoiceId == null) {
            throw new PermanentFailure("no invoice id in " + type + " " + eventId);
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("invoiceNumber", invoiceId);
        model.put("eventId", eventId);
        model.put("eventType", type);
        boolean deleted = "invoice.deleted".equals(type);
        model.put("deleted", deleted);
        model.put("status", deleted ? deletedStatus : status(text(invoice.get("state"), "")));
        if (!deleted) {
            model.put("reference", "Storeganise invoice " + text(invoice.get("sid"), invoiceId));
            Map<String, Object> customer = map(enriched.get("customer"));
            Map<String, Object> summary = map(enriched.get("summary"));
            String name = text(summary.get("customerName"), text(map(invoice.get("owner")).get("name"),
                    text(customer.get("email"), text(invoice.get("ownerId"), "Storeganise customer"))));
            model.put("contactName", name);
            model.put("contactEmail", customer.get("email"));
            String created = text(invoice.get("created"), null);
            String date = text(invoice.get("date"), text(invoice.get("startDate"), created == null ? null : created.substring(0, Math.min(10, created.length()))));
            model.put("date", date);
            model.put("dueDate", text(invoice.get("dueDate"), date));
            String cur = text(invoice.get("currency"), text(map(summary.get("amount")).get("currency"), currency));
            model.put("currency", cur == null ? null : cur.toUpperCase(Locale.ROOT));
            List<Map<String, Object>> lines = new ArrayList<>();
            if (invoice.get("entries") instanceof List<?> entries) {
                for (Object e : entries) {
                    Map<String, Object> entry = map(e);
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("description", text(entry.get("desc"), text(entry.get("title"), "Storeganise charge")));
                    line.put("quantity", number(entry.get("qty"), BigDecimal.ONE));
                    line.put("unitAmount", number(entry.get("amount"), BigDecimal.ZERO));
                    line.put("taxAmount", number(entry.get("tax"), BigDecimal.ZERO));
                    lines.add(line);
                }
            }
            for (int i = 0; i < lines.size(); i++) {
                lines.get(i).put("last", i == lines.size() - 1);
            }
            model.put("lineItems", lines);
        }
        return model;
    }

    /** The request headers (body: the rendered invoice): Bearer token, Xero-tenant-id, Idempotency-Key (the event id). */
    public void request(Exchange exchange, String eventId) {
        RecipeSupport.EVENT_HEADERS.process(exchange);
        Message in = exchange.getIn();
        in.setHeader(Exchange.HTTP_METHOD, HttpMethods.POST); // the enum: no type-converter look-up per request
        in.setHeader(Exchange.HTTP_URI, baseUrl.replaceAll("/+$", "") + "/Invoices");
        in.setHeader(Exchange.CONTENT_TYPE, "application/json");
        in.setHeader("Accept", "application/json");
        in.setHeader("Authorization", "Bearer " + token);
        in.setHeader("Xero-tenant-id", tenantId);
        if (eventId != null) {
            in.setHeader("Idempotency-Key", eventId + ":recipe-accounting");
        }
    }

    /** Storeganise state (draft|sent|pending|overdue|failed|paid) to the accounting status. */
    String status(String state) {
        return switch (state.toLowerCase(Locale.ROOT)) {
            case "draft" -> "DRAFT";
            case "paid" -> paidStatus;
            default -> "AUTHORISED";
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static String text(Object o, String otherwise) {
        return o == null || o.toString().isBlank() ? otherwise : o.toString();
    }

    private static String number(Object o, BigDecimal otherwise) {
        try {
            return o == null ? otherwise.toPlainString() : new BigDecimal(o.toString()).toPlainString();
        } catch (NumberFormatException e) {
            return otherwise.toPlainString();
        }
    }

    public void setCurrency(String currency) {
        this.currency = SettingText.blankToNull(currency);
    }

    public void setPaidStatus(String paidStatus) {
        this.paidStatus = paidStatus.trim();
    }

    public void setDeletedStatus(String deletedStatus) {
        this.deletedStatus = deletedStatus.trim();
    }

    public void setBaseUrl(String baseUrl) {
        this.baseUrl = baseUrl.trim();
    }

    public void setToken(String token) {
        this.token = token.trim();
    }

    public void setTenantId(String tenantId) {
        this.tenantId = tenantId.trim();
    }
}
