package dev.banger.net.nat;

/** One VM's outbound NAT, as found in the firewall. */
public record NatRule(String vmId, String guestIp) {
}
