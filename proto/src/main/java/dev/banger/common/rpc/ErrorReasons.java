package dev.banger.common.rpc;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import dev.banger.common.errors.DomainError;
import dev.banger.common.errors.ErrorKind;
import dev.banger.common.errors.Reason;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.Optional;

/**
 * Domain errors on the wire: the status code of their kind plus, when they name a
 * reason, a {@code google.rpc.ErrorInfo} in the standard status details, which any gRPC
 * client (not only ours) can read.
 */
public final class ErrorReasons {
    private ErrorReasons() {
    }

    static StatusRuntimeException status(DomainError d, Throwable cause) {
        Status.Code code = code(d.kind());
        String message = d.getMessage() == null ? "" : d.getMessage();
        Status status = Status.fromCode(code).withDescription(message).withCause(cause);
        if (d.reason().isEmpty()) {
            return status.asRuntimeException();
        }
        com.google.rpc.Status details = com.google.rpc.Status.newBuilder().setCode(code.value()).setMessage(message)
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(d.reason().get().name())
                        .setDomain(Reason.DOMAIN).build()))
                .build();
        // StatusProto puts the details under the standard grpc-status-details-bin key.
        Metadata trailers = StatusProto.toStatusRuntimeException(details).getTrailers();
        return status.asRuntimeException(trailers);
    }

    static Status.Code code(ErrorKind kind) {
        return switch (kind) {
            case NOT_FOUND -> Status.Code.NOT_FOUND;
            case ALREADY_EXISTS -> Status.Code.ALREADY_EXISTS;
            case INVALID_ARGUMENT -> Status.Code.INVALID_ARGUMENT;
            case FAILED_PRECONDITION -> Status.Code.FAILED_PRECONDITION;
            case UNAVAILABLE -> Status.Code.UNAVAILABLE;
        };
    }

    /** The banger reason a failed call came back with, if any. */
    public static Optional<Reason> of(Throwable t) {
        com.google.rpc.Status status = StatusProto.fromThrowable(t);
        if (status == null) {
            return Optional.empty();
        }
        for (Any any : status.getDetailsList()) {
            if (!any.is(ErrorInfo.class)) {
                continue;
            }
            try {
                ErrorInfo info = any.unpack(ErrorInfo.class);
                if (Reason.DOMAIN.equals(info.getDomain())) {
                    return known(info.getReason());
                }
            } catch (InvalidProtocolBufferException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Whether a failed call came back with this reason. */
    public static boolean is(Throwable t, Reason reason) {
        return of(t).filter(reason::equals).isPresent();
    }

    private static Optional<Reason> known(String name) {
        try {
            return Optional.of(Reason.valueOf(name));
        } catch (IllegalArgumentException newerServer) {
            return Optional.empty();
        }
    }
}
