package io.storehub.hub.support;

/** An HTTP request the hub refuses: status, stable code and a sentence ({@link ErrorResponder}); no stack trace. */
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

    public int getRetryAfterSeconds() {
        return retryAfterSeconds;
    }

    public String getDetail() {
        return getMessage();
    }
}
