package io.storehub.hub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.springframework.test.context.DynamicPropertyRegistry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * A WireMock server standing in for the Storeganise REST API under {@code /api}, started once per test
 * JVM and shared by the hub test context: the resources of the sample story
 * (src/test/resources/storeganise/{collection}/{id}.json) answer 200 only to {@code Authorization:
 * ApiKey KEY}; a request with another credential gets 401 and an unknown resource 404, both with
 * Storeganise's {@code {"error": {...}}} body. It counts requests in flight (with an optional
 * simulated latency spent inside the count) so tests can prove the hub's concurrency cap.
 */
public final class StoreganiseStub {

    public static final String KEY = "sg-test-key-4f9c1e7a2b";
    public static final String API = "/api";

    private static StoreganiseStub instance;

    private final WireMockServer server;
    private final InFlight inFlight = new InFlight();

    private StoreganiseStub() {
        server = new WireMockServer(wireMockConfig().dynamicPort().containerThreads(40).extensions(inFlight));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "storeganise-stub-stop"));
        reset();
    }

    public static synchronized StoreganiseStub get() {
        if (instance == null) {
            instance = new StoreganiseStub();
        }
        return instance;
    }

    /** The hub's settings for this stub (shared test context). */
    public static void register(DynamicPropertyRegistry registry) {
        StoreganiseStub stub = get();
        registry.add("storeganise.api.base-url", stub::baseUrl);
        registry.add("storeganise.api.key", () -> KEY);
        registry.add("storeganise.api.read-timeout-ms", () -> "2000");
        registry.add("storeganise.api.retry.initial-delay-ms", () -> "50");
        registry.add("storeganise.api.retry.max-retry-after-ms", () -> "1500");
        registry.add("storeganise.api.circuit-breaker.minimum-calls", () -> "6");
        registry.add("storeganise.api.circuit-breaker.sliding-window", () -> "10");
        registry.add("storeganise.api.circuit-breaker.open-seconds", () -> "1");
        // add-on apiUrls pointing at this stub are allowed; anything else is refused as in production
        registry.add("storeganise.api.addon.allowed-hosts", () -> "*.storeganise.com,localhost");
        registry.add("storeganise.api.addon.allow-http", () -> "true");
        registry.add("storeganise.enrich.currency", () -> "GBP");
    }

    public String baseUrl() {
        return "http://localhost:" + server.port() + API;
    }

    public int port() {
        return server.port();
    }

    public WireMockServer server() {
        return server;
    }

    /** Back to the fixtures only, no latency, empty request journal, in-flight maximum 0. */
    public void reset() {
        server.resetAll();
        inFlight.latencyMillis = 0;
        inFlight.max.set(0);
        // unknown resource: 404 as Storeganise answers it
        server.stubFor(any(urlPathMatching(API + "/.*")).atPriority(10)
                .willReturn(json(404, "{\"error\":{\"status\":404,\"message\":\"Not found\"}}")));
        // any credential but the key: 401
        server.stubFor(any(urlPathMatching(API + "/.*")).atPriority(9)
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.notMatching("ApiKey " + KEY))
                .willReturn(json(401, "{\"error\":{\"status\":401,\"message\":\"Invalid API key\"}}")));
        fixtures().forEach(f -> server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo(API + "/v1/admin/" + f.path())).atPriority(5)
                .withHeader("Authorization", equalTo("ApiKey " + KEY))
                .willReturn(json(200, f.body()))));
    }

    /** Latency of every answer, spent while counted as in flight. */
    public void latency(int millis) {
        inFlight.latencyMillis = millis;
    }

    public int maxInFlight() {
        return inFlight.max.get();
    }

    public static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=utf-8").withBody(body);
    }

    /** The fixture of a resource, e.g. {@code sites/641029803e7c1d9a420a1101}. */
    public static String fixture(String path) {
        return fixtures().stream().filter(f -> f.path().equals(path)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no fixture " + path)).body();
    }

    public record Fixture(String path, String body) {
    }

    public static List<Fixture> fixtures() {
        try {
            URL root = StoreganiseStub.class.getResource("/storeganise");
            Path dir = Path.of(root.toURI());
            try (Stream<Path> files = Files.walk(dir)) {
                return files.filter(p -> p.toString().endsWith(".json")).map(p -> {
                    String rel = dir.relativize(p).toString().replace('\\', '/');
                    try {
                        return new Fixture(rel.substring(0, rel.length() - ".json".length()), Files.readString(p));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }).toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Counts requests being answered; the latency is spent inside the count, before any byte is sent. */
    static final class InFlight implements ResponseDefinitionTransformerV2 {

        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger max = new AtomicInteger();
        volatile int latencyMillis;

        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            int current = now.incrementAndGet();
            max.accumulateAndGet(current, Math::max);
            try {
                if (latencyMillis > 0) {
                    Thread.sleep(latencyMillis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                now.decrementAndGet();
            }
            return serveEvent.getResponseDefinition();
        }

        @Override
        public boolean applyGlobally() {
            return true;
        }

        @Override
        public String getName() {
            return "in-flight";
        }
    }
}
