package dev.banger.cli.output;

import io.grpc.Status;

/** What `banger: KIND: message` says went wrong: the CLI's own failures and the daemon's status codes. */
public enum ErrorKind {
    NOT_FOUND("not found"),
    ALREADY_EXISTS("already exists"),
    BAD_REQUEST("bad request"),
    FAILED_PRECONDITION("failed precondition"),
    PERMISSION_DENIED("permission denied"),
    UNAUTHENTICATED("unauthenticated"),
    UNAVAILABLE("unavailable"),
    TIMED_OUT("timed out"),
    NOT_IMPLEMENTED("not implemented"),
    CANCELLED("cancelled"),
    INTERRUPTED("interrupted"),
    RESOURCE_EXHAUSTED("resource exhausted"),
    ABORTED("aborted"),
    INTERNAL("internal error"),
    ERROR("error");

    private final String label;

    ErrorKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static ErrorKind of(Status.Code code) {
        return switch (code) {
            case NOT_FOUND -> NOT_FOUND;
            case ALREADY_EXISTS -> ALREADY_EXISTS;
            case INVALID_ARGUMENT -> BAD_REQUEST;
            case FAILED_PRECONDITION -> FAILED_PRECONDITION;
            case PERMISSION_DENIED -> PERMISSION_DENIED;
            case UNAUTHENTICATED -> UNAUTHENTICATED;
            case UNAVAILABLE -> UNAVAILABLE;
            case DEADLINE_EXCEEDED -> TIMED_OUT;
            case UNIMPLEMENTED -> NOT_IMPLEMENTED;
            case CANCELLED -> CANCELLED;
            case RESOURCE_EXHAUSTED -> RESOURCE_EXHAUSTED;
            case ABORTED -> ABORTED;
            default -> INTERNAL;
        };
    }
}
