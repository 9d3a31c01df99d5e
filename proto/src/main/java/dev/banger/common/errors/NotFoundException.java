package dev.banger.common.errors;

import java.util.Optional;

/** Nothing has that name or id. */
public class NotFoundException extends java.util.NoSuchElementException implements DomainError {
    private final Reason reason;

    public NotFoundException(String message) {
        this(null, message);
    }

    public NotFoundException(String message, Throwable cause) {
        this(null, message, cause);
    }

    public NotFoundException(Reason reason, String message) {
        this(reason, message, null);
    }

    public NotFoundException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    @Override
    public ErrorKind kind() {
        return ErrorKind.NOT_FOUND;
    }

    @Override
    public Optional<Reason> reason() {
        return Optional.ofNullable(reason);
    }
}
