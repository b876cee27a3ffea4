package io.storehub.hub.ingest;

/**
 * A webhook request the hub refuses, with the HTTP status, a stable machine-readable code and a
 * sentence for a human. The ingest route turns it into {@code {"error": code, "detail": detail}}.
 * No stack trace: a rejection is an expected outcome, not a fault.
 */
public class WebhookRejection extends RuntimeException {

    private final int status;
    private final String code;

    public WebhookRejection(int status, String code, String detail) {
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
