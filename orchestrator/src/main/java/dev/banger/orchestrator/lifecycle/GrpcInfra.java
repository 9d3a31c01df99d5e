package dev.banger.orchestrator.lifecycle;

import dev.banger.common.errors.NotFoundException;
import dev.banger.common.errors.Reason;
import dev.banger.common.rpc.ErrorReasons;
import dev.banger.common.errors.FailedPreconditionException;
import dev.banger.orchestrator.system.InternalServices;
import dev.banger.proto.api.v1.Image;
import dev.banger.proto.api.v1.ImagesGrpc;
import dev.banger.proto.api.v1.Kernel;
import dev.banger.proto.api.v1.KernelsGrpc;
import dev.banger.proto.api.v1.NameRef;
import dev.banger.proto.internal.v1.EnsureBridgeRequest;
import dev.banger.proto.internal.v1.NatRequest;
import dev.banger.proto.internal.v1.NetGrpc;
import dev.banger.proto.internal.v1.ReconcileRequest;
import dev.banger.proto.internal.v1.RootDiskRequest;
import dev.banger.proto.internal.v1.StorageGrpc;
import dev.banger.proto.internal.v1.StorageStateRequest;
import dev.banger.proto.internal.v1.TapRequest;
import dev.banger.proto.internal.v1.VmConfigRequest;
import dev.banger.proto.internal.v1.VmDisksRequest;
import dev.banger.proto.internal.v1.WorkDiskRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;

/** Infra over the internal services' gRPC APIs. */
public final class GrpcInfra implements Infra {
    private final InternalServices internal;

    public GrpcInfra(InternalServices internal) {
        this.internal = internal;
    }

    @Override
    public BootImage resolveImage(String ref) {
        try {
            Image i = ImagesGrpc.newBlockingStub(internal.channel("image")).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .get(NameRef.newBuilder().setRef(ref).build());
            if (i.getKernelRef().isEmpty()) {
                throw new FailedPreconditionException(Reason.IMAGE_NO_KERNEL,
                        "image " + i.getName() + " has no kernel: register it with --kernel-ref");
            }
            if (i.getGuestFilesStale()) {
                // Its VMs would boot older guest files, which ignore banger's SSH host keys.
                throw new FailedPreconditionException(Reason.IMAGE_STALE, "image " + i.getName()
                        + " was built by an older banger (other guest files); build it again: banger image delete "
                        + i.getName() + " && banger image build " + i.getName() + " --from debian:bookworm");
            }
            Kernel k = KernelsGrpc.newBlockingStub(internal.channel("image")).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .get(NameRef.newBuilder().setRef(i.getKernelRef()).build());
            return new BootImage(i.getId(), i.getName(), k.getName(), path(k.getBzimagePath()), path(k.getVmlinuxPath()),
                    path(k.getInitrdPath()));
        } catch (StatusRuntimeException e) {
            if (ErrorReasons.is(e, Reason.IMAGE_MISSING)) {
                throw new NotFoundException(Reason.IMAGE_MISSING, e.getStatus().getDescription()
                        + ("default".equals(ref) ? "; build it with: banger image build default --from debian:bookworm" : ""));
            }
            throw e;
        }
    }

    @Override
    public Path rootDisk(String vmId, String imageId, long overlayBytes) {
        return Path.of(storage(120).createRootDisk(RootDiskRequest.newBuilder().setVmId(vmId).setImageId(imageId)
                .setOverlaySizeBytes(overlayBytes).build()).getPath());
    }

    @Override
    public Path workDisk(String vmId, String imageId, long sizeBytes) {
        return Path.of(storage(120).createWorkDisk(WorkDiskRequest.newBuilder().setVmId(vmId).setImageId(imageId)
                .setSizeBytes(sizeBytes).build()).getPath());
    }

    @Override
    public Path configDisk(GuestConfig c) {
        return Path.of(storage(60).writeVmConfig(VmConfigRequest.newBuilder().setVmId(c.vmId()).setHostname(c.hostname())
                .setGuestIp(c.ip()).setGateway(c.gateway()).setPrefixLength(c.prefixLength()).addDnsServers(c.gateway())
                .addAllAuthorizedKeys(c.authorizedKeys()).setAgentToken(c.agentToken())
                .setGitUserName(c.gitUserName()).setGitUserEmail(c.gitUserEmail())
                .putAllAgentAuthFiles(c.agentAuthFiles().entrySet().stream().collect(java.util.stream.Collectors.toMap(
                        java.util.Map.Entry::getKey, e -> com.google.protobuf.ByteString.copyFrom(e.getValue()))))
                .setSshHostKey(com.google.protobuf.ByteString.copyFrom(c.hostKey().privateKey()))
                .setSshHostKeyPub(c.hostKey().publicLine()).build()).getPath());
    }

    @Override
    public void releaseDisks(String vmId) {
        storage(120).releaseVmDisks(VmDisksRequest.newBuilder().setVmId(vmId).build());
    }

    @Override
    public String tap(String vmId, String ip) {
        net().ensureBridge(EnsureBridgeRequest.getDefaultInstance());
        return net().ensureTap(TapRequest.newBuilder().setVmId(vmId).setGuestIp(ip)
                .setMac(dev.banger.common.ip.GuestMac.forVm(vmId)).build()).getName();
    }

    @Override
    public void releaseTap(String vmId) {
        net().releaseTap(TapRequest.newBuilder().setVmId(vmId).build());
    }

    @Override
    public void nat(String vmId, String ip) {
        net().ensureNat(NatRequest.newBuilder().setVmId(vmId).setGuestIp(ip).build());
    }

    @Override
    public void releaseNat(String vmId) {
        net().releaseNat(NatRequest.newBuilder().setVmId(vmId).build());
    }

    @Override
    public void reconcileNetwork(java.util.Set<String> keepTaps, java.util.Map<String, String> keepNatIps) {
        ReconcileRequest.Builder r = ReconcileRequest.newBuilder().addAllKeepTaps(keepTaps);
        keepNatIps.forEach((vm, ip) -> r.addKeepNat(NatRequest.newBuilder().setVmId(vm).setGuestIp(ip)));
        net().reconcile(r.build());
    }

    @Override
    public java.util.Set<String> vmsWithDisks() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        storage(30).listState(StorageStateRequest.getDefaultInstance()).getDisksList()
                .forEach(d -> out.add(d.getVmId()));
        return out;
    }

    private StorageGrpc.StorageBlockingStub storage(long seconds) {
        return StorageGrpc.newBlockingStub(internal.channel("storage")).withDeadlineAfter(seconds, TimeUnit.SECONDS);
    }

    private NetGrpc.NetBlockingStub net() {
        return NetGrpc.newBlockingStub(internal.channel("net")).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static Path path(String p) {
        return p == null || p.isEmpty() ? null : Path.of(p);
    }
}
