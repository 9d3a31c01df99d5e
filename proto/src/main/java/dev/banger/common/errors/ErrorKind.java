package dev.banger.common.errors;

/** The few kinds of domain failure, each one gRPC status code (how the CLI words them is its own business). */
public enum ErrorKind {
    NOT_FOUND, ALREADY_EXISTS, INVALID_ARGUMENT, FAILED_PRECONDITION, UNAVAILABLE
}
