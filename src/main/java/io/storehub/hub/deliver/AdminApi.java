package io.storehub.hub.deliver;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import io.storehub.hub.support.HttpRejection;
import org.apache.camel.Exchange;

/**
 * The admin endpoints' gate (their error answers: the {@code adminErrorResponder} bean). Admin endpoints exist only when a token is configured
 * ({@code storeganise.admin.token}, env STOREGANISE_ADMIN_TOKEN); otherwise they answer 404. A request must
 * carry {@code Authorization: Bearer <token>}, compared in constant time. The token is never logged.
 */
public class AdminApi {

    private byte[] token = new byte[0];

    /** Refuses the request unless it carries the admin token; then clears the request headers but the query. */
    public void authorize(Exchange exchange) {
        if (token.length == 0) {
            throw new HttpRejection(404, "admin_disabled",
                    "The admin endpoints are disabled: set STOREGANISE_ADMIN_TOKEN (storeganise.admin.token) to enable them.");
        }
        String header = exchange.getIn().getHeader("Authorization", String.class);
        byte[] presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        exchange.getIn().removeHeader("Authorization");
        if (!MessageDigest.isEqual(presented, token)) {
            exchange.getIn().setHeader("WWW-Authenticate", "Bearer");
            throw new HttpRejection(401, "unauthorized", "Send the admin token as Authorization: Bearer <token>.");
        }
        // who acts, for the event history (replays, redeliveries)
        exchange.setProperty("SgActor", "admin API");
    }

    /** {@code storeganise.admin.token}; empty disables the admin endpoints. */
    public void setToken(String token) {
        this.token = token == null ? new byte[0] : token.trim().getBytes(StandardCharsets.UTF_8);
    }
}
