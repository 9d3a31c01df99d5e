package dev.banger.common.rpc;

import dev.banger.proto.common.v1.HealthRequest;
import dev.banger.proto.common.v1.MutinyHealthGrpc;
import dev.banger.proto.common.v1.ServiceInfo;
import io.smallrye.mutiny.Uni;

/** Health.Check, the same in every service: who am I, which build, since when. */
public final class HealthService extends MutinyHealthGrpc.HealthImplBase {
    private final ServiceIdentity identity;

    public HealthService(ServiceIdentity identity) {
        this.identity = identity;
    }

    @Override
    public Uni<ServiceInfo> check(HealthRequest request) {
        return Uni.createFrom().item(identity::info);
    }
}
