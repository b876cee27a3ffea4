package io.storehub.hub.support;

/**
 * An HTTP request the hub refuses (a webhook, an admin call), with the status, a stable
 * machine-readable code and a sentence for a human; {@link ErrorResponder} answers it as
 * {@code {"error": code, "detail": detail}}. No stack trace: a rejection is an expected outcome, not a fault.
 */
public class HttpRejection extends RuntimeException {

    private final int status;
    private final String code;
    private final int retryAfterSeconds;

    public HttpRejection(int status, String code, String detail) {
        this(status, code, detail, 0);
    }

    /** A refusal that says when to try again ({@code Retry-After}, seconds; 0: not said). */
    public HttpRejection(int status, String code, String detail, int retryAfterSeconds) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int getStatus() {
        return status;
    }

    public String getCode() {
        return code;
    }

    /** Seconds for the {@code Retry-After} header, 0 when there is none. */
    public int getRetryAfterSeconds() {
        return retryAfterSeconds;
    }

    public String getDetail() {
        return getMessage();
    }
}
