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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
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
 *   java [-Dloadgen.connections=64] bench/LoadGen.java URL SECRET RATE SECONDS [TIMEOUT_SECONDS (10)]
 *
 * Requests are due at a fixed rate and sent over a fixed number of connections (64): a request waits
 * for a free connection when all are busy, and its ack time counts from when it was due.
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
        // A fixed set of connections, as a webhook sender keeps: each request is due at its tick and
        // waits for a free connection if all are busy; its ack time counts from when it was due, so
        // a hub that falls behind is measured by the wait it causes (no coordinated omission), and
        // the sender does not open thousands of connections that cost it more CPU than the hub.
        int connections = Integer.getInteger("loadgen.connections", 64);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4)).connectTimeout(Duration.ofSeconds(5)).build();
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger acceptedWithin2s = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        ConcurrentLinkedQueue<Long> ackMicros = new ConcurrentLinkedQueue<>();
        LinkedBlockingQueue<Long> due = new LinkedBlockingQueue<>();
        long total = (long) rate * seconds;
        long startMillis = System.currentTimeMillis();
        long start = System.nanoTime();
        ExecutorService senders = Executors.newFixedThreadPool(connections);
        for (int c = 0; c < connections; c++) {
            senders.execute(() -> {
                while (true) {
                    Long dueAt;
                    try {
                        dueAt = due.take();
                    } catch (InterruptedException e) {
                        return;
                    }
                    String body = event();
                    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                            .header("Content-Type", "application/json;charset=UTF-8")
                            .header("sg-signature", sign(secret, body))
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                    boolean ok;
                    try {
                        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                        ok = r.statusCode() == 200 && r.body().contains("\"accepted\"");
                    } catch (Exception e) {
                        ok = false;
                    }
                    long micros = (System.nanoTime() - dueAt) / 1000;
                    ackMicros.add(micros);
                    if (ok) {
                        accepted.incrementAndGet();
                        if (micros <= 2_000_000) {
                            acceptedWithin2s.incrementAndGet();
                        }
                    } else {
                        failed.incrementAndGet();
                    }
                    done.incrementAndGet();
                }
            });
        }
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleAtFixedRate(() -> {
            // catch up if the ticker was late, so the offered rate holds; each request due at its own time
            long now = System.nanoTime() - start;
            long dueCount = Math.min(total, now * rate / 1_000_000_000L + 1);
            while (sent.get() < dueCount) {
                long n = sent.getAndIncrement();
                due.add(start + n * 1_000_000_000L / rate);
            }
        }, 0, 2, TimeUnit.MILLISECONDS);
        while (sent.get() < total) {
            Thread.sleep(50);
        }
        ticker.shutdown();
        long sendMillis = (System.nanoTime() - start) / 1_000_000;
        // what is still queued or in flight gets the timeout, plus what it waited
        long deadline = System.currentTimeMillis() + timeout.toMillis() + 5_000 + due.size() * 1000L / Math.max(1, rate);
        while (done.get() < total && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        senders.shutdownNow();
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
