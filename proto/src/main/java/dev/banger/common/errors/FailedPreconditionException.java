package dev.banger.common.errors;

import java.util.Optional;

/** The request is fine but the state of things refuses it (a running VM, an image in use). */
public class FailedPreconditionException extends IllegalStateException implements DomainError {
    private final Reason reason;

    public FailedPreconditionException(String message) {
        this(null, message);
    }

    public FailedPreconditionException(String message, Throwable cause) {
        this(null, message, cause);
    }

    public FailedPreconditionException(Reason reason, String message) {
        this(reason, message, null);
    }

    public FailedPreconditionException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    @Override
    public ErrorKind kind() {
        return ErrorKind.FAILED_PRECONDITION;
    }

    @Override
    public Optional<Reason> reason() {
        return Optional.ofNullable(reason);
    }
}
