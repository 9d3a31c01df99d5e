package dev.banger.storage.vmconfig;

import java.util.List;
import java.util.Map;

/** What a VM needs to know at boot (STO-2) and the host identity it inherits (STO-3). */
public record VmConfig(
        String vmId,
        String hostname,
        String guestIp,
        String gateway,
        int prefixLength,
        List<String> dnsServers,
        List<String> authorizedKeys,
        String agentToken,
        String gitUserName,
        String gitUserEmail,
        Map<String, byte[]> agentAuthFiles,
        HostKey sshHostKey) {

    /** The guest's SSH host key pair (ed25519), or null to let the guest make its own. */
    public record HostKey(byte[] privateKey, String publicLine) {
    }
}
