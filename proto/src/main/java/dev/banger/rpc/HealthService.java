package dev.banger.rpc;

import dev.banger.proto.common.v1.HealthGrpc;
import dev.banger.proto.common.v1.HealthRequest;
import dev.banger.proto.common.v1.ServiceInfo;
import io.grpc.stub.StreamObserver;

/** Health.Check, the same in every service: who am I, which build, since when. */
public final class HealthService extends HealthGrpc.HealthImplBase {
    private final ServiceIdentity identity;

    public HealthService(ServiceIdentity identity) {
        this.identity = identity;
    }

    @Override
    public void check(HealthRequest request, StreamObserver<ServiceInfo> response) {
        response.onNext(identity.info());
        response.onCompleted();
    }
}
