package io.storehub.hub.deliver;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

/**
 * Makes a WireMock stub rate-limit like Slack's incoming webhooks: more than {@code perSecond}
 * requests to one URL within any rolling second are answered 429 with {@code Retry-After: 1}.
 * Used with {@code withTransformers(NAME)} and {@code withTransformerParameter("perSecond", n)}.
 */
public class RollingWindowLimit implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "rolling-window-limit";

    private final Map<String, Deque<Long>> recent = new ConcurrentHashMap<>();

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        int perSecond = serveEvent.getTransformerParameters().getInt("perSecond");
        long now = System.currentTimeMillis();
        Deque<Long> times = recent.computeIfAbsent(serveEvent.getRequest().getUrl(), u -> new ArrayDeque<>());
        synchronized (times) {
            while (!times.isEmpty() && times.peekFirst() <= now - 1000) {
                times.pollFirst();
            }
            if (times.size() >= perSecond) {
                return aResponse().withStatus(429).withHeader("Retry-After", "1").withBody("rate_limited").build();
            }
            times.addLast(now);
        }
        return serveEvent.getResponseDefinition();
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }
}
