package dev.banger.orchestrator.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The .vm zone's answers, over real UDP and TCP sockets on loopback (NET-4). */
class DnsTest {
    VmZone zone = new VmZone();
    DnsListener dns;
    SimpleResolver udp;
    SimpleResolver tcp;

    @BeforeEach
    void start() throws Exception {
        zone.replace(Map.of("calm-otter", "172.16.0.3", "Web", "172.16.0.4"));
        dns = DnsListener.start(zone, "127.0.0.1", 0);
        udp = resolver(false);
        tcp = resolver(true);
    }

    SimpleResolver resolver(boolean tcp) throws Exception {
        SimpleResolver r = new SimpleResolver("127.0.0.1");
        r.setPort(dns.port());
        r.setTCP(tcp);
        r.setTimeout(Duration.ofSeconds(2));
        return r;
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    static Message query(String name, int type) throws Exception {
        return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
    }

    @Test
    void aRunningVmHasAnAuthoritativeShortLivedARecordOverUdpAndTcp() throws Exception {
        for (SimpleResolver r : new SimpleResolver[] {udp, tcp}) {
            Message m = r.send(query("calm-otter.vm.", Type.A));
            assertEquals(Rcode.NOERROR, m.getRcode());
            assertTrue(m.getHeader().getFlag(Flags.AA));
            Record[] answer = m.getSectionArray(Section.ANSWER);
            assertEquals(1, answer.length);
            assertEquals("172.16.0.3", ((ARecord) answer[0]).getAddress().getHostAddress());
            assertTrue(answer[0].getTTL() <= 10, "short TTL");
        }
        assertEquals(Rcode.NOERROR, udp.send(query("WEB.VM.", Type.A)).getRcode(), "names are case-insensitive");
    }

    @Test
    void unknownNamesAreNxdomainAaaaOfAKnownNameIsEmptyAndOtherZonesAreRefused() throws Exception {
        assertEquals(Rcode.NXDOMAIN, udp.send(query("nobody.vm.", Type.A)).getRcode());
        assertEquals(Rcode.NXDOMAIN, udp.send(query("a.calm-otter.vm.", Type.A)).getRcode());
        Message aaaa = udp.send(query("calm-otter.vm.", Type.AAAA));
        assertEquals(Rcode.NOERROR, aaaa.getRcode());
        assertEquals(0, aaaa.getSectionArray(Section.ANSWER).length);
        assertEquals(Rcode.REFUSED, udp.send(query("example.com.", Type.A)).getRcode());
        assertEquals(Rcode.REFUSED, tcp.send(query("vm.example.com.", Type.A)).getRcode());
    }

    @Test
    void aNewTableIsAnsweredAtOnce() throws Exception {
        zone.replace(Map.of("fresh", "172.16.0.9"));
        assertEquals(Rcode.NXDOMAIN, udp.send(query("calm-otter.vm.", Type.A)).getRcode());
        assertEquals(Rcode.NOERROR, udp.send(query("fresh.vm.", Type.A)).getRcode());
    }

    @Test
    void garbageTruncatedAndOversizedPacketsNeverStopIt() throws Exception {
        Random random = new Random(42);
        byte[] valid = query("calm-otter.vm.", Type.A).toWire();
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(500);
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", dns.port());
            for (int i = 0; i < 300; i++) {
                byte[] junk = new byte[random.nextInt(600)];
                random.nextBytes(junk);
                s.send(new DatagramPacket(junk, junk.length, to));
            }
            for (int cut = 0; cut < valid.length; cut++) {
                s.send(new DatagramPacket(valid, cut, to));
            }
            byte[] huge = new byte[65_000];
            System.arraycopy(valid, 0, huge, 0, valid.length);
            s.send(new DatagramPacket(huge, huge.length, to));
        }
        // TCP: a length prefix promising more than is sent, a connection that says nothing, junk.
        try (Socket half = new Socket("127.0.0.1", dns.port()); Socket silent = new Socket("127.0.0.1", dns.port());
                Socket junk = new Socket("127.0.0.1", dns.port())) {
            DataOutputStream out = new DataOutputStream(half.getOutputStream());
            out.writeShort(60_000);
            out.write(valid);
            out.flush();
            byte[] bytes = new byte[2000];
            random.nextBytes(bytes);
            junk.getOutputStream().write(bytes);
            assertEquals(Rcode.NOERROR, askAsAResolverDoes(udp).getRcode());
            assertEquals(Rcode.NOERROR, tcp.send(query("calm-otter.vm.", Type.A)).getRcode());
        }
    }

    /**
     * A flood can fill the socket's receive buffer, and the kernel drops what does not
     * fit: UDP DNS clients ask again, so this does too (a stopped listener never answers).
     */
    static Message askAsAResolverDoes(SimpleResolver r) throws Exception {
        java.io.IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return r.send(query("calm-otter.vm.", Type.A));
            } catch (java.io.IOException e) {
                last = e;
            }
        }
        throw last;
    }

    @Test
    void aQueryWithABadQuestionSectionIsFormerrWithItsId() throws Exception {
        byte[] wire = query("calm-otter.vm.", Type.A).toWire();
        wire[5] = 5; // five questions announced, one sent
        try (Socket s = new Socket("127.0.0.1", dns.port())) {
            s.setSoTimeout(2000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(wire.length);
            out.write(wire);
            DataInputStream in = new DataInputStream(s.getInputStream());
            Message answer = new Message(in.readNBytes(in.readUnsignedShort()));
            assertEquals(Rcode.FORMERR, answer.getRcode());
            assertEquals(((wire[0] & 0xff) << 8) | (wire[1] & 0xff), answer.getHeader().getID());
        }
    }
}
