package dev.banger.common.rpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.quarkus.arc.Unremovable;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.grpc.ExceptionHandler;
import io.quarkus.grpc.ExceptionHandlerProvider;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Where quarkus-grpc's Mutiny server calls turn a failure into a status: banger's one
 * mapping ({@link Rpc#toStatus}), so an exception a Mutiny pipeline lets through still
 * reaches the client with its kind, reason and op id. Looked up by quarkus-grpc through
 * ArC, hence unremovable.
 */
@ApplicationScoped
@Unremovable
@IfBuildProperty(name = "banger.rpc-endpoint", stringValue = "true")
public class RpcExceptions implements ExceptionHandlerProvider {
    @Override
    public Throwable transform(Throwable t) {
        return Rpc.statusOf(t);
    }

    /**
     * quarkus-grpc's own server would wrap each call's listener with this; banger's server
     * (UdsServer) does not use its interceptors, so calls never get here.
     */
    @Override
    public <Q, R> ExceptionHandler<Q, R> createHandler(ServerCall.Listener<Q> listener, ServerCall<Q, R> call,
            Metadata metadata) {
        return new ExceptionHandler<>(listener, call, metadata) {
            @Override
            protected void handleException(Throwable t, ServerCall<Q, R> serverCall, Metadata trailers) {
                io.grpc.StatusRuntimeException s = (io.grpc.StatusRuntimeException) Rpc.statusOf(t);
                Metadata all = s.getTrailers() == null ? trailers : s.getTrailers();
                serverCall.close(s.getStatus(), all);
            }
        };
    }
}
