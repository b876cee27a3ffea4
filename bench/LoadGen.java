import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Posts signed Storeganise-shaped webhooks at a fixed rate, as Storeganise would, and prints how many
 * the hub accepted, how many of those within Storeganise's 2 seconds, and the acknowledgement latency.
 * Run as a single-file program:
 *
 *   java bench/LoadGen.java URL SECRET RATE SECONDS [TIMEOUT_SECONDS (10)]
 *
 * Prints one line: sent, accepted (200 "accepted" within the timeout), acked_2s (of those, answered
 * within 2 s), failed (anything else: other answers, timeouts, connection errors), start_ms (epoch of
 * the first request), send_ms (how long sending took), and ack p50/p99/max over every answer (a
 * timeout counts as the timeout).
 */
public class LoadGen {

    static final String[] TYPES = {"job.unit_moveIn.created", "job.unit_moveIn.completed", "job.unit_moveOut.created",
            "unitRental.invoice.created", "invoice.state.updated", "invoice.payments.updated", "unit.occupied",
            "unitRental.updated", "user.created", "job.valetOrder.submitted", "site.availability.updated"};

    public static void main(String[] args) throws Exception {
        String url = args[0];
        byte[] secret = args[1].getBytes(StandardCharsets.UTF_8);
        int rate = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        Duration timeout = Duration.ofSeconds(args.length > 4 ? Integer.parseInt(args[4]) : 10);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(8)).connectTimeout(Duration.ofSeconds(5)).build();
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger acceptedWithin2s = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger inFlight = new AtomicInteger();
        ConcurrentLinkedQueue<Long> ackMicros = new ConcurrentLinkedQueue<>();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long total = (long) rate * seconds;
        long startMillis = System.currentTimeMillis();
        long start = System.nanoTime();
        ticker.scheduleAtFixedRate(() -> {
            // catch up if the ticker was late, so the offered rate holds
            long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L + 1);
            while (sent.get() < due) {
                sent.incrementAndGet();
                String body = event();
                HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                        .header("Content-Type", "application/json;charset=UTF-8")
                        .header("sg-signature", sign(secret, body))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                long t0 = System.nanoTime();
                inFlight.incrementAndGet();
                client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                    long micros = (System.nanoTime() - t0) / 1000;
                    ackMicros.add(micros);
                    if (e == null && r.statusCode() == 200 && r.body().contains("\"accepted\"")) {
                        accepted.incrementAndGet();
                        if (micros <= 2_000_000) {
                            acceptedWithin2s.incrementAndGet();
                        }
                    } else {
                        failed.incrementAndGet();
                    }
                    inFlight.decrementAndGet();
                });
            }
        }, 0, 2, TimeUnit.MILLISECONDS);
        while (sent.get() < total) {
            Thread.sleep(50);
        }
        ticker.shutdown();
        long sendMillis = (System.nanoTime() - start) / 1_000_000;
        long deadline = System.currentTimeMillis() + timeout.toMillis() + 5_000;
        while (inFlight.get() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        List<Long> acks = new ArrayList<>(ackMicros);
        Collections.sort(acks);
        System.out.printf("sent=%d accepted=%d acked_2s=%d failed=%d start_ms=%d send_ms=%d ack_p50_ms=%.1f ack_p99_ms=%.1f ack_max_ms=%.1f%n",
                sent.get(), accepted.get(), acceptedWithin2s.get(), failed.get(), startMillis, sendMillis, pct(acks, 0.50) / 1000.0,
                pct(acks, 0.99) / 1000.0, acks.isEmpty() ? 0 : acks.get(acks.size() - 1) / 1000.0);
        System.exit(0);
    }

    static String event() {
        byte[] id = new byte[12];
        ThreadLocalRandom.current().nextBytes(id);
        byte[] ref = new byte[12];
        ThreadLocalRandom.current().nextBytes(ref);
        String type = TYPES[ThreadLocalRandom.current().nextInt(TYPES.length)];
        return "{\"id\":\"" + HexFormat.of().formatHex(id) + "\",\"created\":\"" + Instant.now() + "\",\"type\":\"" + type
                + "\",\"data\":{\"jobId\":\"" + HexFormat.of().formatHex(ref) + "\"}}";
    }

    static String sign(byte[] secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static double pct(List<Long> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
