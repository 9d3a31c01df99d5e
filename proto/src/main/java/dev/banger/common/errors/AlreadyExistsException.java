package dev.banger.common.errors;

import java.util.Optional;

/** A name is taken. */
public class AlreadyExistsException extends RuntimeException implements DomainError {
    private final Reason reason;

    public AlreadyExistsException(String message) {
        this(null, message);
    }

    public AlreadyExistsException(String message, Throwable cause) {
        this(null, message, cause);
    }

    public AlreadyExistsException(Reason reason, String message) {
        this(reason, message, null);
    }

    public AlreadyExistsException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    @Override
    public ErrorKind kind() {
        return ErrorKind.ALREADY_EXISTS;
    }

    @Override
    public Optional<Reason> reason() {
        return Optional.ofNullable(reason);
    }
}
