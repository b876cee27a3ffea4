import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Load generator of bench/enrich.sh: signs sample events (samples/events) with fresh ids and posts
 * them as Storeganise does, then prints the acknowledgement latencies.
 *
 *   java bench/EnrichLoad.java rate  URL SECRET EVENTS_PER_SECOND SECONDS TYPE[,TYPE...]|all
 *   java bench/EnrichLoad.java burst URL SECRET COUNT CONCURRENCY TYPE
 */
public class EnrichLoad {

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        URI url = URI.create(args[1]);
        byte[] secret = args[2].getBytes(StandardCharsets.UTF_8);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(16)).connectTimeout(Duration.ofSeconds(5)).build();
        ConcurrentLinkedQueue<Long> acks = new ConcurrentLinkedQueue<>();
        AtomicInteger failed = new AtomicInteger();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        long started = System.nanoTime();
        if (mode.equals("rate")) {
            int perSecond = Integer.parseInt(args[3]);
            int seconds = Integer.parseInt(args[4]);
            List<String> samples = samples(args[5]);
            long total = (long) perSecond * seconds;
            long intervalNanos = 1_000_000_000L / perSecond;
            for (long i = 0; i < total; i++) {
                long due = started + i * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                pending.add(post(http, url, secret, samples.get((int) (i % samples.size())), acks, failed, null));
            }
        } else {
            int count = Integer.parseInt(args[3]);
            Semaphore window = new Semaphore(Integer.parseInt(args[4]));
            String sample = samples(args[5]).get(0);
            for (int i = 0; i < count; i++) {
                window.acquire();
                pending.add(post(http, url, secret, sample, acks, failed, window));
            }
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        double wall = (System.nanoTime() - started) / 1e9;
        long[] sorted = acks.stream().mapToLong(Long::longValue).sorted().toArray();
        long over2s = Arrays.stream(sorted).filter(ns -> ns >= 2_000_000_000L).count();
        System.out.printf("LOAD sent=%d acked_200=%d failed=%d wall_s=%.2f ack_p50_ms=%.1f ack_p99_ms=%.1f ack_max_ms=%.1f ack_over_2s=%d%n",
                pending.size(), sorted.length, failed.get(), wall, pct(sorted, 50), pct(sorted, 99),
                sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6, over2s);
        System.exit(0);
    }

    static CompletableFuture<?> post(HttpClient http, URI url, byte[] secret, String sample,
            ConcurrentLinkedQueue<Long> acks, AtomicInteger failed, Semaphore window) throws Exception {
        String body = sample.replaceFirst("\"id\"\\s*:\\s*\"[^\"]*\"", "\"id\": \"" + newId() + "\"")
                .replaceFirst("\"created\"\\s*:\\s*\"[^\"]*\"", "\"created\": \"" + Instant.now() + "\"");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json;charset=UTF-8")
                .header("sg-signature", Base64.getEncoder().encodeToString(mac.doFinal(bytes)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
        long start = System.nanoTime();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            if (window != null) {
                window.release();
            }
            if (error == null && response.statusCode() == 200) {
                acks.add(System.nanoTime() - start);
            } else {
                failed.incrementAndGet();
            }
        });
    }

    static List<String> samples(String types) throws Exception {
        Path dir = Path.of("samples/events");
        List<String> names = new ArrayList<>();
        if (types.equals("all")) {
            try (var files = Files.list(dir)) {
                files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted()
                        .forEach(n -> names.add(n.substring(0, n.length() - 5)));
            }
        } else {
            names.addAll(Arrays.asList(types.split(",")));
        }
        List<String> samples = new ArrayList<>();
        for (String name : names) {
            samples.add(Files.readString(dir.resolve(name + ".json")));
        }
        return samples;
    }

    static String newId() {
        byte[] b = new byte[12];
        ThreadLocalRandom.current().nextBytes(b);
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x));
        }
        return s.toString();
    }

    static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }
}
