package dev.banger.common.errors;

import java.util.Optional;

/** The request itself is wrong: a bad name, size, path or flag combination. */
public class InvalidArgumentException extends IllegalArgumentException implements DomainError {
    private final Reason reason;

    public InvalidArgumentException(String message) {
        this(null, message);
    }

    public InvalidArgumentException(String message, Throwable cause) {
        this(null, message, cause);
    }

    public InvalidArgumentException(Reason reason, String message) {
        this(reason, message, null);
    }

    public InvalidArgumentException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    @Override
    public ErrorKind kind() {
        return ErrorKind.INVALID_ARGUMENT;
    }

    @Override
    public Optional<Reason> reason() {
        return Optional.ofNullable(reason);
    }
}
