import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.sun.net.httpserver.HttpServer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * Benchmark stand-in for the Storeganise API (bench/enrich.sh): WireMock on PORT answering every
 * GET /api/v1/admin/{collection}/{id} with the test fixture of that collection
 * (src/test/resources/storeganise), after LATENCY ms. It measures what Storeganise would see: the
 * number of requests and the most in flight at once, counted from the request's arrival to the end
 * of the latency (before any response byte is written, so back-to-back requests are never counted
 * as overlapping). Reads and resets them on STATS_PORT: GET /stats, POST /reset.
 *
 *   java -cp wiremock-standalone.jar bench/StoreganiseStub.java PORT STATS_PORT LATENCY FIXTURES_DIR
 */
public class StoreganiseStub {

    static final AtomicInteger NOW = new AtomicInteger();
    static final AtomicInteger MAX = new AtomicInteger();
    static final AtomicLong REQUESTS = new AtomicLong();

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int statsPort = Integer.parseInt(args[1]);
        int latency = Integer.parseInt(args[2]);
        Path fixtures = Path.of(args[3]);

        WireMockServer server = new WireMockServer(wireMockConfig().port(port).containerThreads(60)
                .disableRequestJournal().extensions(new InFlight(latency)));
        server.start();
        server.stubFor(any(urlPathMatching("/api/.*")).atPriority(10)
                .willReturn(json(404, "{\"error\":{\"status\":404,\"message\":\"Not found\"}}")));
        try (Stream<Path> dirs = Files.list(fixtures)) {
            for (Path p : dirs.sorted().toList()) {
                if (Files.isDirectory(p)) {
                    List<Path> files;
                    try (Stream<Path> f = Files.list(p)) {
                        files = f.filter(x -> x.toString().endsWith(".json")).sorted().toList();
                    }
                    if (!files.isEmpty()) {
                        server.stubFor(get(urlPathMatching("/api/v1/admin/" + p.getFileName() + "/[^/]+")).atPriority(5)
                                .willReturn(json(200, Files.readString(files.get(0)))));
                    }
                } else if (p.getFileName().toString().equals("settings.json")) {
                    server.stubFor(get(urlPathEqualTo("/api/v1/admin/settings")).atPriority(5).willReturn(json(200, Files.readString(p))));
                }
            }
        }

        HttpServer stats = HttpServer.create(new InetSocketAddress("127.0.0.1", statsPort), 0);
        stats.createContext("/stats", exchange -> reply(exchange,
                "{\"requests\":" + REQUESTS.get() + ",\"maxInFlight\":" + MAX.get() + ",\"inFlight\":" + NOW.get() + "}"));
        stats.createContext("/reset", exchange -> {
            REQUESTS.set(0);
            MAX.set(0);
            reply(exchange, "{}");
        });
        stats.start();
        System.out.println("Storeganise stub on " + port + " (latency " + latency + " ms), stats on " + statsPort);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stats.stop(0);
            server.stop();
        }));
        Thread.currentThread().join();
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=utf-8").withBody(body);
    }

    static void reply(com.sun.net.httpserver.HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The latency, spent while the request is counted as in flight. */
    static final class InFlight implements ResponseDefinitionTransformerV2 {

        final int latency;

        InFlight(int latency) {
            this.latency = latency;
        }

        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            REQUESTS.incrementAndGet();
            MAX.accumulateAndGet(NOW.incrementAndGet(), Math::max);
            try {
                Thread.sleep(latency);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                NOW.decrementAndGet();
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
