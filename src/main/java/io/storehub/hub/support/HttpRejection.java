package io.storehub.hub.support;

/**
 * An HTTP request the hub refuses (a webhook, an admin call), with the status, a stable
 * machine-readable code and a sentence for a human; {@link ErrorResponder} answers it as
 * {@code {"error": code, "detail": detail}}. No stack trace: a rejection is an expected outcome, not a fault.
 */
public class HttpRejection extends RuntimeException {

    private final int status;
    private final String code;

    public HttpRejection(int status, String code, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int getStatus() {
        return status;
    }

    public String getCode() {
        return code;
    }

    public String getDetail() {
        return getMessage();
    }
}
