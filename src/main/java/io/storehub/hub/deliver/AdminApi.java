package io.storehub.hub.deliver;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin endpoints' gate and error answers. Admin endpoints exist only when a token is configured
 * ({@code storeganise.admin.token}, env STOREGANISE_ADMIN_TOKEN); otherwise they answer 404. A request must
 * carry {@code Authorization: Bearer <token>}, compared in constant time. The token is never logged.
 */
public class AdminApi {

    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private byte[] token = new byte[0];

    /** Refuses the request unless it carries the admin token; then clears the request headers but the query. */
    public void authorize(Exchange exchange) {
        if (token.length == 0) {
            throw new AdminRejection(404, "admin_disabled",
                    "The admin endpoints are disabled: set STOREGANISE_ADMIN_TOKEN (storeganise.admin.token) to enable them.");
        }
        String header = exchange.getIn().getHeader("Authorization", String.class);
        byte[] presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        exchange.getIn().removeHeader("Authorization");
        if (!MessageDigest.isEqual(presented, token)) {
            exchange.getIn().setHeader("WWW-Authenticate", "Bearer");
            throw new AdminRejection(401, "unauthorized", "Send the admin token as Authorization: Bearer <token>.");
        }
    }

    /** The JSON error answer for whatever stopped an admin route. */
    public void error(Exchange exchange) throws Exception {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int status;
        String code;
        String detail;
        if (cause instanceof AdminRejection rejection) {
            status = rejection.getStatus();
            code = rejection.getCode();
            detail = rejection.getMessage();
        } else {
            status = 500;
            code = "admin_failed";
            detail = "The operation failed: " + (cause == null ? "unknown error" : cause.getMessage());
            LOG.error("Admin request failed", cause);
        }
        Message out = exchange.getMessage();
        String authenticate = out.getHeader("WWW-Authenticate", String.class);
        out.getHeaders().clear();
        if (authenticate != null) {
            out.setHeader("WWW-Authenticate", authenticate);
        }
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("detail", detail);
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setBody(MAPPER.writeValueAsBytes(body));
    }

    /** {@code storeganise.admin.token}; empty disables the admin endpoints. */
    public void setToken(String token) {
        this.token = token == null ? new byte[0] : token.trim().getBytes(StandardCharsets.UTF_8);
    }
}
