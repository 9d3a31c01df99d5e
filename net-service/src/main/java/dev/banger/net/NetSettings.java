package dev.banger.net;

import dev.banger.common.errors.InvalidArgumentException;
import dev.banger.common.ip.Ipv4Cidr;
import java.util.List;
import java.util.Optional;

/**
 * What the net service manages: one bridge with the host's address on the VM
 * subnet, a warm pool of TAPs owned by the orchestrator's user, and (in tests and
 * the smoke harness) the network namespace all of it lives in.
 */
public record NetSettings(String bridge, Ipv4Cidr gateway, int poolSize, int tapOwnerUid, Optional<String> netns,
        String natBackend) {
    public NetSettings {
        NetInputs.requireInterfaceName(bridge, "bridge");
        if (!List.of("auto", "nftables", "iptables").contains(natBackend)) {
            throw new InvalidArgumentException("banger.net.nat must be auto, nftables or iptables, got " + natBackend);
        }
        if (poolSize < 0 || poolSize > 64) {
            throw new InvalidArgumentException("tap pool size must be 0..64, got " + poolSize);
        }
    }
}
