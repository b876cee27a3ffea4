package io.storehub.hub.ingest;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The first step of every queue consumer (dispatch, delivery): while the webhook endpoint is pressed
 * ({@link IngestPressure}: more than {@code maxInFlight} webhooks waiting, or answers slower than
 * {@code targetAckMillis} on average), the consumer pauses before taking on its message, in steps of
 * {@code pauseMillis}, for at most {@code maxPauseMillis}. The queues hold the work durably; it is
 * done once the burst has been acknowledged, and never starves completely (the pause is bounded).
 *
 * <p>Thread priorities would be the textbook tool, but the JVM ignores them on Linux unless it runs
 * with privileges a container does not have; pausing the consumers is what works everywhere.
 */
public class BackgroundGate implements Processor {

    private IngestPressure pressure;
    private int maxInFlight = 4;
    private double targetAckMillis = 20;
    private long pauseMillis = 20;
    private long maxPauseMillis = 500;
    private final AtomicLong pausedMillis = new AtomicLong();

    @Override
    public void process(Exchange exchange) throws InterruptedException {
        long waited = 0;
        while (waited < maxPauseMillis && pressed()) {
            TimeUnit.MILLISECONDS.sleep(pauseMillis);
            waited += pauseMillis;
        }
        if (waited > 0) {
            pausedMillis.addAndGet(waited);
        }
    }

    private boolean pressed() {
        return pressure.inFlight() > maxInFlight || pressure.ackMillis() > targetAckMillis;
    }

    /** Milliseconds consumers have paused for the webhook path since start (a counter for metrics). */
    public long pausedMillis() {
        return pausedMillis.get();
    }

    public void setPressure(IngestPressure pressure) {
        this.pressure = pressure;
    }

    public void setMaxInFlight(int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    public void setTargetAckMillis(double targetAckMillis) {
        this.targetAckMillis = targetAckMillis;
    }

    public void setPauseMillis(long pauseMillis) {
        this.pauseMillis = pauseMillis;
    }

    public void setMaxPauseMillis(long maxPauseMillis) {
        this.maxPauseMillis = maxPauseMillis;
    }
}
