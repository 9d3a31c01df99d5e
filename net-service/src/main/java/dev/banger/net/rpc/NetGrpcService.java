package dev.banger.net.rpc;

import dev.banger.net.NetService;
import dev.banger.net.link.Link;
import dev.banger.net.link.TapPool;
import dev.banger.net.nat.NatRule;
import dev.banger.proto.common.v1.Released;
import dev.banger.proto.internal.v1.BridgeState;
import dev.banger.proto.internal.v1.EnsureBridgeRequest;
import dev.banger.proto.internal.v1.NatRequest;
import dev.banger.proto.internal.v1.NetGrpc;
import dev.banger.proto.internal.v1.NetState;
import dev.banger.proto.internal.v1.NetStateRequest;
import dev.banger.proto.internal.v1.ReconcileRequest;
import dev.banger.proto.internal.v1.Tap;
import dev.banger.proto.internal.v1.TapRequest;
import dev.banger.rpc.Rpc;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;
import java.util.HashSet;

/** gRPC adapter for the net service; the uid check happens before any of this runs. */
@Singleton
public class NetGrpcService extends NetGrpc.NetImplBase {
    private final NetService net;

    public NetGrpcService(NetService net) {
        this.net = net;
    }

    @Override
    public void ensureBridge(EnsureBridgeRequest request, StreamObserver<BridgeState> response) {
        Rpc.answer(response, () -> toProto(net.ensureBridge(request.getName(), request.getCidr())));
    }

    @Override
    public void ensureTap(TapRequest request, StreamObserver<Tap> response) {
        Rpc.answer(response, () -> toProto(request.getVmId(), net.ensureTap(request.getVmId(), request.getGuestIp(),
                request.getMac()).tap()));
    }

    @Override
    public void releaseTap(TapRequest request, StreamObserver<Released> response) {
        Rpc.answer(response, () -> released(net.releaseTap(request.getVmId())));
    }

    @Override
    public void ensureNat(NatRequest request, StreamObserver<dev.banger.proto.internal.v1.NatRule> response) {
        Rpc.answer(response, () -> toProto(net.ensureNat(request.getVmId(), request.getGuestIp())));
    }

    @Override
    public void releaseNat(NatRequest request, StreamObserver<Released> response) {
        Rpc.answer(response, () -> released(net.releaseNat(request.getVmId())));
    }

    @Override
    public void listState(NetStateRequest request, StreamObserver<NetState> response) {
        Rpc.answer(response, () -> toProto(net.state()));
    }

    @Override
    public void reconcile(ReconcileRequest request, StreamObserver<NetState> response) {
        Rpc.answer(response, () -> toProto(net.reconcile(new HashSet<>(request.getKeepTapsList()),
                request.getKeepNatList().stream().map(n -> new NatRule(n.getVmId(), n.getGuestIp())).toList())));
    }

    private static Released released(boolean existed) {
        return Released.newBuilder().setExisted(existed).build();
    }

    private static BridgeState toProto(NetService.BridgeState b) {
        return BridgeState.newBuilder().setName(b.name()).setCidr(b.cidr()).setUp(b.up()).build();
    }

    private static Tap toProto(String vmId, Link l) {
        return Tap.newBuilder().setVmId(vmId).setName(l.name()).setBridge(l.master()).setIsolated(l.isolated()).build();
    }

    private dev.banger.proto.internal.v1.NatRule toProto(NatRule r) {
        return dev.banger.proto.internal.v1.NatRule.newBuilder().setVmId(r.vmId()).setGuestIp(r.guestIp())
                .setBackend(net.natBackend()).build();
    }

    private NetState toProto(NetService.State s) {
        NetState.Builder b = NetState.newBuilder().setIdleTaps(s.idleTaps());
        if (s.bridge() != null) {
            b.setBridge(toProto(s.bridge()));
        }
        s.assignedTaps().forEach(t -> b.addTaps(toProto(TapPool.vmOf(t).orElseThrow(), t)));
        s.natRules().forEach(r -> b.addNatRules(toProto(r)));
        return b.build();
    }
}
