package io.storehub.hub.console;

import java.lang.reflect.Method;

import org.apache.camel.Exchange;

/**
 * The address a console request came from, for the per-address sign-in limit. platform-http has no
 * engine-neutral header for it: Spring Boot's engine puts the servlet request in the header
 * {@code CamelHttpServletRequest}, Vert.x (camel-main, Camel Quarkus) the remote address in
 * {@code CamelVertxPlatformHttpRemoteAddress}. Read reflectively so the class loads on every runtime
 * whichever of the two APIs is absent. X-Forwarded-For is not trusted: the console is not published
 * through a proxy (never by the Ingress), and a client could write any address there.
 */
final class ClientAddress {

    private ClientAddress() {
    }

    static String of(Exchange exchange) {
        Object servletRequest = exchange.getIn().getHeader("CamelHttpServletRequest");
        if (servletRequest != null) {
            String address = call(servletRequest, "getRemoteAddr");
            if (address != null) {
                return address;
            }
        }
        Object vertx = exchange.getIn().getHeader("CamelVertxPlatformHttpRemoteAddress");
        if (vertx != null) {
            String host = call(vertx, "hostAddress");
            return host != null ? host : vertx.toString();
        }
        return "unknown";
    }

    private static String call(Object target, String method) {
        try {
            Method m = target.getClass().getMethod(method);
            Object value = m.invoke(target);
            return value == null ? null : value.toString();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
