package dev.banger.orchestrator.store;

/** The store could not do what was asked; the message says what, the cause says why. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
