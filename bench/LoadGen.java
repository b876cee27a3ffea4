import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
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
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
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
 * With -Dloadgen.keepalive=true the connections are opened first and all held open (keep-alive, as
 * a proxy or a busy sender keeps them): request n goes on connection n % connections, whether or not
 * the hub answered the previous one on it yet (it waits its turn on that connection). A connection
 * the hub closes is opened again. The line then also has answered_2s (any answer within 2 s) and one
 * status_N=count per HTTP status (status_none: no answer within the timeout, or a connection error).
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
        if (Boolean.getBoolean("loadgen.keepalive")) {
            new HeldConnections(URI.create(url), secret, rate, seconds, timeout, connections).run();
            System.exit(0);
        }
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

    /** The keep-alive mode: every connection opened first and held; requests spread over them in turn. */
    static final class HeldConnections {

        private final URI url;
        private final byte[] secret;
        private final int rate;
        private final int seconds;
        private final Duration timeout;
        private final int connections;
        private final AtomicInteger accepted = new AtomicInteger();
        private final AtomicInteger acceptedWithin2s = new AtomicInteger();
        private final AtomicInteger answeredWithin2s = new AtomicInteger();
        private final AtomicInteger failed = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private final AtomicInteger reconnects = new AtomicInteger();
        private final Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
        private final ConcurrentLinkedQueue<Long> ackMicros = new ConcurrentLinkedQueue<>();

        HeldConnections(URI url, byte[] secret, int rate, int seconds, Duration timeout, int connections) {
            this.url = url;
            this.secret = secret;
            this.rate = rate;
            this.seconds = seconds;
            this.timeout = timeout;
            this.connections = connections;
        }

        void run() throws Exception {
            List<LinkedBlockingQueue<Long>> queues = new ArrayList<>();
            List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
            for (int c = 0; c < connections; c++) {
                queues.add(new LinkedBlockingQueue<>());
                sockets.add(open());
            }
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                int index = c;
                Thread t = new Thread(null, () -> serve(sockets, index, queues.get(index)), "conn-" + c, 256 * 1024);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
            long total = (long) rate * seconds;
            long startMillis = System.currentTimeMillis();
            long start = System.nanoTime();
            AtomicInteger sent = new AtomicInteger();
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
            ticker.scheduleAtFixedRate(() -> {
                long now = System.nanoTime() - start;
                long dueCount = Math.min(total, now * rate / 1_000_000_000L + 1);
                while (sent.get() < dueCount) {
                    long n = sent.getAndIncrement();
                    queues.get((int) (n % connections)).add(start + n * 1_000_000_000L / rate);
                }
            }, 0, 2, TimeUnit.MILLISECONDS);
            while (sent.get() < total) {
                Thread.sleep(50);
            }
            ticker.shutdown();
            long sendMillis = (System.nanoTime() - start) / 1_000_000;
            long deadline = System.currentTimeMillis() + timeout.toMillis() + 5_000;
            while (done.get() < total && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            List<Long> acks = new ArrayList<>(ackMicros);
            Collections.sort(acks);
            StringBuilder counts = new StringBuilder();
            new TreeMap<>(statuses).forEach((status, n) -> counts.append(" status_").append(status).append('=').append(n.get()));
            System.out.printf("sent=%d accepted=%d acked_2s=%d answered_2s=%d failed=%d unfinished=%d connections=%d reconnects=%d start_ms=%d send_ms=%d ack_p50_ms=%.1f ack_p99_ms=%.1f ack_max_ms=%.1f%s%n",
                    sent.get(), accepted.get(), acceptedWithin2s.get(), answeredWithin2s.get(), failed.get(), total - done.get(),
                    connections, reconnects.get(), startMillis, sendMillis, pct(acks, 0.50) / 1000.0, pct(acks, 0.99) / 1000.0,
                    acks.isEmpty() ? 0 : acks.get(acks.size() - 1) / 1000.0, counts);
        }

        private Socket open() throws IOException {
            Socket socket = new Socket(url.getHost(), url.getPort());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            return socket;
        }

        private void serve(List<Socket> sockets, int index, LinkedBlockingQueue<Long> queue) {
            while (true) {
                long dueAt;
                try {
                    dueAt = queue.take();
                } catch (InterruptedException e) {
                    return;
                }
                String status = "none";
                boolean ok = false;
                try {
                    Socket socket = sockets.get(index);
                    if (socket == null || socket.isClosed()) {
                        socket = open();
                        sockets.set(index, socket);
                        reconnects.incrementAndGet();
                    }
                    String answer = post(socket, event());
                    status = answer.length() > 12 ? answer.substring(9, 12) : "none";
                    ok = status.equals("200") && answer.contains("\"accepted\"");
                    if (answer.toLowerCase(Locale.ROOT).contains("connection: close")) {
                        socket.close();
                    }
                } catch (IOException e) {
                    try {
                        Socket broken = sockets.get(index);
                        if (broken != null) {
                            broken.close();
                        }
                    } catch (IOException ignored) {
                        // opened again for the next request
                    }
                }
                long micros = (System.nanoTime() - dueAt) / 1000;
                ackMicros.add(micros);
                statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
                if (!status.equals("none") && micros <= 2_000_000) {
                    answeredWithin2s.incrementAndGet();
                }
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
        }

        private String post(Socket socket, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String head = "POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                    + "\r\nContent-Type: application/json;charset=UTF-8\r\nsg-signature: " + sign(secret, body)
                    + "\r\nContent-Length: " + bytes.length + "\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            try {
                return readAnswer(socket.getInputStream());
            } catch (SocketTimeoutException e) {
                socket.close(); // its answer may still come: the connection cannot be reused
                return "";
            }
        }

        private static String readAnswer(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                head.write(b);
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            String headers = head.toString(StandardCharsets.US_ASCII);
            int length = 0;
            boolean chunked = false;
            for (String line : headers.split("\r\n")) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
                chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
            }
            if (!chunked) {
                return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line(in).split(";", 2)[0].trim(), 16); size > 0;
                    size = Integer.parseInt(line(in).split(";", 2)[0].trim(), 16)) {
                body.write(in.readNBytes(size));
                line(in);
            }
            line(in);
            return headers + body.toString(StandardCharsets.UTF_8);
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            if (b < 0) {
                throw new IOException("connection closed");
            }
            return line.toString();
        }
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
