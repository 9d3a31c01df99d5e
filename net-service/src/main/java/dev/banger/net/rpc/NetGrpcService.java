package dev.banger.net.rpc;

import io.smallrye.mutiny.Uni;
import dev.banger.net.NetService;
import dev.banger.net.link.Link;
import dev.banger.net.link.TapPool;
import dev.banger.net.nat.NatRule;
import dev.banger.proto.common.v1.Released;
import dev.banger.proto.internal.v1.BridgeState;
import dev.banger.proto.internal.v1.EnsureBridgeRequest;
import dev.banger.proto.internal.v1.NatRequest;
import dev.banger.proto.internal.v1.NetGrpc;
import dev.banger.proto.internal.v1.MutinyNetGrpc;
import dev.banger.proto.internal.v1.NetState;
import dev.banger.proto.internal.v1.NetStateRequest;
import dev.banger.proto.internal.v1.ReconcileRequest;
import dev.banger.proto.internal.v1.Tap;
import dev.banger.proto.internal.v1.TapRequest;
import dev.banger.common.rpc.Rpc;
import jakarta.inject.Singleton;
import dev.banger.net.names.HostNames;
import dev.banger.proto.internal.v1.NameResolution;
import dev.banger.proto.internal.v1.PublishNamesRequest;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;

/** gRPC adapter for the net service; the uid check happens before any of this runs. */
@Singleton
public class NetGrpcService extends MutinyNetGrpc.NetImplBase {
    private final NetService net;
    private final HostNames names;

    public NetGrpcService(NetService net, HostNames names) {
        this.net = net;
        this.names = names;
    }

    @Override
    public Uni<NameResolution> publishNames(PublishNamesRequest request) {
        return Rpc.unary(() -> {
            Map<String, String> table = new LinkedHashMap<>();
            request.getNamesList().forEach(n -> table.put(n.getName(), n.getIp()));
            HostNames.Result r = request.getWithdraw() ? names.withdraw() : names.publish(table, request.getDnsAddress());
            return NameResolution.newBuilder().setMethod(r.method().label()).setDetail(r.detail()).build();
        });
    }

    @Override
    public Uni<BridgeState> ensureBridge(EnsureBridgeRequest request) {
        return Rpc.unary(() -> toProto(net.ensureBridge(request.getName(), request.getCidr())));
    }

    @Override
    public Uni<Tap> ensureTap(TapRequest request) {
        return Rpc.unary(() -> toProto(request.getVmId(), net.ensureTap(request.getVmId(), request.getGuestIp(),
                request.getMac()).tap()));
    }

    @Override
    public Uni<Released> releaseTap(TapRequest request) {
        return Rpc.unary(() -> released(net.releaseTap(request.getVmId())));
    }

    @Override
    public Uni<dev.banger.proto.internal.v1.NatRule> ensureNat(NatRequest request) {
        return Rpc.unary(() -> toProto(net.ensureNat(request.getVmId(), request.getGuestIp())));
    }

    @Override
    public Uni<Released> releaseNat(NatRequest request) {
        return Rpc.unary(() -> released(net.releaseNat(request.getVmId())));
    }

    @Override
    public Uni<NetState> listState(NetStateRequest request) {
        return Rpc.unary(() -> toProto(net.state()));
    }

    @Override
    public Uni<NetState> reconcile(ReconcileRequest request) {
        return Rpc.unary(() -> toProto(net.reconcile(new HashSet<>(request.getKeepTapsList()),
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
