package io.storehub.hub.ingest;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * The first step of every queue consumer: while the webhook endpoint is pressed ({@link IngestPressure}),
 * at most {@code pressedConsumers} consumers work at once, so the work never stops. Not thread
 * priorities: the JVM ignores them on Linux without privileges a container lacks.
 */
public class BackgroundGate implements Processor {

    private IngestPressure pressure;
    private int maxInFlight = 4;
    private double targetAckMillis = 20;
    private static final long PAUSE_MILLIS = 20;
    private long maxPauseMillis = 500;
    private volatile Semaphore pressedPermits = new Semaphore(1);

    @Override
    public void process(Exchange exchange) throws InterruptedException {
        if (!pressed()) {
            return;
        }
        Semaphore permits = pressedPermits;
        while (pressed()) {
            if (permits.tryAcquire(PAUSE_MILLIS, TimeUnit.MILLISECONDS)) {
                // held until this consumer's message is done (committed, retried or parked)
                exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                    @Override
                    public void onDone(Exchange done) {
                        permits.release();
                    }
                });
                break;
            }
        }
    }

    /** For background work (the history writer): waits while pressed, at most {@code maxPauseMillis}. */
    public void pause() throws InterruptedException {
        for (long waited = 0; waited < maxPauseMillis && pressed(); waited += PAUSE_MILLIS) {
            TimeUnit.MILLISECONDS.sleep(PAUSE_MILLIS);
        }
    }

    private boolean pressed() {
        return pressure.inFlight() > maxInFlight || pressure.ackMillis() > targetAckMillis;
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

    public void setMaxPauseMillis(long maxPauseMillis) {
        this.maxPauseMillis = maxPauseMillis;
    }

    /** Consumers that go on working while webhooks wait (default 1; at least 1, so nothing stops). */
    public void setPressedConsumers(int pressedConsumers) {
        this.pressedPermits = new Semaphore(Math.max(1, pressedConsumers));
    }
}
