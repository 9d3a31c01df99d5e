package dev.banger.net.nat;

import dev.banger.common.errors.FailedPreconditionException;
import dev.banger.common.exec.CommandRunner;
import java.util.List;

/** Per-VM outbound NAT (NET-3), whatever firewall tool the host has. */
public interface Nat {
    /**
     * The chains and the final drop of anything leaving the bridge without NAT (NET-3),
     * made when the bridge is, so a VM has no route out before any VM asked for NAT.
     */
    void ensureBase();

    /** Idempotent: afterwards the VM's rules exist exactly once, for this address. */
    NatRule ensure(String vmId, String guestIp);

    /** Removes the VM's rules; returns whether it had any. */
    boolean release(String vmId);

    /** The VMs with NAT, one entry each. */
    List<NatRule> list();

    String backend();

    /** nftables when `nft` runs, else iptables; "nftables" or "iptables" forces one. */
    static Nat choose(String wanted, CommandRunner run, String bridge) {
        boolean nft = !wanted.equals("iptables") && run.run(List.of("nft", "--version")).ok();
        if (nft) {
            return new NftNat(run, bridge);
        }
        if (!wanted.equals("nftables") && run.run(List.of("iptables", "--version")).ok()) {
            return new IptablesNat(run, bridge);
        }
        throw new FailedPreconditionException("no " + (wanted.equals("auto") ? "nft or iptables" : wanted)
                + " command on this host: --nat cannot work (install nftables)");
    }
}
