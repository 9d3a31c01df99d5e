package dev.banger.common.rpc;

import io.grpc.ServerInterceptor;

/**
 * An interceptor a service adds to its own calls (a bean of this type is found by
 * {@link RpcEndpoint}). It runs inside the caller check and the op id, so it sees
 * only admitted calls and {@link OpIds#current()} is set.
 */
public interface LocalInterceptor extends ServerInterceptor {
}
