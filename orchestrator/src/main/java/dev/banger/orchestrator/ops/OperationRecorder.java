package dev.banger.orchestrator.ops;

import dev.banger.common.rpc.LocalInterceptor;
import dev.banger.common.rpc.OpIds;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes a row of the operations log for every state-changing public RPC (OPS-5): begun
 * when the call arrives, finished with its status when it closes or the caller goes away.
 */
@ApplicationScoped
public class OperationRecorder implements LocalInterceptor {
    private static final Logger LOG = Logger.getLogger(OperationRecorder.class.getName());
    private final OperationStore store;

    public OperationRecorder(OperationStore store) {
        this.store = store;
    }

    /** Before the socket serves (RpcEndpoint observes at the default priority). */
    void closeLeftovers(@Observes @Priority(100) StartupEvent event) {
        try {
            store.closeLeftovers(Instant.now());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e.getMessage());
        }
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        Optional<OperationKind> kind = OperationKind.ofMethod(call.getMethodDescriptor().getFullMethodName());
        if (kind.isEmpty()) {
            return next.startCall(call, headers);
        }
        String opId = OpIds.current();
        try {
            store.begin(opId, kind.get(), Instant.now());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "op " + opId + " is not in the operations log: " + e.getMessage());
            return next.startCall(call, headers);
        }
        AtomicBoolean finished = new AtomicBoolean();
        Operations.Current current = new Operations.Current(opId, store);
        ServerCall<Q, R> recording = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                String error = current.error(status.isOk() ? null : describe(status));
                finish(opId, finished, error == null ? OperationState.SUCCEEDED : OperationState.FAILED, error);
                super.close(status, trailers);
            }
        };
        Context context = Context.current().withValue(Operations.CURRENT, current);
        ServerCall.Listener<Q> listener = Contexts.interceptCall(context, recording, headers, next);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onCancel() {
                finish(opId, finished, OperationState.FAILED, "the caller went away before it finished");
                super.onCancel();
            }
        };
    }

    private void finish(String opId, AtomicBoolean finished, OperationState state, String error) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        try {
            store.finish(opId, state, error, Instant.now());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e.getMessage());
        }
    }

    private static String describe(Status status) {
        String d = status.getDescription();
        return d == null || d.isEmpty() ? status.getCode().name() : d;
    }
}
