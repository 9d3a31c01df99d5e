package dev.banger.orchestrator.vm;

import dev.banger.orchestrator.store.VmStore;
import dev.banger.proto.api.v1.ListVmsRequest;
import dev.banger.proto.api.v1.ListVmsResponse;
import dev.banger.proto.api.v1.VmsGrpc;
import dev.banger.rpc.Rpc;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;

/**
 * gRPC adapter for the public Vms API. Verbs not yet implemented answer
 * UNIMPLEMENTED (the generated default), which the CLI reports as such.
 */
@Singleton
public class VmsGrpcService extends VmsGrpc.VmsImplBase {
    private final VmStore store;

    public VmsGrpcService(VmStore store) {
        this.store = store;
    }

    @Override
    public void list(ListVmsRequest request, StreamObserver<ListVmsResponse> response) {
        Rpc.answer(response, () -> {
            ListVmsResponse.Builder out = ListVmsResponse.newBuilder();
            store.list().forEach(vm -> out.addVms(VmMessages.toProto(vm)));
            return out.build();
        });
    }
}
