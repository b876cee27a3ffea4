package io.storehub.hub.console;

import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * platform-http's own header filter, except that a console page may say {@code Cache-Control: no-store}
 * (the default filter drops that response header): signed-in pages hold customers' data and must not be
 * kept by the browser or a proxy. Request headers are still never echoed back.
 */
public class ConsoleHeaderFilter extends HttpHeaderFilterStrategy {

    public ConsoleHeaderFilter() {
        getOutFilter().remove("cache-control");
        getOutFilter().remove("Cache-Control");
    }
}
