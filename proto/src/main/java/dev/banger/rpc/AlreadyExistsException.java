package dev.banger.rpc;

/** A name is taken. Every gRPC adapter reports it as ALREADY_EXISTS. */
public class AlreadyExistsException extends RuntimeException {
    public AlreadyExistsException(String message) {
        super(message);
    }
}
