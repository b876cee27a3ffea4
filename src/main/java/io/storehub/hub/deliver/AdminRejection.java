package io.storehub.hub.deliver;

/** An admin request refused, with its HTTP status, a stable code and a sentence; answered as JSON. */
public class AdminRejection extends RuntimeException {

    private final int status;
    private final String code;

    public AdminRejection(int status, String code, String detail) {
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
}
