package dev.banger.net;

import dev.banger.common.ids.Names;
import dev.banger.common.ip.Ipv4Cidr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NetInputsTest {
    final Ipv4Cidr gw = Ipv4Cidr.parse("172.16.0.1/24");

    @Test
    void parsesAndFormatsAddresses() {
        assertEquals("172.16.0.1/24", gw.toString());
        assertEquals("10.0.0.255", Ipv4Cidr.format(Ipv4Cidr.parseAddress("10.0.0.255")));
        for (String bad : new String[] {"172.16.0", "172.16.0.1.2", "172.16.0.256", "172.16.00.1", "a.b.c.d", "",
                "172.16.0.1 ", "-1.0.0.0"}) {
            assertThrows(IllegalArgumentException.class, () -> Ipv4Cidr.parseAddress(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Ipv4Cidr.parse("172.16.0.1"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Cidr.parse("172.16.0.1/33"));
    }

    @Test
    void guestAddressesAreHostsOfTheSubnetButNotTheGateway() {
        assertEquals(Ipv4Cidr.parseAddress("172.16.0.5"), NetInputs.requireGuestIp("172.16.0.5", gw));
        for (String bad : new String[] {"172.16.0.1", "172.16.0.0", "172.16.0.255", "172.16.1.5", "8.8.8.8", null}) {
            assertThrows(IllegalArgumentException.class, () -> NetInputs.requireGuestIp(bad, gw), String.valueOf(bad));
        }
        assertTrue(gw.hostInSubnet(Ipv4Cidr.parseAddress("172.16.0.254")));
        assertFalse(gw.hostInSubnet(Ipv4Cidr.parseAddress("172.17.0.2")));
    }

    @Test
    void vmIdsAndInterfaceNamesAreStrict() {
        assertEquals("0f3cabc", Names.requireVmId("0f3cabc"));
        for (String bad : new String[] {"", "A1", "a-b", "../x", "a b", "a;rm", "x".repeat(33), null}) {
            assertThrows(IllegalArgumentException.class, () -> Names.requireVmId(bad), String.valueOf(bad));
        }
        assertEquals("banger0", NetInputs.requireInterfaceName("banger0", "bridge"));
        assertEquals("banger-t-0a1b2c-host", NetInputs.requireNetnsName("banger-t-0a1b2c-host"));
        assertThrows(IllegalArgumentException.class, () -> NetInputs.requireNetnsName("../../proc/1/ns/net"));
        for (String bad : new String[] {"", "-x", "a".repeat(16), "a/b", "a b", null}) {
            assertThrows(IllegalArgumentException.class, () -> NetInputs.requireInterfaceName(bad, "bridge"));
        }
    }
}
