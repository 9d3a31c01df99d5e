package dev.banger.orchestrator.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The {@code .vm} zone (NET-4): an A record per running VM, authoritative answers for
 * everything under {@code vm.}, REFUSED for every other zone. Only the wire format is
 * dnsjava's; the answers are decided here, from a table the orchestrator replaces on
 * every start, stop and delete.
 */
public final class VmZone {
    static final Name ORIGIN = Name.fromConstantString("vm.");
    /** Short: a VM's address can change when it is deleted and a new one takes its name. */
    static final long TTL = 5;
    /** Without EDNS a UDP answer may not exceed this (RFC 1035); larger ones are truncated (TC). */
    static final int CLASSIC_UDP = 512;
    private static final Name HOST = Name.fromConstantString("ns.vm.");
    private static final Name ADMIN = Name.fromConstantString("hostmaster.vm.");

    private volatile Map<String, InetAddress> records = Map.of();
    private final AtomicLong serial = new AtomicLong(1);

    /** Replaces the whole table: VM name (one label, any case) to its IPv4 address. */
    public void replace(Map<String, String> nameToIp) {
        Map<String, InetAddress> next = new TreeMap<>();
        nameToIp.forEach((name, ip) -> next.put(name.toLowerCase(Locale.ROOT), ipv4(ip)));
        records = Map.copyOf(next);
        serial.incrementAndGet();
    }

    /** The table now, sorted by name. */
    public Map<String, String> records() {
        Map<String, String> out = new TreeMap<>();
        records.forEach((n, a) -> out.put(n, a.getHostAddress()));
        return out;
    }

    /**
     * The wire answer to one packet, at most maxLength bytes (UDP; TCP passes 65535),
     * or empty when the packet is not even a DNS header (nothing to answer to).
     */
    public Optional<byte[]> answer(byte[] packet, int length, int maxLength) {
        byte[] data = length == packet.length ? packet : java.util.Arrays.copyOf(packet, length);
        Message query;
        try {
            query = new Message(data);
        } catch (IOException | RuntimeException e) {
            return formatError(data);
        }
        Message response = answer(query);
        OPTRecord opt = query.getOPT();
        int limit = opt == null ? Math.min(maxLength, CLASSIC_UDP) : Math.min(maxLength, Math.max(CLASSIC_UDP,
                opt.getPayloadSize()));
        return Optional.of(response.toWire(limit));
    }

    /** A header we can read but a message we cannot: FORMERR with the query's id, nothing else. */
    private static Optional<byte[]> formatError(byte[] data) {
        if (data.length < Header.LENGTH) {
            return Optional.empty();
        }
        try {
            Header h = new Header(data);
            if (h.getFlag(Flags.QR)) {
                return Optional.empty(); // a response sent to us: answering could loop
            }
            Message m = new Message(h.getID());
            m.getHeader().setFlag(Flags.QR);
            m.getHeader().setOpcode(h.getOpcode());
            m.getHeader().setRcode(Rcode.FORMERR);
            return Optional.of(m.toWire());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    Message answer(Message query) {
        Header qh = query.getHeader();
        Message r = new Message(qh.getID());
        Header h = r.getHeader();
        h.setFlag(Flags.QR);
        h.setOpcode(qh.getOpcode());
        if (qh.getFlag(Flags.RD)) {
            h.setFlag(Flags.RD);
        }
        if (query.getOPT() != null) {
            r.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        }
        Record[] questions = query.getSectionArray(Section.QUESTION);
        if (qh.getFlag(Flags.QR) || questions.length != 1) {
            h.setRcode(Rcode.FORMERR);
            return r;
        }
        Record q = questions[0];
        r.addRecord(q, Section.QUESTION);
        if (qh.getOpcode() != Opcode.QUERY) {
            h.setRcode(Rcode.NOTIMP);
            return r;
        }
        Name name = q.getName();
        if (!name.subdomain(ORIGIN) || q.getDClass() != DClass.IN && q.getDClass() != DClass.ANY) {
            h.setRcode(Rcode.REFUSED);
            return r;
        }
        h.setFlag(Flags.AA);
        InetAddress address = name.labels() == 3 ? records.get(name.getLabelString(0).toLowerCase(Locale.ROOT)) : null;
        boolean apex = name.equals(ORIGIN);
        if (address == null && !apex) {
            h.setRcode(Rcode.NXDOMAIN);
            r.addRecord(soa(), Section.AUTHORITY);
            return r;
        }
        if (address != null && (q.getType() == Type.A || q.getType() == Type.ANY)) {
            r.addRecord(new ARecord(name, DClass.IN, TTL, address), Section.ANSWER);
        } else if (apex && (q.getType() == Type.SOA || q.getType() == Type.ANY)) {
            r.addRecord(soa(), Section.ANSWER);
        } else {
            // A known name without this type (AAAA: the guests have no IPv6): NOERROR, no answer.
            r.addRecord(soa(), Section.AUTHORITY);
        }
        return r;
    }

    private SOARecord soa() {
        return new SOARecord(ORIGIN, DClass.IN, TTL, HOST, ADMIN, serial.get(), 60, 30, 600, TTL);
    }

    private static InetAddress ipv4(String ip) {
        if (!ip.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new IllegalArgumentException("not an IPv4 address: " + ip);
        }
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv4 address: " + ip, e);
        }
    }
}
