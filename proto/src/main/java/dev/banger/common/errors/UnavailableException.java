package dev.banger.common.errors;

import java.util.Optional;

/** Something banger needs does not answer now; trying again later may work. */
public class UnavailableException extends RuntimeException implements DomainError {
    private final Reason reason;

    public UnavailableException(String message) {
        this(null, message);
    }

    public UnavailableException(String message, Throwable cause) {
        this(null, message, cause);
    }

    public UnavailableException(Reason reason, String message) {
        this(reason, message, null);
    }

    public UnavailableException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    @Override
    public ErrorKind kind() {
        return ErrorKind.UNAVAILABLE;
    }

    @Override
    public Optional<Reason> reason() {
        return Optional.ofNullable(reason);
    }
}
