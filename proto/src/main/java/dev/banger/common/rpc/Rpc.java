package dev.banger.common.rpc;

import dev.banger.common.errors.DomainError;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How every gRPC adapter answers: its methods are quarkus-grpc's Mutiny ones, and the
 * domain logic they call is blocking, so a call runs it on the gRPC executor thread that
 * subscribes (not on an event loop) and maps its exception to a status the client can
 * act on (see {@link #toStatus}).
 */
public final class Rpc {
    private Rpc() {
    }

    /** A unary call: the work's result, or its failure as a status. */
    public static <T> Uni<T> unary(Supplier<T> work) {
        return Uni.createFrom().item(work).onFailure().transform(Rpc::statusOf);
    }

    /** What a streaming call's work sends through: events as it goes, and whether the caller went away. */
    public interface Events<T> {
        void send(T event);

        boolean cancelled();
    }

    /**
     * A server-streaming call: work sends events (progress) as it goes and returns the
     * last one, or null; a failure ends the stream with its mapped status instead.
     */
    public static <T> Multi<T> stream(Function<Events<T>, T> work) {
        return Multi.createFrom().<T>emitter(emitter -> {
            T last = work.apply(new Events<>() {
                @Override
                public void send(T event) {
                    emitter.emit(event);
                }

                @Override
                public boolean cancelled() {
                    return emitter.isCancelled();
                }
            });
            if (last != null) {
                emitter.emit(last);
            }
            emitter.complete();
        }).onFailure().transform(Rpc::statusOf);
    }

    /** Passes on every event of another service's stream (the orchestrator's forwarding). */
    public static <T> Multi<T> forward(Supplier<java.util.Iterator<T>> upstream) {
        return stream(events -> {
            upstream.get().forEachRemaining(events::send);
            return null;
        });
    }

    static Throwable statusOf(Throwable t) {
        return t instanceof RuntimeException e ? toStatus(e) : t;
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
