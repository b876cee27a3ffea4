package io.storehub.hub.enrich;

import io.storehub.hub.support.PermanentFailure;

/** Storeganise answered 401 or 403: the API key is wrong or lacks a role. Not retried; the event is parked. */
public class StoreganiseAuthException extends PermanentFailure {

    public StoreganiseAuthException(String message) {
        super(message);
    }
}
