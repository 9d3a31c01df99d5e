package dev.banger.common.rpc;

import dev.banger.common.ids.RandomIds;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Gives every call an operation id. A failing call carries it in its trailers and
 * in the service log line, so the CLI's error and the log can be matched (OPS-5).
 */
public final class OpIds implements ServerInterceptor {
    public static final Metadata.Key<String> KEY = Metadata.Key.of("banger-op-id", Metadata.ASCII_STRING_MARSHALLER);
    private static final Logger LOG = Logger.getLogger(OpIds.class.getName());

    private static final Context.Key<String> CURRENT = Context.key("banger-op-id");

    /** The op id of the call this thread is serving, or "-" outside one (log lines carry it). */
    public static String current() {
        String id = CURRENT.get();
        return id == null ? "-" : id;
    }

    public static String newId() {
        return RandomIds.hex(6);
    }

    /** The op id a failed call came back with, or null. */
    public static String of(StatusRuntimeException e) {
        return e.getTrailers() == null ? null : e.getTrailers().get(KEY);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String opId = newId();
        String method = call.getMethodDescriptor().getFullMethodName();
        ServerCall<Q, R> reporting = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                if (!status.isOk()) {
                    trailers.put(KEY, opId);
                    boolean internal = status.getCode() == Status.Code.INTERNAL || status.getCode() == Status.Code.UNKNOWN;
                    String line = "op " + opId + " " + method + " failed: " + status.getCode() + " "
                            + status.getDescription();
                    // A stack trace helps with our own faults, not with a caller's bad input.
                    LOG.log(internal ? Level.SEVERE : Level.INFO, line, internal ? status.getCause() : null);
                }
                super.close(status, trailers);
            }
        };
        return Contexts.interceptCall(Context.current().withValue(CURRENT, opId), reporting, headers, next);
    }
}
