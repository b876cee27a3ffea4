package io.storehub.hub.enrich;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.storehub.hub.support.PermanentFailure;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writes the recipes make (routes/storeganise-write.camel.yaml): a PUT or POST of the body as JSON to
 * the configured API, never to an add-on's apiUrl; a {@link PermanentFailure} when it cannot be made.
 */
public class StoreganiseWrites {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger("io.storehub.hub.write");

    private StoreganiseApi api;
    private String unitRentalPath = "/v1/admin/unit-rentals/{id}";
    private String paymentPath = "/v1/admin/invoices/{id}/payments";
    private String taskPath = "/v1/admin/jobs";

    /** PUT the body (charges, customFields, ...) to the unit rental. */
    public void putUnitRental(Exchange exchange, String unitRentalId) throws IOException {
        prepare(exchange, "put-unit-rental", "PUT", unitRentalPath, unitRentalId);
    }

    /** POST the body (amount, method, reference) as a payment of the invoice. */
    public void recordPayment(Exchange exchange, String invoiceId) throws IOException {
        prepare(exchange, "record-payment", "POST", paymentPath, invoiceId);
    }

    /** POST the body, a job of type task, for the staff. */
    public void createTask(Exchange exchange) throws IOException {
        prepare(exchange, "create-task", "POST", taskPath, null);
    }

    private void prepare(Exchange exchange, String op, String method, String template, String id) throws IOException {
        StoreganiseApi.clear(exchange);
        String tenant = api.tenantOf(exchange);
        if (api.baseUrl(tenant) == null || !api.hasKey(tenant)) {
            throw new PermanentFailure("cannot " + op + ": the Storeganise API is not configured "
                    + "(storeganise.api.base-url / storeganise.api.key)");
        }
        String path = template;
        if (path.contains("{id}")) {
            if (id == null || !AddonAllowList.SAFE_ID.matcher(id).matches()) {
                throw new PermanentFailure("cannot " + op + ": no plain Storeganise id given (" + id + ")");
            }
            path = path.replace("{id}", URLEncoder.encode(id, StandardCharsets.UTF_8));
        }
        Message in = exchange.getIn();
        Object body = in.getBody();
        if (!(body instanceof String)) {
            in.setBody(JSON.writeValueAsString(body));
        }
        exchange.setProperty(StoreganiseApi.RESOURCE, op);
        exchange.setProperty(StoreganiseApi.AS, op);
        exchange.setProperty(StoreganiseApi.METHOD, method);
        exchange.setProperty(StoreganiseApi.PATH, path);
        exchange.setProperty(StoreganiseApi.URL, api.url(api.baseUrl(tenant), path));
        exchange.setProperty(StoreganiseApi.CACHE, "none");
    }

    /**
     * After a write: 2xx is done; 404 and other 4xx (Storeganise refuses the request: a wrong id, a body
     * it does not accept) are permanent failures that park the delivery with Storeganise's answer.
     */
    public void written(Exchange exchange) {
        String outcome = exchange.getProperty(StoreganiseApi.OUTCOME, String.class);
        if (StoreganiseApi.FOUND.equals(outcome)) {
            exchange.setProperty(StoreganiseApi.OUTCOME, StoreganiseApi.WRITTEN);
            LOG.info("Wrote to Storeganise: {} {}", exchange.getProperty(StoreganiseApi.METHOD), exchange.getProperty(StoreganiseApi.PATH));
            return;
        }
        throw new PermanentFailure("Storeganise refused " + exchange.getProperty(StoreganiseApi.METHOD) + " "
                + exchange.getProperty(StoreganiseApi.PATH) + " (HTTP " + exchange.getProperty(StoreganiseApi.STATUS) + ", " + outcome + ")");
    }

    // ---- configuration (YAML bean properties) ----

    public void setApi(StoreganiseApi api) {
        this.api = api;
    }

    /** {@code storeganise.api.paths.write-unit-rental}: the PUT of a unit rental (default /v1/admin/unit-rentals/{id}). */
    public void setWriteUnitRentalPath(String path) {
        unitRentalPath = Objects.requireNonNullElse(StoreganiseApi.configuredPath("write-unit-rental", path, true), unitRentalPath);
    }

    /** {@code storeganise.api.paths.record-payment}: the POST of an invoice payment (default /v1/admin/invoices/{id}/payments). */
    public void setRecordPaymentPath(String path) {
        paymentPath = Objects.requireNonNullElse(StoreganiseApi.configuredPath("record-payment", path, true), paymentPath);
    }

    /** {@code storeganise.api.paths.create-task}: the POST creating a job (default /v1/admin/jobs). */
    public void setCreateTaskPath(String path) {
        taskPath = Objects.requireNonNullElse(StoreganiseApi.configuredPath("create-task", path, false), taskPath);
    }
}
