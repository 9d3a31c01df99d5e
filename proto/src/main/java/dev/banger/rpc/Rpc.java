package dev.banger.rpc;

import dev.banger.errors.DomainError;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/**
 * How every gRPC adapter answers a unary call: run the domain logic, send its
 * result, or map its exception to a status the CLI can label.
 */
public final class Rpc {
    private Rpc() {
    }

    public static <T> void answer(StreamObserver<T> response, Supplier<T> work) {
        T result;
        try {
            result = work.get();
        } catch (RuntimeException e) {
            response.onError(toStatus(e));
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }

    /**
     * A server-streaming call: work may send events (progress) as it goes and returns
     * the last one; any exception ends the stream with its mapped status instead.
     */
    public static <T> void stream(StreamObserver<T> response, Supplier<T> work) {
        T last;
        try {
            last = work.get();
        } catch (RuntimeException e) {
            response.onError(toStatus(e));
            return;
        }
        if (last != null) {
            response.onNext(last);
        }
        response.onCompleted();
    }

    /** Passes on every event of another service's stream (the orchestrator's forwarding). */
    public static <T> void forward(StreamObserver<T> response, Supplier<java.util.Iterator<T>> upstream) {
        stream(response, () -> {
            upstream.get().forEachRemaining(response::onNext);
            return null;
        });
    }

    /**
     * A domain error keeps its kind as the status code and its reason as an ErrorInfo;
     * a status from another service passes through as it is; anything else is a fault
     * of banger or a library and is INTERNAL (the op id trailer and the log line tell
     * the rest).
     */
    public static StatusRuntimeException toStatus(RuntimeException e) {
        if (e instanceof StatusRuntimeException s) {
            return s;
        }
        if (e instanceof DomainError d) {
            return ErrorReasons.status(d, e);
        }
        String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        return Status.INTERNAL.withDescription(message).withCause(e).asRuntimeException();
    }
}
