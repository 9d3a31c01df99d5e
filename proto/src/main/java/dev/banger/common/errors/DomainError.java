package dev.banger.common.errors;

import java.util.Optional;

/**
 * A failure the caller can act on, as opposed to a fault of banger or of a library: its
 * kind becomes the gRPC status code and its reason, when it has one, an ErrorInfo. Every
 * other exception reaches clients as an internal error with the call's op id.
 */
public interface DomainError {
    ErrorKind kind();

    Optional<Reason> reason();

    String getMessage();
}
