package dev.banger.orchestrator.system;

import dev.banger.common.rpc.Rpc;
import io.smallrye.mutiny.Uni;
import dev.banger.proto.api.v1.DaemonStatusRequest;
import dev.banger.proto.api.v1.DaemonStatusResponse;
import dev.banger.proto.api.v1.SystemGrpc;
import dev.banger.proto.api.v1.MutinySystemGrpc;
import dev.banger.common.rpc.RpcEndpoint;
import dev.banger.orchestrator.dns.VmNameService;
import dev.banger.orchestrator.ops.OperationMessages;
import dev.banger.orchestrator.ops.OperationStore;
import dev.banger.proto.api.v1.ListOperationsRequest;
import dev.banger.proto.api.v1.ListOperationsResponse;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** gRPC adapter for the public System API. */
@Singleton
public class SystemGrpcService extends MutinySystemGrpc.SystemImplBase {
    private final RpcEndpoint endpoint;
    private final InternalServices internal;
    private final String stateDir;
    private final VmNameService names;
    private final OperationStore operations;
    private final dev.banger.orchestrator.pool.WarmPool pool;

    public SystemGrpcService(RpcEndpoint endpoint, InternalServices internal,
            @ConfigProperty(name = "banger.state-dir") String stateDir, VmNameService names,
            OperationStore operations, dev.banger.orchestrator.pool.WarmPool pool) {
        this.pool = pool;
        this.endpoint = endpoint;
        this.internal = internal;
        this.stateDir = stateDir;
        this.names = names;
        this.operations = operations;
    }

    @Override
    public Uni<ListOperationsResponse> listOperations(ListOperationsRequest r) {
        return Rpc.unary(() -> ListOperationsResponse.newBuilder().addAllOperations(operations
                .last(OperationMessages.limit(r), OperationMessages.vm(r)).stream().map(OperationMessages::toProto)
                .toList()).build());
    }

    @Override
    public Uni<DaemonStatusResponse> daemonStatus(DaemonStatusRequest request) {
        return Rpc.unary(() -> DaemonStatusCollector.collect(endpoint.identity().info(), internal.sockets(), stateDir)
                .toBuilder().setDnsListener(names.endpoint().orElse("")).setDnsProblem(names.listenerProblem())
                .setHostNames(names.hostMethod()).setWarmPoolSize(pool.size())
                .setWarmPoolReady(pool.size() == 0 ? 0 : pool.ready()).build());
    }
}
